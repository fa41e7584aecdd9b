"""The device never hears itself: a room where the microphone picks up the speaker.

The parties' recording plays into a microphone in real time, and whatever the device
speaks is added to what that microphone hears, as at a real counter. The real models
run; only the room is simulated (the PortAudio path is tested in test_live.py).
"""

from __future__ import annotations

import queue
import threading
import time

import numpy as np
import pytest

from interpreter.audio.files import ASR_SAMPLE_RATE, resample
from interpreter.clock import MonotonicClock
from interpreter.live import LiveOptions, LiveSession
from interpreter.pipeline import Directions
from interpreter.stages import StageOptions, build_endpointer, build_interpreter
from interpreter.tts import EspeakVoice, PiperVoiceModel
from interpreter.turns import GateOptions, Parties
from interpreter.types import Frame, SpeechChunk
from tests.conftest import needs_espeak, speech

pytestmark = [pytest.mark.models, needs_espeak]

FRAME = 512


class Room:
    """The microphone: the recording plus the device's own speech at `echo_gain`."""

    def __init__(self, recording: np.ndarray, clock: MonotonicClock, echo_gain: float) -> None:
        self.frames: queue.Queue[Frame] = queue.Queue(maxsize=200)
        self.error = None
        self.dropped_frames = self.device_overflows = 0
        self._recording = recording
        self._echo = np.zeros(len(recording) + 60 * ASR_SAMPLE_RATE, np.float32)
        self._gain = echo_gain
        self._clock = clock
        self._position = 0
        self._stop = threading.Event()
        self.done = threading.Event()

    def play(self, samples: np.ndarray) -> None:
        start = self._position
        self._echo[start : start + len(samples)] += self._gain * samples

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        try:
            self._play_recording()
        finally:
            self.done.set()

    def _play_recording(self) -> None:
        started = time.monotonic()
        while not self._stop.is_set() and self._position < len(self._recording):
            at = self._position
            heard = self._recording[at : at + FRAME]
            samples = heard + self._echo[at : at + len(heard)]
            self.frames.put(Frame(samples.astype(np.float32), ASR_SAMPLE_RATE, self._clock.now()))
            self._position += FRAME
            ahead = started + self._position / ASR_SAMPLE_RATE - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)


class RoomSpeaker:
    """Plays into the room in real time and tells the session when it starts and stops."""

    def __init__(self, room: Room, session: LiveSession, clock: MonotonicClock) -> None:
        self.error = None
        self._room, self._session, self._clock = room, session, clock
        self._chunks: queue.Queue[SpeechChunk] = queue.Queue()
        self._stop = threading.Event()
        self._interrupted = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def say_chunk(self, chunk: SpeechChunk) -> bool:
        self._chunks.put(chunk)
        return True

    def interrupt(self) -> None:
        self._interrupted.set()

    def _run(self) -> None:
        playing = False
        while not self._stop.is_set():
            try:
                chunk = self._chunks.get(timeout=0.05)
            except queue.Empty:
                if playing:
                    playing = False
                    self._session.playback_stopped(self._clock.now())
                continue
            playing = True
            self._session.playback_started(chunk.utterance_id, self._clock.now())
            samples = resample(chunk.samples, chunk.sample_rate, ASR_SAMPLE_RATE)
            self._room.play(samples)
            time.sleep(len(samples) / ASR_SAMPLE_RATE)


@pytest.fixture(scope="module")
def counter_talk(model_store) -> np.ndarray:
    buyer = PiperVoiceModel(model_store.path("piper-en_US-joe-medium"), "en", vary=False)
    return np.concatenate(
        [
            speech(buyer, ("I want to order five hundred pieces.",), pause_s=1.0),
            speech(EspeakVoice("zh", 130), ("这个多少钱？",), pause_s=5.0),
            np.zeros(4 * ASR_SAMPLE_RATE, np.float32),
        ]
    )


def run_room(model_store, recording: np.ndarray, gate: GateOptions) -> list[str]:
    clock = MonotonicClock()
    stages = StageOptions()
    endpointer, vad_name = build_endpointer(model_store, stages.endpointer)
    interpreter, _ = build_interpreter(
        model_store, Directions.pair("zh", "en"), stages, clock, vad_name
    )
    room = Room(recording, clock, echo_gain=0.6)
    lines: list[str] = []
    options = LiveOptions(parties=Parties("zh", "en"), gate=gate)
    session = LiveSession(interpreter, endpointer, room, options, lines.append, clock)
    session.attach_speaker(RoomSpeaker(room, session, clock))
    session.run(until=room.done)
    return [line for line in lines if line.startswith("[")]


def test_the_device_does_not_transcribe_its_own_translation(model_store, counter_talk) -> None:
    turns = run_room(model_store, counter_talk, GateOptions())
    assert [turn.split("]")[0] for turn in turns] == ["[buyer en", "[merchant zh"], turns


def test_without_the_gate_the_echo_would_come_back_as_turns(model_store, counter_talk) -> None:
    """The control: the same room with the gate off hears the device's own voice."""
    turns = run_room(model_store, counter_talk, GateOptions(enabled=False))
    assert len(turns) > 2, turns
