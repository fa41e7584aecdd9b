"""One number as said, and its exact meaning: what the finder gives for each amount."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Amount:
    """One number as said, and its exact meaning.

    `unit` is the term's id from terms.toml (piece, yuan, day) for quantities, prices
    and durations, the month number for a date, and the code itself for a code.
    `start`/`end` locate it in the text it was found in.
    """

    kind: str
    value: Decimal | None
    unit: str = ""
    said: str = ""
    start: int = 0
    end: int = 0

    @property
    def key(self) -> tuple[str, Decimal | None, str]:
        """What must be equal for two amounts to mean the same thing."""
        value = None if self.value is None else self.value.normalize()
        return (self.kind, value, self.unit)
