"""What reached the listener, judged against what the speaker said: one of four verdicts.

- **wrong**: what the listener gets (the translation when there is one, else the
  transcript shown in its place) says a number the speaker did not say ("unsaid 5000"),
  or lacks one the speaker said ("missing 500"). A missing amount is wrong, not a
  lesser fault: a deal that loses its quantity is not a deal kept.
- **not translated**: no rung translated the turn, so its transcript is shown as said.
  It is never "kept", however right its numbers: the listener did not get a translation.
- **repaired**: translated with the right numbers, but only because the number check
  fixed the model's output (the detail says what it fixed).
- **kept**: translated, and the translation carried every amount before any repair.

Wrong beats everything; not translated beats repaired and kept.

The numbers are compared with the values written in the set (the item's `amounts`),
read from the output by `said_values`, never by the product's own AmountFinder. Values
are compared, not kinds or units ("500 pieces" and "500 件" agree; "two weeks" and
"14 days" do not). The representation differences handled, and nothing more:

- a date ("date 15 3": day, then month) needs both its day and its month;
- a discount ("discount 10": 10% off) is also said by the share paid: 九折 reads as 10
  (see said_values), "90% of the price" as 90, and both are accepted;
- a 1 that may only mean "a single" (one piece, a week, 一个, "1 meter" for 一米)
  counts for an expected 1 and is never an unsaid number (see said_values.Said): a
  speaker says it without meaning an amount, and a translation may write it in
  digits. The cost: a model that invents "1 carton" where nothing was said is not
  caught (one that turns "10 cartons" into "1 carton" is: "missing 10").

A value said twice counts once: a translation may repeat an amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from benchmarks.said_values import Said, said_values
from interpreter.core.types import Transcript, Translation
from interpreter.core.vocabulary import Method

_WHOLE = Decimal(100)


class Fidelity(str, Enum):
    """The verdict on one turn, as the benchmark counts it."""

    KEPT = "kept"
    REPAIRED = "repaired"
    NOT_TRANSLATED = "not translated"
    WRONG = "wrong"


@dataclass(frozen=True)
class Verdict:
    fidelity: Fidelity
    # Why: the numbers that were wrong, the repairs made, or the rung that kept them.
    detail: str


@dataclass(frozen=True)
class Expected:
    """One value the listener must get, and the values that say it."""

    name: str  # how a detail names it: "500", "month 3"
    accepted: frozenset[Decimal]


def expected_values(amounts: tuple[str, ...]) -> tuple[Expected, ...]:
    """The values an item's amounts ("kind value unit") hold: one each, two for a date."""
    expected: list[Expected] = []
    for amount in amounts:
        kind, value, *unit = amount.split()
        number = Decimal(value).normalize()
        if kind == "date":
            month = Decimal(unit[0]).normalize()
            expected += [Expected(_plain(number), frozenset({number}))]
            expected += [Expected(f"month {_plain(month)}", frozenset({month}))]
        elif kind == "discount":
            paid = (_WHOLE - number).normalize()
            expected.append(Expected(f"{_plain(number)}% off", frozenset({number, paid})))
        else:
            expected.append(Expected(_plain(number), frozenset({number})))
    return tuple(expected)


def number_problems(expected: tuple[Expected, ...], said: tuple[Said, ...]) -> tuple[str, ...]:
    """What is wrong with the values said, in words ("unsaid 7", "missing 500"); empty
    when they are exactly the expected ones."""
    values = {s.value for s in said}
    accepted = frozenset().union(*(e.accepted for e in expected))
    unsaid = dict.fromkeys(s.value for s in said if not s.single and s.value not in accepted)
    return (
        *(f"unsaid {_plain(value)}" for value in unsaid),
        *(f"missing {e.name}" for e in expected if not e.accepted & values),
    )


def judge(amounts: tuple[str, ...], transcript: Transcript, translation: Translation) -> Verdict:
    """The verdict on one turn of an item whose speaker said `amounts`."""
    translated = translation.method is not Method.NONE and bool(translation.text.strip())
    if translated:
        shown, language = translation.text, translation.target_language
    else:
        shown, language = transcript.text, transcript.language
    problems = number_problems(expected_values(amounts), said_values(shown, language))
    if problems:
        return Verdict(Fidelity.WRONG, "; ".join(problems))
    if not translated:
        return Verdict(Fidelity.NOT_TRANSLATED, "shown as transcript")
    if translation.number_repairs:
        return Verdict(Fidelity.REPAIRED, "; ".join(translation.number_repairs))
    return Verdict(Fidelity.KEPT, translation.method.value)


def heard_problems(amounts: tuple[str, ...], transcript: Transcript) -> tuple[str, ...]:
    """What recognition alone got wrong: the transcript against the speaker's amounts."""
    return number_problems(
        expected_values(amounts), said_values(transcript.text, transcript.language)
    )


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")
