"""The latency benchmark's two pipelines and what one measurement of them holds.

Ours is the product's own code on the session of benchmarks.session; stock is how
most projects wire the same libraries (see benchmarks.latency for the method).
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from benchmarks.common.models import (
    ASR_MODEL,
    ENGLISH_VOICE,
    PAIR,
    stock_transcribe,
    stock_whisper,
)
from benchmarks.common.results import RESULTS_DIR
from benchmarks.replay import ReplayItem, load_references
from benchmarks.session import (
    UNREPORTED,
    Played,
    ReplayOptions,
    ReplaySession,
    replay_live_options,
)
from interpreter.asr.transcriber import Transcriber, TranscriberOptions
from interpreter.asr.vad import EndpointerOptions
from interpreter.core.clock import MonotonicClock
from interpreter.core.types import Utterance
from interpreter.core.vocabulary import Status
from interpreter.live.options import endpointer_options
from interpreter.live.session import LiveOptions
from interpreter.store import ModelStore
from interpreter.translate.chain import TranslatorChain, TranslatorOptions
from interpreter.translate.nmt import NmtModel, NmtOptions
from interpreter.translate.phrasebook import Phrasebook
from interpreter.tts.synthesizer import EspeakVoice, SynthesizerOptions
from interpreter.turn.pipeline import Directions, Interpreter
from interpreter.turn.stages import ESPEAK_VOICE, StageOptions, build_synthesizer, build_vad

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# Random weights never emit end-of-sentence, so the cap on decoding is how long their
# translation is: a trained Marian model writes about this many target pieces per
# source piece,
REALISTIC_OUTPUT_RATIO = 1.2
# and then one step that writes its end. (Until 2026-12-07 both pipelines allowed the
# product's 8 pieces of slack here, so a 10-piece sentence was translated as 20.)
REALISTIC_END_STEPS = 1


def realistic_nmt_options() -> NmtOptions:
    """The translator options that make random weights write about as much as a
    trained model would."""
    return NmtOptions(output_ratio=REALISTIC_OUTPUT_RATIO, length_slack_pieces=REALISTIC_END_STEPS)


@dataclass(frozen=True)
class BenchOptions:
    asr_model: str = ASR_MODEL
    threads: int = 0
    repeats: int = 1
    limit: int | None = None
    per_language: bool = False
    # Only the replay set's items of this split (None: both).
    split: str | None = None
    out_dir: Path = RESULTS_DIR
    label: str = ""
    # Ours: the live session's options (`interpreter live`'s, trace on, echo gate off;
    # see benchmarks.session.replay_live_options).
    live: LiveOptions = field(default_factory=lambda: replay_live_options(PAIR))
    synthesizer: SynthesizerOptions = field(default_factory=SynthesizerOptions)
    transcriber: TranscriberOptions = field(default_factory=TranscriberOptions)
    nmt: NmtOptions = field(default_factory=realistic_nmt_options)
    # Before the budget sets its silence and longest utterance, as a session's
    # (`endpointer_options`): the offline cut and the session use the same.
    endpointer: EndpointerOptions = field(default_factory=EndpointerOptions)

    @property
    def cpu_threads(self) -> int:
        return self.threads or len(os.sched_getaffinity(0))

    @property
    def endpointer_options(self) -> EndpointerOptions:
        return endpointer_options(self.endpointer, self.live.budget)


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
        # The translator has random weights, outside the store: built here, not by
        # interpreter.turn.stages, which builds the ladder from the installed models.
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
        # The product's own voices: Piper joe for English, espeak-ng for Chinese, numbers
        # read aloud in words; a turn Whisper is unsure of is shown, not spoken (a miss
        # here, as it is at the stall).
        stages = StageOptions(
            synthesizer=options.synthesizer, voices={"en": ENGLISH_VOICE, "zh": ESPEAK_VOICE}
        )
        synthesizer, _ = build_synthesizer(store, Directions.pair(*PAIR), stages, self.clock)
        self.interpreter = Interpreter(
            transcriber,
            chain,
            synthesizer,
            self.clock,
            doubt=stages.doubt,
        )
        # Warmed as interpreter.turn.stages.build_interpreter warms its stages.
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
        method=trace.method.value,
        asr_ms=round(max(0.0, trace.asr_done_ms - trace.endpoint_ms), 1),
        mt_ms=last.turn.timings.mt_ms,
        first_audio_ms=trace.first_audio_out_ms if trace.status is Status.SPOKEN else None,
        encoder_window_s=last.turn.transcript.encoder_window_s,
        status=trace.status.value,
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
        from piper import PiperVoice

        threads = options.cpu_threads
        self.clock = MonotonicClock()
        self.whisper = stock_whisper(store, options.asr_model, threads)
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
        text, language = stock_transcribe(self.whisper, utterance.samples)
        asr_ms = ms_since(start_s, clock)
        target = "en" if language == "zh" else "zh"
        tokens = [*self.spm.encode(text, out_type=str), "</s>"]
        length = int(REALISTIC_OUTPUT_RATIO * len(tokens)) + REALISTIC_END_STEPS
        result = self.translator.translate_batch([tokens], max_decoding_length=length)[0]
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
        return Measurement(text, language, translation, "stock", asr_ms, mt_ms, first_audio_ms)


def best_of(measure: Callable[[], Measurement], repeats: int) -> Measurement:
    return min((measure() for _ in range(repeats)), key=lambda m: m.total_ms)


def stock_measurement(stock: StockPipeline, item: ReplayItem) -> Measurement:
    return stock.run(item.utterance, item.endpoint_wait_ms)


def ours_played(session: ReplaySession, recording: np.ndarray) -> Measurement:
    return ours_measurement(session.play(recording))


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
