"""Dates in es, fr, de, it, pt, ru and ar: a day of a month, "el 15 de marzo", "le 1er
juin", "am 15. März", "il 3 aprile", "15 марта", "10 مايو"; read as the finder's date
(the day, and the month's number as its unit) and written back the same way.

The day is digits (with an ordinal's mark: 1er, 1º, 15.) or, where a language says
the day with a cardinal number (es, pt, fr, it, ar: "quince de marzo"), words; German
and Russian say an ordinal in words ("am fünfzehnten"), which is not read. A month
name alone ("hasta marzo") is no date, nor a day past 31.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from interpreter.amounts.amount import Amount
from interpreter.amounts.numbers import parse_number
from interpreter.amounts.numwords.grammar import small_number_pattern
from interpreter.amounts.numwords.spelling import alternation


@dataclass(frozen=True)
class Calendar:
    """One language's months (each: the written name first, then other spellings)
    and how a day and a month are said together."""

    months: tuple[tuple[str, ...], ...]
    written: str  # "{day} de {month}"
    joiner: str  # regex between the day and the month
    day_words: bool  # the day may be said in cardinal words


_CALENDARS = {
    "es": Calendar(
        months=(
            ("enero",), ("febrero",), ("marzo",), ("abril",), ("mayo",), ("junio",), ("julio",),
            ("agosto",), ("septiembre", "setiembre"), ("octubre",), ("noviembre",),
            ("diciembre",),
        ),
        written="{day} de {month}", joiner=r"(?:º|°)?\s+de\s+", day_words=True,
    ),
    "pt": Calendar(
        months=(
            ("janeiro",), ("fevereiro",), ("março",), ("abril",), ("maio",), ("junho",),
            ("julho",), ("agosto",), ("setembro",), ("outubro",), ("novembro",), ("dezembro",),
        ),
        written="{day} de {month}", joiner=r"(?:º|°)?\s+de\s+", day_words=True,
    ),
    "fr": Calendar(
        months=(
            ("janvier",), ("février",), ("mars",), ("avril",), ("mai",), ("juin",), ("juillet",),
            ("août",), ("septembre",), ("octobre",), ("novembre",), ("décembre",),
        ),
        written="{day} {month}", joiner=r"(?:er)?\s+", day_words=True,
    ),
    "it": Calendar(
        months=(
            ("gennaio",), ("febbraio",), ("marzo",), ("aprile",), ("maggio",), ("giugno",),
            ("luglio",), ("agosto",), ("settembre",), ("ottobre",), ("novembre",),
            ("dicembre",),
        ),
        written="{day} {month}", joiner=r"(?:º|°)?\s+", day_words=True,
    ),
    "de": Calendar(
        months=(
            ("Januar", "Jänner"), ("Februar", "Feber"), ("März",), ("April",), ("Mai",),
            ("Juni",), ("Juli",), ("August",), ("September",), ("Oktober",), ("November",),
            ("Dezember",),
        ),
        written="{day}. {month}", joiner=r"\.?\s*", day_words=False,
    ),
    "ru": Calendar(
        months=(
            ("января",), ("февраля",), ("марта",), ("апреля",), ("мая",), ("июня",),
            ("июля",), ("августа",), ("сентября",), ("октября",), ("ноября",), ("декабря",),
        ),
        written="{day} {month}", joiner=r"(?:-?го)?\s+", day_words=False,
    ),
    "ar": Calendar(
        months=(
            ("يناير", "كانون الثاني"), ("فبراير", "شباط"), ("مارس", "آذار"),
            ("أبريل", "إبريل", "نيسان"), ("مايو", "أيار"), ("يونيو", "يونيه", "حزيران"),
            ("يوليو", "يوليه", "تموز"), ("أغسطس", "آب"), ("سبتمبر", "أيلول"),
            ("أكتوبر", "تشرين الأول"), ("نوفمبر", "تشرين الثاني"), ("ديسمبر", "كانون الأول"),
        ),
        written="{day} {month}", joiner=r"\s+(?:من\s+)?", day_words=True,
    ),
}  # fmt: skip


@dataclass(frozen=True)
class _Reader:
    pattern: str  # finds a date (no groups)
    parts: re.Pattern[str]  # reads one: its day, and a group per month (m1...m12)


def date_pattern(language: str) -> str | None:
    """A regex (no groups) for a day of a month in `language`, or None."""
    reader = _reader(language)
    return None if reader is None else reader.pattern


@cache
def _reader(language: str) -> _Reader | None:
    calendar = _CALENDARS.get(language)
    if calendar is None:
        return None
    day = small_number_pattern(language) if calendar.day_words else r"(?<!\d)\d{1,2}"
    names = [alternation([name.lower() for name in month], language) for month in calendar.months]
    months = "|".join(names)
    each = "|".join(f"(?P<m{number}>{name})" for number, name in enumerate(names, 1))
    return _Reader(
        pattern=rf"{day}{calendar.joiner}(?:{months})(?![^\W\d_])",
        parts=re.compile(rf"(?P<day>{day}){calendar.joiner}(?:{each})"),
    )


def parse_date(text: str, language: str) -> Amount | None:
    """The date in one `date_pattern` match, or None."""
    reader = _reader(language)
    if reader is None:
        return None
    found = reader.parts.fullmatch(text)
    if found is None:
        return None
    month = next(number for number in range(1, 13) if found[f"m{number}"])
    day = parse_number(found["day"], language)
    if day is None or day != day.to_integral_value() or not 1 <= day <= 31:
        return None
    return Amount("date", Decimal(int(day)), str(month))


def render_date(day: int, month: int, language: str) -> str | None:
    """`day` of `month` in `language`'s words ("15 de marzo"), or None."""
    calendar = _CALENDARS.get(language)
    if calendar is None:
        return None
    return calendar.written.format(day=day, month=calendar.months[month - 1][0])
