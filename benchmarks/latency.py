"""Last voiced sample to first translated audio: our pipeline against the stock wiring.

    python -m benchmarks.latency            # (make bench) the whole replay set
    python -m benchmarks.latency --limit 6  # a quick look
    python -m benchmarks.latency --split test --endpoint words  # the sentence-aware endpoint

The clock is what a buyer waits for: it starts at the last voiced sample of the
utterance and stops at the first translated sample out, the endpoint wait included. A
turn with no translated audio is a miss: counted (`misses`) and taken into the
percentiles as infinitely slow, never dropped. In the JSON a miss's `first_audio_ms` is
null, and any infinite figure (a percentile, a mean or a ratio reaching a miss) is the
string "inf". The headline, `ratio_of_p50`, is stock's median over ours.

Ours is the product itself: `interpreter live`'s session (benchmarks.session) hears each
item's whole recording, its lead and tail silence included, from a microphone that
delivers it in real time (32 ms frames on the session's clock, room noise between
items), and its endpointer, its reader (drafts while the voice goes on, one reading as
it stops, a draft still running then given up), its worker (the first piece translated
and voiced during the endpoint silence) and its latency budget do what they do at the
stall. Its figure is the session's own trace: from the last voiced sample its endpointer
heard to the first audio handed to the speaker, its own endpoint wait (and any lag of
its listener) included. The items are played one at a time, each once the turn of the
one before is reported and half a second of noise has passed; an item the session cuts
in two is timed by its last piece (`utterances` says how many), and one not reported 15
s after its recording ends is a miss.

The stock pipeline is how most projects wire these libraries: faster-whisper's
`transcribe()` with its defaults (30-second window, beam 5) and its VAD filter, the
whole text through the translator, the whole translation through the voice before
playback. It is handed the utterance our endpointer cut from the same recording offline
(benchmarks.replay.cut) and cannot start before the endpoint, so its figure is that
cut's endpoint wait (`endpoint_wait_ms`: from the last voiced sample to the endpointer's
decision) plus its work.

Both run with their models loaded and warmed (the first two items once through both),
interleaved item by item (each keeping the fastest of `--repeats` runs, one by default),
so a busy machine slows both alike. While stock works, the session listens to the room
noise (a VAD window every 32 ms, a few per cent of one core).

No translation weights can be downloaded where this runs, so both pipelines use a
translator with the shape of OPUS-MT zh-en (6+6 layers, 512 wide, 8 heads, 65,000
entries) and random weights; random weights never stop early, so decoding is capped
at 1.2 times the source length, about what a trained model writes.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.common.machine import machine
from benchmarks.common.models import ENGLISH_VOICE, english_voice, installed
from benchmarks.common.results import RESULTS_DIR, save_result
from benchmarks.latency_memory import (
    MEMORY_PROBE_UTTERANCES,
    measure_memory,
    memory_probe,
    save_replay,
)
from benchmarks.latency_pipelines import (
    REALISTIC_END_STEPS,
    REALISTIC_OUTPUT_RATIO,
    BenchOptions,
    OursPipeline,
    StockPipeline,
    best_of,
    ours_played,
    stock_measurement,
    tokenizer_corpus,
)
from benchmarks.latency_plot import plot
from benchmarks.latency_summary import compare, headline, row_of
from benchmarks.replay import SPLITS, Reference, build_replay, load_references, select
from interpreter.asr.transcriber import TranscriberOptions
from interpreter.live.reading import ReadingPolicy
from interpreter.store import ModelStore, default_store_dir, load_catalog
from interpreter.translate.random_models import MARIAN_SHAPE, build_random_translator
from interpreter.tts.synthesizer import SynthesizerOptions

BENCHMARK = "last voiced sample to first translated audio"


def run_benchmark(
    options: BenchOptions, store: ModelStore, log: Callable[[str], None] = print
) -> Path:
    references = [
        reference
        for reference in load_references()
        if options.split is None or reference.split == options.split
    ]
    references = select(references, options.limit, options.per_language)
    installed(store, options.asr_model, ENGLISH_VOICE)
    # The translator and the replay (about 300 MB) are rebuilt each run, never kept.
    with tempfile.TemporaryDirectory(prefix="interpreter-bench-") as temporary:
        return _measure(options, store, references, Path(temporary), log)


def _measure(
    options: BenchOptions,
    store: ModelStore,
    references: list[Reference],
    work: Path,
    log: Callable[[str], None],
) -> Path:
    log(f"building a Marian-shaped translator with random weights in {work} ...")
    corpus = tokenizer_corpus()
    translator_dir = build_random_translator(work / "marian", corpus, shape=MARIAN_SHAPE)
    # Without the voice's random variation every run replays the very same audio, so
    # error rates compare between runs (with it, WER moved by a point run to run).
    english = english_voice(store)
    log(f"speaking {len(references)} replay utterances ...")
    items = build_replay(references, english, options.endpointer_options)
    # Peak memory is set by the loaded models and the longest utterances.
    replay_path = work / "replay-longest.npz"
    longest = sorted(range(len(items)), key=lambda i: -items[i].speech_s)
    save_replay([items[i] for i in longest[:MEMORY_PROBE_UTTERANCES]], replay_path)

    log("loading both pipelines ...")
    ours = OursPipeline(store, translator_dir, options)
    stock = StockPipeline(store, translator_dir, options)
    rows = []
    with ours.session() as session:
        # Warm both: first calls allocate and tune kernels (and the session's budget
        # learns how fast this machine is, as it has at a stall that has been open).
        for item in items[:2]:
            session.play(item.recording)
            stock.run(item.utterance, item.endpoint_wait_ms)
        for item in items:
            ours_m = best_of(partial(ours_played, session, item.recording), options.repeats)
            stock_m = best_of(partial(stock_measurement, stock, item), options.repeats)
            rows.append(row_of(item, ours_m, stock_m))
            cut = f", cut in {ours_m.utterances}" if ours_m.utterances != 1 else ""
            log(
                f"{item.utterance.id:3d} {item.reference.language} {item.speech_s:4.1f}s  "
                f"ours {ours_m.total_ms:6.0f} ms ({ours_m.method}{cut})  "
                f"stock {stock_m.total_ms:6.0f} ms  {ours_m.transcript[:48]!r}"
            )
    assert session.summary is not None
    log(f"ours, the session: {session.summary.line()}")
    session_counts = {
        "frames_dropped": session.summary.frames_dropped,
        "stray_utterances": session.stray_utterances,
    }
    del ours, stock

    log("measuring peak memory of each pipeline in a fresh process ...")
    summary = compare(rows, references, options.transcriber)
    peaks = measure_memory(replay_path, translator_dir, store.root, options)
    # Settings are chosen on dev; README quotes test.
    summary["by_split"] = {}
    for split in SPLITS:
        chosen = [i for i, reference in enumerate(references) if reference.split == split]
        if chosen:
            summary["by_split"][split] = compare(
                [rows[i] for i in chosen], [references[i] for i in chosen], options.transcriber
            )
    for figures in (summary, *summary["by_split"].values()):
        for pipeline, peak in peaks.items():
            figures[pipeline]["peak_rss_mb"] = peak

    description = machine()
    fields = {
        **described(options, session_counts),
        "endpoint_silence_ms": options.endpointer_options.min_silence_ms,
        "summary": summary,
        "utterances": rows,
    }
    json_path = save_result(
        "", BENCHMARK, __doc__, fields, options.out_dir, options.label, description
    )
    plot(
        rows,
        summary,
        json_path.with_suffix(".png"),
        f"{description['cpu']}, {description['cores']} cores",
    )
    return json_path


def described(options: BenchOptions, session_counts: dict[str, int]) -> dict[str, Any]:
    """The result's models and settings: what both pipelines ran with."""
    return {
        "models": {
            "asr": options.asr_model,
            "translator": "random weights, OPUS-MT zh-en shape (6+6 layers, 512 wide, 8 heads, "
            f"{MARIAN_SHAPE.vocabulary_size} vocabulary), int8; decoding capped at "
            f"{REALISTIC_OUTPUT_RATIO}x the source length plus {REALISTIC_END_STEPS} step",
            "voices": {
                "en": ENGLISH_VOICE,
                "zh": "zh-baker (natural test voice; items marked espeak: espeak-ng cmn)",
            },
        },
        "settings": {
            "threads": options.cpu_threads,
            "repeats": options.repeats,
            "ours": {
                "transcriber": asdict(options.transcriber),
                "nmt": asdict(options.nmt),
                "synthesizer": asdict(options.synthesizer),
                "live_options": asdict(options.live),
                # What the session's readings used: its interval is the partial text's.
                "early_options": asdict(ReadingPolicy.of(options.live).early),
                "endpointer": asdict(options.endpointer_options),
                # Counted over the whole run, warm-up included.
                "session": session_counts,
            },
            "stock": {
                "transcribe": "faster-whisper defaults, vad_filter=True",
                "translate": "default beam",
            },
        },
    }


def seconds(minimum_s: float, inclusive: bool) -> Callable[[str], float]:
    """An argparse type: seconds no less than (or above) `minimum_s`."""

    def parse(text: str) -> float:
        value = float(text)
        if value < minimum_s or (value == minimum_s and not inclusive):
            bound = "at least" if inclusive else "more than"
            raise argparse.ArgumentTypeError(f"{text} s: give {bound} {minimum_s} s")
        return value

    return parse


def argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="benchmarks.latency", description=(__doc__).split("\n")[0]
    )
    parser.add_argument("--limit", type=int, help="only the first N utterances of the set")
    parser.add_argument(
        "--per-language", action="store_true", help="with --limit: the first N of each language"
    )
    parser.add_argument("--split", choices=SPLITS, help="only this split of the replay set")
    parser.add_argument(
        "--endpoint",
        choices=("fixed", "words"),
        default="fixed",
        help="ours: the fixed pause, or the sentence-aware endpoint (live/turn_end.py)",
    )
    parser.add_argument("--repeats", type=int, default=1, help="runs per utterance (fastest kept)")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: all cores)")
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument("--label", default="", help="added to the result file name")
    parser.add_argument("--beam-size", type=int, help="ours: Whisper beam size")
    parser.add_argument(
        "--full-window", action="store_true", help="ours: always the 30 s encoder window"
    )
    parser.add_argument(
        "--fallback-log-prob",
        help="ours: decode again on a wider window below this average log-prob ('none': loops)",
    )
    parser.add_argument(
        "--fallback-margin",
        type=float,
        help="ours: the second pass's window is the utterance plus this (default 8)",
    )
    parser.add_argument(
        "--window-margin",
        type=seconds(0.0, inclusive=True),
        help="ours: seconds of encoder window past the utterance",
    )
    parser.add_argument("--nmt-beam-size", type=int, help="ours: translator beam size")
    parser.add_argument(
        "--draft-interval",
        type=seconds(0.0, inclusive=False),
        help="ours: the session reads the growing utterance at most this often (seconds)",
    )
    parser.add_argument(
        "--unknown-ms", type=int, help="ours, by words: the pause after words that say neither"
    )
    parser.add_argument(
        "--unread-ms", type=int, help="ours, by words: the pause while no words are judged"
    )
    parser.add_argument(
        "--first-piece-wait",
        type=int,
        help="ours: the longest pause held while the first piece is made (ms, 0: off)",
    )
    parser.add_argument(
        "--no-prepare",
        action="store_true",
        help="ours: nothing translated or voiced before the endpoint",
    )
    parser.add_argument(
        "--lead-words", type=int, help="ours: words spoken first from a long sentence (0: off)"
    )
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--memory-probe", choices=("ours", "stock"), help=argparse.SUPPRESS)
    parser.add_argument("--replay-file", help=argparse.SUPPRESS)
    parser.add_argument("--translator-dir", help=argparse.SUPPRESS)
    parser.add_argument("--probe-settings", help=argparse.SUPPRESS)
    return parser


def options_of(args: argparse.Namespace) -> BenchOptions:
    """The benchmark's options from its command line."""
    transcriber = TranscriberOptions()
    if args.beam_size:
        transcriber = replace(transcriber, beam_size=args.beam_size)
    if args.full_window:
        transcriber = replace(transcriber, adaptive_window=False)
    if args.fallback_log_prob is not None:
        threshold = None if args.fallback_log_prob == "none" else float(args.fallback_log_prob)
        transcriber = replace(transcriber, fallback_log_prob=threshold)
    if args.window_margin is not None:
        transcriber = replace(transcriber, window_margin_s=args.window_margin)
    if args.fallback_margin is not None:
        transcriber = replace(transcriber, fallback_margin_s=args.fallback_margin)
    nmt = BenchOptions().nmt
    if args.nmt_beam_size:
        nmt = replace(nmt, beam_size=args.nmt_beam_size)
    live = replace(BenchOptions().live, prepare_during_silence=not args.no_prepare)
    if args.draft_interval:
        live = replace(live, partial_interval_s=args.draft_interval)
    turn_end: dict[str, Any] = {"enabled": True} if args.endpoint == "words" else {}
    for field_name, given in (
        ("unknown_silence_ms", args.unknown_ms),
        ("unread_silence_ms", args.unread_ms),
        ("first_piece_wait_ms", args.first_piece_wait),
    ):
        if given is not None:
            turn_end[field_name] = given
    live = replace(live, turn_end=replace(live.turn_end, **turn_end))
    return BenchOptions(
        transcriber=transcriber,
        nmt=nmt,
        live=live,
        synthesizer=(
            SynthesizerOptions(lead_words=args.lead_words)
            if args.lead_words is not None
            else SynthesizerOptions()
        ),
        label=args.label,
        threads=args.threads,
        repeats=args.repeats,
        limit=args.limit,
        per_language=args.per_language,
        split=args.split,
        out_dir=args.out_dir,
    )


def main(argv: list[str] | None = None) -> int:
    args = argument_parser().parse_args(argv)
    if args.memory_probe:
        memory_probe(args.memory_probe, args)
        return 0
    store = ModelStore(args.models_dir or default_store_dir(), load_catalog())
    started_s = time.monotonic()
    path = run_benchmark(options_of(args), store, log=lambda line: print(line, flush=True))
    summary = json.loads(path.read_text(encoding="utf-8"))["summary"]
    for split, figures in summary.get("by_split", {}).items():
        print(f"\n{split} split: {headline(figures)}")
    print(f"\nall: {headline(summary)}; {time.monotonic() - started_s:.0f} s")
    print(f"wrote {path} and {path.with_suffix('.png').name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
