"""A range or an approximate amount written in the listener's language.

From the structured amount, never from a model's words, as for an exact amount: the
high end (or the value) is written as an exact amount is ("300 pieces", "300件",
"$15"), and the words around it say the rest: "200 to 300 pieces", "200到300件",
"over 500 pieces", "500件以上", "hundreds of yuan", "几百元", "about 50 pieces",
"50件左右". Each form is one that spans.py reads back, so a checked translation finds
the same amount again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from interpreter.amounts.amount import Amount, Approx
from interpreter.amounts.numbers import format_number

RANGE = {
    "en": "{low} to {high}", "zh": "{low}到{high}", "es": "de {low} a {high}",
    "fr": "de {low} à {high}", "de": "{low} bis {high}", "it": "da {low} a {high}",
    "pt": "de {low} a {high}", "ru": "от {low} до {high}", "ar": "من {low} إلى {high}",
}  # fmt: skip
MORE = {
    "en": "over {n}", "zh": "{n}以上", "es": "más de {n}", "fr": "plus de {n}",
    "de": "über {n}", "it": "più di {n}", "pt": "mais de {n}", "ru": "более {n}",
    "ar": "أكثر من {n}",
}  # fmt: skip
AROUND = {
    "en": "about {n}", "zh": "{n}左右", "es": "alrededor de {n}", "fr": "environ {n}",
    "de": "etwa {n}", "it": "circa {n}", "pt": "cerca de {n}", "ru": "около {n}",
    "ar": "حوالي {n}",
}  # fmt: skip
# Some multiple of ten, a hundred...: 几十, 几百 / dozens of, hundreds of.
SOME = {
    "en": {
        10: "dozens of", 100: "hundreds of", 1000: "thousands of",
        10_000: "tens of thousands of",
    },
    "zh": {10: "几十", 100: "几百", 1000: "几千", 10_000: "几万"},
}  # fmt: skip


def render_span(amount: Amount, language: str, exact: Callable[[Amount], str]) -> str:
    """`amount` (a range or approximate) in `language`; `exact` writes an exact one."""
    top = amount.high if amount.high is not None else amount.value
    whole = exact(replace(amount, value=top, high=None, approx=Approx.EXACT))
    if amount.high is not None and amount.value is not None:
        low = format_number(amount.value, language, money=amount.kind == "price")
        if whole.startswith("$"):
            low = "$" + low
        return RANGE.get(language, "{low}–{high}").format(low=low, high=whole)
    if amount.approx is Approx.SOME and amount.value is not None:
        some = _some(amount.value, language, whole)
        if some is not None:
            return some
    table = AROUND if amount.approx is Approx.AROUND else MORE
    return table.get(language, "{n}+").format(n=whole)


def _some(value: Decimal, language: str, whole: str) -> str | None:
    """几百件 / hundreds of pieces: the number in `whole` replaced by the words."""
    words = SOME.get(language, {}).get(int(value))
    figure = format_number(value, language)
    if words is None or not whole.startswith(figure):
        return None
    rest = whole[len(figure) :]
    if language == "zh":
        return words + rest
    return f"{words}{rest}" if rest.startswith(" ") else None
