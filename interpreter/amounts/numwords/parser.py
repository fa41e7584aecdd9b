"""Reading one number, in digits or words, in a `numwords` language to a Decimal.

The text is normalised (NFKC, lower case, Arabic folded), then read as digits with an
optional scale word ("1,5 Mio.") or, when the grammar's whole-number regex takes it,
split into the lexicon's words and summed: hundreds multiply, scale words close a
group, a half adds half of the last unit, and the words after a decimal word are the
fraction's digits.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from interpreter.amounts.numwords.digits import read_digits
from interpreter.amounts.numwords.grammar import (
    DEC,
    DIGIT,
    HALF,
    HUNDRED,
    NUM,
    PLACES,
    SCALE,
    SKIP,
    Grammar,
    Token,
    grammar_of,
)
from interpreter.amounts.numwords.spelling import fold
from interpreter.amounts.numwords.tables import TABLES


def _normalise(text: str, language: str) -> str:
    text = " ".join(unicodedata.normalize("NFKC", text).lower().split())
    return fold(text, language) if language == "ar" else text


def _segment(text: str, grammar: Grammar, language: str) -> list[Token] | None:
    """The words of a spelled number, longest first, backtracking where a shorter
    word must be taken (eineinhalb is ein + einhalb, not eine + inhalb)."""
    lexicon = grammar.lexicon
    spec = TABLES[language]
    failed: set[int] = set()

    def walk(start: int) -> list[Token] | None:
        while start < len(text) and text[start] in " -":
            start += 1
        if start == len(text):
            return []
        if start in failed:
            return None
        for end in range(min(len(text), start + grammar.longest), start, -1):
            token = lexicon.get(text[start:end])
            if token is None:
                continue
            rest = walk(end)
            if rest is not None:
                return [token, *rest]
        if start == 0 and spec.proclitics and text[0] in spec.proclitics:
            rest = walk(1)
            if rest is not None:
                return rest
        failed.add(start)
        return None

    return walk(0)


def _integer(tokens: list[Token]) -> Decimal | None:
    total = Decimal(0)
    current = Decimal(0)
    last_scale = 1
    seen = False
    for token in tokens:
        if token.kind in (NUM, DIGIT):
            current += token.value
            last_scale = 1
        elif token.kind == HUNDRED:
            current = (current or Decimal(1)) * 100
            last_scale = 1
        elif token.kind == SCALE:
            total += (current or 1) * token.value * token.scale
            current = Decimal(0)
            last_scale = token.scale
        elif token.kind == HALF:
            if last_scale == 1:
                current += Decimal("0.5")
            else:
                total += Decimal(last_scale) / 2
        elif token.kind == SKIP:
            continue
        else:
            return None
        seen = True
    if not seen:
        return None
    value = total + current
    # полторы тысячи is 1500, not 1500.0
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def _fraction(tokens: list[Token]) -> str | None:
    """The digits after a decimal word: "cinco" 5, "cero cinco" 05, "cincuenta" 50,
    "пять десятых" 5, "пять сотых" 05."""
    places = None
    if tokens and tokens[-1].kind == PLACES:
        places = int(tokens[-1].value)
        tokens = tokens[:-1]
    words = [t for t in tokens if t.kind != SKIP]
    if not words:
        return None
    if places is None and all(t.kind == DIGIT for t in words):
        return "".join(str(int(t.value)) for t in words)
    zeros = 0
    while zeros < len(words) - 1 and words[zeros].kind == DIGIT and words[zeros].value == 0:
        zeros += 1
    value = _integer(words[zeros:])
    if value is None or value != value.to_integral_value():
        return None
    digits = "0" * zeros + str(int(value))
    if places is not None:
        if len(digits) > places:
            return None
        digits = digits.zfill(places)
    return digits


def parse_numwords(text: str, language: str) -> Decimal | None:
    """One number in `language`, as digits or words, or None if it is not one."""
    grammar = grammar_of(language)
    text = _normalise(text, language)
    if not text:
        return None
    match = grammar.digits.fullmatch(text)
    if match:
        value = read_digits(match.group("number"))
        scale = match.group("scale")
        if value is None or not scale:
            return value
        token = grammar.lexicon.get(fold(scale, language))
        if token is None or token.kind != SCALE or token.value != 1:
            return None
        return value * token.scale
    if not grammar.words.fullmatch(text):
        return None
    tokens = _segment(" ".join(text.replace("-", " ").split()), grammar, language)
    if tokens is None:
        return None
    point = next((i for i, t in enumerate(tokens) if t.kind == DEC), None)
    whole = _integer(tokens if point is None else tokens[:point])
    if whole is None or point is None:
        return whole
    fraction = _fraction(tokens[point + 1 :])
    if fraction is None or whole != whole.to_integral_value():
        return None
    return Decimal(f"{int(whole)}.{fraction}")
