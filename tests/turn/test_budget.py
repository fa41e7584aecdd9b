"""The latency budget's ladder, driven by deliberately slow fake stages in simulated
time: each rung is reached because a stage was measured too slow, not by decree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import numpy as np
import pytest

from interpreter.asr.transcriber import Transcriber
from interpreter.core.clock import ManualClock
from interpreter.core.types import Transcript, Utterance
from interpreter.translate.chain import TranslatorChain
from interpreter.translate.phrasebook import Phrasebook
from interpreter.tts.synthesizer import Synthesizer
from interpreter.turn.budget import AsrRung, BudgetLadder, LatencyBudget, MtRung, SpeedEstimate
from interpreter.turn.pipeline import Directions, Interpreter, TurnEvents
from tests.conftest import text_models


class SlowTranscriber:
    """Takes `full_ms_per_s` per second of audio normally, `quick_ms_per_s` on the
    fast rung, and says which way it was asked."""

    def __init__(
        self, clock: ManualClock, text: str, full_ms_per_s: float, quick_ms_per_s: float
    ) -> None:
        self.clock, self.text = clock, text
        self.full_ms_per_s, self.quick_ms_per_s = full_ms_per_s, quick_ms_per_s
        self.calls: list[str] = []

    def transcribe(
        self,
        utterance: Utterance,
        languages: tuple[str, ...],
        language: str | None = None,
        quick: bool = False,
    ) -> Transcript:
        per_s = self.quick_ms_per_s if quick else self.full_ms_per_s
        self.clock.advance(per_s * utterance.duration_s / 1000.0)
        self.calls.append("quick" if quick else "full")
        return Transcript(utterance.id, self.text, "en", 0.9, self.clock.now())


class SlowModel:
    name = "opus-mt-en-zh"

    def __init__(self, clock: ManualClock, ms_per_char: float) -> None:
        self.clock, self.ms_per_char = clock, ms_per_char
        self.calls = 0

    def supports(self, source: str, target: str) -> bool:
        return (source, target) == ("en", "zh")

    def translate(self, text: str, source: str, target: str) -> str:
        self.clock.advance(self.ms_per_char * len(text) / 1000.0)
        self.calls += 1
        return f"<{text}>"


class QuickVoice:
    name, language, sample_rate = "voice", "zh", 16_000

    def speak(self, text: str) -> Iterator[np.ndarray]:
        yield np.full(160, 0.1, dtype=np.float32)


def utterance(seconds: float, number: int = 1) -> Utterance:
    return Utterance(number, np.zeros(int(16_000 * seconds), np.float32), 16_000, 0.0, seconds)


def as_transcriber(transcriber: SlowTranscriber) -> Transcriber:
    """The fake in Whisper's place: the interpreter asks for the Transcriber class."""
    return cast(Transcriber, transcriber)


def interpreter_with(
    transcriber: SlowTranscriber,
    clock: ManualClock,
    mt_ms_per_char: float = 0.1,
    smaller: SlowTranscriber | None = None,
) -> tuple[Interpreter, SlowModel]:
    model = SlowModel(clock, mt_ms_per_char)
    chain = TranslatorChain(Phrasebook.load(), text_models(model), clock=clock)
    synthesizer = Synthesizer({"zh": QuickVoice()}, clock=clock)
    interpreter = Interpreter(
        as_transcriber(transcriber),
        chain,
        synthesizer,
        clock,
        smaller_transcriber=None if smaller is None else as_transcriber(smaller),
    )
    return interpreter, model


PAIR = Directions.pair("en", "zh")
FREE_SPEECH = "The handles broke on the last bags you sent us."


def test_a_fast_machine_stays_on_the_best_rungs() -> None:
    clock = ManualClock()
    transcriber = SlowTranscriber(clock, FREE_SPEECH, full_ms_per_s=100, quick_ms_per_s=50)
    interpreter, model = interpreter_with(transcriber, clock)
    ladder = BudgetLadder(LatencyBudget())
    for number in range(1, 4):
        turn = interpreter.interpret(utterance(3.0, number), PAIR, ladder=ladder)
        assert turn is not None
        assert (turn.asr_rung, turn.mt_rung) == (AsrRung.CONFIGURED, MtRung.FULL)
        assert turn.violations == ()
    assert transcriber.calls == ["full"] * 3
    assert model.calls == 3


def test_slow_recognition_drops_to_greedy_then_to_the_smaller_model() -> None:
    clock = ManualClock()
    # 400 ms per second of audio: a 3 s utterance takes 1.2 s against a 600 ms budget.
    transcriber = SlowTranscriber(clock, FREE_SPEECH, full_ms_per_s=400, quick_ms_per_s=300)
    smaller = SlowTranscriber(clock, FREE_SPEECH, full_ms_per_s=60, quick_ms_per_s=40)
    interpreter, _ = interpreter_with(transcriber, clock, smaller=smaller)
    ladder = BudgetLadder(LatencyBudget(), has_smaller_model=True)

    rungs = []
    for number in range(1, 5):
        turn = interpreter.interpret(utterance(3.0, number), PAIR, ladder=ladder)
        assert turn is not None
        rungs.append(turn.asr_rung)
    assert rungs == [
        AsrRung.CONFIGURED,  # nothing measured yet: the best rung
        AsrRung.GREEDY_SHORT,  # the configured decode took 1.2 s
        AsrRung.SMALLER_MODEL,  # greedy on the big model still took 900 ms
        AsrRung.SMALLER_MODEL,
    ]
    assert transcriber.calls == ["full", "quick"]
    assert smaller.calls == ["quick", "quick"]


def test_without_a_smaller_model_greedy_is_the_last_recognition_rung() -> None:
    clock = ManualClock()
    transcriber = SlowTranscriber(clock, FREE_SPEECH, full_ms_per_s=400, quick_ms_per_s=300)
    interpreter, _ = interpreter_with(transcriber, clock)
    ladder = BudgetLadder(LatencyBudget())
    for number in range(1, 4):
        turn = interpreter.interpret(utterance(3.0, number), PAIR, ladder=ladder)
    assert turn is not None and turn.asr_rung is AsrRung.GREEDY_SHORT
    assert [v.stage for v in turn.violations] == ["asr"]


def test_a_slow_translator_leaves_the_phrasebook_or_the_shown_source_text() -> None:
    clock = ManualClock()
    transcriber = SlowTranscriber(clock, FREE_SPEECH, full_ms_per_s=100, quick_ms_per_s=50)
    # 20 ms a character: a 48-character sentence takes almost a second.
    interpreter, model = interpreter_with(transcriber, clock, mt_ms_per_char=20)
    ladder = BudgetLadder(LatencyBudget())

    first = interpreter.interpret(utterance(3.0, 1), PAIR, ladder=ladder)
    second = interpreter.interpret(utterance(3.0, 2), PAIR, ladder=ladder)
    assert first is not None and second is not None
    assert first.mt_rung is MtRung.FULL and first.translation.method.value == "nmt"
    assert second.mt_rung is MtRung.PHRASEBOOK_ONLY
    assert second.translation.method.value == "none"  # the transcript is what is shown
    assert second.speech == ()
    assert model.calls == 1

    transcriber.text = "I want to order 500 pieces."
    third = interpreter.interpret(utterance(3.0, 3), PAIR, ladder=ladder)
    assert third is not None and third.mt_rung is MtRung.PHRASEBOOK_ONLY
    assert third.translation.text == "我要订500件。"


class SlowSpeechTranslator:
    """Whisper's speech translation, 900 ms a second of audio (it decodes it again)."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.calls = 0

    def translate_to_english(self, utterance: Utterance, language: str) -> tuple[str, float]:
        self.clock.advance(0.9 * utterance.duration_s)
        self.calls += 1
        return "The factory moved to Jinhua last year.", 0.7


def test_a_slow_speech_translation_is_measured_then_skipped_for_the_transcript() -> None:
    """No text model for zh->en: the rung after the book is Whisper, which costs about
    what recognition costs; once it is measured too slow, the transcript is shown."""
    clock = ManualClock()

    class HeardChinese(SlowTranscriber):
        def transcribe(
            self,
            utterance: Utterance,
            languages: tuple[str, ...],
            language: str | None = None,
            quick: bool = False,
        ) -> Transcript:
            heard = super().transcribe(utterance, languages, language, quick)
            return Transcript(heard.utterance_id, heard.text, "zh", 0.9, heard.t_done_s)

    transcriber = HeardChinese(clock, "我们的工厂去年搬到了金华。", 100, 50)
    whisper = SlowSpeechTranslator(clock)
    chain = TranslatorChain(Phrasebook.load(), [], whisper, clock=clock)
    interpreter = Interpreter(as_transcriber(transcriber), chain, None, clock)
    ladder = BudgetLadder(LatencyBudget())
    pair = Directions.pair("zh", "en")
    first = interpreter.interpret(utterance(2.0, 1), pair, ladder=ladder)
    second = interpreter.interpret(utterance(2.0, 2), pair, ladder=ladder)
    assert first is not None and first.translation.method.value == "whisper-translate"
    assert second is not None and second.mt_rung is MtRung.PHRASEBOOK_ONLY
    assert second.translation.method.value == "none"
    assert whisper.calls == 1


def test_speech_translation_never_measured_is_predicted_from_recognition() -> None:
    ladder = BudgetLadder(LatencyBudget())
    assert ladder.choose_mt(40, 0.0, audio_s=3.0, by_speech=True) is MtRung.FULL
    ladder.observe_asr(AsrRung.CONFIGURED, 3.0, 1500.0)  # 500 ms a second
    assert ladder.choose_mt(40, 0.0, audio_s=3.0, by_speech=True) is MtRung.PHRASEBOOK_ONLY
    assert ladder.choose_mt(40, 0.0, audio_s=1.0, by_speech=True) is MtRung.FULL


def test_recognition_that_came_in_early_leaves_its_time_to_the_translator() -> None:
    ladder = BudgetLadder(LatencyBudget(asr_ms=600, mt_ms=150, first_audio_ms=200))
    ladder.observe_mt(100, 400.0)  # 4 ms a character
    assert ladder.choose_mt(100, asr_took_ms=0.0) is MtRung.FULL  # 400 <= 150 + 600
    assert ladder.choose_mt(100, asr_took_ms=500.0) is MtRung.PHRASEBOOK_ONLY  # 400 > 250


def test_a_stale_turn_is_dropped_between_stages() -> None:
    clock = ManualClock()
    transcriber = SlowTranscriber(clock, FREE_SPEECH, full_ms_per_s=100, quick_ms_per_s=50)
    interpreter, model = interpreter_with(transcriber, clock)

    class NewerTurnArrived(TurnEvents):
        def cancelled(self) -> bool:
            return True

    assert interpreter.interpret(utterance(2.0), PAIR, events=NewerTurnArrived()) is None
    assert model.calls == 0


def test_speed_estimates_follow_the_machine() -> None:
    estimate = SpeedEstimate(smoothing=0.5)
    assert estimate.predict(3.0) is None
    estimate = estimate.observe(2.0, 200.0)
    assert estimate.predict(3.0) == pytest.approx(300.0)
    estimate = estimate.observe(2.0, 600.0)  # the machine got busy
    assert estimate.predict(1.0) == pytest.approx(200.0)


def test_a_budget_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="asr_ms"):
        LatencyBudget(asr_ms=0)


def test_translation_speed_is_learnt_per_source_language() -> None:
    """A Chinese character carries about three English ones: Chinese sentences that
    cost 20 ms a character say nothing of an English sentence's cost."""
    ladder = BudgetLadder(LatencyBudget(asr_ms=600, mt_ms=150, first_audio_ms=200))
    ladder.observe_mt(15, 300.0, "zh")  # 20 ms a character
    assert ladder.choose_mt(60, asr_took_ms=500.0, language="zh") is MtRung.PHRASEBOOK_ONLY
    assert ladder.choose_mt(60, asr_took_ms=500.0, language="en") is MtRung.FULL
    ladder.observe_mt(60, 240.0, "en")  # 4 ms a character
    assert ladder.choose_mt(60, asr_took_ms=500.0, language="en") is MtRung.FULL


def test_a_skipped_translation_is_tried_again_after_a_few_utterances() -> None:
    """Skipped, its cost is never measured again: without a retry one busy moment
    would leave the stall showing transcripts for the rest of the day."""
    ladder = BudgetLadder(LatencyBudget(asr_ms=600, mt_ms=150, retry_after_skips=3))
    ladder.observe_mt(50, 5000.0, "en")  # the machine was busy once
    rungs = [ladder.choose_mt(50, asr_took_ms=500.0, language="en") for _ in range(5)]
    assert rungs == [MtRung.PHRASEBOOK_ONLY] * 3 + [MtRung.FULL, MtRung.PHRASEBOOK_ONLY]
    rungs = [ladder.choose_mt(50, asr_took_ms=500.0, language="en") for _ in range(3)]
    assert rungs == [MtRung.PHRASEBOOK_ONLY] * 2 + [MtRung.FULL]  # the next retry
    ladder.observe_mt(50, 100.0, "en")  # measured afresh: the machine is quiet now
    assert ladder.choose_mt(50, asr_took_ms=500.0, language="en") is MtRung.FULL


def test_a_skipped_recognition_rung_is_tried_again_after_a_few_utterances() -> None:
    ladder = BudgetLadder(LatencyBudget(retry_after_skips=2))
    ladder.observe_asr(AsrRung.CONFIGURED, 2.0, 4000.0)
    chosen = [ladder.choose_asr(2.0) for _ in range(3)]
    assert chosen == [AsrRung.GREEDY_SHORT, AsrRung.GREEDY_SHORT, AsrRung.CONFIGURED]


def test_a_budget_that_never_retries_is_refused() -> None:
    with pytest.raises(ValueError, match="retry_after_skips"):
        LatencyBudget(retry_after_skips=0)
