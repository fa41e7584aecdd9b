"""One turn through the stages in simulated time: what the first audio waits for.

The stages are fakes that move a manual clock by a fixed cost, so the timings are
exact; the real stages are tested on real models in their own files.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import numpy as np

from interpreter.asr.transcriber import Transcriber
from interpreter.core.clock import ManualClock
from interpreter.core.types import Heard, Transcript, Utterance
from interpreter.core.vocabulary import Doubt
from interpreter.translate.chain import TranslatorChain
from interpreter.tts.synthesizer import Synthesizer
from interpreter.turn.doubt import DoubtOptions
from interpreter.turn.pipeline import Directions, Interpreter
from tests.conftest import text_models

ASR_S = 0.150
MT_PER_CALL_S = 0.100
TTS_PER_SENTENCE_S = 0.020


class HeardText:
    def __init__(
        self, clock: ManualClock, text: str, language: str, heard: tuple[Heard, ...] = ()
    ) -> None:
        self.clock, self.text, self.language, self.heard = clock, text, language, heard

    def transcribe(
        self, utterance: Utterance, languages: tuple[str, ...], language: str | None = None
    ) -> Transcript:
        self.clock.advance(ASR_S)
        now = self.clock.now()
        return Transcript(utterance.id, self.text, self.language, 0.9, now, heard=self.heard)


class SlowModel:
    """A text model that takes 100 ms per call and marks what it translated."""

    name = "opus-mt-en-zh"

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.calls: list[str] = []

    def supports(self, source: str, target: str) -> bool:
        return (source, target) == ("en", "zh")

    def translate(self, text: str, source: str, target: str) -> str:
        self.clock.advance(MT_PER_CALL_S)
        self.calls.append(text)
        return f"<{text}>"


class TimedVoice:
    name = "voice"
    language = "zh"
    sample_rate = 16_000

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock

    def speak(self, text: str) -> Iterator[np.ndarray]:
        self.clock.advance(TTS_PER_SENTENCE_S)
        yield np.full(1600, 0.1, dtype=np.float32)


UTTERANCE = Utterance(1, np.zeros(16_000, dtype=np.float32), 16_000, 0.0, 1.0)
LONG_TURN = (
    "Last year we bought two thousand umbrellas from a factory in Yiwu, "
    "and half of them leaked in the first rain. We want better ones."
)


def interpreter_for(
    text: str, heard: tuple[Heard, ...] = (), doubt: DoubtOptions | None = None
) -> tuple[Interpreter, SlowModel]:
    clock = ManualClock()
    model = SlowModel(clock)
    chain = TranslatorChain(None, text_models(model), clock=clock)
    synthesizer = Synthesizer({"zh": TimedVoice(clock)}, clock=clock)
    # A stand-in for Whisper: the interpreter asks for the Transcriber class.
    transcriber = cast(Transcriber, HeardText(clock, text, "en", heard))
    interpreter = Interpreter(transcriber, chain, synthesizer, clock, doubt=doubt)
    return interpreter, model


def test_the_first_audio_waits_only_for_the_first_piece() -> None:
    interpreter, model = interpreter_for(LONG_TURN)
    turn = interpreter.interpret(UTTERANCE, Directions.pair("en", "zh"))
    assert turn is not None
    assert model.calls == [
        "Last year we bought ZQ1 umbrellas from a factory in Yiwu,",
        "and half of them leaked in the first rain.",
        "We want better ones.",
    ]
    assert turn.timings.asr_ms == 150.0
    assert turn.timings.mt_ms == 100.0, "one piece translated, not three"
    assert turn.timings.tts_first_audio_ms == 20.0
    assert turn.timings.total_ms == 270.0


def test_the_turn_still_carries_the_whole_translation_and_all_its_speech() -> None:
    interpreter, _ = interpreter_for(LONG_TURN)
    turn = interpreter.interpret(UTTERANCE, Directions.pair("en", "zh"))
    assert turn is not None
    assert turn.translation.text.count("<") == 3
    assert turn.translation.source_text == LONG_TURN
    flags = [chunk.is_last for chunk in turn.speech]
    assert len(flags) >= 3 and flags[-1] and not any(flags[:-1])


def test_a_short_turn_is_one_piece() -> None:
    interpreter, model = interpreter_for("Can you show me something similar?")
    turn = interpreter.interpret(UTTERANCE, Directions.pair("en", "zh"))
    assert turn is not None and len(model.calls) == 1
    assert turn.translation.text == "<Can you show me something similar?>"


def test_a_turn_heard_without_confidence_is_shown_but_not_spoken() -> None:
    """Whisper gave this turn 0.9; a stall that asks for more says it, not guesses it."""
    demanding = DoubtOptions(min_confidence=0.95)
    interpreter, _ = interpreter_for("I want to order 500 pieces.", doubt=demanding)
    turn = interpreter.interpret(UTTERANCE, Directions.pair("en", "zh"))
    assert turn is not None and turn.unsure and turn.doubt is Doubt.WORDS
    assert turn.translation.text and turn.speech == ()
    interpreter, _ = interpreter_for("I want to order 500 pieces.", doubt=DoubtOptions())
    sure = interpreter.interpret(UTTERANCE, Directions.pair("en", "zh"))
    assert sure is not None and not sure.unsure and sure.speech


ORDER = "I want to order 500 pieces."


def heard_order(five_hundred: float) -> tuple[Heard, ...]:
    """ORDER as Whisper writes it, piece by piece, "500" heard with this probability."""
    pieces = [("I", 0.95), (" want", 0.97), (" to", 0.99), (" order", 0.93)]
    pieces += [(" 500", five_hundred), (" pieces", 0.96), (".", 0.9)]
    return tuple(Heard(text, probability) for text, probability in pieces)


def test_a_number_heard_with_a_doubtful_digit_is_boxed_and_asked_again_not_spoken() -> None:
    from interpreter.turn.report import NUMBER_NOTE, turn_lines

    interpreter, _ = interpreter_for(ORDER, heard_order(0.08), DoubtOptions())
    turn = interpreter.interpret(UTTERANCE, Directions.pair("en", "zh"))
    assert turn is not None and turn.doubt is Doubt.NUMBER
    assert turn.speech == (), "a doubtful number is never spoken as fact"
    assert turn.translation.text, "it is shown all the same"
    lines = "\n".join(turn_lines(turn))
    assert NUMBER_NOTE in lines and "500" in lines and "┃" in lines


def test_the_same_number_heard_clearly_is_spoken() -> None:
    interpreter, _ = interpreter_for(ORDER, heard_order(0.81), DoubtOptions())
    turn = interpreter.interpret(UTTERANCE, Directions.pair("en", "zh"))
    assert turn is not None and turn.doubt is Doubt.NONE and turn.speech


def test_the_confirm_box_pairs_each_number_with_its_translation() -> None:
    from interpreter.turn.report import numbers_box, turn_lines

    interpreter, _ = interpreter_for("I want 1,200 pieces at $3.50 each.")
    turn = interpreter.interpret(UTTERANCE, Directions.pair("en", "zh"))
    assert turn is not None
    box = numbers_box(turn.translation)
    assert box[1].startswith("┃ 1,200 pieces = 1200件")
    assert "$3.50" in box[2] and "3.50美元" in box[2]
    assert len({len(box[0]), len(box[-1])}) == 1
    assert box[0] in "\n".join(turn_lines(turn))


def test_a_turn_prepared_while_the_endpointer_waits_speaks_at_once() -> None:
    interpreter, model = interpreter_for(LONG_TURN)
    directions = Directions.pair("en", "zh")
    read_so_far = Transcript(0, LONG_TURN, "en", 0.9, model.clock.now())
    assert interpreter.prepare(read_so_far, directions)
    assert len(model.calls) == 1, "only the first piece, before the end is certain"
    turn = interpreter.interpret(UTTERANCE, directions)
    assert turn is not None
    assert len(model.calls) == 3, "the first piece is not translated twice"
    assert turn.timings.mt_ms == 0.0 and turn.timings.tts_first_audio_ms == 0.0
    assert turn.timings.total_ms == 150.0, "only the recognition is left to wait for"
    assert turn.translation.text.count("<") == 3
    assert {chunk.utterance_id for chunk in turn.speech} == {UTTERANCE.id}
    assert turn.translation.utterance_id == UTTERANCE.id


def test_a_prepared_turn_is_dropped_when_the_words_turn_out_otherwise() -> None:
    interpreter, model = interpreter_for(LONG_TURN)
    directions = Directions.pair("en", "zh")
    interpreter.prepare(Transcript(0, "Last year we bought", "en", 0.9, 0.0), directions)
    turn = interpreter.interpret(UTTERANCE, directions)
    assert turn is not None
    assert model.calls[0] == "Last year we bought" and len(model.calls) == 4
    assert turn.timings.mt_ms == 100.0, "translated again from the final words"
    again = interpreter.interpret(UTTERANCE, directions)
    assert again is not None and again.timings.mt_ms == 100.0, "a preparation is used once"
