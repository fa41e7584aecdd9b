"""One number as said, and its exact meaning: what the finder gives for each amount."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal


class Approx(enum.StrEnum):
    """How an amount's number relates to what was meant."""

    EXACT = "exact"
    MORE = "more"  # more than the value: 500多, over 3,000, 500-odd, 十几天 (10+)
    SOME = "some"  # some multiple of the value, at least it: 几百 (100..), a few thousand
    AROUND = "around"  # about the value, vague in the word itself: 五十来个, fifty-ish


@dataclass(frozen=True)
class Amount:
    """One number as said, and its exact meaning.

    `unit` is the term's id from terms.toml (piece, yuan, day) for quantities, prices
    and durations, the month number for a date, and the code itself for a code.
    `start`/`end` locate it in the text it was found in. A range (两三百个, "3 to 5
    days") runs from `value` to `high`; an approximate amount (500多个, "a few
    hundred") says how by `approx`. Neither is ever one exact number.
    """

    kind: str
    value: Decimal | None
    unit: str = ""
    said: str = ""
    start: int = 0
    end: int = 0
    high: Decimal | None = None
    approx: Approx = Approx.EXACT

    @property
    def exact(self) -> bool:
        return self.high is None and self.approx is Approx.EXACT

    @property
    def key(self) -> tuple[str, Decimal | None, str, Decimal | None, Approx]:
        """What must be equal for two amounts to mean the same thing. "Some hundreds"
        is more than a hundred: languages without words for the one say the other."""
        value = None if self.value is None else self.value.normalize()
        high = None if self.high is None else self.high.normalize()
        approx = Approx.MORE if self.approx is Approx.SOME else self.approx
        return (self.kind, value, self.unit, high, approx)
