"""The self-benchmark: each installed Whisper that knows the stall's languages reads a
spoken test sentence on this machine, and the most accurate one that reads it within
the latency budget's recognition share is recommended.

The sentence is about three seconds of trade English in an installed voice (a Piper
voice, else espeak-ng), with the pre-roll and post-roll the endpointer keeps, read by
the session's own `Transcriber` with the session's options: what a turn at the counter
costs, not a synthetic kernel. Each model is loaded, reads the sentence once untimed
(the first read pays for memory and kernel selection, as the session's warm-up does),
then a few times timed; the median counts. Models go from the fastest up, and stop at
the first one over the budget (a bigger one is slower still) or when the benchmark's
time is used up.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interpreter.asr.transcriber import Transcriber, TranscriberOptions
from interpreter.asr.vad import EndpointerOptions
from interpreter.audio.files import ASR_SAMPLE_RATE, resample
from interpreter.core.errors import InterpreterError
from interpreter.core.types import Utterance
from interpreter.doctor.report import Check, fail, from_error, ok, warn
from interpreter.store import ModelEntry, ModelStore
from interpreter.tts.synthesizer import EspeakVoice, PiperVoiceModel, Voice, espeak_path
from interpreter.turn.stages import ASR_PREFERENCE

# A typical turn at the counter: a question with two amounts, about three seconds.
SENTENCE = "Can you deliver five hundred pieces in twenty days?"
SENTENCE_LANGUAGE = "en"


@dataclass(frozen=True)
class SpeedResult:
    model: str
    # The test sentence's length, its pre-roll and post-roll included.
    audio_s: float
    # The median of the timed readings.
    transcribe_ms: float
    runs: int
    load_ms: float

    @property
    def ms_per_audio_s(self) -> float:
        return self.transcribe_ms / self.audio_s

    @property
    def real_time_factor(self) -> float:
        return self.transcribe_ms / 1000.0 / self.audio_s

    def facts(self, allowance_ms: float) -> dict[str, object]:
        return {
            "model": self.model,
            "audio_s": round(self.audio_s, 2),
            "transcribe_ms": round(self.transcribe_ms, 1),
            "ms_per_audio_s": round(self.ms_per_audio_s, 1),
            "real_time_factor": round(self.real_time_factor, 3),
            "runs": self.runs,
            "load_ms": round(self.load_ms, 1),
            "budget_asr_ms": allowance_ms,
            "fits_budget": self.transcribe_ms <= allowance_ms,
        }


def knows(entry: ModelEntry, languages: Sequence[str]) -> bool:
    return all(code in entry.languages for code in languages)


def candidates(store: ModelStore, pair: tuple[str, str]) -> list[str]:
    """The installed recognisers a session for `pair` could load, the fastest first."""
    return [
        name
        for name in reversed(ASR_PREFERENCE)
        if name in store.catalog
        and store.is_installed(name)
        and knows(store.catalog.get(name), pair)
    ]


def sentence_voice(store: ModelStore) -> Voice | None:
    """An English voice to say the sentence: an installed Piper voice, else espeak-ng."""
    for entry in store.installed():
        if entry.kind == "tts" and SENTENCE_LANGUAGE in entry.languages:
            path = store.path(entry.name)
            return PiperVoiceModel(path, SENTENCE_LANGUAGE, entry.name, vary=False)
    if espeak_path() is not None:
        return EspeakVoice(SENTENCE_LANGUAGE)
    return None


def spoken_sentence(voice: Voice, endpointer: EndpointerOptions | None = None) -> np.ndarray:
    """The sentence at 16 kHz as the endpointer would hand it to recognition."""
    endpointer = endpointer or EndpointerOptions()
    speech = np.concatenate(list(voice.speak(SENTENCE)))
    speech = 0.8 * resample(speech, voice.sample_rate, ASR_SAMPLE_RATE)
    before = np.zeros(ASR_SAMPLE_RATE * endpointer.pre_roll_ms // 1000, np.float32)
    after = np.zeros(ASR_SAMPLE_RATE * endpointer.post_roll_ms // 1000, np.float32)
    return np.concatenate([before, speech, after]).astype(np.float32)


def measure(
    model_dir: Path,
    name: str,
    samples: np.ndarray,
    languages: tuple[str, ...],
    options: TranscriberOptions,
    repeats: int,
    deadline_s: float,
) -> SpeedResult:
    """Load `name` and time its readings of `samples` (at least one timed, at most
    `repeats`, fewer once `deadline_s` on the monotonic clock has passed)."""
    started = time.perf_counter()
    transcriber = Transcriber(model_dir, options, name=name)
    load_ms = (time.perf_counter() - started) * 1000.0
    duration_s = len(samples) / ASR_SAMPLE_RATE
    utterance = Utterance(0, samples, ASR_SAMPLE_RATE, 0.0, duration_s)
    transcriber.transcribe(utterance, languages)
    took: list[float] = []
    while len(took) < max(1, repeats):
        started = time.perf_counter()
        transcriber.transcribe(utterance, languages)
        took.append((time.perf_counter() - started) * 1000.0)
        if time.monotonic() >= deadline_s:
            break
    return SpeedResult(name, duration_s, statistics.median(took), len(took), load_ms)


Measure = Callable[[str], SpeedResult]


def run_benchmark(
    names: Sequence[str],
    measure_one: Measure,
    allowance_ms: float,
    deadline_s: float,
    now: Callable[[], float] = time.monotonic,
) -> tuple[list[SpeedResult], list[str]]:
    """Measure `names` (the fastest first) until one is over `allowance_ms` or the
    deadline has passed: the results, and the names left unmeasured."""
    results: list[SpeedResult] = []
    for index, name in enumerate(names):
        if results and (results[-1].transcribe_ms > allowance_ms or now() >= deadline_s):
            return results, list(names[index:])
        results.append(measure_one(name))
    return results, []


def recommend(results: Sequence[SpeedResult], allowance_ms: float) -> tuple[str | None, bool]:
    """The most accurate measured model within `allowance_ms`, and True; else the
    fastest measured, and False (None when nothing was measured)."""
    if not results:
        return None, False
    fitting = [result.model for result in results if result.transcribe_ms <= allowance_ms]
    if fitting:
        return min(fitting, key=_accuracy_rank), True
    return min(results, key=lambda result: result.transcribe_ms).model, False


def _accuracy_rank(name: str) -> int:
    return ASR_PREFERENCE.index(name) if name in ASR_PREFERENCE else len(ASR_PREFERENCE)


def speed_line(result: SpeedResult, allowance_ms: float) -> Check:
    within = "within" if result.transcribe_ms <= allowance_ms else "over"
    return ok(
        "speed",
        f"{result.model}: {result.transcribe_ms:.0f} ms to read a {result.audio_s:.1f} s "
        f"sentence ({result.ms_per_audio_s:.0f} ms per second of audio, real-time factor "
        f"{result.real_time_factor:.2f}), {within} the {allowance_ms:.0f} ms recognition budget",
        **result.facts(allowance_ms),
    )


def smaller_to_fetch(store: ModelStore, pair: tuple[str, str], fastest: str) -> str | None:
    """A faster catalog model that knows `pair` and is not installed yet."""
    if fastest not in ASR_PREFERENCE:
        return None
    for name in ASR_PREFERENCE[ASR_PREFERENCE.index(fastest) + 1 :]:
        if (
            name in store.catalog
            and not store.is_installed(name)
            and knows(store.catalog.get(name), pair)
        ):
            return name
    return None


def recommendation_line(
    store: ModelStore,
    pair: tuple[str, str],
    results: Sequence[SpeedResult],
    allowance_ms: float,
) -> tuple[Check, str | None]:
    model, fits = recommend(results, allowance_ms)
    if model is None:
        return fail("recommend", "no model was measured", "see the lines above"), None
    facts = {"recommended_asr_model": model, "budget_asr_ms": allowance_ms, "fits_budget": fits}
    if fits:
        others = "installed model" if len(results) == 1 else "measured model"
        return (
            ok(
                "recommend",
                f"{model}: the most accurate {others} within the {allowance_ms:.0f} ms "
                "recognition budget",
                **facts,
            ),
            model,
        )
    smaller = smaller_to_fetch(store, pair, model)
    fix = (
        f"run `interpreter models fetch {smaller}` and the doctor again, or raise "
        "[budget] asr_ms in the stall config"
        if smaller
        else "raise [budget] asr_ms in the stall config, stop other programs, or use a "
        "faster device"
    )
    return (
        warn(
            "recommend",
            f"{model}: the fastest installed, and still over the {allowance_ms:.0f} ms "
            "recognition budget",
            fix,
            **facts,
        ),
        model,
    )


def check_speed(
    store: ModelStore,
    pair: tuple[str, str],
    options: TranscriberOptions,
    allowance_ms: float,
    seconds: float,
    repeats: int,
) -> tuple[list[Check], str | None]:
    """The benchmark's lines and the model it recommends (None: nothing measured)."""
    started = time.monotonic()
    deadline_s = started + seconds
    names = candidates(store, pair)
    if not names:
        return [], None  # the models check has already said there is no recogniser
    try:
        voice = sentence_voice(store)
        if voice is None:
            return [
                warn(
                    "speed",
                    "not measured: no English voice to say the test sentence",
                    "install espeak-ng (`sudo apt install espeak-ng`) or run "
                    "`interpreter models fetch piper-en_US-joe-medium`",
                )
            ], None
        samples = spoken_sentence(voice)
    except InterpreterError as error:
        return [from_error("speed", error)], None
    languages: tuple[str, ...] = pair if SENTENCE_LANGUAGE in pair else (SENTENCE_LANGUAGE,)

    def measure_one(name: str) -> SpeedResult:
        return measure(store.path(name), name, samples, languages, options, repeats, deadline_s)

    try:
        results, unmeasured = run_benchmark(names, measure_one, allowance_ms, deadline_s)
    except InterpreterError as error:
        return [from_error("speed", error)], None
    checks = [speed_line(result, allowance_ms) for result in results]
    if unmeasured:
        why = (
            "a smaller one is already over the budget"
            if results[-1].transcribe_ms > allowance_ms
            else f"the benchmark's {seconds:g} s were used"
        )
        checks.append(ok("speed", f"{', '.join(unmeasured)} not measured: {why}"))
    line, model = recommendation_line(store, pair, results, allowance_ms)
    return [*checks, line], model
