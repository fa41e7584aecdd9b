"""The first audio made while the endpointer waits out its silence, in real time with
the models faked (see test_live_partials.py): the words read as the voice stops are
translated and voiced then, and used when the utterance ends with those words."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest

from interpreter.asr.readings import Decoded, Draft
from interpreter.asr.vad import Endpointer, EndpointerOptions
from interpreter.core.clock import MonotonicClock
from interpreter.core.types import Transcript, Utterance
from interpreter.live.parties import Parties
from interpreter.live.session import LiveOptions, LiveSession
from interpreter.translate.chain import TranslatorChain
from interpreter.tts.synthesizer import Synthesizer
from interpreter.turn.pipeline import Interpreter
from tests.conftest import text_models
from tests.live.test_partials import RATE, LevelVad, Microphone, SlowWhisper, as_transcriber

# Sessions here run on the wall clock: seconds each, so `make test-fast` leaves them out.
pytestmark = pytest.mark.realtime

TRANSLATION_S = 0.3


class SlowTranslator:
    """An English-to-Chinese text model that takes 300 ms a call."""

    name = "opus-mt-en-zh"

    def __init__(self, seconds: float = TRANSLATION_S, failures: int = 0) -> None:
        """`failures`: how many calls raise first (a model that breaks)."""
        self.calls: list[str] = []
        self.seconds = seconds
        self.failures = failures

    def supports(self, source: str, target: str) -> bool:
        return (source, target) == ("en", "zh")

    def translate(self, text: str, source: str, target: str) -> str:
        time.sleep(self.seconds)
        if self.failures > 0:
            self.failures -= 1
            raise RuntimeError("the model broke")
        self.calls.append(text)
        return "好" * len(text.split()) + "。"  # one character a word, no digits


class QuickVoice:
    name = "voice"
    language = "zh"
    sample_rate = RATE

    def speak(self, text: str) -> Iterator[np.ndarray]:
        time.sleep(0.02)
        yield np.full(RATE // 10, 0.1, dtype=np.float32)


class DoubtingWhisper(SlowWhisper):
    """Trusts none of its quick readings: each whole one is read again on the wider
    window, which takes a second."""

    def __init__(self, clock: MonotonicClock, reading_s: float) -> None:
        super().__init__(clock, reading_s)
        self.second_readings = 0

    def trusts(self, draft: Draft) -> bool:
        return False

    def transcript_from_draft(self, utterance: Utterance, draft: Draft) -> Transcript | None:
        return None

    def second_reading(self, utterance: Utterance, draft: Draft, languages) -> Decoded:
        time.sleep(1.0)
        self.second_readings += 1
        return replace(draft.decoded, text="read again on the wider window")

    def transcript_of(self, utterance: Utterance, decoded: Decoded) -> Transcript:
        return Transcript(utterance.id, decoded.text, decoded.language, 0.9, self.clock.now())


def converse(
    voice_s: list[float],
    prepare: bool,
    whisper: type[SlowWhisper] = SlowWhisper,
    translation_s: float = TRANSLATION_S,
    first_piece_wait_ms: int | None = None,
    failures: int = 0,
) -> tuple[list[str], SlowTranslator, Microphone]:
    """Stretches of "speech" with the gaps given between them (seconds: speech, gap,
    speech, ...), then silence; the console lines, the translator, the microphone.
    `first_piece_wait_ms`: the session's (None: its default); `failures`: translations
    that raise first."""
    clock = MonotonicClock()
    translator = SlowTranslator(translation_s, failures)
    chain = TranslatorChain(None, text_models(translator), clock=clock)
    synthesizer = Synthesizer({"zh": QuickVoice()}, clock=clock)
    interpreter = Interpreter(as_transcriber(whisper(clock, 0.05)), chain, synthesizer, clock)
    parts = [np.zeros(RATE, np.float32)]
    for index, seconds in enumerate(voice_s):
        level = 0.1 if index % 2 == 0 else 0.0
        parts.append(np.full(int(seconds * RATE), level, np.float32))
    parts.append(np.zeros(2 * RATE, np.float32))
    microphone = Microphone(np.concatenate(parts), clock)
    lines: list[str] = []
    options = LiveOptions(parties=Parties("zh", "en"), trace=True, prepare_during_silence=prepare)
    if first_piece_wait_ms is not None:
        turn_end = replace(options.turn_end, first_piece_wait_ms=first_piece_wait_ms)
        options = replace(options, turn_end=turn_end)
    endpointer = Endpointer(LevelVad(), EndpointerOptions())
    session = LiveSession(interpreter, endpointer, microphone, options, lines.append, clock)
    session.run(until=microphone.done)
    return lines, translator, microphone


def traces(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines if line.startswith("{")]


def test_the_translation_is_made_during_the_endpoint_silence() -> None:
    lines, translator, _ = converse([3.0], prepare=True)
    (prepared,) = traces(lines)
    assert len(translator.calls) == 1, "made once, while the endpointer waited"
    (after_end,) = traces(converse([3.0], prepare=False)[0])
    waits = {"prepared": prepared["wait_ms"], "after the end": after_end["wait_ms"]}
    assert waits["prepared"] < 150 and waits["after the end"] >= 1000 * TRANSLATION_S, waits


def test_a_doubtful_reading_is_read_again_during_the_silence_without_holding_the_endpoint() -> None:
    """The worker reads the doubtful words again (a second) as the voice stops; the
    endpoint comes on time all the same, and the turn uses that second reading."""
    lines, translator, microphone = converse([3.0], prepare=True, whisper=DoubtingWhisper)
    assert microphone.most_waiting_s < 0.3, "the listener kept up with the microphone"
    assert any(line.endswith("read again on the wider window") for line in lines), lines
    assert translator.calls == ["read again on the wider window"], "made once"


def test_a_pause_shorter_than_the_endpoint_silence_throws_the_preparation_away() -> None:
    """The buyer pauses 0.3 s mid-sentence: the words so far are translated during the
    pause, but the turn that ends later has more words and is translated again."""
    lines, translator, _ = converse([1.5, 0.3, 1.5], prepare=True)
    assert len(traces(lines)) == 1, lines
    assert len(translator.calls) == 2, translator.calls
    words = len(translator.calls[-1].split())
    assert words > len(translator.calls[0].split())
    (said,) = [line for line in lines if line.startswith("    -> [zh]")]
    spoken = said.removeprefix("    -> [zh] ")
    assert len(spoken) - len(spoken.lstrip("好")) == words, said


def test_the_pause_is_held_until_the_first_piece_is_made() -> None:
    """The translation takes 0.8 s, longer than the endpoint's 384 ms pause: the turn
    ends when its first piece is ready, not before, and is heard at once then."""
    lines, translator, _ = converse([3.0], prepare=True, translation_s=0.8)
    (turn,) = traces(lines)
    assert turn["ms_after_speech_end"]["endpoint"] >= 800, turn
    assert turn["wait_ms"] < 150 and len(translator.calls) == 1, turn


def test_a_party_who_goes_on_while_the_first_piece_is_made_is_not_cut_off() -> None:
    """A 0.6 s pause mid-sentence: longer than the endpoint's pause, shorter than making
    the first piece. Holding the pause keeps the sentence whole; without it, two turns."""
    held, _, _ = converse([1.5, 0.6, 1.5], prepare=True, translation_s=0.8)
    assert len(traces(held)) == 1, held
    not_held, _, _ = converse(
        [1.5, 0.6, 1.5], prepare=True, translation_s=0.8, first_piece_wait_ms=0
    )
    assert len(traces(not_held)) == 2, not_held


def test_a_turn_that_fails_is_reported_and_the_next_one_is_made() -> None:
    """The text model raises on the first utterance (while preparing it and again when
    it ends): one error line, the turn reported failed, and the next utterance is
    translated and voiced as usual, instead of a worker thread gone and a deaf stall."""
    lines, translator, _ = converse([2.0, 2.0, 2.0], prepare=True, failures=2)
    errors = [line for line in lines if line.startswith("error: turn")]
    assert len(errors) == 1 and "RuntimeError: the model broke" in errors[0], lines
    failed, spoken = traces(lines)
    assert failed["status"] == "failed", failed
    assert spoken["status"] == "spoken" and len(translator.calls) == 1, spoken


def test_a_preparation_that_fails_is_reported_and_the_worker_goes_on() -> None:
    """A first piece that could not be made (a number decimal could not write took the
    worker's thread down once, and every later turn with it) is a warning line; the
    next utterance is prepared as usual."""
    import threading

    from interpreter.live.worker import Preview, Worker

    class Early:
        def __init__(self, error: Exception | None) -> None:
            self.error = error
            self.read = False

        def preview(self, utterance: Utterance) -> Transcript | None:
            self.read = True
            if self.error is not None:
                raise self.error
            return None

    class Prepared:
        smaller_transcriber = None

    lines: list[str] = []
    stop = threading.Event()
    worker = Worker(
        Prepared(),  # type: ignore[arg-type]
        LiveOptions(parties=Parties("zh", "en")),
        None,  # type: ignore[arg-type]  # a preparation plays nothing
        None,  # type: ignore[arg-type]
        lines.append,
        stop,
    )
    utterance = Utterance(1, np.zeros(RATE, np.float32), RATE, 0.0, 1.0)
    done = Early(None)
    worker.jobs.put(Preview(Early(ArithmeticError("cannot write it")), utterance))  # type: ignore[arg-type]
    worker.jobs.put(Preview(done, utterance))  # type: ignore[arg-type]
    thread = threading.Thread(target=worker.run)
    thread.start()
    deadline = time.monotonic() + 5
    while worker.jobs.qsize() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    stop.set()
    thread.join(5)
    assert lines == ["warning: the first piece was not prepared (ArithmeticError: cannot write it)"]
    assert done.read and not thread.is_alive()
