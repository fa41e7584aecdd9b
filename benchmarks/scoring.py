"""Error rates and percentiles for the benchmarks.

Whisper writes "500" one time and "five hundred" the next, and 五百 or 500 in Chinese;
neither is a recognition error, so numbers are read into digits (with the interpreter's
own parsers) before words or characters are compared, and the few ways of writing one
value are made one: 百分之三十 = 30%, 七点半 = 7点半 = 7:30, 三块五 = 3.5块,
"two percent" = "2%", "$20" = "20 dollars". Accents are not compared in English
("São Paulo" = "Sao Paulo"), as Whisper's own text normaliser does.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal

import numpy as np

from interpreter.amounts.numbers import (
    EN_NUMBER_PATTERN,
    ZH_NUMBER_PATTERN,
    format_number,
    parse_en_number,
    parse_zh_number,
)
from interpreter.core.chinese import SimplifiedChinese

_EN_NUMBER = re.compile(rf"(?<![a-z0-9]){EN_NUMBER_PATTERN}(?![a-z0-9])")
_ZH_NUMBER = re.compile(ZH_NUMBER_PATTERN)


def _digits(match: re.Match[str], parse: Callable[[str], Decimal | None]) -> str:
    value = parse(match.group(0))
    return match.group(0) if value is None else f" {format_number(value, 'zh')} "


_ZH_NUMERAL = r"[零〇一二两三四五六七八九十百千万\d.]+"


def _times_and_percents_zh(text: str) -> str:
    """Before the numbers are read: 点 in a time is not a decimal point, and 百 in
    百分之 is not a hundred."""
    text = re.sub(rf"百分之\s*({_ZH_NUMERAL})", r"\1%", text)
    text = re.sub(rf"({_ZH_NUMERAL})\s*点\s*半", r"\1:30", text)
    return re.sub(rf"({_ZH_NUMERAL})\s*点\s*({_ZH_NUMERAL})\s*分", r"\1:\2", text)


def _money_zh(text: str) -> str:
    """三块五 = 3块5 = 3.5块, once the numbers are digits."""
    return re.sub(r"(\d+)\s*[块元]\s*(\d)\s*[毛角]?(?![\d分])", r"\1.\2块", text)


def _one_way_en(text: str) -> str:
    """English values written one way, before the words are compared."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"\$\s*(\d+(?:\.\d+)?)", r"\1 dollars", text)
    text = re.sub(r"\bper cent\b", "percent", text)
    return re.sub(r"(?<=\d)\s*%", " percent", text)


def normalise(text: str, language: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    if language == "zh":
        text = _times_and_percents_zh(text)
        text = _ZH_NUMBER.sub(lambda m: _digits(m, parse_zh_number), text)
        text = _money_zh(re.sub(r"(?<=\d)\s+(?=[块元])", "", text))
    else:
        text = _one_way_en(text)
        text = _EN_NUMBER.sub(lambda m: _digits(m, parse_en_number), text)
    text = re.sub(r"(?<=\d)\s*([.:])\s*(?=\d)", r"\1", text)
    # A decimal point and the colon of a time are part of a number.
    text = re.sub(r"(?<=\d)([.:])(?=\d)", lambda m: "\x00" if m[1] == "." else "\x01", text)
    kept = [c if unicodedata.category(c)[0] in "LN" or c in "\x00\x01" else " " for c in text]
    return " ".join("".join(kept).split()).replace("\x00", ".").replace("\x01", ":")


def units(text: str, language: str) -> list[str]:
    """Words for English and the like, characters for Chinese (spaces ignored)."""
    normal = normalise(text, language)
    if language == "zh":
        return [c for c in normal if not c.isspace()]
    return normal.split()


def edit_distance(reference: Sequence[str], hypothesis: Sequence[str]) -> int:
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, start=1):
        current = [i]
        for j, hyp in enumerate(hypothesis, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1]


def error_rate(pairs: Sequence[tuple[str, str]], language: str) -> float:
    """Word (or character) error rate over a set: total edits / total reference units.
    Chinese is compared in Simplified characters: stock faster-whisper often writes
    Traditional ones, and a script is not a recognition error."""
    edits = 0
    total = 0
    if language == "zh":
        simplified = SimplifiedChinese()
        pairs = [(simplified.convert(r), simplified.convert(h)) for r, h in pairs]
    for reference, hypothesis in pairs:
        ref = units(reference, language)
        edits += edit_distance(ref, units(hypothesis, language))
        total += len(ref)
    return edits / total if total else 0.0


def percentiles(values: Sequence[float]) -> dict[str, float | None]:
    """p50, p95 and mean (rounded to 0.1), and how many values. A value may be math.inf,
    a turn that got no answer: it counts as slower than any other, so a percentile that
    reaches it, or lies between it and a time, is inf, and so is the mean."""
    if not values:
        return {"p50": None, "p95": None, "mean": None, "count": 0}
    array = np.asarray(values, dtype=np.float64)
    # numpy interpolates inf into nan; a stand-in above every time keeps its order.
    misses = np.isposinf(array)
    slowest = float(array[~misses].max()) if not misses.all() else 0.0
    ranked = np.where(misses, 2.0 * abs(slowest) + 1.0, array)

    def percentile(q: float) -> float:
        value = float(np.percentile(ranked, q))
        return math.inf if misses.any() and value > slowest else round(value, 1)

    return {
        "p50": percentile(50),
        "p95": percentile(95),
        "mean": math.inf if misses.any() else round(float(array.mean()), 1),
        "count": len(values),
    }
