"""Times of day in es, fr, de, it, pt, ru and ar: "a las tres y media de la tarde" is
15:30, never 3.5; "halb drei" 2:30, never 3; "в 3 часа дня" 15:00, never a duration
of 3 hours; "dalle 9 alle 17" 9:00 to 17:00, never 9 and 17.

A number is a time only when the words around it say so, since the same words also
count things: "a las tres cajas" is three boxes, "3 часа" three hours, "à 9" may be a
price. What says so, per language (`ClockWords`):

- a part of the day (de la tarde, am Nachmittag, дня, مساء), the word that is only a
  clock's (Uhr, en punto), or a half or quarter said before the hour (halb drei,
  Viertel vor acht): a time wherever it is;
- the word for "at" (a las, alle, às, um, الساعة), where it says a time on its own,
  with minutes, a half, a quarter or the word for hours, or else with nothing after
  it but the end of the clause or a word such as "tomorrow" ("a las tres cajas" is
  not a time); in French and Russian (à, в) only with the word for hours.

As in `times`: minutes after midnight, 24-hour where the part of the day is said, as
said where it is not; two times joined ("de las 9 a las 17") are one range.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from interpreter.amounts.amount import Amount
from interpreter.amounts.numbers import parse_number
from interpreter.amounts.numwords.grammar import small_number_pattern
from interpreter.amounts.numwords.spelling import alternation

_END = r"(?![^\W\d_])"


@dataclass(frozen=True)
class ClockWords:
    """How one language says a time. Fields ending in `_re` are regexes; the dicts map
    words to minutes (after or before the hour) or to a part of the day."""

    at_re: str  # "at" before the hour: a las, alle, um
    at_alone: bool  # "at" and an hour are a time with nothing more (not à 9, в 3)
    since_re: str  # a range's first end: de las, dalle, von
    until_re: str  # its second: a las, alle, bis
    range_alone: bool  # since/until are a clock's words ("dalle 9 alle 17"), not von...bis
    hours: tuple[str, ...] = ()  # the word for hours after the number: horas, heures
    sharp: tuple[str, ...] = ()  # clock words that make a time alone: Uhr, en punto
    after_hour: dict[str, int] = field(default_factory=dict)  # y media: 30
    before_hour: dict[str, int] = field(default_factory=dict)  # halb: -30
    plus: tuple[str, ...] = ()  # minutes after the hour: y (veinte)
    minus: tuple[str, ...] = ()  # minutes before it: menos (diez)
    past_to: tuple[str, str] | None = None  # zehn nach drei, zehn vor drei
    minute_words: tuple[str, ...] = ()
    parts: dict[str, str] = field(default_factory=dict)  # de la tarde: afternoon
    then: tuple[str, ...] = ()  # may follow a bare "a las tres": mañana, hoy
    hour_words: dict[str, int] = field(default_factory=dict)  # الثالثة: 3
    # Minutes into the hour before the one named by its ordinal: половина пятого is
    # half of the fifth hour (4:30), четверть третьего a quarter of the third (2:15).
    of_hour: dict[str, int] = field(default_factory=dict)  # половина: -30
    ordinal_hours: dict[str, int] = field(default_factory=dict)  # пятого: 5


_CLOCKS = {
    "es": ClockWords(
        at_re=r"(?:a|sobre|hacia|hasta|desde|son|antes\s+de|despu[eé]s\s+de)\s+las|(?:a|es)\s+la",
        at_alone=True,
        since_re=r"(?:de|desde)\s+las?",
        until_re=r"(?:a|hasta)\s+las?",
        range_alone=True,
        hours=("horas", "hora"),
        sharp=("en punto",),
        after_hour={"y media": 30, "y cuarto": 15, "menos cuarto": -15, "menos un cuarto": -15},
        plus=("y",),
        minus=("menos",),
        minute_words=("minutos", "minuto"),
        parts={
            "de la mañana": "morning", "por la mañana": "morning",
            "de la madrugada": "small", "del mediodía": "noon", "de la tarde": "afternoon",
            "por la tarde": "afternoon", "de la noche": "night", "por la noche": "night",
        },
        then=("mañana", "hoy", "por favor", "entonces", "más o menos"),
    ),
    "pt": ClockWords(
        at_re=r"[àá]s|[àá]|(?:at[ée]|antes\s+das|depois\s+das|a\s+partir\s+das|pelas)(?:\s+[àa]s)?",
        at_alone=True,
        since_re=r"das|desde\s+[àa]s|da",
        until_re=r"(?:at[ée]\s+)?[àá]s|[àá]",
        range_alone=True,
        hours=("horas", "hora", "h"),
        sharp=("em ponto",),
        after_hour={
            "e meia": 30, "e um quarto": 15, "e quarto": 15, "menos um quarto": -15,
            "menos quarto": -15,
        },
        plus=("e",),
        minus=("menos",),
        minute_words=("minutos", "minuto"),
        parts={
            "da manhã": "morning", "de manhã": "morning", "da madrugada": "small",
            "da tarde": "afternoon", "de tarde": "afternoon", "da noite": "night",
            "de noite": "night",
        },
        then=("amanhã", "hoje", "por favor", "então"),
    ),
    "it": ClockWords(
        at_re=r"alle|all['’]|(?:verso|entro|dopo)\s+le|(?:verso|entro|dopo)\s+l['’]|prima\s+delle"
        r"|fino\s+alle|dalle|dall['’]",
        at_alone=True,
        since_re=r"dalle|dall['’]",
        until_re=r"alle|all['’]",
        range_alone=True,
        sharp=("in punto",),
        after_hour={
            "e mezza": 30, "e mezzo": 30, "e un quarto": 15, "e quarto": 15,
            "e tre quarti": 45, "meno un quarto": -15, "meno quarto": -15,
        },
        plus=("e",),
        minus=("meno",),
        minute_words=("minuti", "minuto"),
        parts={
            "di mattina": "morning", "del mattino": "morning", "della mattina": "morning",
            "di mattino": "morning", "del pomeriggio": "afternoon",
            "di pomeriggio": "afternoon", "di sera": "evening", "della sera": "evening",
            "di notte": "night", "della notte": "night",
        },
        then=("domani", "oggi", "per favore", "allora"),
    ),
    "fr": ClockWords(
        at_re=r"[àa]|vers|d[èe]s|jusqu['’][àa]|avant|apr[èe]s",
        at_alone=False,
        since_re=r"de|d[èe]s",
        until_re=r"[àa]|jusqu['’][àa]",
        range_alone=False,
        hours=("heures", "heure", "h"),
        sharp=("pile", "précises"),
        after_hour={"et demie": 30, "et demi": 30, "et quart": 15, "moins le quart": -15,
                    "moins quart": -15},
        minus=("moins",),
        minute_words=("minutes",),
        parts={
            "du matin": "morning", "de l'après-midi": "afternoon",
            "de l’après-midi": "afternoon", "du soir": "evening", "de la nuit": "night",
        },
    ),
    "de": ClockWords(
        at_re=r"um|gegen",
        at_alone=True,
        since_re=r"von|ab",
        until_re=r"bis",
        range_alone=False,
        sharp=("uhr",),
        before_hour={"halb": -30, "viertel nach": 15, "viertel vor": -15, "dreiviertel": -15,
                     "drei viertel": -15},
        past_to=("nach", "vor"),
        minute_words=("minuten",),
        parts={
            "morgens": "morning", "früh": "morning", "am morgen": "morning",
            "vormittags": "morning", "am vormittag": "morning", "mittags": "noon",
            "am mittag": "noon", "nachmittags": "afternoon", "am nachmittag": "afternoon",
            "abends": "evening", "am abend": "evening", "nachts": "night",
            "in der nacht": "night",
        },
        then=("morgen", "heute", "bitte", "dann"),
    ),
    "ru": ClockWords(
        at_re=r"в|во|к|около|после|до",
        at_alone=False,
        since_re=r"с|со",
        until_re=r"до",
        range_alone=False,
        hours=("часов", "часа", "час", "часам"),
        before_hour={"без четверти": -15},
        minute_words=("минут", "минуты", "минуту"),
        parts={"утра": "morning", "дня": "afternoon", "вечера": "evening", "ночи": "night"},
        of_hour={"половина": -30, "половине": -30, "половину": -30, "четверть": -45},
        ordinal_hours={
            "первого": 1, "второго": 2, "третьего": 3, "четвёртого": 4, "пятого": 5,
            "шестого": 6, "седьмого": 7, "восьмого": 8, "девятого": 9, "десятого": 10,
            "одиннадцатого": 11, "двенадцатого": 12,
        },
    ),
    "ar": ClockWords(
        at_re=r"(?:(?:في|عند|حوالي|بعد|قبل|حتى)\s+)?الساع[ةه]",
        at_alone=True,
        since_re=r"من\s+الساع[ةه]",
        until_re=r"(?:إلى|الى|حتى|لغاية)\s+الساع[ةه]",
        range_alone=True,
        after_hour={
            "والنصف": 30, "و النصف": 30, "ونصف": 30, "ونص": 30, "والربع": 15, "وربع": 15,
            "والثلث": 20, "وثلث": 20, "إلا ربعا": -15, "إلا ربع": -15, "إلا الربع": -15,
            "إلا ثلثا": -20, "إلا ثلث": -20,
        },
        plus=("و",),
        minus=("إلا",),
        minute_words=("دقائق", "دقيقة"),
        parts={
            "صباحا": "morning", "صباحًا": "morning", "صباحاً": "morning", "صباح": "morning",
            "الصبح": "morning", "ظهرا": "noon", "ظهرًا": "noon", "الظهر": "noon",
            "بعد الظهر": "afternoon", "عصرا": "afternoon", "العصر": "afternoon",
            "مساء": "evening", "مساءً": "evening", "مساءا": "evening", "المساء": "evening",
            "ليلا": "night", "ليلاً": "night", "الليل": "night",
        },
        then=("غدا", "اليوم", "بالضبط", "تقريبا"),
        hour_words={
            "الواحدة": 1, "الثانية": 2, "الثالثة": 3, "الرابعة": 4, "الخامسة": 5,
            "السادسة": 6, "السابعة": 7, "الثامنة": 8, "التاسعة": 9, "العاشرة": 10,
            "الحادية عشرة": 11, "الحادية عشر": 11, "الثانية عشرة": 12, "الثانية عشر": 12,
        },
    ),
}  # fmt: skip


@dataclass(frozen=True)
class _Patterns:
    one: re.Pattern[str]
    range: re.Pattern[str]
    then: re.Pattern[str]


def _words(words: tuple[str, ...] | dict[str, int] | dict[str, str], language: str) -> str:
    return f"{alternation(tuple(words), language)}{_END}" if words else "(?!)"


def _time(clock: ClockWords, language: str, n: str) -> str:
    """One time after its "at" word, its groups' names ending in `n`."""
    number = small_number_pattern(language)
    hour = f"{number}|{_words(clock.hour_words, language)}" if clock.hour_words else number
    joined_number = small_number_pattern(language, joined=True)
    minute_words = rf"(?:\s*{_words(clock.minute_words, language)})?"
    before = rf"(?P<pre{n}>{_words(clock.before_hour, language)})\s+"
    if clock.past_to is not None:
        past, to = clock.past_to
        before = rf"(?:{before}|(?P<bm{n}>{number})\s+(?P<dir{n}>{past}|{to}){_END}\s+)"
    joined = ""
    if clock.plus:
        plus = alternation(clock.plus, language)
        joined += rf"|\s+{plus}\s*(?P<plus{n}>{joined_number}){minute_words}"
    if clock.minus:
        minus = alternation(clock.minus, language)
        joined += rf"|\s+{minus}\s*(?P<minus{n}>{joined_number}){minute_words}"
    sharp, hours = _words(clock.sharp, language), _words(clock.hours, language)
    said_hour = (
        rf"(?:{before})?(?P<h{n}>{hour})"
        rf"(?:\s*(?:(?P<sharp{n}>{sharp})|(?P<hours{n}>{hours}))"
        rf"(?:\s*(?P<m{n}>{number}){minute_words})?)?"
    )
    if clock.of_hour:
        of_hour, ordinal = _words(clock.of_hour, language), _words(clock.ordinal_hours, language)
        said_hour = rf"(?:(?P<of{n}>{of_hour})\s+(?P<oh{n}>{ordinal})|{said_hour})"
    return (
        rf"{said_hour}"
        rf"(?:\s+(?P<off{n}>{_words(clock.after_hour, language)}){joined})?"
        rf"(?:\s+(?P<part{n}>{_words(clock.parts, language)}))?"
    )


@cache
def _patterns(language: str) -> _Patterns:
    clock = _CLOCKS[language]
    edge = r"(?<![^\W\d_])"
    then = _words(clock.then, language) if clock.then else "(?!)"
    return _Patterns(
        one=re.compile(rf"{edge}(?:(?P<at>{clock.at_re})\s*)?{_time(clock, language, '')}"),
        range=re.compile(
            rf"{edge}(?:{clock.since_re})\s*{_time(clock, language, '')}"
            rf"\s*(?:{clock.until_re})\s*{_time(clock, language, '2')}"
        ),
        then=re.compile(rf"\s*(?:$|[^\w\s]|{then})"),
    )


def world_times(text: str, language: str) -> Iterator[Amount]:
    """Every time of day, and every range of two, in `text` (folded as the finder
    folds it) in one of the languages of `_CLOCKS`."""
    clock = _CLOCKS.get(language)
    if clock is None:
        return
    patterns = _patterns(language)
    for found in patterns.range.finditer(text):
        hours = bool(found["hours"] and found["hours2"])  # de 9h à 17h, not de 2 à 3 heures
        alone = clock.range_alone and _ends_the_clause(found, patterns.then)
        said = _said(found, "") or _said(found, "2") or hours or alone
        part, part2 = found["part"], found["part2"]
        low = _minutes(found, clock, language, "", part or part2)
        high = _minutes(found, clock, language, "2", part2 or part)
        if part is None and low is not None and high is not None and not low < high:
            low = _minutes(found, clock, language, "", None)
        if said and low is not None and high is not None and low < high:
            yield _amount(text, found.start(), found.end(), low, high)
    for found in patterns.one.finditer(text):
        minutes = _minutes(found, clock, language, "", found["part"])
        if minutes is not None and _is_time(found, clock, patterns.then):
            yield _amount(text, found.start(), found.end(), minutes)


def _said(found: re.Match[str], n: str) -> bool:
    """Whether the words of one time say it is one wherever it is."""
    return any(_group(found, f"{name}{n}") for name in ("part", "pre", "sharp", "of"))


def _group(found: re.Match[str], name: str) -> str | None:
    """A group's text; None where it did not match or this language has no such group."""
    return found.groupdict().get(name)


def _is_time(found: re.Match[str], clock: ClockWords, then: re.Pattern[str]) -> bool:
    if _said(found, ""):
        return True
    if not found["at"]:
        return False
    if found["hours"]:
        return True
    if not clock.at_alone:
        return False
    return _ends_the_clause(found, then)


_NUMBER_GROUPS = ("h", "m", "plus", "minus", "h2", "m2", "plus2", "minus2")


def _ends_the_clause(found: re.Match[str], then: re.Pattern[str]) -> bool:
    """A time that ends in a number ("a las tres", "a las 9 y 10") is one only where
    no noun follows, which would be what it counts ("a las tres cajas")."""
    numbers = [name for name in _NUMBER_GROUPS if _group(found, name)]
    if all(found.end(name) < found.end() for name in numbers):
        return True
    return then.match(found.string, found.end()) is not None


def _minutes(
    found: re.Match[str], clock: ClockWords, language: str, n: str, part: str | None
) -> int | None:
    """Minutes after midnight of one time (groups ending in `n`), in `part` of the day."""
    of_hour = _group(found, f"of{n}")
    if of_hour:  # половина пятого: half of the fifth hour
        hour: int | None = _lookup(found[f"oh{n}"], clock.ordinal_hours, language)
    else:
        hour = _number(found[f"h{n}"], clock, language)
    if hour is None or not 0 <= hour <= 24:
        return None
    offset = 0
    if of_hour:
        offset = _lookup(of_hour, clock.of_hour, language)
    elif found[f"pre{n}"]:
        offset = _lookup(found[f"pre{n}"], clock.before_hour, language)
    elif _group(found, f"bm{n}"):
        before = _number(found[f"bm{n}"], clock, language)
        if before is None or not 0 < before < 60:
            return None
        offset = before if clock.past_to and found[f"dir{n}"] == clock.past_to[0] else -before
    for name, sign in ((f"m{n}", 1), (f"plus{n}", 1), (f"minus{n}", -1)):
        if _group(found, name):
            minute = _number(found[name], clock, language)
            if minute is None or not 0 <= minute < 60:
                return None
            offset += sign * minute
    if found[f"off{n}"]:
        offset += _lookup(found[f"off{n}"], clock.after_hour, language)
    if part is not None:
        hour = _shifted(hour, _lookup_part(part, clock, language))
    return (hour * 60 + offset) % (24 * 60)


def _number(said: str, clock: ClockWords, language: str) -> int | None:
    for word, hour in clock.hour_words.items():
        if re.fullmatch(_words((word,), language), said):
            return hour
    value = parse_number(said, language)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def _lookup(said: str, table: dict[str, int], language: str) -> int:
    return next(v for word, v in table.items() if re.fullmatch(_words((word,), language), said))


def _lookup_part(said: str, clock: ClockWords, language: str) -> str:
    return next(
        kind for word, kind in clock.parts.items() if re.fullmatch(_words((word,), language), said)
    )


def _shifted(hour: int, part: str) -> int:
    """The hour on the 24-hour clock in this part of the day."""
    if part in ("afternoon", "evening") and hour < 12:
        return hour + 12
    if part == "noon" and hour < 6:
        return hour + 12
    if part == "night":
        return hour + 12 if 6 <= hour < 12 else 0 if hour == 12 else hour
    return hour


def _amount(text: str, start: int, end: int, minutes: int, high: int | None = None) -> Amount:
    return Amount(
        "time", Decimal(minutes), "", text[start:end], start, end,
        high=None if high is None else Decimal(high),
    )  # fmt: skip
