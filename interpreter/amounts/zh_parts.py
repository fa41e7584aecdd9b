"""Chinese amounts with a part said after the unit: 两天半 is 2.5 days, 一个半月 1.5
months, 三块半 3.50 yuan, 一斤半 1.5 jin; 一米五 is 1.5 metres, as 三块五 is 3.50 yuan;
and a half said before it: 半个月 is half a month, 半个小时 half an hour.

Read without the part each is a wrong value (两天, 一米), so each is found here whole
and the finder lets it win over the shorter amount inside it. The part may instead
start what follows, and then it is left alone:

- 半 is a half only where nothing, or a word that cannot join it, follows (两天半就到):
  半价 is half price, 半成品 half-finished goods, 半天 half a day; in 一个半月 and 一个半
  小时 the half sits inside the unit (个月, 个小时);
- the digit after 米 is tenths only where no unit follows it (十米五卷 is 10 metres and
  5 rolls) and no other figure (一米五六 is 1.5 to 1.6 metres).

A 千 right before the unit may be the unit's own (千克 is the kilogram): 两千克半 is
2.5 kilograms, never 2000.5 grams. Where 千 and the unit are no unit of the table
(千米, the kilometre), 一千米半 is 1.5 kilometres all the same, and 1000.5 metres or
1000 metres would be a wrong value: nothing is read there (`mask_unsure_parts`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from interpreter.amounts.amount import Amount
from interpreter.amounts.numbers import (
    ZH_DIGITS,
    ZH_NUMBER_PATTERN,
    ZH_NUMERAL_CHARS,
    parse_zh_number,
)
from interpreter.amounts.spans import Measure

# The unit between a number and its half has no numeral in it: in 一共两斤半 the half is
# 两斤's, not 一's with a unit 共两斤.
_UNIT_CHAR = rf"(?:(?![{ZH_NUMERAL_CHARS}点])[^\W\d])"
_HALF = re.compile(rf"(?P<n>{ZH_NUMBER_PATTERN})(?P<unit>{_UNIT_CHAR}{{1,4}}?)半")
# After a half: the end, anything but a Chinese character, or a word that cannot
# join 半 into a word of its own (半价, 半天, 半成品).
_AFTER_HALF = re.compile(r"(?![\u4e00-\u9fff])|[就到左以的了吧呢啊才都也能可要一钱]")
_METRE_TENTHS = re.compile(
    rf"(?P<n>{ZH_NUMBER_PATTERN})(?P<unit>米)(?P<tenth>[一二两三四五六七八九1-9])"
    r"(?![零〇一二两三四五六七八九十百千万\d.])"
)
_KINDS = ("qty", "price", "duration")
# 半个月, 半个小时: half of one period whose unit takes 个 (never 大半个月, most of a
# month, nor the half of 一个半月).
_HALF_OF = re.compile(rf"(?<![{ZH_NUMERAL_CHARS}\d个大多])半(?=个)")


def find_zh_parts(text: str, measure: Measure) -> Iterator[Amount]:
    """Every amount with a half or a tenth said after its unit in `text` (folded as
    the finder folds it)."""
    for pattern, read in ((_HALF, _half), (_METRE_TENTHS, _tenths)):
        for found in pattern.finditer(text):
            said = _number_and_unit(found, measure)
            amount = None if said is None else read(found, said, text, measure)
            if amount is not None:
                yield amount
    for found in _HALF_OF.finditer(text):
        amount = _half_of(found, text, measure)
        if amount is not None:
            yield amount


def mask_unsure_parts(text: str, measure: Measure, barrier: str) -> str:
    """`text` (folded as the finder folds it) with each amount whose part is said
    after a 千 and a unit that are no unit of the table (一千米半) replaced by
    `barrier`, one character for one."""
    for pattern, read in ((_HALF, _half), (_METRE_TENTHS, _tenths)):
        for found in pattern.finditer(text):
            if _number_and_unit(found, measure) is not None:
                continue
            amount = read(found, (found["n"], found["unit"]), text, measure)
            if amount is not None:
                text = text[: amount.start] + barrier * len(amount.said) + text[amount.end :]
    return text


def _number_and_unit(found: re.Match[str], measure: Measure) -> tuple[str, str] | None:
    """The number and the unit said before a part: 两 and 千克 in 两千克半, 三 and 斤 in
    三斤半; None where a 千 before the unit may be the unit's own but 千 and the unit
    are no unit of the table (一千米半)."""
    number, unit = found["n"], found["unit"]
    if not number.endswith("千"):
        return number, unit
    head = _whole(number[:-1]) if len(number) > 1 else None
    if head is None:
        return None
    figure = f"{head.normalize():f}千{unit}"
    read = measure(figure)
    if read is None or read.start != 0 or read.end != len(figure) or read.value != head:
        return None  # 1千米 is read as 1000 metres: 千米 is no unit of the table
    return number[:-1], "千" + unit


def _whole(said: str) -> Decimal | None:
    value = parse_zh_number(said)
    if value is None or value != value.to_integral_value():
        return None
    return value


def _half(
    found: re.Match[str], said: tuple[str, str], text: str, measure: Measure
) -> Amount | None:
    number, unit = said
    value = _whole(number)
    if value is None:
        return None
    figure = f"{value.normalize():f}{unit}"
    start, end = found.start(), found.end()
    if unit == "个":  # 一个半月: the unit is 个月, its half inside it
        read = measure(figure + text[end:])
        if read is not None and read.start == 0 and read.kind in _KINDS and read.end > len(figure):
            stop = end + read.end - len(figure)
            return Amount(
                read.kind, value + Decimal("0.5"), read.unit, text[start:stop], start, stop
            )
    read = measure(figure)
    if read is None or read.start != 0 or read.end != len(figure) or read.kind not in _KINDS:
        return None
    if not _AFTER_HALF.match(text, end):
        return None
    return Amount(read.kind, value + Decimal("0.5"), read.unit, text[start:end], start, end)


def _half_of(found: re.Match[str], text: str, measure: Measure) -> Amount | None:
    """半个月 (half a month), 半个小时: a half of the period read after 半."""
    read = measure("1" + text[found.end() :])
    if read is None or read.start != 0 or read.kind != "duration" or read.end <= 2:
        return None
    start, end = found.start(), found.end() + read.end - 1
    return Amount("duration", Decimal("0.5"), read.unit, text[start:end], start, end)


def _tenths(
    found: re.Match[str], said: tuple[str, str], text: str, measure: Measure
) -> Amount | None:
    number, unit = said
    value = _whole(number)
    if value is None:
        return None
    after = measure("1" + text[found.end() :])
    if after is not None and after.start == 0 and after.kind in _KINDS:
        return None  # 十米五卷: the digit counts the rolls
    read = measure(f"{value.normalize():f}{unit}")
    if read is None or read.kind != "qty":
        return None
    tenth = found["tenth"]
    digit = int(tenth) if tenth.isascii() else ZH_DIGITS[tenth]
    start, end = found.start(), found.end()
    return Amount("qty", value + Decimal(digit) / 10, read.unit, text[start:end], start, end)
