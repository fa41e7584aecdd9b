"""Ranges and approximate amounts: never one exact number.

两三百个 is 200 to 300 pieces, 三到五天 3 to 5 days, "between ten and twenty cartons"
10 to 20; 500多个 is more than 500 (and so are 上千 and 一千出头: upwards of, a bit
over), 几百块 some hundreds of yuan, 五十来个 about 50. Read as one number any of them
is a wrong value (两三百 is not 23, 三四天 not 34 days, 两千三四块 not 3 to 4 yuan
but 2,300 to 2,400, 500多 not 500), so each is found here whole, as an `Amount` with
a `high` or an `approx`, and the finder lets it win over the numbers inside it.

Each pattern finds the numbers and where the words after them start; what kind of
amount it is and its unit come from the finder itself, reading the last number with
those words ("300个" is a quantity of pieces, "5天" a duration in days).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal

from interpreter.amounts.amount import Amount, Approx
from interpreter.amounts.numbers import (
    EN_NUMBER_PATTERN,
    ZH_DIGITS,
    ZH_LARGE_UNITS,
    ZH_NUMBER_PATTERN,
    ZH_NUMERAL_CHARS,
    ZH_SMALL_UNITS,
    parse_number,
)

# Reads "<number><words after it>" as the finder would: the amount at its start
# (kind, unit, and how far it reaches), or None.
Measure = Callable[[str], Amount | None]

_ZH_FIGURES = "一两二三四五六七八九"
_ZH_UNITS = {**ZH_SMALL_UNITS, **ZH_LARGE_UNITS}
# Two digits said together for "one or the other": 两三 (2-3), 三四, 七八; also 一两 and 三五.
_ZH_PAIRS = {
    *(a + b for a, b in zip("一二三四五六七八", "二三四五六七八九", strict=True)),
    "一两", "两三", "三五",
}  # fmt: skip
_ZH_CONNECTOR = r"\s*(?:到|至|~|～|-|—|–)\s*"
_ZH_N = ZH_NUMBER_PATTERN
# A character of a word that is no numeral (a unit: 块, 天, 个月).
_ZH_WORD = rf"(?:(?![{ZH_NUMERAL_CHARS}点])[^\W\d])"
_F = _ZH_FIGURES
_AS_WORD = {str(digit): word for digit, word in enumerate("一二三四五六七八九", start=1)}

_ZH_PATTERNS = (
    # 三到五天, 3-5天, 十五到二十天; 五块到八块, 三天到五天 (the unit said at both ends)
    (
        "range",
        re.compile(
            rf"(?P<low>{ZH_NUMBER_PATTERN})(?P<low_unit>{_ZH_WORD}{{1,3}}?)?"
            rf"{_ZH_CONNECTOR}(?P<high>{ZH_NUMBER_PATTERN})"
        ),
    ),
    # 百分之五到十 (5% to 10%)
    (
        "percent_range",
        re.compile(rf"百分之(?P<low>{_ZH_N}){_ZH_CONNECTOR}(?:百分之)?(?P<high>{_ZH_N})"),
    ),
    # 两三百, 七八十, 一两万, 三四; after the units said before them, 十五六 (15-16),
    # 二十七八, 两千三四 (2300-2400), 一百五六十 (150-160): never inside a longer number.
    # Whisper may write one of the two digits as a figure (2千3四块 for 两千三四块).
    (
        "pair",
        re.compile(
            rf"(?<![{ZH_NUMERAL_CHARS}\d点.])(?P<head>(?:(?:\d+|[{_F}])?[十百千万亿])*)"
            rf"(?P<pair>[{_F}]{{2}}|[1-9][{_F}]|[{_F}][1-9])(?P<scale>[十百千万亿]*)"
            rf"(?![{_F}零〇\d])"
        ),
    ),
    # 几百, 好几千
    ("some", re.compile(r"(?:好)?几(?P<scale>[十百千万]+)")),
    # 上百, 上千, 上万: reaching it and more (upwards of a thousand), not some thousands
    ("upwards", re.compile(r"上(?P<scale>[百千万])(?![一二两三四五六七八九])")),
    # 十几天, 二十几个 (more than the tens)
    ("tens_more", re.compile(rf"(?P<n>[{_ZH_FIGURES}]?十)几")),
    # 五十来个, 十来天, 一千来块
    ("around", re.compile(rf"(?P<n>{ZH_NUMBER_PATTERN})来(?=[^\W\d])")),
    # 百把块, 千把个
    ("around_ba", re.compile(r"(?P<scale>[百千万])把")),
    # 个把月, 个把小时: about one (the 个 is the unit's: 一个月)
    ("around_ge", re.compile(r"(?<![一二两三四五六七八九十百千万\d])个把(?=[^\W\d])")),
    # 500件以上 (more than), 50件左右 (about): the forms span_words.py writes; 一千块出头
    # and 三十开外 (a bit over)
    (
        "after_word",
        re.compile(rf"(?P<n>{_ZH_N})(?P<unit>{_ZH_WORD}{{0,4}}?)(?P<word>以上|左右|出头|开外)"),
    ),
    # 500多个, 一百多块, 3万多; 三个多月, 五块多 (多 after the measure word)
    ("more", re.compile(rf"(?P<n>{ZH_NUMBER_PATTERN})(?P<measure>[个块元])?多(?!少)")),
)

_EN_NUMBER = rf"(?:(?:a|an)\s+(?=[a-z])|\$)?{EN_NUMBER_PATTERN}"
_EN_PATTERNS = (
    (
        "range",
        re.compile(
            rf"(?<![\w.])between\s+(?P<low>{_EN_NUMBER})\s+and\s+(?P<high>{_EN_NUMBER})"
            rf"|(?<![\w.])(?P<low2>{_EN_NUMBER})\s*(?:to|–|—)\s*(?P<high2>{_EN_NUMBER})"
            rf"|(?<![\w.])(?P<low4>\$?\d[\d,.]*)\s*-\s*(?P<high4>\$?\d[\d,.]*)"
            rf"|(?<![\w.])(?P<low3>{_EN_NUMBER})\s+or\s+(?P<high3>{_EN_NUMBER})",
            re.IGNORECASE,
        ),
    ),
    ("half_unit", re.compile(r"(?<![\w.])half\s+an?\s+(?P<unit>dollar|buck|euro)\b", re.I)),
    (
        "dozen",
        re.compile(
            rf"(?<![\w.])(?P<half>half\s+a|a|{EN_NUMBER_PATTERN})\s+dozen(?P<so>\s+or\s+so)?"
            r"(?=\s+[a-z]|\s*[^\w\s]|\s*$)",
            re.IGNORECASE,
        ),
    ),
    ("a_or_two", re.compile(r"(?<![\w.])an?\s+(?P<word>[a-z]+)\s+or\s+two\b", re.IGNORECASE)),
    # a dollar and a half, a month and a half: one and a half of the unit
    (
        "a_and_half",
        re.compile(r"(?<![\w.])an?\s+(?P<word>[a-z]+)\s+and\s+a\s+half\b", re.IGNORECASE),
    ),
    (
        "more",
        re.compile(
            # "no more than 2%" bounds it: the number is as said, not more than it
            rf"(?<![\w.])(?<!\bno\s)(?<!\bnot\s)(?:(?:just|well)\s+)?"
            rf"(?:over|more\s+than|above|upwards\s+of|north\s+of)\s+(?P<n>{_EN_NUMBER})",
            re.IGNORECASE,
        ),
    ),
    (
        "more_after",
        re.compile(
            rf"(?<![\w.])(?P<n>{_EN_NUMBER})(?:-odd|\s+odd|-something|-some|[\s-]plus|\+|\s+or\s+more)(?![\w])",
            re.IGNORECASE,
        ),
    ),
    (
        "some",
        re.compile(
            r"(?<![\w.])(?:(?:a\s+few|several)\s+(?P<scale>hundred|thousand|million)"
            r"|(?P<many>dozens|hundreds|thousands|millions|tens\s+of\s+thousands)\s+of)(?![\w])",
            re.IGNORECASE,
        ),
    ),
    (
        "around",
        re.compile(
            # "How about twenty percent off?" asks; it does not hedge
            rf"(?<![\w.])(?<!how\s)(?<!what\s)(?:about|around|roughly|approximately)"
            rf"\s+(?P<n>{_EN_NUMBER})",
            re.IGNORECASE,
        ),
    ),
    (
        "around_after",
        re.compile(rf"(?<![\w.])(?P<n>{_EN_NUMBER})(?:-ish|\s+or\s+so)(?![\w])", re.IGNORECASE),
    ),
    (
        "couple",
        re.compile(
            r"(?<![\w.])a\s+couple(?:\s+of)?\s+(?P<scale>hundred|thousand)(?![\w])", re.IGNORECASE
        ),
    ),
)
# "dozens of" is some tens, as 几十 is (a checked translation of 几十个 says it).
_EN_SCALES = {
    "hundred": 100, "thousand": 1000, "million": 1_000_000, "dozens": 10, "hundreds": 100,
    "thousands": 1000, "millions": 1_000_000,
}  # fmt: skip


def find_spans(text: str, language: str, measure: Measure) -> Iterator[Amount]:
    """Every range and approximate amount in Chinese or English `text` (folded as the
    finder folds it); the other languages' are `spans_world`'s."""
    if language == "zh":
        yield from _each_span(text, _ZH_PATTERNS, _zh_span, measure)
    elif language == "en":
        yield from _each_span(text, _EN_PATTERNS, _en_span, measure)


def _number(text: str, language: str) -> Decimal | None:
    text = re.sub(r"^(?:a|an)\s+", "one ", text.strip(), flags=re.IGNORECASE)
    return parse_number(text.lstrip("$"), language)


_KINDS = ("qty", "price", "duration", "percent")


def shaped(
    text: str, start: int, tail_at: int, value: Decimal, measure: Measure,
    high: Decimal | None = None, approx: Approx = Approx.EXACT, lead: str = "",
) -> Amount:  # fmt: skip
    """The amount from `start`: its kind and unit from the words at `tail_at`, read
    after `value` (or after the range's high end, with its `lead`, a $) as the
    finder reads them. Words that multiply the number ("about four grand": $4,000;
    "50 to 60 cents": $0.50) multiply both ends; words that add a part of one to it
    (两到三块五: 3.50 yuan) add it to the top end. Words that change it otherwise
    are not taken."""
    top = high if high is not None else value
    figure = lead + f"{top.normalize():f}"
    tail = text[tail_at:]
    spacer = " " if tail[:1].isascii() and tail[:1].isalpha() else ""
    read = measure(figure + spacer + tail)
    end, kind, unit = tail_at, "num", ""
    if read is not None and read.start == 0 and read.kind in _KINDS and read.value is not None:
        ends = _read_ends(value, high, top, read.value)
        if ends is not None:
            end = tail_at + max(0, read.end - len(figure) - len(spacer))
            kind, unit = read.kind, read.unit
            value, high = ends
    return Amount(kind, value, unit, text[start:end], start, end, high=high, approx=approx)


def _read_ends(
    value: Decimal, high: Decimal | None, top: Decimal, read: Decimal
) -> tuple[Decimal, Decimal | None] | None:
    """Both ends once the words after the top end are read with it as `read`."""
    if read == top or not top:
        return value, high
    scale = read / top
    whole = scale > 1 and scale == scale.to_integral_value()
    if whole or (scale < 1 and (1 / scale) in _TENS):
        return value * scale, None if high is None else high * scale
    if 0 < read - top < 1 and top == top.to_integral_value():
        if high is None:
            return read, None
        return (value, read) if value < read else None
    return None


# A scale that the words after a number may shrink it by: cents, 毛 (0.1).
_TENS = (Decimal(10), Decimal(100), Decimal(1000))


def _each_span(
    text: str,
    patterns: tuple[tuple[str, re.Pattern[str]], ...],
    shape: Callable[[str, re.Match[str], str, Measure], Amount | None],
    measure: Measure,
) -> Iterator[Amount]:
    """Every match of every named pattern that `shape` makes an amount of."""
    for name, pattern in patterns:
        for found in pattern.finditer(text):
            amount = shape(name, found, text, measure)
            if amount is not None:
                yield amount


def _zh_span(name: str, found: re.Match[str], text: str, measure: Measure) -> Amount | None:
    amount = _zh_span_said(name, found, text, measure)
    if amount is None or not text.endswith(_PERCENT, 0, amount.start):
        return amount
    # 百分之五六十, 百分之五十多: the range or the vague number is the percent's
    if amount.kind != "num":
        return None
    start = amount.start - len(_PERCENT)
    return replace(amount, kind="percent", said=text[start : amount.end], start=start)


_PERCENT = "百分之"


def _zh_span_said(name: str, found: re.Match[str], text: str, measure: Measure) -> Amount | None:
    start, end = found.start(), found.end()
    if name == "range":
        return _zh_range(found, text, measure)
    if name == "percent_range":
        low, high = _number(found["low"], "zh"), _number(found["high"], "zh")
        if low is None or high is None or not low < high:
            return None
        return Amount("percent", low, "", found.group(), start, end, high=high)
    if name == "pair":
        return _zh_pair(found, text, measure)
    if name == "around_ge":
        return _about_one(found, text, measure)
    if name in ("some", "upwards", "around_ba"):
        value = Decimal(_scale(found["scale"]))
        approx = {"some": Approx.SOME, "upwards": Approx.MORE}.get(name, Approx.AROUND)
        return shaped(text, start, end, value, measure, approx=approx)
    number = _number(found["n"], "zh")
    if number is None:
        return None
    if name == "after_word":
        approx = Approx.AROUND if found["word"] == "左右" else Approx.MORE
        amount = shaped(text, start, found.start("unit"), number, measure, approx=approx)
        return replace(amount, said=text[start:end], end=end)
    if name in ("tens_more", "around"):
        approx = Approx.MORE if name == "tens_more" else Approx.AROUND
        return shaped(text, start, end, number, measure, approx=approx)
    # "more": 500多个; 三个多月 and 五块多, the measure word before 多
    if found["measure"]:
        return _more_after_measure(text, found, number, measure)
    return shaped(text, start, end, number, measure, approx=Approx.MORE)


def _zh_range(found: re.Match[str], text: str, measure: Measure) -> Amount | None:
    """三到五天, 3-5天; 3到5万 is 3万 to 5万; 五块到八块, the unit said twice, one
    range where both ends are in the same unit."""
    low, high = _number(found["low"], "zh"), _number(found["high"], "zh")
    if low is None or high is None:
        return None
    if found["low_unit"]:
        return _zh_range_in_units(found, text, low, high, measure)
    # 3到5万, 三到五百个: the low end is in the high end's hundreds or more.
    units = re.search(rf"(?<=[{_F}\d])[百千万亿]+$", found["high"])
    if units and not re.search(r"[十百千万亿]", found["low"]) and low < 10:
        low *= _scale(units.group())
    if not low < high:
        return None
    return shaped(text, found.start(), found.end(), low, measure, high=high)


def _zh_range_in_units(
    found: re.Match[str], text: str, low: Decimal, high: Decimal, measure: Measure
) -> Amount | None:
    """五块到八块: the low end's unit read whole, and the same as the high end's;
    三块到三块五, the high end above the low once its dimes are read (3 to 3.50)."""
    figure = f"{low.normalize():f}{found['low_unit']}"
    read = measure(figure)
    if read is None or read.start != 0 or read.end != len(figure) or read.kind not in _KINDS:
        return None
    amount = shaped(text, found.start(), found.end(), low, measure, high=high)
    same = (amount.kind, amount.unit, amount.value) == (read.kind, read.unit, read.value)
    rises = amount.high is not None and amount.value is not None and amount.value < amount.high
    return amount if same and rises else None


def _about_one(found: re.Match[str], text: str, measure: Measure) -> Amount | None:
    """个把月 (a month or so), 个把小时: about one of a unit that starts with 个."""
    read = measure("1个" + text[found.end() :])
    if read is None or read.start != 0 or read.end <= 2 or read.kind not in ("qty", "duration"):
        return None
    start, end = found.start(), found.end() + read.end - 2
    return Amount(
        read.kind, Decimal(1), read.unit, text[start:end], start, end, approx=Approx.AROUND
    )


def _zh_pair(found: re.Match[str], text: str, measure: Measure) -> Amount | None:
    """两三百 (200-300), 七八十, 一两万, 十五六 (15-16); after the units said before
    them, the two digits count in the unit below the last one (两千三四 is 2300-2400,
    as 两千三 is 2300) or in the unit said after them (一百五六十: 150-160). 三四
    alone only before a measure word (三四天), since 三四 may be the digits 3 and 4."""
    head, units = found["head"], found["scale"]
    pair = "".join(_AS_WORD.get(char, char) for char in found["pair"])
    percent = text.endswith(_PERCENT, 0, found.start())
    if pair not in _ZH_PAIRS or (pair != found["pair"] and not head and not percent):
        return None  # a figure in the pair only after what it counts in (2千3四, 百分之3四)
    step = _pair_step(head, units)
    if step is None:
        return None
    inner, outer = step
    start = _number(head, "zh") if head else Decimal(0)
    if start is None or start % (inner * 10):
        return None  # the head has figures in the digits' own place
    low = (start + ZH_DIGITS[pair[0]] * inner) * outer
    high = (start + ZH_DIGITS[pair[1]] * inner) * outer
    if not head and not units and not percent:
        after = measure("1" + text[found.end() :])
        if after is None or after.kind == "num":
            return None
    return shaped(text, found.start(), found.end(), low, measure, high=high)


def _pair_step(head: str, units: str) -> tuple[int, int] | None:
    """What each digit of a pair counts (一百五六十: tens) and what the whole is
    counted in after it (十五六万: ten thousands); None where the units said after
    the digits do not come below those said before them (两千三四千)."""
    small = units.rstrip("万亿")
    large = units[len(small) :]
    outer = _scale(large)
    if not head:
        return _scale(small), outer
    last = _ZH_UNITS[head[-1]]
    inner = _scale(small) if small else last // 10
    if inner >= last or (large and re.search("[万亿]", head)):
        return None
    return inner, outer


def _more_after_measure(
    text: str, found: re.Match[str], value: Decimal, measure: Measure
) -> Amount:
    """三个多月 (3+ months), 一个多星期, 五块多 (5+ yuan), 一块多钱."""
    start, end = found.start(), found.end()
    word = found["measure"]
    figure = f"{value.normalize():f}"
    if word in "块元":
        read = measure(figure + word)
        stop = end + int(text[end:].startswith("钱"))
        kind, unit = (read.kind, read.unit) if read is not None else ("price", "yuan")
        return Amount(kind, value, unit, text[start:stop], start, stop, approx=Approx.MORE)
    read = measure(figure + word + text[end:])  # 三个多月: 3个月
    if read is not None and read.start == 0 and read.kind in ("duration", "qty"):
        stop = end + max(0, read.end - len(figure) - len(word))
        return Amount(
            read.kind, value, read.unit, text[start:stop], start, stop, approx=Approx.MORE
        )
    read = measure(figure + word)
    kind, unit = (read.kind, read.unit) if read is not None else ("num", "")
    return Amount(kind, value, unit, text[start:end], start, end, approx=Approx.MORE)


def _scale(units: str) -> int:
    scale = 1
    for char in units:
        scale *= _ZH_UNITS[char]
    return scale


def _en_span(name: str, found: re.Match[str], text: str, measure: Measure) -> Amount | None:
    start, end = found.start(), found.end()
    if name == "range":
        low_text = found["low"] or found["low2"] or found["low3"] or found["low4"]
        high_text = found["high"] or found["high2"] or found["high3"] or found["high4"]
        low, high = _number(low_text, "en"), _number(high_text, "en")
        if low is None or high is None:
            return None
        said = re.search(r"(hundred|thousand|million)$", high_text.strip(), re.IGNORECASE)
        step = 1
        if said and not re.search(r"hundred|thousand|million", low_text, re.I) and low < 10:
            step = _EN_SCALES[said.group(1).lower()]
            low *= step  # two or three hundred: 200 to 300
        if not low < high:
            return None
        if found["low3"] and high - low > 2 * step and not (high <= 2 * low):
            return None  # "five or six" and "500 or 600" are ranges; "two or twenty" is not
        lead = "$" if high_text.startswith("$") else ""
        return shaped(text, start, end, low, measure, high=high, lead=lead)
    if name == "half_unit":
        currency = {"dollar": "usd", "buck": "usd", "euro": "eur"}[found["unit"].lower()]
        return Amount("price", Decimal("0.5"), currency, found.group(), start, end)
    if name == "dozen":
        return _dozens(found, text, measure)
    if name == "a_or_two":
        read = measure("2 " + found["word"])
        if read is None or read.kind not in ("qty", "duration"):
            return None
        return Amount(read.kind, Decimal(1), read.unit, found.group(), start, end, high=Decimal(2))
    if name == "a_and_half":
        read = measure("2 " + found["word"])
        if read is None or read.kind not in ("qty", "price", "duration"):
            return None
        return Amount(read.kind, Decimal("1.5"), read.unit, found.group(), start, end)
    if name in ("more", "more_after", "around", "around_after"):
        value = _number(found["n"], "en")
        if value is None:
            return None
        approx = Approx.AROUND if name.startswith("around") else Approx.MORE
        tail_at = end if name in ("more", "around") else found.end("n")
        lead = "$" if found["n"].startswith("$") else ""
        amount = shaped(text, start, tail_at, value, measure, approx=approx, lead=lead)
        # "500-odd pieces": the unit comes after "odd"
        if name not in ("more", "around") and amount.end < end:
            later = shaped(text, start, end, value, measure, approx=approx, lead=lead)
            return (
                later
                if later.kind != "num"
                else Amount(
                    amount.kind, value, amount.unit, text[start:end], start, end, approx=approx
                )
            )
        return amount
    if name == "some":
        word = (found["scale"] or found["many"] or "").lower()
        some = 10_000 if word.startswith("tens") else _EN_SCALES[word]
        return shaped(text, start, end, Decimal(some), measure, approx=Approx.SOME)
    # "a couple hundred": about 200
    couple = 2 * _EN_SCALES[found["scale"].lower()]
    return shaped(text, start, end, Decimal(couple), measure, approx=Approx.AROUND)


def _dozens(found: re.Match[str], text: str, measure: Measure) -> Amount | None:
    """Half a dozen boxes: 6 boxes; a dozen pieces: 12 pieces; two dozen boxes: 24; a
    dozen or so boxes: about 12. A dozen with no unit after it (two dozen, a dozen of
    the red) is the finder's: 2 dozen; half a dozen is 6 wherever it is said."""
    said = re.sub(r"\s+", " ", found["half"].lower())
    count = {"half a": Decimal("0.5"), "a": Decimal(1)}.get(said) or _number(said, "en")
    if count is None:
        return None
    start, end = found.start(), found.end()
    approx = Approx.AROUND if found["so"] else Approx.EXACT
    dozens = (count * 12).normalize()
    amount = shaped(text, start, end, dozens, measure, approx=approx)
    if amount.kind == "num" and not found["so"] and said != "half a":
        return None
    return amount
