"""The pause set heard live: how many sentences the product's own session cuts, and how
long it waits at their real end.

benchmarks/pause_cut.py runs the endpointer alone, in simulated time, and reads each
stop at once; this runs `interpreter live`'s session (benchmarks.session: the
listener, the reader, the worker, a microphone paced in real time on the session's
clock) on the same recordings (pause_cut `build_recording`: spoken in one breath and
opened at the segments' ends, or with `--speech segments` each alone; exact pauses
between), so the reading as the voice stops takes the time it takes, drafts come
when the reader gets to them, and the endpoint decides with what it has by then. The
models and the translator are the latency benchmark's (Whisper base; a Marian-shaped
translator with random weights, `benchmarks.latency`).

Per item: **cut** when the session handed on more than one utterance for it; the
**wait** at its end is the last utterance's `endpoint_ms` (from the last voiced sample
its endpointer heard to the end of the turn) and **first audio** its
`first_audio_out` (an item not spoken is a miss, infinitely slow).

    python -m benchmarks.pause_live --split dev --endpoint words
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from benchmarks.common.models import ENGLISH_VOICE, open_store
from benchmarks.common.results import RESULTS_DIR, save_result
from benchmarks.latency_pipelines import (
    PAIR,
    BenchOptions,
    Measurement,
    OursPipeline,
    ours_measurement,
    tokenizer_corpus,
)
from benchmarks.pause_cut import (
    CHINESE_VOICE,
    LANGUAGES,
    PAUSE_SET,
    PauseItem,
    build_recording,
    load_set,
    select,
    table,
    tally,
)
from benchmarks.pause_speech import Speaker, Speech, add_speech_option, speakers
from benchmarks.replay import SPLITS
from benchmarks.scoring import percentiles
from benchmarks.session import replay_live_options
from interpreter.live.turn_end import TurnEndOptions
from interpreter.store import ModelStore
from interpreter.translate.random_models import MARIAN_SHAPE, build_random_translator


@dataclass(frozen=True)
class LiveOutcome:
    item: PauseItem
    measurement: Measurement

    @property
    def cut(self) -> bool:
        return self.measurement.utterances > 1

    @property
    def wait_ms(self) -> float:
        endpoint_ms = self.measurement.endpoint_ms
        return math.inf if endpoint_ms is None else endpoint_ms

    @property
    def first_audio_ms(self) -> float:
        first = self.measurement.first_audio_ms
        return math.inf if first is None else first


def measure(
    items: list[PauseItem],
    speakers: dict[str, Speaker],
    store: ModelStore,
    turn_end: TurnEndOptions,
    log=print,
) -> list[LiveOutcome]:
    """Each item played once through a live session, after two warm-up plays."""
    live = replace(replay_live_options(PAIR), turn_end=turn_end)
    options = BenchOptions(live=live)
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="interpreter-pause-live-") as work:
        translator = build_random_translator(
            Path(work) / "marian", tokenizer_corpus(), shape=MARIAN_SHAPE
        )
        recordings = [build_recording(item, speakers[item.language]) for item in items]
        ours = OursPipeline(store, translator, options)
        with ours.session() as session:
            for recording in recordings[:2]:
                session.play(recording.samples)
            for index, (item, recording) in enumerate(zip(items, recordings, strict=True), 1):
                measured = ours_measurement(session.play(recording.samples))
                outcomes.append(LiveOutcome(item, measured))
                if index % 10 == 0 or index == len(items):
                    log(f"  {index}/{len(items)} heard")
    return outcomes


def summary(outcomes: list[LiveOutcome]) -> dict[str, object]:
    by_split: dict[str, object] = {}
    for split in ("all", *SPLITS):
        chosen = [o for o in outcomes if split in ("all", o.item.split)]
        if chosen:
            by_split[split] = {
                "wait_ms": percentiles([o.wait_ms for o in chosen]),
                "first_audio_ms": percentiles([o.first_audio_ms for o in chosen]),
                "not_spoken": sum(math.isinf(o.first_audio_ms) for o in chosen),
            }
    return by_split


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    parser.add_argument("--set", type=Path, default=PAUSE_SET, help="the pause set (TOML)")
    add_speech_option(parser)
    parser.add_argument(
        "--endpoint",
        choices=("fixed", "words"),
        default="words",
        help="the fixed pause, or the sentence-aware endpoint (live/turn_end.py)",
    )
    defaults = TurnEndOptions()
    parser.add_argument("--draft-reach-s", type=float, default=defaults.draft_reach_s)
    parser.add_argument("--unread-ms", type=int, default=defaults.unread_silence_ms)
    parser.add_argument("--unknown-ms", type=int, default=defaults.unknown_silence_ms)
    parser.add_argument(
        "--first-piece-wait",
        type=int,
        default=defaults.first_piece_wait_ms,
        help="the longest pause held while the first piece is made (ms, 0: off)",
    )
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--label", default="")
    parser.add_argument("--models-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    started = time.monotonic()
    turn_end = replace(
        defaults,
        enabled=args.endpoint == "words",
        draft_reach_s=args.draft_reach_s,
        unread_silence_ms=args.unread_ms,
        unknown_silence_ms=args.unknown_ms,
        first_piece_wait_ms=args.first_piece_wait,
    )
    items = select(load_set(args.set), args.split)
    store = open_store(args.models_dir, ENGLISH_VOICE)
    speech = Speech(args.speech)
    spoken_by = speakers(speech, {item.language for item in items}, args.models_dir)
    print(f"{len(items)} utterances, live, endpoint {args.endpoint} {asdict(turn_end)} ...")
    outcomes = measure(items, spoken_by, store, turn_end)
    tables = tally(outcomes)  # type: ignore[arg-type]  # item and cut, as Outcome has
    figures = summary(outcomes)
    for split, rows in tables.items():
        print()
        print("\n".join(table(f"{split} split" if split != "all" else "all splits", rows)))
    for split, row in figures.items():
        print(f"{split}: at the real end {row}")
    path = save_result(
        "pause-live",
        "sentences with pauses inside them cut by the live session, and its wait at their end",
        __doc__,
        {
            "set": args.set.name,
            "split": args.split,
            "languages": list(LANGUAGES),
            "settings": {"endpoint": args.endpoint, "turn_end": asdict(turn_end)},
            "voices": {"zh": CHINESE_VOICE, "en": ENGLISH_VOICE},
            "speech": speech.value,
            "seconds": round(time.monotonic() - started, 1),
            "cut": tables,
            "at_end": figures,
            "items": [
                {
                    "split": o.item.split,
                    "language": o.item.language,
                    "kind": o.item.kind,
                    "text": o.item.text,
                    "cut": o.cut,
                    "utterances": o.measurement.utterances,
                    "transcript": o.measurement.transcript,
                    "status": o.measurement.status,
                    "wait_ms": o.measurement.endpoint_ms,
                    "first_audio_ms": o.measurement.first_audio_ms,
                }
                for o in outcomes
            ],
        },
        args.out_dir,
        args.label,
    )
    print(f"\nwritten to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
