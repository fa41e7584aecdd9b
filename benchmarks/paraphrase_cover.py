"""Phrasebook coverage: how much of what a counter says does the book translate?

The paraphrase set (benchmarks/paraphrase_dev.toml and paraphrase_test.toml, written
by a session that never saw the book) holds meanings said across a Yiwu counter, each
in four Chinese and four English ways, every way with the same amounts. Each
paraphrase goes through the product's translator chain with the phrasebook as its
only rung (no text model, no speech) into the other language and is counted:

- **whole**: the book translated every clause of it;
- **part**: some clauses (the rest is shown as said, its amounts boxed);
- **none**: nothing translated; the transcript is shown.

Coverage is whole over all. A meaning whose paraphrases in one language the book
translated into different texts is listed as **split**: one of them matched a phrase
of another meaning, or the book holds two phrases for one meaning; each is read by
a person. The book grows on the dev split only; README quotes test. Written to
results/<date>-<machine>-paraphrase-cover.json with every paraphrase's outcome.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from benchmarks.common.results import RESULTS_DIR, save_result
from interpreter.core.types import Transcript
from interpreter.core.vocabulary import Method
from interpreter.translate.chain import TranslatorChain
from interpreter.translate.phrasebook import Phrasebook

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

HERE = Path(__file__).parent
SETS = {"dev": HERE / "paraphrase_dev.toml", "test": HERE / "paraphrase_test.toml"}
PAIR = ("zh", "en")


class Cover(str, Enum):
    WHOLE = "whole"
    PART = "part"
    NONE = "none"


@dataclass(frozen=True)
class Meaning:
    split: str
    id: str
    topic: str
    gloss: str
    said: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Outcome:
    meaning: Meaning
    language: str
    text: str
    cover: Cover
    translation: str


def load_meanings(split: str, path: Path | None = None) -> list[Meaning]:
    """The meanings of one split, each checked to have both languages."""
    source = path or SETS[split]
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    meanings = []
    for entry in data.get("meaning", []):
        said = {language: tuple(entry.get(language, ())) for language in PAIR}
        if not all(said.values()):
            raise ValueError(f"{source}: meaning {entry.get('id')!r} lacks zh or en paraphrases")
        meanings.append(
            Meaning(split, str(entry["id"]), str(entry["topic"]), str(entry["gloss"]), said)
        )
    return meanings


def book_chain(phrasebook: Phrasebook | None = None) -> TranslatorChain:
    """The product's chain with the phrasebook as its only rung."""
    return TranslatorChain(phrasebook or Phrasebook.load(), [])


def cover_of(chain: TranslatorChain, text: str, source: str, target: str) -> tuple[Cover, str]:
    """How much of `text` the book translated, and the translation."""
    transcript = Transcript(0, text, source, 1.0, 0.0)
    pieces = list(chain.translate_pieces(transcript, target, phrasebook_only=True))
    by_book = [piece.method is Method.PHRASEBOOK for piece in pieces]
    joined = chain.joined(transcript, target, pieces).text
    if pieces and all(by_book):
        return Cover.WHOLE, joined
    return (Cover.PART if any(by_book) else Cover.NONE), joined


def measure(meanings: Iterable[Meaning], chain: TranslatorChain) -> list[Outcome]:
    outcomes = []
    for meaning in meanings:
        for language, target in (PAIR, PAIR[::-1]):
            for text in meaning.said[language]:
                cover, translation = cover_of(chain, text, language, target)
                outcomes.append(Outcome(meaning, language, text, cover, translation))
    return outcomes


def split_meanings(outcomes: Sequence[Outcome]) -> list[tuple[Meaning, str, list[str]]]:
    """Meanings whose whole-covered paraphrases in one language were translated into
    more than one text."""
    found = []
    seen: dict[tuple[str, str, str], set[str]] = {}
    meanings: dict[tuple[str, str], Meaning] = {}
    for outcome in outcomes:
        if outcome.cover is Cover.WHOLE:
            key = (outcome.meaning.split, outcome.meaning.id, outcome.language)
            seen.setdefault(key, set()).add(outcome.translation)
            meanings[key[:2]] = outcome.meaning
    for (split, id_, language), texts in seen.items():
        if len(texts) > 1:
            found.append((meanings[(split, id_)], language, sorted(texts)))
    return found


def tally(outcomes: Sequence[Outcome], key: str) -> dict[str, dict[str, int]]:
    """Counts of each cover per split and `key` ("language" or "topic")."""
    counts: dict[str, Counter[str]] = {}
    for outcome in outcomes:
        name = outcome.language if key == "language" else outcome.meaning.topic
        group = f"{outcome.meaning.split} {name}"
        counts.setdefault(group, Counter())[outcome.cover.value] += 1
    return {
        group: {"said": sum(c.values()), **{cover.value: c[cover.value] for cover in Cover}}
        for group, c in sorted(counts.items())
    }


def coverage(outcomes: Sequence[Outcome]) -> dict[str, dict[str, object]]:
    """Per split: paraphrases, each cover's count, and whole as a share of all."""
    result: dict[str, dict[str, object]] = {}
    for split in sorted({o.meaning.split for o in outcomes}):
        own = [o for o in outcomes if o.meaning.split == split]
        covers = Counter(o.cover for o in own)
        result[split] = {
            "said": len(own),
            **{cover.value: covers[cover] for cover in Cover},
            "coverage_pct": round(100.0 * covers[Cover.WHOLE] / len(own), 1) if own else 0.0,
            "split_meanings": len(split_meanings(own)),
        }
    return result


def table(title: str, counts: dict[str, dict[str, int]]) -> list[str]:
    lines = [f"{title:<22} {'said':>5} {'whole':>6} {'part':>5} {'none':>5} {'cover':>6}"]
    for group, c in counts.items():
        share = 100.0 * c["whole"] / c["said"] if c["said"] else 0.0
        lines.append(
            f"{group:<22} {c['said']:>5} {c['whole']:>6} {c['part']:>5} {c['none']:>5} "
            f"{share:>5.1f}%"
        )
    return lines


def report(outcomes: Sequence[Outcome], show_missed: bool = False) -> list[str]:
    lines = table("split language", tally(outcomes, "language"))
    lines += ["", *table("split topic", tally(outcomes, "topic"))]
    for split, figures in coverage(outcomes).items():
        lines.append(
            f"\n{split}: {figures['whole']} of {figures['said']} paraphrases translated whole "
            f"({figures['coverage_pct']}%), {figures['part']} in part, {figures['none']} not; "
            f"{figures['split_meanings']} meanings split"
        )
    for meaning, language, texts in split_meanings(outcomes):
        lines.append(f"split [{meaning.split} {meaning.id} {language}]: " + " | ".join(texts))
    if show_missed:
        for outcome in outcomes:
            if outcome.cover is not Cover.WHOLE:
                lines.append(
                    f"{outcome.cover.value:<5} [{outcome.meaning.split} {outcome.meaning.id} "
                    f"{outcome.language}] {outcome.text}"
                )
    return lines


def as_json(outcome: Outcome) -> dict[str, str]:
    return {
        "split": outcome.meaning.split,
        "meaning": outcome.meaning.id,
        "topic": outcome.meaning.topic,
        "language": outcome.language,
        "text": outcome.text,
        "cover": outcome.cover.value,
        "translation": outcome.translation,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmarks.paraphrase_cover", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--missed", action="store_true", help="list every paraphrase not whole")
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--label", default="")
    args = parser.parse_args(argv)
    splits = ("dev", "test") if args.split == "all" else (args.split,)
    meanings = [m for split in splits for m in load_meanings(split)]
    phrasebook = Phrasebook.load()
    outcomes = measure(meanings, book_chain(phrasebook))
    print("\n".join(report(outcomes, args.missed)))
    path = save_result(
        "paraphrase-cover",
        "phrasebook coverage of a paraphrase set written apart from the book",
        __doc__,
        {
            "split": args.split,
            "phrasebook_phrases": len(phrasebook),
            "summary": coverage(outcomes),
            "by_language": tally(outcomes, "language"),
            "by_topic": tally(outcomes, "topic"),
            "split_meanings": [
                {"split": m.split, "meaning": m.id, "language": lang, "translations": texts}
                for m, lang, texts in split_meanings(outcomes)
            ],
            "paraphrases": [as_json(o) for o in outcomes],
        },
        args.out_dir,
        args.label,
    )
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
