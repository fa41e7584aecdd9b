"""The latency budget: how each stage of one utterance runs, decided before it runs.

A stage's allowance is its own budget plus whatever the stages before it left unused,
never more than the total still left after the later stages' shares. The time a stage
will take is predicted from the last few utterances (milliseconds per second of audio
for recognition, per character for translation), so a machine that is busier than
usual, or a model that is slower than its budget, moves the next utterance down the
ladder before it is late, not after. Nothing here sleeps or blocks.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True)
class LatencyBudget:
    """Milliseconds; the defaults are for a 2-core x86 CPU and Whisper base."""

    # The pause that ends an utterance (the endpointer's `min_silence_ms` in a live
    # session): every turn waits it out before any stage starts.
    endpoint_silence_ms: int = 400
    # Recognition's share: a rung predicted to take longer gives way to a faster one.
    asr_ms: int = 600
    # The first translated piece's share, plus whatever recognition left unused.
    mt_ms: int = 150
    # From the first translated piece to its first audio: kept back from the stages
    # before it, so that the voice still has its time.
    first_audio_ms: int = 200
    # From the start of recognition to the first audio, all stages together: the wait
    # the listener notices.
    total_ms: int = 1200
    # Longer utterances are cut here: recognition time grows with the audio.
    max_utterance_s: float = 15.0
    # A rung skipped this many utterances in a row runs once more: skipped, its cost is
    # never measured again, so one busy moment would keep a stall on the lower rung
    # (free speech never translated) for the rest of the day.
    retry_after_skips: int = 3

    def __post_init__(self) -> None:
        for name in ("endpoint_silence_ms", "asr_ms", "mt_ms", "first_audio_ms", "total_ms"):
            if getattr(self, name) <= 0:
                raise ValueError(f"budget {name} must be above 0, not {getattr(self, name)}")
        if self.max_utterance_s <= 0:
            raise ValueError(f"budget max_utterance_s must be above 0, not {self.max_utterance_s}")
        if self.retry_after_skips < 1:
            raise ValueError(
                f"budget retry_after_skips must be 1 or more, not {self.retry_after_skips}"
            )


class AsrRung(str, enum.Enum):
    """Recognition, from the best to the fastest."""

    CONFIGURED = "configured"  # the transcriber's own options, second pass allowed
    GREEDY_SHORT = "greedy-short"  # beam 1, shorter output, no second pass
    SMALLER_MODEL = "smaller-model"  # the same on the smaller model, when one is loaded


class MtRung(str, enum.Enum):
    FULL = "full"  # phrasebook, then the text model or Whisper's speech translation
    PHRASEBOOK_ONLY = "phrasebook-only"  # the book's line, or the source text shown


@dataclass(frozen=True)
class SpeedEstimate:
    """A stage's recent cost per unit of work (an exponential average), with a fixed
    part for what every call pays; None until a measurement has come in."""

    fixed_ms: float = 0.0
    per_unit_ms: float | None = None
    smoothing: float = 0.3

    def predict(self, units: float) -> float | None:
        if self.per_unit_ms is None:
            return None
        return self.fixed_ms + self.per_unit_ms * units

    def observe(self, units: float, ms: float) -> SpeedEstimate:
        measured = max(0.0, ms - self.fixed_ms) / max(units, 1e-3)
        if self.per_unit_ms is None:
            return SpeedEstimate(self.fixed_ms, measured, self.smoothing)
        blended = (1.0 - self.smoothing) * self.per_unit_ms + self.smoothing * measured
        return SpeedEstimate(self.fixed_ms, blended, self.smoothing)


@dataclass(frozen=True)
class Violation:
    stage: str
    allowed_ms: float
    took_ms: float


class BudgetLadder:
    """Per utterance: which rung each stage runs on, and which stages ran over.

    One ladder serves one worker thread; it keeps the speed estimates between
    utterances, which is the point.
    """

    def __init__(self, budget: LatencyBudget, has_smaller_model: bool = False) -> None:
        self.budget = budget
        self.has_smaller_model = has_smaller_model
        self.asr_speed = {rung: SpeedEstimate() for rung in AsrRung}
        # By source language: a character of Chinese carries about three of English, so
        # one estimate for both predicted every long English sentence too slow.
        self.mt_speed: dict[str, SpeedEstimate] = {}
        # Whisper's own speech translation decodes the audio again: its cost goes with
        # seconds of audio, like recognition, not with characters.
        self.speech_mt_speed = SpeedEstimate()
        # How many utterances in a row skipped a rung (the best recognition, or the
        # translation from a language) for a prediction; see `retry_after_skips`.
        self._skips: dict[str, int] = {}
        # Rungs run again after their skips: the next measurement replaces their
        # estimate (averaged into it, a machine that has calmed down would take tens of
        # utterances to look calm, skipping most of them).
        self._retried: set[str] = set()

    def _fits(self, key: str, predicted: float | None, allowance: float) -> bool:
        """Whether to run a rung: predicted to fit, never measured, or skipped long
        enough that its estimate is due a fresh measurement."""
        if predicted is None or predicted <= allowance:
            self._skips[key] = 0
            return True
        skips = self._skips.get(key, 0) + 1
        if skips > self.budget.retry_after_skips:
            self._skips[key] = 0
            self._retried.add(key)
            return True
        self._skips[key] = skips
        return False

    def asr_allowance_ms(self) -> float:
        budget = self.budget
        return min(budget.asr_ms, budget.total_ms - budget.mt_ms - budget.first_audio_ms)

    def choose_asr(self, audio_s: float, settled_s: float = 0.0) -> AsrRung:
        """The best rung predicted to fit; `settled_s` of the audio was already read
        while the party spoke and costs nothing now."""
        allowance = self.asr_allowance_ms()
        left_s = max(0.0, audio_s - settled_s)
        rungs = [AsrRung.CONFIGURED, AsrRung.GREEDY_SHORT]
        if self.has_smaller_model:
            rungs.append(AsrRung.SMALLER_MODEL)
        for rung in rungs[:-1]:
            if self._fits(f"asr {rung.value}", self.asr_speed[rung].predict(left_s), allowance):
                return rung
        return rungs[-1]

    def _estimate(self, key: str, estimate: SpeedEstimate) -> SpeedEstimate:
        """The estimate a new measurement goes into: none after a retry."""
        if key in self._retried:
            self._retried.discard(key)
            return SpeedEstimate(estimate.fixed_ms, None, estimate.smoothing)
        return estimate

    def observe_asr(self, rung: AsrRung, audio_s: float, ms: float) -> None:
        estimate = self._estimate(f"asr {rung.value}", self.asr_speed[rung])
        self.asr_speed[rung] = estimate.observe(audio_s, ms)

    def mt_allowance_ms(self, asr_took_ms: float) -> float:
        """The translator's own share plus what recognition left unused, within what
        the total leaves after the first audio's share."""
        budget = self.budget
        slack = max(0.0, self.asr_allowance_ms() - asr_took_ms)
        remaining = budget.total_ms - asr_took_ms - budget.first_audio_ms
        return max(0.0, min(budget.mt_ms + slack, remaining))

    def choose_mt(
        self,
        chars: int,
        asr_took_ms: float,
        audio_s: float = 0.0,
        by_speech: bool = False,
        language: str = "",
    ) -> MtRung:
        """`chars` of text in `language` to translate. `by_speech`: the rung after the
        phrasebook would be Whisper's speech translation of `audio_s` seconds. Before it
        was ever measured it is predicted to cost what recognition of the same audio
        costs."""
        if by_speech:
            key = "speech mt"
            predicted = self.speech_mt_speed.predict(audio_s)
            if predicted is None:
                predicted = self.asr_speed[AsrRung.CONFIGURED].predict(audio_s)
        else:
            key = f"mt {language}"
            predicted = self.mt_speed.get(language, SpeedEstimate()).predict(chars)
        if self._fits(key, predicted, self.mt_allowance_ms(asr_took_ms)):
            return MtRung.FULL
        return MtRung.PHRASEBOOK_ONLY

    def observe_mt(self, chars: int, ms: float, language: str = "") -> None:
        estimate = self._estimate(f"mt {language}", self.mt_speed.get(language, SpeedEstimate()))
        self.mt_speed[language] = estimate.observe(chars, ms)

    def observe_speech_mt(self, audio_s: float, ms: float) -> None:
        estimate = self._estimate("speech mt", self.speech_mt_speed)
        self.speech_mt_speed = estimate.observe(audio_s, ms)

    def violations(
        self, asr_ms: float, mt_ms: float, first_audio_ms: float | None, total_ms: float
    ) -> list[Violation]:
        budget = self.budget
        checks = [
            ("asr", float(budget.asr_ms), asr_ms),
            ("mt", float(budget.mt_ms), mt_ms),
            ("total", float(budget.total_ms), total_ms),
        ]
        if first_audio_ms is not None:
            checks.append(("first_audio", float(budget.first_audio_ms), first_audio_ms))
        return [
            Violation(stage, allowed, took) for stage, allowed, took in checks if took > allowed
        ]
