"""Last voiced sample to first translated audio: our pipeline against the stock wiring.

    python -m benchmarks.latency            # (make bench) the whole replay set
    python -m benchmarks.latency --limit 6  # a quick look

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
import datetime
import json
import math
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np

from benchmarks.replay import (
    SPLITS,
    Reference,
    ReplayItem,
    build_replay,
    load_references,
)
from benchmarks.scoring import error_rate, percentiles
from benchmarks.session import (
    UNREPORTED,
    Played,
    ReplayOptions,
    ReplaySession,
    live_endpointer_options,
    replay_live_options,
)
from interpreter.amounts.finder import AmountFinder
from interpreter.asr.transcriber import Transcriber, TranscriberOptions
from interpreter.asr.vad import EndpointerOptions
from interpreter.audio.files import ASR_SAMPLE_RATE
from interpreter.core.clock import MonotonicClock
from interpreter.core.types import Utterance
from interpreter.live.session import LiveOptions
from interpreter.store import ModelStore, default_store_dir, load_catalog
from interpreter.translate.chain import TranslatorChain, TranslatorOptions
from interpreter.translate.nmt import NmtModel, NmtOptions
from interpreter.translate.phrasebook import Phrasebook
from interpreter.translate.random_models import MARIAN_SHAPE, build_random_translator
from interpreter.tts.readaloud import NumberReader
from interpreter.tts.synthesizer import (
    EspeakVoice,
    PiperVoiceModel,
    Synthesizer,
    SynthesizerOptions,
)
from interpreter.turn.pipeline import Interpreter
from interpreter.turn.stages import StageOptions, build_vad
from interpreter.turn.trace import SPOKEN

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

RESULTS_DIR = Path(__file__).with_name("results")
ENGLISH_VOICE = "piper-en_US-joe-medium"
PAIR = ("zh", "en")
# Random weights never emit end-of-sentence; a trained Marian model writes about this
# many target pieces per source piece.
REALISTIC_OUTPUT_RATIO = 1.2
MEMORY_PROBE_UTTERANCES = 6
# Issue 3's targets on a 2-core x86 CPU, drawn on the plot.
TARGET_P50_MS = 350
TARGET_P95_MS = 600


@dataclass(frozen=True)
class BenchOptions:
    asr_model: str = "whisper-base"
    threads: int = 0
    repeats: int = 1
    limit: int | None = None
    per_language: bool = False
    out_dir: Path = RESULTS_DIR
    label: str = ""
    # Ours: the live session's options (`interpreter live`'s, trace on, echo gate off;
    # see benchmarks.session.replay_live_options).
    live: LiveOptions = field(default_factory=lambda: replay_live_options(PAIR))
    synthesizer: SynthesizerOptions = field(default_factory=SynthesizerOptions)
    transcriber: TranscriberOptions = field(default_factory=TranscriberOptions)
    nmt: NmtOptions = field(default_factory=lambda: NmtOptions(output_ratio=REALISTIC_OUTPUT_RATIO))
    # Before the budget sets its silence and longest utterance, as a session's
    # (`endpointer_options`): the offline cut and the session use the same.
    endpointer: EndpointerOptions = field(default_factory=EndpointerOptions)

    @property
    def cpu_threads(self) -> int:
        return self.threads or len(os.sched_getaffinity(0))

    @property
    def endpointer_options(self) -> EndpointerOptions:
        return live_endpointer_options(self.endpointer, self.live.budget)


@dataclass(frozen=True)
class Measurement:
    """One pipeline on one utterance. `first_audio_ms` runs from the last voiced sample,
    the endpoint wait included (None: no audio, a miss); `asr_ms` and `mt_ms` are what
    recognition and translation took past the endpoint (ours: from the session's
    endpoint to its transcript, the wait for its reader included, then to its first
    translated piece)."""

    transcript: str
    language: str
    translation: str
    method: str
    asr_ms: float
    mt_ms: float
    first_audio_ms: float | None
    # None: not known (ours heard no text, so it made no turn to say).
    encoder_window_s: float | None = 30.0
    # Ours only, from the session's trace of the item's last utterance: what became of
    # it (spoken, shown, silent, stale, or unreported when no trace came in time), its
    # own endpoint wait, and the budget's rungs.
    status: str | None = None
    endpoint_ms: float | None = None
    asr_rung: str | None = None
    mt_rung: str | None = None
    # Ours: the utterances the session cut the item into (its first audio is the last
    # one's; the transcript and translation are all of them).
    utterances: int = 1

    @property
    def total_ms(self) -> float:
        """First audio, a miss being infinitely slow."""
        return math.inf if self.first_audio_ms is None else self.first_audio_ms


def ms_since(start_s: float, clock: MonotonicClock) -> float:
    return round(1000.0 * (clock.now() - start_s), 1)


class OursPipeline:
    """The interpreter's own code, as `interpreter live` runs it: the models are loaded
    here, the session that drives them is `session()` (benchmarks.session)."""

    name = "ours"

    def __init__(self, store: ModelStore, translator_dir: Path, options: BenchOptions) -> None:
        transcriber_options = replace(options.transcriber, cpu_threads=options.cpu_threads)
        nmt_options = replace(options.nmt, cpu_threads=options.cpu_threads)
        self.clock = MonotonicClock()
        transcriber = Transcriber(
            store.path(options.asr_model), transcriber_options, self.clock, options.asr_model
        )
        models = [
            NmtModel(
                translator_dir, "marian", (source, target), nmt_options, f"marian-{source}-{target}"
            )
            for source, target in (("en", "zh"), ("zh", "en"))
        ]
        chain = TranslatorChain(
            Phrasebook.load(),
            models,
            None,
            TranslatorOptions(use_whisper_translate=False),
            self.clock,
        )
        voice = PiperVoiceModel(store.path(ENGLISH_VOICE), "en", ENGLISH_VOICE)
        # As interpreter.turn.stages builds them: numbers read aloud in words, and a turn
        # Whisper is unsure of shown, not spoken (a miss here, as it is at the stall).
        reader = NumberReader(AmountFinder.load())
        synthesizer = Synthesizer({"en": voice}, options.synthesizer, self.clock, reader=reader)
        self.interpreter = Interpreter(
            transcriber,
            chain,
            synthesizer,
            self.clock,
            min_speak_confidence=StageOptions().min_speak_confidence,
        )
        self.interpreter.warm_up()
        chain.guard.finder.warm_up(PAIR)
        synthesizer.warm_up_reader(PAIR)
        self._store = store
        self._options = options

    def session(self) -> ReplaySession:
        """A live session on these models, on a microphone of its own (enter it to run)."""
        options = ReplayOptions(self._options.live, self._options.endpointer_options)
        return ReplaySession(self.interpreter, build_vad(self._store), options, self.clock)


def ours_measurement(played: Played) -> Measurement:
    """What the session made of one item. Its figure is the trace of the item's last
    utterance: a spoken one's first audio out, from the last voiced sample; anything
    else (shown but not spoken, silent, stale, unreported, no utterance at all) is a
    miss. An item cut in two keeps the words of both pieces."""
    heard = played.heard
    turns = [h.turn for h in heard if h.turn is not None]
    transcript = " ".join(turn.transcript.text for turn in turns)
    translation = " ".join(turn.translation.text for turn in turns)
    if not heard:
        # No speech cut from it; or the listener never got past its end.
        status = UNREPORTED if played.timed_out else "unheard"
        return Measurement(
            "", "", "", status, 0.0, 0.0, None, encoder_window_s=None, status=status, utterances=0
        )
    last = heard[-1]
    if last.turn is None or last.trace is None:
        language = turns[-1].transcript.language if turns else ""
        return Measurement(
            transcript, language, translation, last.status, 0.0, 0.0, None,
            encoder_window_s=None, status=last.status, utterances=len(heard),
        )  # fmt: skip
    trace = last.trace
    return Measurement(
        transcript=transcript,
        language=trace.language,
        translation=translation,
        method=trace.method,
        asr_ms=round(max(0.0, trace.asr_done_ms - trace.endpoint_ms), 1),
        mt_ms=last.turn.timings.mt_ms,
        first_audio_ms=trace.first_audio_out_ms if trace.status == SPOKEN else None,
        encoder_window_s=last.turn.transcript.encoder_window_s,
        status=trace.status,
        endpoint_ms=trace.endpoint_ms,
        asr_rung=trace.asr_rung,
        mt_rung=trace.mt_rung,
        utterances=len(heard),
    )


class StockPipeline:
    name = "stock"

    def __init__(self, store: ModelStore, translator_dir: Path, options: BenchOptions) -> None:
        import ctranslate2
        import sentencepiece
        from faster_whisper import WhisperModel
        from piper import PiperVoice

        threads = options.cpu_threads
        self.clock = MonotonicClock()
        self.whisper = WhisperModel(
            str(store.path(options.asr_model)),
            device="cpu",
            compute_type="int8",
            cpu_threads=threads,
        )
        self.translator = ctranslate2.Translator(
            str(translator_dir), device="cpu", compute_type="int8", intra_threads=threads
        )
        self.spm = sentencepiece.SentencePieceProcessor(
            model_file=str(translator_dir / "source.spm")
        )
        onnx = next(store.path(ENGLISH_VOICE).glob("*.onnx"))
        self.piper = PiperVoice.load(onnx)
        self.espeak = EspeakVoice("zh")

    def run(self, utterance: Utterance, endpoint_wait_ms: float) -> Measurement:
        """Starts at the endpoint, `endpoint_wait_ms` after the last voiced sample."""
        clock = self.clock
        start_s = clock.now()
        segments, info = self.whisper.transcribe(utterance.samples, vad_filter=True)
        text = "".join(segment.text for segment in segments).strip()  # the generator is lazy
        asr_ms = ms_since(start_s, clock)
        target = "en" if info.language == "zh" else "zh"
        tokens = [*self.spm.encode(text, out_type=str), "</s>"]
        result = self.translator.translate_batch(
            [tokens], max_decoding_length=int(REALISTIC_OUTPUT_RATIO * len(tokens)) + 8
        )[0]
        translation = self.spm.decode_pieces(result.hypotheses[0])
        mt_ms = round(ms_since(start_s, clock) - asr_ms, 1)
        # The whole translation is made before playback starts.
        if target == "en":
            chunks = [chunk.audio_float_array for chunk in self.piper.synthesize(translation)]
            playback = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
        else:
            playback = self.espeak.render(translation)
        first_audio_ms = (
            round(endpoint_wait_ms + ms_since(start_s, clock), 1) if len(playback) else None
        )
        return Measurement(text, info.language, translation, "stock", asr_ms, mt_ms, first_audio_ms)


# The instruction sets CTranslate2's and onnxruntime's int8 kernels run fastest on: two
# CPUs with the same name differ by a factor of three without them (benchmarks/README.md).
VECTOR_EXTENSIONS = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_int8", "asimddp")


def vector_extensions(cpuinfo: str) -> list[str]:
    """Which of `VECTOR_EXTENSIONS` the first CPU of a /proc/cpuinfo lists."""
    for line in cpuinfo.splitlines():
        name, _, value = line.partition(":")
        if name.strip() in ("flags", "Features"):
            listed = set(value.split())
            return [extension for extension in VECTOR_EXTENSIONS if extension in listed]
    return []


def machine() -> dict[str, object]:
    model = platform.processor() or platform.machine()
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        cpuinfo = ""
    for line in cpuinfo.splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    extensions = vector_extensions(cpuinfo)
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory_gb = round(pages / 1e9, 1)
    except (ValueError, OSError):
        memory_gb = None
    import ctranslate2
    import faster_whisper
    import onnxruntime

    return {
        "cpu": model,
        "cores": len(os.sched_getaffinity(0)),
        "vector_extensions": extensions,
        "logical_cpus": os.cpu_count(),
        "memory_gb": memory_gb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "ctranslate2": ctranslate2.__version__,
        "faster_whisper": faster_whisper.__version__,
        "onnxruntime": onnxruntime.__version__,
    }


def machine_slug(description: dict[str, object]) -> str:
    cpu = re.sub(r"\(r\)|\(tm\)|cpu|processor|@.*", "", str(description["cpu"]).lower())
    cpu = re.sub(r"[^a-z0-9]+", "-", cpu).strip("-") or "cpu"
    # Virtual machines often name only the vendor and family ("AMD EPYC").
    if "avx512f" in description.get("vector_extensions", ()):  # type: ignore[operator]
        cpu += "-avx512"
    return f"{cpu}-{description['cores']}c"


def best_of(measure: Callable[[], Measurement], repeats: int) -> Measurement:
    return min((measure() for _ in range(repeats)), key=lambda m: m.total_ms)


def stock_measurement(stock: StockPipeline, item: ReplayItem) -> Measurement:
    return stock.run(item.utterance, item.endpoint_wait_ms)


def ours_played(session: ReplaySession, recording: np.ndarray) -> Measurement:
    return ours_measurement(session.play(recording))


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the address space that
    exec made; ru_maxrss would carry over the parent's peak from before the fork."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024.0, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def first_audio_ms(measured: dict) -> float:
    """A row's figure for the percentiles: a miss (no audio) is infinitely slow."""
    value = measured["first_audio_ms"]
    return math.inf if value is None else value


def ratio_of(stock_ms: float | None, ours_ms: float | None) -> float | None:
    """Stock's figure over ours; None where it means nothing (none, zero, or both inf)."""
    if stock_ms is None or not ours_ms or (math.isinf(stock_ms) and math.isinf(ours_ms)):
        return None
    return round(stock_ms / ours_ms, 2)


def compare(
    rows: list[dict], references: list[Reference], transcriber: TranscriberOptions | None = None
) -> dict:
    """The summary of a run, peak memory aside: each pipeline's figures, the endpoint
    wait both paid, and the ratios of their percentiles (the headline is the medians')."""
    ours = summarise(rows, references, "ours", transcriber)
    stock = summarise(rows, references, "stock")
    return {
        "clock": "last voiced sample to first audio out, endpoint wait included",
        "endpoint_wait_ms": percentiles([row["endpoint_wait_ms"] for row in rows]),
        "ours": ours,
        "stock": stock,
        "ratio_of_p50": ratio_of(stock["first_audio_ms"]["p50"], ours["first_audio_ms"]["p50"]),
        "ratio_p95_latency": ratio_of(
            stock["first_audio_ms"]["p95"], ours["first_audio_ms"]["p95"]
        ),
    }


def summarise(
    rows: list[dict],
    references: list[Reference],
    pipeline: str,
    transcriber: TranscriberOptions | None = None,
) -> dict[str, object]:
    measured = [row[pipeline] for row in rows]
    misses = [m for m in measured if m["first_audio_ms"] is None]
    methods: dict[str, int] = {}
    for m in measured:
        methods[m["method"]] = methods.get(m["method"], 0) + 1

    def rate(language: str, voice: str = "") -> float | None:
        pairs = [
            (ref.text, m["transcript"])
            for ref, m in zip(references, measured, strict=True)
            if ref.language == language and ref.voice == voice
        ]
        return round(error_rate(pairs, language), 4) if pairs else None

    by_language = {
        language: percentiles(
            [first_audio_ms(row[pipeline]) for row in rows if row["language"] == language]
        )
        for language in PAIR
    }
    return {
        "first_audio_ms_by_language": by_language,
        "asr_ms": percentiles([m["asr_ms"] for m in measured]),
        "mt_ms": percentiles([m["mt_ms"] for m in measured]),
        "first_audio_ms": percentiles([first_audio_ms(m) for m in measured]),
        "wer": rate("en"),
        # The natural voice's Chinese; espeak-ng's robotic items apart.
        "cer": rate("zh"),
        "cer_espeak": rate("zh", "espeak"),
        "methods": methods,
        # Turns with no translated audio: in the percentiles as infinitely slow.
        "misses": len(misses),
        # Utterances decoded again on Whisper's full 30 s window (ours only).
        "full_window_fallbacks": sum(1 for m in measured if (m["encoder_window_s"] or 0) >= 30.0),
        # Utterances decoded a second time, on any window wider than the first (ours).
        "second_passes": sum(
            1
            for row, m in zip(rows, measured, strict=True)
            if (m["encoder_window_s"] or 0) > first_window_s(row["speech_s"], transcriber)
        ),
    }


def first_window_s(speech_s: float, options: TranscriberOptions | None = None) -> float:
    """The encoder window our first pass uses for an utterance (asr.transcriber.window_for)."""
    options = options or TranscriberOptions()
    wanted = max(options.min_window_s, speech_s + options.window_margin_s)
    return min(30.0, math.ceil(wanted * 2.0) / 2.0)


def measure_memory(
    replay_path: Path, translator_dir: Path, store_dir: Path, options: BenchOptions
) -> dict[str, float]:
    """Peak RSS of each pipeline in a fresh process that loads it, warms it and runs the
    longest items: ours as the session hears their recordings, in real time; stock on
    their cuts. The two probes run side by side: memory, not time, is read."""
    settings = {
        "transcriber": asdict(options.transcriber),
        "nmt": asdict(options.nmt),
        "synthesizer": asdict(options.synthesizer),
        "partial_interval_s": options.live.partial_interval_s,
        "prepare_during_silence": options.live.prepare_during_silence,
    }

    def start(pipeline: str) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable, "-m", "benchmarks.latency", "--memory-probe", pipeline,
                "--replay-file", str(replay_path), "--translator-dir", str(translator_dir),
                "--models-dir", str(store_dir), "--probe-settings", json.dumps(settings),
            ],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=Path(__file__).parents[1],
        )  # fmt: skip

    probes = {pipeline: start(pipeline) for pipeline in ("ours", "stock")}
    peaks = {}
    for pipeline, probe in probes.items():
        out, err = probe.communicate()
        if probe.returncode != 0:
            raise RuntimeError(f"the {pipeline} memory probe failed: {err.strip()[-500:]}")
        peaks[pipeline] = float(json.loads(out.strip().splitlines()[-1])["peak_rss_mb"])
    return peaks


def save_replay(items: list[ReplayItem], recordings: list[np.ndarray], path: Path) -> None:
    """The items' cuts (for stock) and whole recordings (for ours)."""
    cuts = {f"cut_{i}": item.utterance.samples for i, item in enumerate(items)}
    whole = {f"recording_{i}": recording for i, recording in enumerate(recordings)}
    np.savez(path, **cuts, **whole)


def load_replay(path: Path) -> tuple[list[Utterance], list[np.ndarray]]:
    with np.load(path) as data:
        count = sum(1 for name in data.files if name.startswith("cut_"))
        cuts = [data[f"cut_{i}"] for i in range(count)]
        recordings = [data[f"recording_{i}"] for i in range(count)]
    rate = ASR_SAMPLE_RATE
    utterances = [Utterance(i + 1, a, rate, 0.0, len(a) / rate) for i, a in enumerate(cuts)]
    return utterances, recordings


def memory_probe(pipeline: str, args: argparse.Namespace) -> None:
    store = ModelStore(Path(args.models_dir), load_catalog())
    settings = json.loads(args.probe_settings)
    live = replace(
        replay_live_options(PAIR),
        partial_interval_s=settings["partial_interval_s"],
        prepare_during_silence=settings["prepare_during_silence"],
    )
    options = BenchOptions(
        transcriber=TranscriberOptions(**settings["transcriber"]),
        nmt=NmtOptions(**settings["nmt"]),
        synthesizer=SynthesizerOptions(**settings["synthesizer"]),
        live=live,
    )
    utterances, recordings = load_replay(Path(args.replay_file))
    if pipeline == "ours":
        ours = OursPipeline(store, Path(args.translator_dir), options)
        with ours.session() as session:
            for recording in recordings:
                session.play(recording)
    else:
        stock = StockPipeline(store, Path(args.translator_dir), options)
        for utterance in utterances:
            stock.run(utterance, 0.0)  # memory, not time, is read here
    print(json.dumps({"peak_rss_mb": peak_rss_mb()}))


def plot(rows: list[dict], summary: dict, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    series = []
    labels = []
    for pipeline in ("ours", "stock"):
        for language in PAIR:
            values = [  # the misses are counted in the summary, not drawn
                r[pipeline]["first_audio_ms"]
                for r in rows
                if r["language"] == language and r[pipeline]["first_audio_ms"] is not None
            ]
            series.append(values or [0.0])
            labels.append(f"{pipeline}\n{language}")
    left.boxplot(series, showfliers=True)
    left.set_xticks(range(1, len(labels) + 1), labels)
    for value, label in ((TARGET_P50_MS, "target p50"), (TARGET_P95_MS, "target p95")):
        left.axhline(value, linestyle="--", linewidth=0.8, color="grey")
        left.annotate(label, (0.5, value), fontsize=7, color="grey", va="bottom")
    left.set_ylabel("last voiced sample to first audio (ms)")
    left.set_title("first translated audio, per utterance")
    left.grid(axis="y", alpha=0.3)

    def drawn(value: float | None) -> float:
        return value if value is not None and math.isfinite(value) else 0.0

    wait = drawn(summary["endpoint_wait_ms"]["p50"])
    right.bar(["ours", "stock"], [wait, wait], label="endpoint wait")
    bottoms = np.full(2, wait)
    for stage in ("asr_ms", "mt_ms"):
        heights = [drawn(summary[p][stage]["p50"]) for p in ("ours", "stock")]
        right.bar(["ours", "stock"], heights, bottom=bottoms, label=stage.replace("_ms", ""))
        bottoms += heights
    first = [drawn(summary[p]["first_audio_ms"]["p50"]) for p in ("ours", "stock")]
    right.bar(
        ["ours", "stock"], np.maximum(0, np.array(first) - bottoms), bottom=bottoms, label="tts"
    )
    right.set_title("p50 by stage (ms)")
    right.legend()
    right.grid(axis="y", alpha=0.3)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    tmp = path.with_suffix(".png.tmp")
    figure.savefig(tmp, format="png", dpi=110)
    plt.close(figure)
    os.replace(tmp, path)


def json_ready(value: object) -> object:
    """JSON holds no infinity: an infinite figure (a percentile reaching a miss) is
    written as the string "inf"."""
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    return value


def save_result(
    name: str, benchmark: str, module_doc: str, fields: dict, out_dir: Path, label: str = ""
) -> Path:
    """A result file `<date>-<machine>-<name>[-label].json`: what was measured, when, on
    which machine and how (the method: `module_doc` after its first paragraph), then
    `fields`."""
    description = machine()
    now = datetime.datetime.now(datetime.timezone.utc)
    document = {
        "benchmark": benchmark,
        "created_at": now.isoformat(timespec="seconds"),
        "machine": description,
        "method": module_doc.split("\n\n", 1)[1].strip(),
        **fields,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = f"-{label}" if label else ""
    path = out_dir / f"{now:%Y-%m-%d}-{machine_slug(description)}-{name}{suffix}.json"
    write_json(document, path)
    return path


def write_json(document: dict, path: Path) -> None:
    tmp = path.with_suffix(".json.tmp")
    text = json.dumps(json_ready(document), ensure_ascii=False, indent=2, allow_nan=False)
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, path)


def tokenizer_corpus() -> list[str]:
    """Text for the test tokenizer: the phrasebook and the replay set give word-sized
    pieces (1.3 to 1.9 per English word), close to a real OPUS-MT vocabulary, so a
    sentence costs about as many decoding steps as it would with real weights."""
    book_path = Path(__file__).parents[1] / "interpreter/translate/data/phrases.toml"
    with book_path.open("rb") as handle:
        phrases = tomllib.load(handle)["phrase"]
    texts = [
        re.sub(r"\{\w+\}", "500", variant)
        for phrase in phrases
        for language in PAIR
        for variant in phrase.get(language, [])
    ]
    return (texts + [reference.text for reference in load_references()]) * 3


def select(references: list[Reference], limit: int | None, per_language: bool) -> list[Reference]:
    """The first `limit` of the set, or of each language in it."""
    if limit is None:
        return references
    if not per_language:
        return references[:limit]
    taken: dict[str, int] = {}
    chosen = []
    for reference in references:
        if taken.get(reference.language, 0) < limit:
            taken[reference.language] = taken.get(reference.language, 0) + 1
            chosen.append(reference)
    return chosen


def row_of(item: ReplayItem, ours: Measurement, stock: Measurement) -> dict:
    both_spoke = ours.first_audio_ms and stock.first_audio_ms
    ratio = stock.first_audio_ms / ours.first_audio_ms if both_spoke else None
    return {
        "id": item.utterance.id,
        "language": item.reference.language,
        "split": item.reference.split,
        "voice": item.reference.voice,
        "reference": item.reference.text,
        "speech_s": round(item.speech_s, 2),
        "endpoint_wait_ms": item.endpoint_wait_ms,
        "ours": asdict(ours),
        "stock": asdict(stock),
        "ratio": round(ratio, 2) if ratio else None,
    }


def run_benchmark(options: BenchOptions, store: ModelStore, log=print) -> Path:
    references = select(load_references(), options.limit, options.per_language)
    for name in (options.asr_model, ENGLISH_VOICE):
        if not store.is_installed(name):
            store.fetch(name)
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
    english = PiperVoiceModel(store.path(ENGLISH_VOICE), "en", ENGLISH_VOICE, vary=False)
    log(f"speaking {len(references)} replay utterances ...")
    items = build_replay(references, english, options.endpointer_options)
    recordings = [item.recording for item in items]
    # Peak memory is set by the loaded models and the longest utterances.
    replay_path = work / "replay-longest.npz"
    longest = sorted(range(len(items)), key=lambda i: -items[i].speech_s)
    longest = longest[:MEMORY_PROBE_UTTERANCES]
    save_replay([items[i] for i in longest], [recordings[i] for i in longest], replay_path)

    log("loading both pipelines ...")
    ours = OursPipeline(store, translator_dir, options)
    stock = StockPipeline(store, translator_dir, options)
    rows = []
    with ours.session() as session:
        # Warm both: first calls allocate and tune kernels (and the session's budget
        # learns how fast this machine is, as it has at a stall that has been open).
        for item, recording in list(zip(items, recordings, strict=True))[:2]:
            session.play(recording)
            stock.run(item.utterance, item.endpoint_wait_ms)
        for item, recording in zip(items, recordings, strict=True):
            ours_m = best_of(partial(ours_played, session, recording), options.repeats)
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
    now = datetime.datetime.now(datetime.timezone.utc)
    stem = f"{now:%Y-%m-%d}-{machine_slug(description)}" + (
        f"-{options.label}" if options.label else ""
    )
    document = {
        "benchmark": "last voiced sample to first translated audio",
        "created_at": now.isoformat(timespec="seconds"),
        "machine": description,
        "method": __doc__.split("\n\n", 1)[1].strip(),
        "models": {
            "asr": options.asr_model,
            "translator": "random weights, OPUS-MT zh-en shape (6+6 layers, 512 wide, 8 heads, "
            f"{MARIAN_SHAPE.vocabulary_size} vocabulary), int8; decoding capped at "
            f"{REALISTIC_OUTPUT_RATIO}x the source length",
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
                "early_options": asdict(
                    replace(options.live.early, interval_s=options.live.partial_interval_s)
                ),
                "endpointer": asdict(options.endpointer_options),
                # Counted over the whole run, warm-up included.
                "session": session_counts,
            },
            "stock": {
                "transcribe": "faster-whisper defaults, vad_filter=True",
                "translate": "default beam",
            },
        },
        "endpoint_silence_ms": options.endpointer_options.min_silence_ms,
        "summary": summary,
        "utterances": rows,
    }
    options.out_dir.mkdir(parents=True, exist_ok=True)
    json_path = options.out_dir / f"{stem}.json"
    write_json(document, json_path)
    plot(
        rows,
        summary,
        json_path.with_suffix(".png"),
        f"{description['cpu']}, {description['cores']} cores",
    )
    return json_path


def headline(summary: dict) -> str:
    """The figures the README quotes, on one line."""
    ours, stock = summary["ours"], summary["stock"]

    def spread(pipeline: dict) -> str:
        return f"{pipeline['first_audio_ms']['p50']}/{pipeline['first_audio_ms']['p95']} ms"

    return (
        f"last voiced sample to first audio p50/p95 (endpoint wait p50 "
        f"{summary['endpoint_wait_ms']['p50']} ms included): "
        f"ours {spread(ours)}, stock {spread(stock)}; "
        f"stock/ours ratio of p50s {summary['ratio_of_p50']}; "
        f"misses ours {ours['misses']} stock {stock['misses']}; "
        f"WER ours {ours['wer']} stock {stock['wer']}; "
        f"CER ours {ours['cer']} stock {stock['cer']} (espeak-ng items ours "
        f"{ours['cer_espeak']} stock {stock['cer_espeak']}); "
        f"peak RSS ours {ours['peak_rss_mb']} MB stock {stock['peak_rss_mb']} MB"
    )


def seconds(minimum_s: float, inclusive: bool) -> Callable[[str], float]:
    """An argparse type: seconds no less than (or above) `minimum_s`."""

    def parse(text: str) -> float:
        value = float(text)
        if value < minimum_s or (value == minimum_s and not inclusive):
            bound = "at least" if inclusive else "more than"
            raise argparse.ArgumentTypeError(f"{text} s: give {bound} {minimum_s} s")
        return value

    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.latency", description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N utterances of the set")
    parser.add_argument(
        "--per-language", action="store_true", help="with --limit: the first N of each language"
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
    args = parser.parse_args(argv)
    if args.memory_probe:
        memory_probe(args.memory_probe, args)
        return 0
    store = ModelStore(args.models_dir or default_store_dir(), load_catalog())
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
    options = BenchOptions(
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
        out_dir=args.out_dir,
    )
    started_s = time.monotonic()
    path = run_benchmark(options, store, log=lambda line: print(line, flush=True))
    summary = json.loads(path.read_text(encoding="utf-8"))["summary"]
    for split, figures in summary.get("by_split", {}).items():
        print(f"\n{split} split: {headline(figures)}")
    print(f"\nall: {headline(summary)}; {time.monotonic() - started_s:.0f} s")
    print(f"wrote {path} and {path.with_suffix('.png').name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
