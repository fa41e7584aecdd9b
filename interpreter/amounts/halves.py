"""A half said after the unit, outside Chinese: "two hours and a half", "dos horas y
media", "trois kilos et demi", "ثلاثة دولارات ونصف" are 2.5 hours, 2.5 hours, 3.5 kg
and 3.50 dollars. The finder reads the amount before the half (2 hours, 3 dollars): a
wrong value, since the half was said; here the two become one amount. (Chinese halves
after the unit, 两天半, are `zh_parts`'.)

Only a whole quantity, price or duration whose unit was said after its number takes
the half: "$3 and a half" is left as it was found.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from interpreter.amounts.amount import Amount

# "And a half" after a unit, per language (the feminine where the unit may be one:
# hora y media, ora e mezza).
_HALF_AFTER = {
    "en": r"\s+and\s+a\s+half", "es": r"\s+y\s+medi[oa]", "pt": r"\s+e\s+mei[oa]",
    "it": r"\s+e\s+mezz[oa]", "fr": r"[\s-]+et[\s-]+demie?", "ru": r"\s+с\s+половиной",
    "ar": r"\s*و\s*(?:ال)?(?:نصف|نص)",
}  # fmt: skip
_KINDS = ("qty", "price", "duration")


def add_halves(text: str, amounts: list[Amount], language: str) -> list[Amount]:
    """`amounts` (as the finder found them in `text`, in order) with the half said
    after each one's unit added to it."""
    half = _HALF_AFTER.get(language)
    if half is None:
        return amounts
    said = re.compile(rf"{half}(?![^\W\d_])", re.IGNORECASE)
    added: list[Amount] = []
    for index, amount in enumerate(amounts):
        found = said.match(text, amount.end) if _takes_half(amount) else None
        following = amounts[index + 1].start if index + 1 < len(amounts) else len(text)
        if found is None or found.end() > following:
            added.append(amount)
            continue
        assert amount.value is not None
        end = found.end()
        value = amount.value + Decimal("0.5")
        added.append(replace(amount, value=value, said=text[amount.start : end], end=end))
    return added


def _takes_half(amount: Amount) -> bool:
    whole = amount.value is not None and amount.value == amount.value.to_integral_value()
    unit_after = amount.said[-1:].isalpha()
    return amount.kind in _KINDS and amount.exact and whole and unit_after
