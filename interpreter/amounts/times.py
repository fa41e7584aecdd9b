"""Times of day: 七点半 is 7:30, not 7; 十点一刻 10:15, not 10.1; "half past seven".

A time is an `Amount` of kind "time" whose value is minutes after midnight: 24-hour
when the part of the day is said (下午4点半 and 下午4:30 are 16:30, "5 pm" 17:00, "6 in
the evening" 18:00), as said when it is not (七点半 is 7:30, 差一刻十二点 11:45, the
British "half seven" 7:30). Two times joined (早上9点到下午5点, "9 am to 5 pm") are one
range, the second taking the first's part of the day when it has none of its own
(下午两点到四点 is 14:00 to 16:00).

In Chinese N点 is also a decimal point (一百点25, 三点五): it is a time only with a
part of the day, 半, 一刻/三刻, minutes with 分, 整 or 钟, minutes in tens (九点二十 is
9:20: a decimal's digits are never said with 十), or when no figure follows it (8点关门,
十一点前). 一点 alone is "a little" (一点都不贵, 便宜一点), never one o'clock.

The other languages' times are read in `times_world`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from decimal import Decimal

from interpreter.amounts.amount import Amount
from interpreter.amounts.numbers import parse_en_number, parse_zh_number
from interpreter.amounts.times_world import world_times

_ZH_PARTS = {
    "凌晨": 0, "早上": 0, "早晨": 0, "上午": 0, "明早": 0, "中午": 12, "下午": 12,
    "傍晚": 12, "晚上": 12, "今晚": 12,
}  # fmt: skip
_ZH_HOUR = r"[零一二两三四五六七八九十]{1,3}|\d{1,2}"
_ZH_MINUTE = r"[零一二两三四五六七八九十]{1,4}|\d{1,2}"
_ZH_PART = "|".join(_ZH_PARTS)
# Minutes said in tens with no 分 (二十, 四十五, 十): never a decimal's digits.
_ZH_TENS_MINUTE = r"[一二三四五]?十[一二三四五六七八九]?"


def _zh_time(n: str = "") -> str:
    """One Chinese time, its groups' names ending in `n`."""
    return (
        rf"(?:差(?P<before{n}>一刻|三刻|(?:{_ZH_MINUTE})分))?(?P<part{n}>{_ZH_PART})?"
        rf"(?P<h{n}>{_ZH_HOUR})(?::(?P<c{n}>[0-5]\d)|点"
        rf"(?:(?P<half{n}>半)|(?P<q{n}>一刻|三刻)|零?(?P<m{n}>{_ZH_MINUTE})分"
        rf"|差(?P<less{n}>一刻|三刻|(?:{_ZH_MINUTE})分)"
        rf"|(?P<tens{n}>{_ZH_TENS_MINUTE})|(?P<whole{n}>整|钟))?)"
        rf"(?![零一二两三四五六七八九十\d:])"
    )


_ZH_ONE = re.compile(_zh_time())
_ZH_RANGE = re.compile(_zh_time() + r"\s*(?:到|至|-|~|～)\s*" + _zh_time("2"))
_CLOCK = r"(?P<h{n}>[01]?\d|2[0-3]):(?P<m{n}>[0-5]\d)"
_DIGITAL = re.compile(rf"(?<![\d:.]){_CLOCK.format(n='')}(?![\d:])")
_DIGITAL_RANGE = re.compile(
    rf"(?<![\d:.]){_CLOCK.format(n='')}\s*[-–~]\s*{_CLOCK.format(n='2')}(?![\d:])"
)

_EN_HOURS = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve",
)  # fmt: skip
_EN_HOUR = rf"(?:{'|'.join(_EN_HOURS)}|1[0-2]|0?[1-9])"
_EN_MINUTE = (
    r"(?:oh\s+(?:one|two|three|four|five|six|seven|eight|nine)"
    r"|(?:twenty|thirty|forty|fifty)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
)
_EN_PARTS = (
    r"\s+in\s+the\s+(?:morning|afternoon|evening)|\s+at\s+night|\s+tonight"
    r"|\s+(?:tomorrow|this)\s+(?:morning|afternoon|evening)"
)
_EN_AFTER = rf"(?P<ap>\s*(?:a\.?m\.?|p\.?m\.?)(?![a-z])|{_EN_PARTS})?"


def _after_words(n: str) -> str:
    """The words that say the part of the day, as group `ap<n>`."""
    return _EN_AFTER.replace("ap>", f"ap{n}>")


# Minutes counted past or to an hour: twenty past three, ten to eight, 10 past 6.
_EN_CLOCK_MINUTE = (
    r"(?:(?:twenty)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three"
    r"|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|[1-9]|[12]\d)(?:\s+minutes?)?"
)
# "ten to eight" may also count ten things up to eight, and "5 after 3" anything: they
# are a time only after a word that leads to one (at ten to eight, it's ten to eight).
_EN_CLOCK_LEAD = "|".join(
    f"(?<=\\b{word}\\s)"
    for word in (
        "at",
        "by",
        "until",
        "till",
        "before",
        "around",
        "about",
        "it's",
        "it’s",
        r"it\sis",
    )
)


def _counted(n: str, directions: str, lead: str = "") -> str:
    """Minutes `directions` (past, to) an hour, its groups' names ending in `n`."""
    return (
        rf"{lead}(?P<cm{n}>{_EN_CLOCK_MINUTE})\s+(?P<cdir{n}>{directions})\s+"
        rf"(?P<h{n}>{_EN_HOUR}){_after_words(n)}"
    )


# "Half seven hundred" halves a number; it is no time.
_NO_SCALE = r"(?!\s+(?:hundred|thousand|million|dozen)\b)"
# A spoken time without "at" (ten fifteen tomorrow): a part-of-day word follows.
_MINUTE_END = r"(?=\s+(?:tomorrow|tonight|this|in\s+the|a\.?m|p\.?m))"
_EN_ONE = (
    rf"(?P<h>\d{{1,2}})(?::(?P<m>\d{{2}}))?(?P<ap>\s*(?:a\.?m\.?|p\.?m\.?)(?![a-z]))"
    rf"|{_counted('8', 'past')}|{_counted('9', 'to|till|before|after', f'(?:{_EN_CLOCK_LEAD})')}"
    rf"|(?P<h2>{_EN_HOUR})\s+o'?clock{_after_words('2')}"
    rf"|half\s+past\s+(?P<h3>{_EN_HOUR}){_after_words('3')}"
    rf"|(?:a\s+)?quarter\s+(?P<dir>past|to)\s+(?P<h4>{_EN_HOUR}){_after_words('4')}"
    rf"|(?P<h5>{_EN_HOUR})\s+(?P<m5>{_EN_MINUTE}){_MINUTE_END}{_after_words('5')}"
    rf"|(?<=\bat\s|\bby\s)(?P<h6>{_EN_HOUR})(?:\s+(?P<m6>{_EN_MINUTE}))?{_after_words('6')}"
    rf"|(?P<h7>\d{{1,2}}):(?P<m7>\d{{2}})(?P<ap7>{_EN_PARTS})"  # 2:30 this afternoon
    # British "half seven" (7:30), only after a word that leads to a time
    rf"|(?:{_EN_CLOCK_LEAD})half\s+(?P<h10>{_EN_HOUR}){_NO_SCALE}{_after_words('10')}"
    # "before 6 in the evening": a bare hour with its part of the day after a lead word
    rf"|(?:{_EN_CLOCK_LEAD})(?P<h11>{_EN_HOUR})(?P<ap11>{_EN_PARTS})"
)
_EN = re.compile(rf"(?<![\w:])(?:{_EN_ONE})(?![\w:])", re.IGNORECASE)
_EN_RANGE_JOIN = re.compile(r"^\s*(?:to|-|–|until|till)\s*$", re.IGNORECASE)
_PM_WORDS = ("p", "afternoon", "evening", "night", "tonight")
# A bare hour before a time with its part of the day: "between 2 and 4 pm", "from 9
# to 5 pm", "8 to 11 in the morning" (the text before the second time ends in it).
_EN_BARE_LOW = re.compile(
    rf"(?<![\w:])(?:(?P<lead>between|from)\s+)?(?P<h>{_EN_HOUR})(?::(?P<m>[0-5]\d))?"
    r"\s*(?P<join>and|to|until|till|-|–)\s*$",
    re.IGNORECASE,
)


def find_times(text: str, language: str) -> Iterator[Amount]:
    """Every time of day in `text`, and every range of two of them."""
    if language == "zh":
        yield from _zh_times(text)
    elif language == "en":
        yield from _en_times(text)
    else:
        yield from world_times(text, language)
    for found in _DIGITAL_RANGE.finditer(text):
        low = int(found["h"]) * 60 + int(found["m"])
        high = int(found["h2"]) * 60 + int(found["m2"])
        if low < high:
            yield _time(text, found.start(), found.end(), low, high)
    for found in _DIGITAL.finditer(text):
        minutes = int(found["h"]) * 60 + int(found["m"])
        yield _time(text, found.start(), found.end(), minutes)


def _time(text: str, start: int, end: int, minutes: int, high: int | None = None) -> Amount:
    return Amount(
        "time", Decimal(minutes), "", text[start:end], start, end,
        high=None if high is None else Decimal(high),
    )  # fmt: skip


def _zh_minutes(found: re.Match[str], n: str = "", part: str | None = None) -> int | None:
    """Minutes after midnight of one Chinese time (group names ending in `n`); `part`
    is the part of the day to use when this one says none."""
    hour = parse_zh_number(found[f"h{n}"])
    if hour is None or hour != hour.to_integral_value() or not 0 <= hour <= 24:
        return None
    said_part = found[f"part{n}"] or part
    clock = found[f"c{n}"]
    if clock and (said_part is None or not found[f"h{n}"].isdigit()):
        return None  # 4:30 alone is as written, read as every language reads it
    minute = int(clock) if clock else 0
    if found[f"half{n}"]:
        minute = 30
    elif found[f"q{n}"]:
        minute = 15 if found[f"q{n}"] == "一刻" else 45
    elif found[f"m{n}"] or found[f"tens{n}"]:
        value = parse_zh_number(found[f"m{n}"] or found[f"tens{n}"])
        if value is None or not 0 <= value < 60:
            return None
        minute = int(value)
    before = found[f"before{n}"]
    less = found[f"less{n}"]
    said_minutes = found[f"half{n}"] or found[f"q{n}"] or found[f"m{n}"] or found[f"tens{n}"]
    said_minutes = said_minutes or less or clock
    detail = said_part or before or said_minutes
    if not detail and not found[f"whole{n}"]:
        if re.match(r"[\d.]", _after(found, n)):
            return None  # 三点五: a decimal
        if found[f"h{n}"] == "一":
            return None  # 一点都不贵, 便宜一点: a little
    hours = int(hour)
    if said_part is not None:
        shift = _ZH_PARTS[said_part]
        if shift and hours < 12 and not (said_part == "中午" and hours >= 3):
            hours += shift
    total = hours * 60 + minute
    for early_said in (before, less):  # 差五分八点, 八点差一刻: minutes before the hour
        early = _zh_minutes_before(early_said)
        if early is None:
            return None
        total -= early
    return total % (24 * 60)


def _zh_minutes_before(said: str | None) -> int | None:
    """The minutes said with 差 (0 where nothing is): 五分 5, 一刻 15, 三刻 45."""
    if not said:
        return 0
    if said in ("一刻", "三刻"):
        return 15 if said == "一刻" else 45
    early = parse_zh_number(said.removesuffix("分"))
    if early is None or not 0 < early < 60:
        return None
    return int(early)


def _after(found: re.Match[str], n: str) -> str:
    return found.string[found.end(f"h{n}") + 1 : found.end(f"h{n}") + 2]


def _zh_times(text: str) -> Iterator[Amount]:
    for found in _ZH_RANGE.finditer(text):
        low = _zh_minutes(found)
        high = _zh_minutes(found, "2", part=found["part"])
        if low is not None and high is not None and low < high:
            yield _time(text, found.start(), found.end(), low, high)
    for found in _ZH_ONE.finditer(text):
        minutes = _zh_minutes(found)
        if minutes is not None:
            yield _time(text, found.start(), found.end(), minutes)


def _en_number(text: str | None) -> int | None:
    if not text:
        return None
    value = parse_en_number(text.replace("oh ", "").replace("-", " "))
    return None if value is None else int(value)


def _en_minutes(found: re.Match[str]) -> int | None:
    groups = found.groupdict()
    hour: int | None = None
    minute = 0
    suffix = ""
    for n in ("", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"):
        if groups.get(f"h{n}"):
            hour = _en_number(groups[f"h{n}"])
            minute = _en_number(groups.get(f"m{n}")) or 0
            suffix = (groups.get(f"ap{n}") or "").lower()
            if n in ("3", "10"):
                minute = 30
            if n == "4":
                minute = 15 if groups["dir"].lower() == "past" else -15
            if n in ("8", "9"):
                counted = _counted_minutes(groups[f"cm{n}"], groups[f"cdir{n}"])
                if counted is None:
                    return None
                minute = counted
            break
    if hour is None or not 0 <= hour <= 23 or not -30 <= minute < 60:
        return None
    said = suffix.strip()
    pm = said.startswith("p") or any(word in said for word in _PM_WORDS[1:])
    am = (said.startswith("a") and not said.startswith("at")) or "morning" in said
    if pm and hour < 12:
        hour += 12
    elif am and hour == 12:
        hour = 0
    return (hour * 60 + minute) % (24 * 60)


def _counted_minutes(said: str, direction: str) -> int | None:
    """Minutes after the hour of "twenty past", "ten to" (-10); None where the count
    is not up to half an hour."""
    count = _en_number(re.sub(r"\s+minutes?$", "", said.lower()))
    if count is None or not 0 < count <= 30:
        return None
    return count if direction.lower() in ("past", "after") else -count


def _en_times(text: str) -> Iterator[Amount]:
    found_all = [(found, _en_minutes(found)) for found in _EN.finditer(text)]
    for (first, low), (second, high) in itertools.pairwise(found_all):
        joined = _EN_RANGE_JOIN.match(text[first.end() : second.start()])
        if joined and low is not None and high is not None and low < high:
            yield _time(text, first.start(), second.end(), low, high)
    for found, minutes in found_all:
        if minutes is not None:
            yield _time(text, found.start(), found.end(), minutes)
            yield from _from_bare_hour(text, found, minutes)


def _from_bare_hour(text: str, found: re.Match[str], high: int) -> Iterator[Amount]:
    """The range "between 2 and 4 pm" (14:00 to 16:00) ending at `found`, a time whose
    part of the day is said: the bare hour before it takes that part where it then
    comes first (2 to 4 pm), else stays as said (9 to 5 pm, 11 to 1 pm)."""
    if not any(value for name, value in found.groupdict().items() if name.startswith("ap")):
        return
    bare = _EN_BARE_LOW.search(text, 0, found.start())
    if bare is None or (bare["join"].lower() == "and" and not bare["lead"]):
        return
    hour = _en_number(bare["h"])
    if hour is None or not 1 <= hour <= 12:
        return
    minute = int(bare["m"] or 0)
    for shifted in (hour + 12 if high >= 12 * 60 and hour < 12 else hour, hour):
        low = shifted * 60 + minute
        if low < high:
            yield _time(text, bare.start(), found.end(), low, high)
            return


def render_time(amount: Amount, language: str) -> str:
    """A time (or a range of two) in `language`, in a form read back as the same."""
    if amount.value is None:
        return ""
    low = _written(int(amount.value), language)
    if amount.high is None:
        return low
    high = _written(int(amount.high), language)
    joiner = {"zh": "到", "en": " to "}.get(language, "–")
    return f"{low}{joiner}{high}"


def _written(minutes: int, language: str) -> str:
    hours, minute = divmod(minutes, 60)
    if language == "zh":
        part = "" if hours < 12 else "中午" if hours == 12 else "下午" if hours < 18 else "晚上"
        hour = hours if hours <= 12 else hours - 12
        return f"{part}{hour}点" + (f"{minute:02d}分" if minute else "")
    if language == "en":
        hour = hours % 12 or 12
        return f"{hour}:{minute:02d} {'pm' if hours >= 12 else 'am'}"
    return f"{hours}:{minute:02d}"
