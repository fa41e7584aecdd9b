"""The values a phrase carries: quantities, prices, durations, colours.

A slot is parsed from the speaker's words into an exact value (Decimal plus a unit
from `terms.toml`) and written again in the listener's language, so "我要订五百件"
becomes "500 pieces" and never passes through a model that could change it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from interpreter.amounts.numbers import (
    EN_NUMBER_PATTERN,
    ZH_DIGITS,
    ZH_NUMBER_PATTERN,
    format_number,
    parse_number,
)
from interpreter.amounts.numwords.grammar import numword_pattern
from interpreter.amounts.numwords.tables import NUMWORD_LANGUAGES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# Slot kind -> the terms table its unit comes from.
UNIT_TABLES = {"qty": "unit", "price": "currency", "duration": "time"}
TERM_KINDS = ("color", "material", "size")
AMOUNT_KINDS = ("qty", "price", "duration", "percent", "num")
SLOT_KINDS = AMOUNT_KINDS + TERM_KINDS

SLOT_NAME = re.compile(r"^(qty|price|duration|percent|num|color|material|size)(?:_\d+)?$")


def slot_kind(name: str) -> str:
    match = SLOT_NAME.match(name)
    if not match:
        raise ValueError(f"unknown slot {{{name}}}")
    return match.group(1)


@dataclass(frozen=True)
class Term:
    table: str
    id: str
    forms: dict[str, tuple[str, ...]] = field(hash=False)
    prefix: tuple[str, ...] = ()
    write_prefix: dict[str, str] = field(default_factory=dict, hash=False)
    # Words that say two of the unit alone (Arabic أسبوعين, two weeks): read, not written.
    dual: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    def written(self, language: str, plural: bool = False) -> str | None:
        """The word written after a number. English units and times, and units, times
        and currencies in the `numwords` languages, list the singular then the plural
        first (for Russian the genitive plural, "500 штук"; for Arabic the singular
        both times, "500 قطعة", as is usual after digits)."""
        forms = self.forms.get(language)
        if not forms:
            return None
        if language == "en" and self.table in ("unit", "time") and len(forms) > 1:
            return forms[1] if plural else forms[0]
        inflected = self.table in UNIT_TABLES.values()
        if language in NUMWORD_LANGUAGES and inflected and len(forms) > 1:
            return forms[1] if plural else forms[0]
        return forms[0]


@dataclass(frozen=True)
class SlotValue:
    kind: str
    number: Decimal | None = None
    term: Term | None = None

    def render(self, language: str) -> str | None:
        """The value in `language`, or None when the terms table lacks a word for it."""
        if self.kind in TERM_KINDS:
            return self.term.written(language) if self.term else None
        assert self.number is not None
        if self.kind == "num":
            return format_number(self.number, language)
        if self.kind == "percent":
            return f"{format_number(self.number, language)}%"
        money = self.kind == "price"
        number = format_number(self.number, language, money=money)
        assert self.term is not None
        symbol = self.term.write_prefix.get(language)
        if symbol:
            return f"{symbol}{number}"
        word = self.term.written(language, plural=self.number != 1)
        if word is None:
            return None
        if language in ("zh", "ja"):
            return f"{number}{word}"
        return f"{number} {word}"


def _alternation(texts: list[str], language: str) -> str:
    escaped = [re.escape(text) for text in sorted(set(texts), key=len, reverse=True)]
    body = "|".join(escaped)
    if language == "zh":
        return f"(?:{body})"
    return rf"(?:{body})(?![a-z])"


class Terms:
    """The slot vocabulary, with one compiled pattern per slot kind and language."""

    def __init__(self, terms: list[Term]) -> None:
        self._terms = terms
        self._patterns: dict[tuple[str, str], str] = {}

    @classmethod
    def load(cls, path: Path) -> Terms:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        terms = []
        for table, entries in data.items():
            for term_id, entry in entries.items():
                forms = {
                    language: tuple(words)
                    for language, words in entry.items()
                    if language not in ("prefix", "write_prefix", "dual")
                }
                terms.append(
                    Term(
                        table=table,
                        id=term_id,
                        forms=forms,
                        prefix=tuple(entry.get("prefix", ())),
                        write_prefix=dict(entry.get("write_prefix", {})),
                        dual={
                            language: tuple(words)
                            for language, words in entry.get("dual", {}).items()
                        },
                    )
                )
        return cls(terms)

    def in_table(self, table: str) -> list[Term]:
        return [term for term in self._terms if term.table == table]

    def words(self, table: str, language: str) -> list[tuple[str, Term]]:
        """Every spelling in `language`, longest first, so 个月 wins over 个."""
        found = [
            (word.lower(), term)
            for term in self.in_table(table)
            for word in term.forms.get(language, ())
        ]
        return sorted(found, key=lambda item: len(item[0]), reverse=True)

    def pattern(self, kind: str, language: str) -> str:
        """A regex (no groups) matching one slot of `kind` in normalised `language` text."""
        key = (kind, language)
        if key not in self._patterns:
            self._patterns[key] = self._build_pattern(kind, language)
        return self._patterns[key]

    def _build_pattern(self, kind: str, language: str) -> str:
        number = number_pattern(language)
        if kind == "num":
            return number
        if kind == "percent":
            words = _alternation(self._percent_words(language), language)
            if language == "zh":
                return rf"(?:百分之{number}|{number}\s*{words})"
            return rf"(?:{number}\s*{words})"
        if kind in TERM_KINDS:
            return _alternation([word for word, _ in self.words(kind, language)], language)
        table = UNIT_TABLES[kind]
        units = _alternation([word for word, _ in self.words(table, language)], language)
        after = rf"{number}\s*{units}"
        if kind == "qty" and language == "en":
            # "a dozen", "an item"; the space matters, or "am" would read as "a m(eter)".
            after = rf"(?:{number}\s*|an?\s+){units}"
        duals = self._duals(table, language)
        if duals:
            after = rf"{after}|{_alternation([word for word, _ in duals], language)}"
        if kind != "price":
            return f"(?:{after})"
        prefixes = [p.lower() for term in self.in_table("currency") for p in term.prefix]
        before = rf"{_alternation(prefixes, 'zh')}\s*{number}"
        if language == "zh":
            digits = "".join(d for d in ZH_DIGITS if ZH_DIGITS[d])
            # 三块五 = 3.50 yuan: a lone digit after 块 counts in dimes (角/毛).
            colloquial = rf"{number}(?:块|元)[{digits}](?:毛|角)?"
            return f"(?:{colloquial}|{before}|{after})"
        return f"(?:{before}|{after})"

    def parse(self, kind: str, text: str, language: str) -> SlotValue | None:
        """The exact value of a slot's text, or None if it does not read as one."""
        text = text.strip()
        if kind in TERM_KINDS:
            for word, term in self.words(kind, language):
                if text == word:
                    return SlotValue(kind, term=term)
            return None
        if kind == "num":
            number = parse_number(text, language)
            return None if number is None else SlotValue(kind, number=number)
        if kind == "percent":
            words = _alternation(self._percent_words(language), language)
            inner = re.sub(rf"^百分之|\s*{words}$", "", text)
            number = parse_number(inner.strip(), language)
            return None if number is None else SlotValue(kind, number=number)
        if kind == "price":
            return self._parse_price(text, language)
        return self._parse_amount(kind, text, language)

    def _percent_words(self, language: str) -> list[str]:
        """The words for a percent in `language` ("%" alone where the table has none)."""
        return [word for word, _ in self.words("percent", language)] or ["%"]

    def _duals(self, table: str, language: str) -> list[tuple[str, Term]]:
        """Every word of `table` that says two of its unit alone, in `language`."""
        return [
            (word.lower(), term)
            for term in self.in_table(table)
            for word in term.dual.get(language, ())
        ]

    def _parse_amount(self, kind: str, text: str, language: str) -> SlotValue | None:
        for word, term in self._duals(UNIT_TABLES[kind], language):
            if text == word:
                return SlotValue(kind, number=Decimal(2), term=term)
        for word, term in self.words(UNIT_TABLES[kind], language):
            if text.endswith(word):
                head = text[: len(text) - len(word)].strip()
                if language == "en" and head in ("a", "an"):
                    return SlotValue(kind, number=Decimal(1), term=term)
                number = parse_number(head, language)
                if number is not None:
                    return SlotValue(kind, number=number, term=term)
        return None

    def _parse_price(self, text: str, language: str) -> SlotValue | None:
        if language == "zh":
            match = re.fullmatch(r"(.+?)(?:块|元)([一二两三四五六七八九])(?:毛|角)?", text)
            if match:
                whole = parse_number(match.group(1), language)
                if whole is not None:
                    dimes = ZH_DIGITS[match.group(2)]
                    yuan = next(t for t in self.in_table("currency") if t.id == "yuan")
                    return SlotValue("price", number=whole + Decimal(dimes) / 10, term=yuan)
        for term in self.in_table("currency"):
            for prefix in sorted(term.prefix, key=len, reverse=True):
                if text.startswith(prefix.lower()):
                    number = parse_number(text[len(prefix) :].strip(), language)
                    if number is not None:
                        return SlotValue("price", number=number, term=term)
        return self._parse_amount("price", text, language)


def number_pattern(language: str) -> str:
    if language == "zh":
        return ZH_NUMBER_PATTERN
    if language == "en":
        return EN_NUMBER_PATTERN
    if language in NUMWORD_LANGUAGES:
        return numword_pattern(language)
    return r"(?:\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?)"
