"""Ranges and approximate amounts in es, fr, de, it, pt, ru and ar, as `spans` finds
them in Chinese and English: never one exact number.

- "more than N" (más de 500) and "about N" (etwa 50), with the number after the words;
  a bound said with "no" (no más de 5 días, не больше трёх дней) is no "more than":
  the number is found as said and the words go to the translator with it;
- a range: "de 3 a 5 días", "от трёх до пяти дней", and two near numbers said with
  "or" (dos o tres cajas, zwei oder drei Kisten);
- some hundreds or thousands, said without a number (varios cientos de dólares, ein
  paar hundert Stück, несколько сотен долларов, بضع مئات): some multiple of it;
- a number noun that is itself vague (une cinquantaine de pièces, una ventina di
  cartoni, un centinaio di paia): about that number;
- in Russian, the counted noun said before its number (штук двадцать): about it.

The unit is read after the words, past the "de", "di" or "من (ال)" that links a noun
to what it counts ("centaines de dollars", "مئات من الدولارات").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from interpreter.amounts.amount import Amount, Approx
from interpreter.amounts.numbers import parse_number
from interpreter.amounts.slots import number_pattern
from interpreter.amounts.spans import Measure, shaped

_EDGE = r"(?<![^\W\d_])"
_END = r"(?![^\W\d_])"

_MORE_THAN = {
    "es": r"más\s+de", "fr": r"plus\s+de", "de": r"über|mehr\s+als", "it": r"più\s+di",
    "pt": r"mais\s+de", "ru": r"больше|более|свыше", "ar": r"أكثر\s+من",
}  # fmt: skip
# "No" before "more than": the bound is the number as said (no más de 5, nicht mehr als 10).
_NOT = {
    "es": r"no", "fr": r"pas|ne|n['’]", "de": r"nicht|kein|keine", "it": r"non|no",
    "pt": r"não|nao", "ru": r"не|ни", "ar": r"لا|ليس|ليست|لن",
}  # fmt: skip
_AROUND_WORDS = {
    "es": r"alrededor\s+de|unos|unas", "fr": r"environ", "de": r"etwa|ungefähr|circa",
    "it": r"circa", "pt": r"cerca\s+de", "ru": r"около|примерно", "ar": r"حوالي|نحو",
}  # fmt: skip
_RANGE_WORDS = {
    "es": (r"de|entre", r"a|y"), "fr": (r"de|entre", r"à|et"), "de": (r"zwischen|von|", r"bis|und"),
    "it": (r"da|tra|fra", r"a|e"), "pt": (r"de|entre", r"a|e"), "ru": (r"от|", r"до|-|–"),
    "ar": (r"من|بين", r"إلى|و"),
}  # fmt: skip
# "Two or three": a range too, where the two numbers are near (dos o tres cajas, zwei
# oder drei Kisten); "dos o veinte" is two numbers.
_OR_WORDS = {
    "es": r"o|u", "fr": r"ou", "de": r"oder", "it": r"o|od", "pt": r"ou", "ru": r"или",
    "ar": r"أو",
}  # fmt: skip
# Some multiple of a hundred, a thousand, ten: the words, and what they are some of.
_SOME = {
    "es": {
        r"(?:(?:varios|varias|unos|unas|algunos|algunas)\s+)?(?:cientos|centenares)": 100,
        r"(?:(?:varios|unos|algunos)\s+)?miles": 1000, r"decenas": 10,
    },
    "fr": {
        r"(?:(?:quelques|plusieurs|des)\s+)?centaines": 100,
        r"(?:(?:quelques|plusieurs|des)\s+)?milliers": 1000, r"(?:des\s+)?dizaines": 10,
    },
    "pt": {
        r"(?:(?:algumas|várias|umas)\s+)?centenas": 100,
        r"(?:(?:alguns|vários|uns)\s+)?milhares": 1000, r"dezenas": 10,
    },
    "it": {
        r"(?:(?:qualche|alcune|diverse|parecchie)\s+)?centinai[ao]": 100,
        r"(?:(?:qualche|alcune|diverse|parecchie)\s+)?migliai[ao]": 1000, r"decine": 10,
    },
    "de": {
        r"(?:ein\s+paar|einige|mehrere)\s+hundert|hunderte": 100,
        r"(?:ein\s+paar|einige|mehrere)\s+tausend|tausende": 1000, r"dutzende": 10,
    },
    "ru": {
        r"несколько\s+сотен|сотни": 100, r"несколько\s+тысяч|тысячи": 1000,
        r"несколько\s+десятков|десятки": 10,
    },
    "ar": {
        r"(?:(?:بضع|بضعة|عدة)\s+)?مئات": 100, r"(?:(?:بضع|بضعة|عدة)\s+)?آلاف": 1000,
        r"عشرات": 10,
    },
}  # fmt: skip
# About a number, said as a noun with its article: une cinquantaine, una ventina.
_AROUND_NOUNS = {
    "fr": (r"une?", {
        "dizaine": 10, "quinzaine": 15, "vingtaine": 20, "trentaine": 30,
        "cinquantaine": 50, "soixantaine": 60, "centaine": 100, "millier": 1000,
    }),
    "it": (r"una?", {
        "decina": 10, "ventina": 20, "trentina": 30, "quarantina": 40, "cinquantina": 50,
        "sessantina": 60, "centinaio": 100, "migliaio": 1000,
    }),
    "es": (r"una?", {
        "decena": 10, "veintena": 20, "treintena": 30, "centenar": 100, "millar": 1000,
    }),
    "pt": (r"uma?", {"dezena": 10, "vintena": 20, "centena": 100, "milhar": 1000}),
}  # fmt: skip
# What links a number noun to what it counts: centaines de dollars, مئات من الدولارات,
# آلاف الدولارات.
_LINK = {
    "es": r"de\s+", "fr": r"de\s+|d['’]", "it": r"di\s+|d['’]", "pt": r"de\s+",
    "ar": r"(?:من\s+)?ال|من\s+",
}  # fmt: skip


# Languages where the counted noun said before its number makes it approximate:
# "штук двадцать" is about twenty pieces, "двадцать штук" twenty.
_NOUN_FIRST = ("ru",)


def world_spans(
    text: str, language: str, measure: Measure, plurals: frozenset[str] = frozenset()
) -> Iterator[Amount]:
    """Every range and approximate amount in `text` (folded as the finder folds it)
    in one of the languages above; `plurals` are the unit words in the form written
    after a number from five on ("штук", "дней")."""
    if language not in _MORE_THAN:
        return
    yield from _bounds(text, language, measure)
    yield from _ranges(text, language, measure)
    yield from _words_alone(text, language, measure)
    if language in _NOUN_FIRST:
        yield from _noun_first(text, language, measure, plurals)


def _bounds(text: str, language: str, measure: Measure) -> Iterator[Amount]:
    number = number_pattern(language)
    negated = re.compile(rf"{_EDGE}(?:{_NOT[language]})\s*$", re.IGNORECASE)
    for words, approx in ((_MORE_THAN, Approx.MORE), (_AROUND_WORDS, Approx.AROUND)):
        said = re.compile(rf"{_EDGE}(?:{words[language]})\s+(?P<n>{number})", re.IGNORECASE)
        for found in said.finditer(text):
            if approx is Approx.MORE and negated.search(text, 0, found.start()):
                continue
            value = parse_number(found["n"], language)
            if value is not None:
                yield shaped(text, found.start(), found.end(), value, measure, approx=approx)


def _ranges(text: str, language: str, measure: Measure) -> Iterator[Amount]:
    number = number_pattern(language)
    before, between = _RANGE_WORDS[language]
    either = _OR_WORDS[language]
    ranged = re.compile(
        rf"{_EDGE}(?:(?:{before})\s+)?(?P<low>{number})"
        rf"(?:\s+(?P<either>{either})\s+|\s*(?:{between})\s*)(?P<high>{number})",
        re.IGNORECASE,
    )
    for found in ranged.finditer(text):
        low, high = parse_number(found["low"], language), parse_number(found["high"], language)
        if low is None or high is None or not low < high:
            continue
        if found["either"] and not _near(low, high):
            continue
        yield shaped(text, found.start(), found.end(), low, measure, high=high)


def _near(low: Decimal, high: Decimal) -> bool:
    """Whether two numbers said with "or" are near enough to be one range: "five or
    six" and "500 o 600" are; "dos o veinte" is not."""
    return high - low <= 2 or high <= 2 * low


def _words_alone(text: str, language: str, measure: Measure) -> Iterator[Amount]:
    """Some hundreds (varios cientos) and about a number (une cinquantaine), said
    with no number."""
    said: list[tuple[str, int, Approx]] = [
        (words, value, Approx.SOME) for words, value in _SOME.get(language, {}).items()
    ]
    article, nouns = _AROUND_NOUNS.get(language, ("", {}))
    said += [(rf"{article}\s+{noun}", value, Approx.AROUND) for noun, value in nouns.items()]
    for words, value, approx in said:
        for found in re.finditer(rf"{_EDGE}(?:{words}){_END}", text, re.IGNORECASE):
            yield _counting(text, found, Decimal(value), language, measure, approx)


def _counting(
    text: str, found: re.Match[str], value: Decimal, language: str, measure: Measure,
    approx: Approx,
) -> Amount:  # fmt: skip
    """The vague amount `found`, with the unit of what it counts when one follows
    (past its link word); a bare number, its words alone, when none does."""
    start, end = found.start(), found.end()
    space = re.match(r"\s*", text[end:])
    tail_at = end + (space.end() if space else 0)
    link = re.match(_LINK.get(language, "(?!)"), text[tail_at:], re.IGNORECASE)
    if link is not None:
        linked = shaped(text, start, tail_at + link.end(), value, measure, approx=approx)
        if linked.kind != "num":
            return linked
    return shaped(text, start, end, value, measure, approx=approx)


def _noun_first(
    text: str, language: str, measure: Measure, plurals: frozenset[str]
) -> Iterator[Amount]:
    """About a number, said with its noun first ("штук двадцать": about 20 pieces):
    only a noun in the form that number takes after it (the genitive plural), with
    no number of its own before it ("500 штук двадцать") and none after the number
    ("штук двадцать коробок"); "в день двадцать" is twenty a day."""
    number = number_pattern(language)
    said = re.compile(rf"{_EDGE}(?P<noun>[^\W\d_]+)\s+(?P<n>{number}){_END}", re.IGNORECASE)
    for found in said.finditer(text):
        value = parse_number(found["n"], language)
        if value is None or found["noun"].lower() not in plurals or not _takes_plural(value):
            continue
        before = re.search(r"(\S+)\s*$", text[: found.start()])
        if before is not None and parse_number(before.group(1), language) is not None:
            continue
        figure = f"{value.normalize():f}"
        after = measure(figure + text[found.end() :])
        counted = measure(f"{figure} {found['noun']}")
        if after is None or after.kind != "num" or counted is None or counted.kind == "num":
            continue
        yield Amount(
            counted.kind, value, counted.unit, found.group(), found.start(), found.end(),
            approx=Approx.AROUND,
        )  # fmt: skip


def _takes_plural(value: Decimal) -> bool:
    """Whether a whole number takes the genitive plural after it: 5-20, 25, 100, not
    21 (штука) or 22-24 (штуки)."""
    if value != value.to_integral_value() or value < 5:
        return False
    whole = int(value)
    return whole % 10 in (0, 5, 6, 7, 8, 9) or 11 <= whole % 100 <= 14
