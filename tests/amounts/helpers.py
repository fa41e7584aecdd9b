"""How the amount tests look at what the finder found, shared by their files."""

from __future__ import annotations

from decimal import Decimal

from interpreter.amounts.amount import Amount
from interpreter.amounts.finder import AmountFinder


def clock(text: str) -> Decimal:
    """A time of day written "16:30", as the finder's value: minutes after midnight."""
    hours, minutes = text.split(":")
    return Decimal(int(hours) * 60 + int(minutes))


def read(finder: AmountFinder, text: str, language: str) -> list[tuple[str, Decimal | None, str]]:
    """Each amount found in `text` as its kind, value and unit."""
    return [(a.kind, a.value, a.unit) for a in finder.find(text, language)]


def read_written(finder: AmountFinder, text: str, language: str) -> list[tuple[str, str, str]]:
    """Each amount found in `text` as its kind, value (as `str` writes it) and unit."""
    return [(a.kind, str(a.value), a.unit) for a in finder.find(text, language)]


def kinds_and_values(
    finder: AmountFinder, text: str, language: str
) -> list[tuple[str, Decimal | None]]:
    """Each amount found in `text` as its kind and value."""
    return [(a.kind, a.value) for a in finder.find(text, language)]


def only(finder: AmountFinder, text: str, language: str) -> Amount:
    """The one amount found in `text` (fails where there are none or several)."""
    (amount,) = finder.find(text, language)
    return amount
