"""Recognition constants chosen on the dev split, never on test.

    python -m benchmarks.tune                      # every candidate, about 30 minutes on 2 cores
    python -m benchmarks.tune --only beam_size     # one constant's candidates

Each candidate changes one constant of the transcriber (or the early reader) from its
default and reads every dev item of the replay set (the natural voices; espeak-ng's
robustness items apart) the way the product reads an utterance: a draft every interval
while the voice goes on, the reading as the voice stops, then the final transcript
(`EarlyRecognizer.finish`: that reading when it covers the utterance and looks sound,
else its second reading or a decode of what follows the settled words). Stock
faster-whisper `transcribe()` reads the same items for reference. Printed and written
per candidate: Chinese character and English word error rates (numbers compared as
values, benchmarks.scoring), utterances heard in the wrong language, and the mean time
of the reading as the voice stops plus the final transcript (what the listener may
wait for).

Drafts here start on time and are never given up (the live reader starts them when
the one before is done and gives up a stale one): that is timing, which `make bench`
measures on the product's own session; this picks constants by accuracy, at a cost
shown beside it. The test split is refused: its figures are for README, and a
constant chosen on it would make them a tuning score.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from benchmarks.common.models import (
    ASR_MODEL,
    PAIR,
    english_voice,
    open_store,
    stock_transcribe,
    stock_whisper,
)
from benchmarks.common.results import RESULTS_DIR, save_result
from benchmarks.replay import ReplayItem, build_replay, load_references, select
from benchmarks.scoring import error_rate
from interpreter.asr.early import EarlyOptions, EarlyRecognizer
from interpreter.asr.transcriber import Transcriber, TranscriberOptions
from interpreter.asr.vad import EndpointerOptions
from interpreter.store import ModelStore

STOCK = "stock"


@dataclass(frozen=True)
class Candidate:
    """One constant moved from its default; `name` says which and to what."""

    name: str
    transcriber: dict[str, Any] = field(default_factory=dict)
    early: dict[str, Any] = field(default_factory=dict)

    @property
    def constant(self) -> str:
        return self.name.split("=", 1)[0]


def candidates() -> list[Candidate]:
    """The defaults, then each tuned constant at a few values around its default."""
    found = [Candidate("defaults")]
    moves: list[tuple[str, str, tuple[Any, ...]]] = [
        ("transcriber", "beam_size", (2, 5)),
        ("transcriber", "window_margin_s", (2.5, 4.0)),
        ("transcriber", "fallback_log_prob", (-1.0, None)),
        ("transcriber", "min_language_prob", (0.05,)),
        ("early", "now_min_unread_s", (0.3,)),
    ]
    for part, name, values in moves:
        for value in values:
            found.append(Candidate(f"{name}={value}", **{part: {name: value}}))
    return found


@dataclass(frozen=True)
class Reading:
    language: str
    reference: str
    text: str
    heard_language: str
    seconds: float


@dataclass(frozen=True)
class Score:
    candidate: str
    cer_zh: float
    wer_en: float
    wrong_language: int
    final_reading_ms: float
    items: int


def score(candidate: str, readings: list[Reading]) -> Score:
    def rate(language: str) -> float:
        pairs = [(r.reference, r.text) for r in readings if r.language == language]
        return round(100.0 * error_rate(pairs, language), 2)

    return Score(
        candidate=candidate,
        cer_zh=rate("zh"),
        wer_en=rate("en"),
        wrong_language=sum(r.heard_language != r.language for r in readings),
        final_reading_ms=round(1000.0 * sum(r.seconds for r in readings) / len(readings), 1),
        items=len(readings),
    )


def read_as_the_product(
    transcriber: Transcriber, options: EarlyOptions, item: ReplayItem
) -> tuple[str, str, float]:
    """Text, language and the seconds of the reading as the voice stops plus the final
    transcript, for one item read as the live session reads it (drafts on time)."""
    utterance = item.utterance
    rate = utterance.sample_rate
    early = EarlyRecognizer(transcriber, PAIR, options)
    stopped = round((utterance.voice_end_s - utterance.t_start_s) * rate)
    at_s = options.interval_s
    while at_s * rate < stopped:
        early.hear(utterance.samples[: round(at_s * rate)], rate)
        at_s += options.interval_s
    started = time.perf_counter()
    early.hear(utterance.samples[:stopped], rate, now=True)
    transcript = early.finish(utterance)
    return transcript.text, transcript.language, time.perf_counter() - started


def stock_reader(store: ModelStore, threads: int) -> Callable[[ReplayItem], tuple[str, str, float]]:
    model = stock_whisper(store, ASR_MODEL, threads)

    def read(item: ReplayItem) -> tuple[str, str, float]:
        started = time.perf_counter()
        text, language = stock_transcribe(model, item.utterance.samples)
        return text, language, time.perf_counter() - started

    return read


def evaluate(
    read: Callable[[ReplayItem], tuple[str, str, float]], items: list[ReplayItem], name: str
) -> tuple[Score, list[Reading]]:
    readings = []
    for item in items:
        text, language, seconds = read(item)
        reference = item.reference
        readings.append(Reading(reference.language, reference.text, text, language, seconds))
    return score(name, readings), readings


def dev_items(store: ModelStore, limit: int | None) -> list[ReplayItem]:
    dev = [r for r in load_references() if r.split == "dev" and not r.voice]
    references = select(dev, limit, per_language=True)
    return build_replay(references, english_voice(store), EndpointerOptions())


def line(score: Score) -> str:
    return (
        f"{score.candidate:28s} CER zh {score.cer_zh:5.2f}%  WER en {score.wer_en:5.2f}%  "
        f"wrong language {score.wrong_language}  final reading {score.final_reading_ms:6.1f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.tune", description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", help="dev (the test split is held out)")
    parser.add_argument("--only", help="only the candidates of this constant (and the defaults)")
    parser.add_argument("--limit", type=int, help="only the first N items of each language")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--label", default="")
    parser.add_argument("--models-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.split != "dev":
        parser.error(f"--split {args.split}: constants are chosen on dev only; test is held out")
    chosen = [c for c in candidates() if args.only in (None, c.constant) or c.name == "defaults"]
    if len(chosen) == 1 and args.only:
        parser.error(f"--only {args.only}: no candidates; pick one of {constants()}")
    store = open_store(args.models_dir)
    items = dev_items(store, args.limit)
    print(f"{len(items)} dev items; {len(chosen)} candidates and stock", flush=True)
    scores = []
    readings: dict[str, list[dict]] = {}
    read_stock = stock_reader(store, args.threads)
    stock_score, stock_readings = evaluate(read_stock, items, STOCK)
    print(line(stock_score), flush=True)
    scores.append(stock_score)
    readings[STOCK] = [asdict(r) for r in stock_readings]
    for candidate in chosen:
        options = replace(TranscriberOptions(cpu_threads=args.threads), **candidate.transcriber)
        transcriber = Transcriber(store.path(ASR_MODEL), options, name=ASR_MODEL)
        transcriber.warm_up()
        early = replace(EarlyOptions(), **candidate.early)

        def read(item: ReplayItem, t: Transcriber = transcriber, e: EarlyOptions = early):
            return read_as_the_product(t, e, item)

        found, found_readings = evaluate(read, items, candidate.name)
        print(line(found), flush=True)
        scores.append(found)
        readings[candidate.name] = [asdict(r) for r in found_readings]
    path = save_result(
        "tune",
        "recognition constants on the dev split",
        __doc__,
        {"model": ASR_MODEL, "scores": [asdict(s) for s in scores], "readings": readings},
        args.out_dir,
        args.label,
    )
    print(f"written to {path}")
    return 0


def constants() -> list[str]:
    return sorted({c.constant for c in candidates()} - {"defaults"})


if __name__ == "__main__":
    raise SystemExit(main())
