"""Ranges and approximate amounts in es, fr, de, it, pt, ru and ar, as `spans` finds
them in Chinese and English: never one exact number.

- "more than N" (más de 500) and "about N" (etwa 50), with the number after the words;
  a bound said with "no" (no más de 5 días, не больше трёх дней) is no "more than":
  the number is found as said and the words go to the translator with it;
- a range: "de 3 a 5 días", "от трёх до пяти дней";
- some hundreds or thousands, said without a number (varios cientos de dólares, ein
  paar hundert Stück, несколько сотен долларов, بضع مئات): some multiple of it;
- a number noun that is itself vague (une cinquantaine de pièces, una ventina di
  cartoni, un centinaio di paia): about that number.

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


def world_spans(text: str, language: str, measure: Measure) -> Iterator[Amount]:
    """Every range and approximate amount in `text` (folded as the finder folds it)
    in one of the languages above."""
    if language not in _MORE_THAN:
        return
    yield from _bounds(text, language, measure)
    yield from _ranges(text, language, measure)
    yield from _words_alone(text, language, measure)


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
    ranged = re.compile(
        rf"{_EDGE}(?:(?:{before})\s+)?(?P<low>{number})\s*(?:{between})\s*(?P<high>{number})",
        re.IGNORECASE,
    )
    for found in ranged.finditer(text):
        low, high = parse_number(found["low"], language), parse_number(found["high"], language)
        if low is not None and high is not None and low < high:
            yield shaped(text, found.start(), found.end(), low, measure, high=high)


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
