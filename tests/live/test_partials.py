"""Partial text while a party speaks, in real time with the models faked.

A microphone plays three seconds of "speech" (a level the fake VAD calls speech)
between silences; a fake Whisper takes a set time for each reading of the growing
utterance and reads back one word per third of a second heard. The real session,
endpointer, early recognizer and interpreter run on their own threads.
"""

from __future__ import annotations

import itertools
import json
import queue
import threading
import time
from collections.abc import Callable
from typing import cast

import numpy as np
import pytest

from interpreter.asr.early import EarlyRecognizer
from interpreter.asr.readings import Decoded, Draft
from interpreter.asr.transcriber import Transcriber
from interpreter.asr.vad import Endpointer, EndpointerOptions
from interpreter.core.clock import MonotonicClock
from interpreter.core.types import Frame, Transcript, Utterance
from interpreter.core.vocabulary import Mode, Party
from interpreter.live.parties import Parties
from interpreter.live.session import LiveOptions, LiveSession, Press
from interpreter.translate.chain import TranslatorChain
from interpreter.translate.phrasebook import Phrasebook
from interpreter.turn.pipeline import Interpreter

# Sessions here run on the wall clock: seconds each, so `make test-fast` leaves them out.
pytestmark = pytest.mark.realtime

RATE = 16_000
FRAME = 512
SPEECH_S = 3.0


class LevelVad:
    """Speech wherever the window is not quiet: the endpointer's timing is exact."""

    window_samples = FRAME

    def probabilities(self, samples: np.ndarray) -> np.ndarray:
        windows = samples.reshape(-1, FRAME)
        return (np.abs(windows).max(axis=1) > 0.01).astype(np.float32)

    def reset(self) -> None:
        pass


class Microphone:
    """Plays a recording in real time, stamping each frame when it was captured."""

    def __init__(self, recording: np.ndarray, clock: MonotonicClock) -> None:
        self.frames: queue.Queue[Frame] = queue.Queue(maxsize=200)
        self.error = None
        self.dropped_frames = self.device_overflows = 0
        # The most audio ever waiting for the listener.
        self.most_waiting_s = 0.0
        self.done = threading.Event()
        self._recording, self._clock = recording, clock
        self._stop = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        started = time.monotonic()
        for at in range(0, len(self._recording), FRAME):
            if self._stop.is_set():
                break
            ahead = started + (at + FRAME) / RATE - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
            samples = self._recording[at : at + FRAME]
            self.frames.put(Frame(samples, RATE, self._clock.now() - FRAME / RATE))
            self.most_waiting_s = max(self.most_waiting_s, self.frames.qsize() * FRAME / RATE)
        self.done.set()


class SlowWhisper:
    """Each reading takes `reading_s`; the words grow with the audio heard."""

    def __init__(self, clock: MonotonicClock, reading_s: float) -> None:
        self.clock, self.reading_s = clock, reading_s
        self.read_audio_s: list[float] = []

    def _words(self, audio_s: float) -> tuple[str, tuple[int, ...]]:
        count = int(audio_s * 3)
        return " ".join(f"word{i}" for i in range(count)), tuple(range(count))

    def _read(self, keep_going: Callable[[], bool] | None) -> bool:
        """Take the reading's time; False when it was given up."""
        time.sleep(self.reading_s)
        return True

    def draft(
        self,
        samples: np.ndarray,
        languages,
        language=None,
        keep_going=None,
        final=False,
    ) -> Draft | None:
        if not self._read(keep_going):
            return None
        audio_s = len(samples) / RATE
        self.read_audio_s.append(audio_s)
        text, tokens = self._words(audio_s)
        return Draft(Decoded(text, -0.1, 0.0, tokens=tokens, language=language or "en"), audio_s)

    def window_for(self, duration_s: float) -> float:
        return 30.0

    def transcript_from_draft(self, utterance: Utterance, draft: Draft) -> Transcript | None:
        return Transcript(utterance.id, draft.text, draft.language, 0.9, self.clock.now())

    def transcribe(self, utterance: Utterance, languages, language=None, prefix=(), quick=False):
        time.sleep(self.reading_s)
        text, _ = self._words(utterance.duration_s)
        return Transcript(utterance.id, text, language or "en", 0.9, self.clock.now())


class SteppedWhisper(SlowWhisper):
    """A reading in steps of 0.1 s (Whisper's encoder, language, decoder steps), asking
    between them whether to go on."""

    def __init__(self, clock: MonotonicClock, reading_s: float) -> None:
        super().__init__(clock, reading_s)
        self.given_up = 0

    def _read(self, keep_going: Callable[[], bool] | None) -> bool:
        for _ in range(round(self.reading_s / 0.1)):
            time.sleep(0.1)
            if keep_going is not None and not keep_going():
                self.given_up += 1
                return False
        return True


def as_transcriber(whisper: SlowWhisper) -> Transcriber:
    """The fake in Whisper's place: the interpreter and the early recognizer ask for
    the Transcriber class."""
    return cast(Transcriber, whisper)


def talk(
    reading_s: float, partial_interval_s: float, stepped: bool = False, after_s: float = 2.0
) -> tuple[list[str], SlowWhisper]:
    """One buyer's turn through the session; the console lines, and what was read."""
    clock = MonotonicClock()
    whisper = (SteppedWhisper if stepped else SlowWhisper)(clock, reading_s)
    chain = TranslatorChain(Phrasebook.load(), [], clock=clock)
    interpreter = Interpreter(as_transcriber(whisper), chain, None, clock)
    silence, voice = np.zeros(RATE, np.float32), np.full(int(SPEECH_S * RATE), 0.1, np.float32)
    recording = np.concatenate([silence, voice, np.zeros(int(after_s * RATE), np.float32)])
    microphone = Microphone(recording, clock)
    lines: list[str] = []
    options = LiveOptions(
        parties=Parties("zh", "en"), trace=True, partial_interval_s=partial_interval_s
    )
    endpointer = Endpointer(LevelVad(), EndpointerOptions())
    session = LiveSession(interpreter, endpointer, microphone, options, lines.append, clock)
    session.run(until=microphone.done)
    return lines, whisper


@pytest.mark.parametrize("interval_s", [0.5, 1.0])
def test_partial_text_grows_while_the_party_speaks_at_the_interval(interval_s: float) -> None:
    lines, whisper = talk(reading_s=0.05, partial_interval_s=interval_s)

    partials = [line for line in lines if line.startswith("  ... ")]
    final = next(i for i, line in enumerate(lines) if line.startswith("[buyer en]"))
    assert partials and all(lines.index(p) < final for p in partials), lines
    words = [len(p.split()) - 1 for p in partials]
    assert words == sorted(words) and words[0] < words[-1], partials
    # Read every `interval_s` of audio from the first second on, and once more as the
    # voice stopped.
    periodic, last = whisper.read_audio_s[:-1], whisper.read_audio_s[-1]
    assert all(b - a >= interval_s - 0.04 for a, b in itertools.pairwise(periodic))
    assert len(periodic) == pytest.approx((SPEECH_S - 1.0) / interval_s + 1, abs=1)
    assert last == pytest.approx(SPEECH_S + 0.3, abs=0.1)  # pre-roll and a window more


def test_partial_text_does_not_hold_up_the_final_transcript() -> None:
    """Readings take 300 ms but are asked for every 100 ms: read as often as asked,
    recognition would fall seconds behind the microphone and end the turn that late.
    The reader takes the newest audio when done with the reading before, so the final
    transcript comes no later than the endpoint silence plus two readings (one under
    way as the voice stopped, which this Whisper cannot give up, and the one of the
    whole utterance) after the end of speech."""
    reading_s = 0.3
    lines, _ = talk(reading_s=reading_s, partial_interval_s=0.1)

    assert any(line.startswith("  ... ") for line in lines), lines
    (trace,) = [json.loads(line) for line in lines if line.startswith("{")]
    # The trace's clock starts as the voice stops; the endpoint comes 400 ms later.
    allowed_ms = 400 + 2 * 1000 * reading_s + 150
    assert trace["ms_after_speech_end"]["asr_done"] <= allowed_ms, trace
    assert trace["rungs"]["asr"] == "configured"


def test_a_reading_under_way_as_the_voice_stops_is_given_up() -> None:
    """Readings take 1.5 s: one still running as the voice stops would hold up the
    reading of the whole utterance by about 0.7 s here. It is given up at its next
    step instead, so the transcript is ready one step and one reading after the voice
    stopped, where the trace's clock starts."""
    reading_s = 1.5
    lines, whisper = talk(reading_s=reading_s, partial_interval_s=0.1, stepped=True, after_s=3.0)

    assert isinstance(whisper, SteppedWhisper) and whisper.given_up >= 1
    assert whisper.read_audio_s[-1] == pytest.approx(SPEECH_S + 0.3, abs=0.1), "it all"
    (trace,) = [json.loads(line) for line in lines if line.startswith("{")]
    allowed_ms = 1000 * (0.1 + reading_s) + 200
    assert trace["ms_after_speech_end"]["asr_done"] <= allowed_ms, trace


def test_no_reading_as_the_voice_stops_when_the_last_one_will_do() -> None:
    """The last reading heard all but 0.1 s: the utterance the endpointer ends (with
    its post-roll) is still covered, so reading again would only cost time."""
    whisper = SlowWhisper(MonotonicClock(), reading_s=0.0)
    early = EarlyRecognizer(as_transcriber(whisper), ("zh", "en"))
    assert early.hear(np.full(RATE, 0.1, np.float32), RATE) is not None
    assert early.hear(np.full(int(1.1 * RATE), 0.1, np.float32), RATE, now=True) is None
    assert early.hear(np.full(int(1.3 * RATE), 0.1, np.float32), RATE, now=True) is not None
    utterance = Utterance(1, np.full(int(1.5 * RATE), 0.1, np.float32), RATE, 0.0, 1.5)
    assert early.covers(utterance)


def test_a_party_who_takes_over_does_not_take_the_last_turn_with_them() -> None:
    """Push-to-talk: the merchant talks, the buyer presses their key to answer (which
    ends the merchant's turn), then presses again. The merchant's turn is heard in
    the merchant's language, by what listened to it, and the buyer's in theirs."""
    clock = MonotonicClock()
    whisper = SlowWhisper(clock, reading_s=0.02)
    chain = TranslatorChain(Phrasebook.load(), [], clock=clock)
    interpreter = Interpreter(as_transcriber(whisper), chain, None, clock)
    voice = np.full(2 * RATE, 0.1, np.float32)
    silence = np.zeros(RATE // 2, np.float32)
    microphone = Microphone(np.concatenate([silence, voice, voice, silence, silence]), clock)
    lines: list[str] = []
    options = LiveOptions(parties=Parties("zh", "en"), mode=Mode.PUSH_TO_TALK)
    endpointer = Endpointer(LevelVad(), EndpointerOptions())
    session = LiveSession(interpreter, endpointer, microphone, options, lines.append, clock)

    def press_keys() -> None:
        started = time.monotonic()
        for at_s, party in ((0.4, Party.MERCHANT), (2.5, Party.BUYER), (4.5, Party.BUYER)):
            time.sleep(max(0.0, started + at_s - time.monotonic()))
            session.presses.put(Press(party, toggle=True))

    threading.Thread(target=press_keys, daemon=True).start()
    session.run(until=microphone.done)

    heard = [line.split("]")[0] for line in lines if line.startswith("[")]
    assert heard == ["[merchant zh", "[buyer en"], lines
