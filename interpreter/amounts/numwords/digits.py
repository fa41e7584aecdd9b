"""Numbers written in digits, in the seven `numwords` languages: read and written.

All seven read one rule, whatever the speaker's convention, because Whisper
writes "1.200", "1 200", "1,200" and "1,200.50" in any of these languages:

- a space (normal, no-break, narrow or thin), an apostrophe and the Arabic "٬" group
  thousands; the Arabic "٫" is a decimal point;
- where "." and "," both appear, the last one is the decimal point: "1.200,50" and
  "1,200.50" are both 1200.50;
- one "." or "," alone followed by exactly three digits groups thousands ("1.200" and
  "1,200" are 1200), unless the whole part is 0 or longer than three digits ("0,500"
  is 0.5); followed by any other number of digits it is a decimal point ("3,50",
  "3.5"). The same mark twice is thousands ("1.200.000").

A fraction of exactly three digits is the one thing this reads wrongly ("1,250 kg"
meant as 1.25), and it is rare at a counter: money has two decimals and people say
"uno coma veinticinco". `format_digits` never writes one (1.125 is written 1,1250),
so what this module writes it reads back exactly.

Numbers are written back (`format_digits`) in each listener's convention,
`DIGIT_CONVENTION`, chosen so that the voices read them right.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

# How each language writes digits: (thousands separator, decimal point). French takes
# a plain space and Russian none at all: espeak-ng (and Piper, which phonemises with
# it) reads "1 200" with a no-break space as "one, two hundred" in French and any
# spaced group so in Russian, while "1 200" (fr) and "1200" (ru) come out right.
# Arabic: Western digits in the English convention, which the Arabic voice reads.
DIGIT_CONVENTION = {
    "es": (".", ","),
    "pt": (".", ","),
    "it": (".", ","),
    "de": (".", ","),
    "fr": (" ", ","),
    "ru": ("", ","),
    "ar": (",", "."),
}

_SPACES = " \u00a0\u202f\u2009"
# Digits with separators; `read_digits` decides what each separator is.
DIGITS_PATTERN = (
    rf"(?:\d{{1,3}}(?:[{_SPACES}]\d{{3}}(?!\d))+(?:[.,٫]\d+)?"
    r"|\d+(?:[.,٫٬'’]\d+)*)"
)


def read_digits(text: str) -> Decimal | None:
    """Digits with any separators, read by the rule in the module docstring."""
    chars = []
    for char in text.strip():
        if char.isdigit():
            chars.append(str(unicodedata.decimal(char)))
        elif char == "٫":
            chars.append("D")
        elif char in _SPACES or char in "'’٬":
            chars.append("G")
        else:
            chars.append(char)
    parts = re.split(r"([.,GD])", "".join(chars))
    groups, marks = parts[0::2], parts[1::2]
    if not all(group.isdigit() for group in groups):
        return None
    point: int | None = None
    if "D" in marks:
        if marks.count("D") > 1 or marks[-1] != "D":
            return None
        point = len(marks) - 1
    elif marks and marks[-1] != "G" and marks.count(marks[-1]) == 1:
        lone = len(marks) == 1
        grouped = len(groups[-1]) == 3 and 1 <= len(groups[0]) <= 3 and groups[0] != "0"
        if not lone or not grouped:
            point = len(marks) - 1
    thousands = marks if point is None else marks[:point]
    if thousands:
        whole_groups = groups[: len(thousands) + 1]
        if len(set(thousands)) > 1 or not 1 <= len(whole_groups[0]) <= 3:
            return None
        if any(len(group) != 3 for group in whole_groups[1:]):
            return None
    whole = "".join(groups if point is None else groups[: point + 1])
    fraction = "" if point is None else groups[-1]
    try:
        return Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation:  # pragma: no cover - digits only by now
        return None


def format_digits(plain: str, language: str) -> str:
    """A plain decimal string ("-1200.50") in `language`'s convention ("-1.200,50")."""
    group, point = DIGIT_CONVENTION[language]
    sign = "-" if plain.startswith("-") else ""
    whole, _, fraction = plain.lstrip("-").partition(".")
    if len(fraction) == 3 and int(whole) != 0:
        # Three decimals would read as a thousands group: 1.250 is 1,25, 1.125 is 1,1250.
        fraction = fraction.rstrip("0")
        if len(fraction) == 3:
            fraction += "0"
    grouped = f"{int(whole):,}".replace(",", group)
    return f"{sign}{grouped}{point if fraction else ''}{fraction}"
