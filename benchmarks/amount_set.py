"""Amount set: does the AmountFinder read every way of saying an amount right?

Each phrase of benchmarks/amount_set.toml (hand-written counter phrases in Chinese,
English and the other languages of core/languages.py; the notation is at the top of
that file) is read by today's `AmountFinder.find` in its language, and what it found
is compared with the amounts the phrase says, in order. A phrase scores one of:

- **right**: every expected amount found with the right kind, value and unit, and
  nothing else found.
- **missed**: an expected amount not found (or found as a bare number with the right
  value but no unit), nothing wrong: safe, the words go to the translator as said.
- **WRONG VALUE**: an amount found with a value, kind or unit the phrase does not mean
  (三块零五分 read as 3 yuan, 三四天 as 34 days), or a range, approximate amount or time
  turned into an exact number (500多个 read as 500): the dangerous failure.
- **extra**: an amount found where none was said (the article of 一双多少钱).

A phrase's score is its worst: WRONG VALUE, then extra, then missed. Found amounts are
matched to the expected ones in three passes: an exact agreement first, then a bare
number that agrees in value (a partial reading, counted as missed; for a time on the
hour, the hour as said: 下午5点 read as 5), then the rest in
order (each pair a WRONG VALUE); a found amount left over is extra, an expected one
left over is missed. A product code the finder found (A123, "500-odd") is passed on
as written, so it is shown but not scored.

Totals are printed per language and per category, then every WRONG VALUE and extra
phrase, and written to results/<date>-<machine>-amount-set.json with each phrase's
expected and found amounts.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Protocol

from benchmarks.common.results import RESULTS_DIR, save_result
from interpreter.amounts.amount import Approx as AmountApprox
from interpreter.amounts.finder import TERMS_PATH, Amount, AmountFinder
from interpreter.amounts.slots import UNIT_TABLES, Terms
from interpreter.core.languages import LANGUAGES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

AMOUNT_SET = Path(__file__).parent / "amount_set.toml"
# The dev split: the first set, then the second, third and fourth (each written as
# held out, scored once, then tuned on); a held-out split is amount_set_test.toml,
# when one is written.
DEV_SETS = (
    AMOUNT_SET,
    Path(__file__).parent / "amount_set_dev2.toml",
    Path(__file__).parent / "amount_set_dev3.toml",
    Path(__file__).parent / "amount_set_dev4.toml",
)
TEST_SET = Path(__file__).parent / "amount_set_test.toml"

# The kinds an expected amount may have: the finder's, and a time of day.
UNIT_KINDS = tuple(UNIT_TABLES)  # qty, price, duration: the unit is a terms.toml id
PLAIN_KINDS = ("num", "percent", "discount", "time")  # no unit
KINDS = (*UNIT_KINDS, *PLAIN_KINDS, "date")  # a date's unit is its month
CATEGORIES = (
    "below-unit",  # money below the yuan or dollar: 三块零五分, 两毛五, forty cents
    "mixed-digits",  # digits with Chinese units: 2万300个, 30万五千, 一百点25
    "time",  # times of day: 七点半, 早上9点到下午5点, half past seven
    "range",  # 三到五天, 两三百个, three or four boxes
    "approx",  # 几百块, 500多个, 十几天, a few hundred, over 3,000
    "spoken-en",  # one fifty five, two thousands, point seven five, oh for zero
    "article",  # 一/one as an article in a unit-price question: 一个多少钱
    "plain-qty",
    "plain-price",
    "plain-duration",
    "plain-percent",
    "plain-discount",
    "plain-date",
    "no-amount",  # number characters that are not amounts: 十分, 万一, 一下
)
FIELDS = ("language", "text", "category", "expect")
# A product code the finder found (A123, 2XL): its text is passed on as written.
CODE = "code"
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_APPROX = re.compile(r"^(?:~(?P<around>[^.+~]+)|(?P<over>[^.+~]+)\+|(?P<some>[^.+~]+)\.\.)$")


class Verdict(str, Enum):
    """A phrase's score, from best to worst."""

    RIGHT = "right"
    MISSED = "missed"
    EXTRA = "extra"
    WRONG = "WRONG VALUE"


# Worst first: the verdict a phrase gets when its amounts score differently.
SEVERITY = (Verdict.WRONG, Verdict.EXTRA, Verdict.MISSED, Verdict.RIGHT)
REPORT_ORDER = (Verdict.RIGHT, Verdict.MISSED, Verdict.WRONG, Verdict.EXTRA)


class Approx(str, Enum):
    """How an approximate amount relates to its number."""

    NONE = ""
    OVER = "+"  # more than N: 500多, over 3,000, 500-odd
    SOME = ".."  # some multiple of N, at least N: 几百 (100..), a few thousand (1000..)
    AROUND = "~"  # around N, said as one vague word: 五十来个, 百把块, fifty-ish


@dataclass(frozen=True)
class Reading:
    """One amount: an exact value (`low`), a range (`low`..`high`) or an approximate
    amount (`approx`). A time of day is kind "time" in minutes after midnight."""

    kind: str
    low: Decimal
    high: Decimal | None = None
    unit: str = ""
    approx: Approx = Approx.NONE

    @property
    def exact(self) -> bool:
        return self.high is None and self.approx is Approx.NONE


@dataclass(frozen=True)
class Phrase:
    language: str
    text: str
    category: str
    expect: tuple[Reading, ...]


@dataclass(frozen=True)
class Scored:
    """A phrase's verdict and why: the pairs read wrongly, the amounts found where none
    was said, and the amounts not found (a partial reading among them)."""

    verdict: Verdict
    wrong: tuple[tuple[Reading, Reading], ...] = ()
    extra: tuple[Reading, ...] = ()
    missed: tuple[Reading, ...] = ()


# ---- the notation ------------------------------------------------------------------


def parse_value(text: str, kind: str) -> Decimal:
    """A number, or for a time "H:MM" (in minutes after midnight)."""
    if kind == "time":
        match = _TIME.match(text)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise ValueError(f"a time is H:MM, not {text!r}")
        return Decimal(int(match.group(1)) * 60 + int(match.group(2)))
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"not a number: {text!r}")
    return value


def parse_expect(text: str) -> Reading:
    """'price 3.05 yuan', 'range qty 200..300 piece', 'approx qty 500+ piece',
    'approx price 100.. yuan', 'approx qty ~50 piece', 'time 7:30', 'date 15 3'."""
    words = text.split()
    shape = words.pop(0) if words and words[0] in ("range", "approx") else "exact"
    if len(words) not in (2, 3) or words[0] not in KINDS:
        raise ValueError(f"{text!r}: expected '[range|approx] kind value [unit]'")
    kind, value = words[0], words[1]
    unit = words[2] if len(words) == 3 else ""
    if kind in PLAIN_KINDS and unit:
        raise ValueError(f"{text!r}: a {kind} has no unit")
    if kind not in PLAIN_KINDS and not unit:
        raise ValueError(f"{text!r}: a {kind} needs a unit")
    if shape == "range":
        low, dots, high = value.partition("..")
        if not dots:
            raise ValueError(f"{text!r}: a range is LOW..HIGH")
        reading = Reading(kind, parse_value(low, kind), parse_value(high, kind), unit)
        if reading.high is not None and reading.high <= reading.low:
            raise ValueError(f"{text!r}: a range goes up")
        return reading
    if shape == "approx":
        match = _APPROX.match(value)
        if not match:
            raise ValueError(f"{text!r}: an approximate value is N+, N.. or ~N")
        how = {"over": Approx.OVER, "some": Approx.SOME, "around": Approx.AROUND}
        (name, number), *_ = ((k, v) for k, v in match.groupdict().items() if v)
        return Reading(kind, parse_value(number, kind), unit=unit, approx=how[name])
    if kind == "date":
        day, month = int(parse_value(value, kind)), int(parse_value(unit, kind))
        if not (1 <= day <= 31 and 1 <= month <= 12):
            raise ValueError(f"{text!r}: a date is 'date DAY MONTH'")
    return Reading(kind, parse_value(value, kind), unit=unit)


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _value(value: Decimal, kind: str) -> str:
    if kind == "time":
        hours, minutes = divmod(int(value), 60)
        return f"{hours}:{minutes:02d}"
    return _number(value)


def format_reading(reading: Reading) -> str:
    """The notation again: format_reading(parse_expect(s)) == s for a tidy s."""
    if reading.kind == CODE:
        return f"{CODE} {reading.unit}"
    value = _value(reading.low, reading.kind)
    if reading.high is not None:
        value = f"{value}..{_value(reading.high, reading.kind)}"
        shape = "range "
    elif reading.approx is not Approx.NONE:
        value = f"~{value}" if reading.approx is Approx.AROUND else value + reading.approx.value
        shape = "approx "
    else:
        shape = ""
    return f"{shape}{reading.kind} {value} {reading.unit}".strip()


# ---- the set ----------------------------------------------------------------------


def known_units(terms: Terms) -> dict[str, frozenset[str]]:
    """The unit ids each kind with a unit may name, from terms.toml."""
    units = {
        kind: frozenset(t.id for t in terms.in_table(table)) for kind, table in UNIT_TABLES.items()
    }
    units["date"] = frozenset(str(month) for month in range(1, 13))
    return units


def check_phrase(phrase: Phrase, units: dict[str, frozenset[str]]) -> list[str]:
    """What is wrong with a phrase of the set (nothing, for a good one)."""
    problems = []
    if phrase.language not in LANGUAGES:
        problems.append(f"unknown language {phrase.language!r}")
    if phrase.category not in CATEGORIES:
        problems.append(f"unknown category {phrase.category!r}")
    for reading in phrase.expect:
        if reading.kind in units and reading.unit not in units[reading.kind]:
            problems.append(f"unknown {reading.kind} unit {reading.unit!r}")
    return problems


def phrase_from(entry: dict[str, object]) -> Phrase:
    fields = set(entry)
    if fields != set(FIELDS):
        raise ValueError(f"{entry!r}: a phrase has exactly the fields {', '.join(FIELDS)}")
    expect = entry["expect"]
    if not isinstance(expect, list):
        raise ValueError(f"{entry!r}: expect is a list")
    return Phrase(
        str(entry["language"]),
        str(entry["text"]),
        str(entry["category"]),
        tuple(parse_expect(str(item)) for item in expect),
    )


def load_set(path: Path = AMOUNT_SET, terms_path: Path = TERMS_PATH) -> list[Phrase]:
    """Every phrase of the set, section after section, each checked."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    units = known_units(Terms.load(terms_path))
    phrases = []
    for section, entries in data.items():
        if not isinstance(entries, list):
            raise ValueError(f"{path}: section {section!r} is not a list of phrases")
        for entry in entries:
            phrase = phrase_from(entry)
            problems = check_phrase(phrase, units)
            if problems:
                raise ValueError(f"{path}: {phrase.text!r}: {'; '.join(problems)}")
            phrases.append(phrase)
    return phrases


# ---- scoring ------------------------------------------------------------------------


_FROM_FINDER = {
    AmountApprox.EXACT: Approx.NONE,
    AmountApprox.MORE: Approx.OVER,
    AmountApprox.SOME: Approx.SOME,
    AmountApprox.AROUND: Approx.AROUND,
}


def reading_of(amount: Amount) -> Reading:
    """What the finder said, as a reading: exact, a range, or approximate."""
    if amount.kind == CODE or amount.value is None:
        return Reading(CODE, Decimal(0), unit=amount.unit)
    approx = _FROM_FINDER[amount.approx]
    return Reading(amount.kind, amount.value, amount.high, amount.unit, approx)


def agrees(expected: Reading, found: Reading) -> bool:
    """Same kind, value (or bounds, or approximation) and unit."""
    return expected == found


def nominal_values(expected: Reading) -> tuple[Decimal, ...]:
    """The values a bare number may carry for an exact amount without being wrong: its
    value, and for a time on the hour the hour as said (下午5点 is 17:00 and says 5)."""
    if not expected.exact:
        return ()
    if expected.kind != "time":
        return (expected.low,)
    hours, minutes = divmod(int(expected.low), 60)
    if minutes:
        return ()
    return tuple(Decimal(h) for h in sorted({hours, hours % 12 or 12}))


def partial(expected: Reading, found: Reading) -> bool:
    """A bare number with an exact amount's value and no unit: not all of it, not wrong."""
    return found.kind == "num" and found.exact and found.low in nominal_values(expected)


def _first(
    open_expected: list[Reading | None], found: Reading, test: Callable[[Reading, Reading], bool]
) -> int | None:
    """The first expected amount not yet matched that `test` pairs with `found`."""
    return next((i for i, e in enumerate(open_expected) if e is not None and test(e, found)), None)


def score(expected: Sequence[Reading], found: Sequence[Reading]) -> Scored:
    """The verdict of one phrase: its expected amounts against what was found. A
    product code (A123, 500-odd) is passed on as written, so it is never scored."""
    open_expected: list[Reading | None] = list(expected)
    unexplained: list[Reading] = []
    for reading in (r for r in found if r.kind != CODE):
        index = _first(open_expected, reading, agrees)
        if index is None:
            unexplained.append(reading)
        else:
            open_expected[index] = None
    missed: list[Reading] = []
    unpaired: list[Reading] = []
    for reading in unexplained:
        index = _first(open_expected, reading, partial)
        taken = None if index is None else open_expected[index]
        if index is None or taken is None:
            unpaired.append(reading)
            continue
        missed.append(taken)
        open_expected[index] = None
    left = [e for e in open_expected if e is not None]
    wrong = tuple(zip(left, unpaired, strict=False))
    extra = tuple(unpaired[len(wrong) :])
    missed.extend(left[len(wrong) :])
    verdict = verdict_of(bool(wrong), bool(extra), bool(missed))
    return Scored(verdict, wrong, extra, tuple(missed))


def verdict_of(wrong: bool, extra: bool, missed: bool) -> Verdict:
    if wrong:
        return Verdict.WRONG
    if extra:
        return Verdict.EXTRA
    return Verdict.MISSED if missed else Verdict.RIGHT


class Finder(Protocol):
    """What is measured: today's `AmountFinder`, or a test's fake."""

    def find(self, text: str, language: str) -> list[Amount]: ...


def find(finder: Finder, phrase: Phrase) -> tuple[Reading, ...]:
    return tuple(reading_of(amount) for amount in finder.find(phrase.text, phrase.language))


# ---- totals and the report ---------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    phrase: Phrase
    found: tuple[Reading, ...]
    scored: Scored


def tally(outcomes: Iterable[Outcome], key: str) -> dict[str, dict[str, int]]:
    """Verdict counts per language or per category, in report order."""
    counts: dict[str, Counter[Verdict]] = {}
    for outcome in outcomes:
        group = getattr(outcome.phrase, key)
        counts.setdefault(group, Counter())[outcome.scored.verdict] += 1
    return {
        group: {"phrases": sum(c.values()), **{v.value: c[v] for v in REPORT_ORDER}}
        for group, c in counts.items()
    }


def table(title: str, counts: dict[str, dict[str, int]], order: Sequence[str]) -> list[str]:
    header = f"{title:16s} {'phrases':>7s} " + " ".join(f"{v.value:>11s}" for v in REPORT_ORDER)
    lines = [header]
    for group in [g for g in order if g in counts] + sorted(set(counts) - set(order)):
        row = counts[group]
        cells = " ".join(f"{row[v.value]:>11d}" for v in REPORT_ORDER)
        lines.append(f"{group:16s} {row['phrases']:>7d} {cells}")
    return lines


def describe(outcome: Outcome) -> str:
    """One line: the phrase, what it says, what was found."""
    expected = ", ".join(format_reading(r) for r in outcome.phrase.expect) or "nothing"
    found = ", ".join(format_reading(r) for r in outcome.found) or "nothing"
    phrase = outcome.phrase
    return f"[{phrase.language} {phrase.category}] {phrase.text}  says: {expected}  found: {found}"


def as_json(outcome: Outcome) -> dict[str, object]:
    phrase = outcome.phrase
    return {
        "language": phrase.language,
        "category": phrase.category,
        "text": phrase.text,
        "expect": [format_reading(r) for r in phrase.expect],
        "found": [format_reading(r) for r in outcome.found],
        "verdict": outcome.scored.verdict.value,
    }


def run(phrases: Sequence[Phrase], finder: Finder) -> list[Outcome]:
    outcomes = []
    for phrase in phrases:
        found = find(finder, phrase)
        outcomes.append(Outcome(phrase, found, score(phrase.expect, found)))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmarks.amount_set", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--set",
        type=Path,
        action="append",
        help="the phrases (TOML; may be given more than once); default: the dev split",
    )
    parser.add_argument("--language", help="only the phrases of this language")
    parser.add_argument("--category", choices=CATEGORIES, help="only this category")
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--label", default="")
    args = parser.parse_args(argv)
    sets = args.set or list(DEV_SETS)
    phrases = [
        p
        for path in sets
        for p in load_set(path)
        if args.language in (None, p.language) and args.category in (None, p.category)
    ]
    outcomes = run(phrases, AmountFinder.load())
    by_language = tally(outcomes, "language")
    by_category = tally(outcomes, "category")
    verdicts = Counter(o.scored.verdict for o in outcomes)
    overall = {"phrases": len(outcomes), **{v.value: verdicts[v] for v in REPORT_ORDER}}
    print("\n".join(table("language", by_language, tuple(LANGUAGES))))
    print()
    print("\n".join(table("category", by_category, CATEGORIES)))
    print()
    print("all: " + ", ".join(f"{name} {count}" for name, count in overall.items()))
    for verdict in (Verdict.WRONG, Verdict.EXTRA):
        chosen = [o for o in outcomes if o.scored.verdict is verdict]
        print(f"\n{verdict.value} ({len(chosen)}):")
        print("\n".join(describe(o) for o in chosen))
    path = save_result(
        "amount-set",
        "amounts read by the AmountFinder from hand-written counter phrases",
        __doc__,
        {
            "set": [path.name for path in sets],
            "language": args.language,
            "category": args.category,
            "total": overall,
            "by_language": by_language,
            "by_category": by_category,
            "phrases": [as_json(o) for o in outcomes],
        },
        args.out_dir,
        args.label,
    )
    print(f"\nwritten to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
