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
    for found in _HALF.finditer(text):
        amount = _half(found, text, measure)
        if amount is not None:
            yield amount
    for found in _HALF_OF.finditer(text):
        amount = _half_of(found, text, measure)
        if amount is not None:
            yield amount
    for found in _METRE_TENTHS.finditer(text):
        amount = _tenths(found, text, measure)
        if amount is not None:
            yield amount


def _whole(said: str) -> Decimal | None:
    value = parse_zh_number(said)
    if value is None or value != value.to_integral_value():
        return None
    return value


def _half(found: re.Match[str], text: str, measure: Measure) -> Amount | None:
    value = _whole(found["n"])
    if value is None:
        return None
    figure = f"{value.normalize():f}{found['unit']}"
    start, end = found.start(), found.end()
    if found["unit"] == "个":  # 一个半月: the unit is 个月, its half inside it
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


def _tenths(found: re.Match[str], text: str, measure: Measure) -> Amount | None:
    value = _whole(found["n"])
    if value is None:
        return None
    after = measure("1" + text[found.end() :])
    if after is not None and after.start == 0 and after.kind in _KINDS:
        return None  # 十米五卷: the digit counts the rolls
    read = measure(f"{value.normalize():f}{found['unit']}")
    if read is None or read.kind != "qty":
        return None
    tenth = found["tenth"]
    digit = int(tenth) if tenth.isascii() else ZH_DIGITS[tenth]
    start, end = found.start(), found.end()
    return Amount("qty", value + Decimal(digit) / 10, read.unit, text[start:end], start, end)
