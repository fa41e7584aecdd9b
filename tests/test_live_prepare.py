"""The first audio made while the endpointer waits out its silence, in real time with
the models faked (see test_live_partials.py): the words read as the voice stops are
translated and voiced then, and used when the utterance ends with those words."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import numpy as np
from test_live_partials import RATE, LevelVad, Microphone, SlowWhisper

from interpreter.clock import MonotonicClock
from interpreter.live import LiveOptions, LiveSession
from interpreter.pipeline import Interpreter
from interpreter.translate.chain import TranslatorChain
from interpreter.tts import Synthesizer
from interpreter.turns import Parties
from interpreter.vad import Endpointer, EndpointerOptions

TRANSLATION_S = 0.3


class SlowTranslator:
    """An English-to-Chinese text model that takes 300 ms a call."""

    name = "opus-mt-en-zh"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def supports(self, source: str, target: str) -> bool:
        return (source, target) == ("en", "zh")

    def translate(self, text: str, source: str, target: str) -> str:
        time.sleep(TRANSLATION_S)
        self.calls.append(text)
        return "好" * len(text.split()) + "。"  # one character a word, no digits


class QuickVoice:
    name = "voice"
    sample_rate = RATE

    def speak(self, text: str) -> Iterator[np.ndarray]:
        time.sleep(0.02)
        yield np.full(RATE // 10, 0.1, dtype=np.float32)


def converse(voice_s: list[float], prepare: bool) -> tuple[list[str], SlowTranslator]:
    """Stretches of "speech" with the gaps given between them (seconds: speech, gap,
    speech, ...), then silence; the console lines, and the translator."""
    clock = MonotonicClock()
    translator = SlowTranslator()
    chain = TranslatorChain(None, [translator], clock=clock)  # type: ignore[list-item]
    synthesizer = Synthesizer({"zh": QuickVoice()}, clock=clock)  # type: ignore[dict-item]
    interpreter = Interpreter(SlowWhisper(clock, 0.05), chain, synthesizer, clock)  # type: ignore[arg-type]
    parts = [np.zeros(RATE, np.float32)]
    for index, seconds in enumerate(voice_s):
        level = 0.1 if index % 2 == 0 else 0.0
        parts.append(np.full(int(seconds * RATE), level, np.float32))
    parts.append(np.zeros(2 * RATE, np.float32))
    microphone = Microphone(np.concatenate(parts), clock)
    lines: list[str] = []
    options = LiveOptions(parties=Parties("zh", "en"), trace=True, prepare_during_silence=prepare)
    endpointer = Endpointer(LevelVad(), EndpointerOptions())
    session = LiveSession(interpreter, endpointer, microphone, options, lines.append, clock)
    session.run(until=microphone.done)
    return lines, translator


def traces(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines if line.startswith("{")]


def test_the_translation_is_made_during_the_endpoint_silence() -> None:
    lines, translator = converse([3.0], prepare=True)
    (prepared,) = traces(lines)
    assert len(translator.calls) == 1, "made once, while the endpointer waited"
    (after_end,) = traces(converse([3.0], prepare=False)[0])
    waits = {"prepared": prepared["wait_ms"], "after the end": after_end["wait_ms"]}
    assert waits["prepared"] < 150 and waits["after the end"] >= 1000 * TRANSLATION_S, waits


def test_a_pause_shorter_than_the_endpoint_silence_throws_the_preparation_away() -> None:
    """The buyer pauses 0.3 s mid-sentence: the words so far are translated during the
    pause, but the turn that ends later has more words and is translated again."""
    lines, translator = converse([1.5, 0.3, 1.5], prepare=True)
    assert len(traces(lines)) == 1, lines
    assert len(translator.calls) == 2, translator.calls
    words = len(translator.calls[-1].split())
    assert words > len(translator.calls[0].split())
    (said,) = [line for line in lines if line.startswith("    -> [zh]")]
    spoken = said.removeprefix("    -> [zh] ")
    assert len(spoken) - len(spoken.lstrip("好")) == words, said
