"""The device never hears itself: a room where the microphone picks up the speaker.

The parties' recording plays into a microphone in real time, and whatever the device
speaks is added to what that microphone hears, as at a real counter. The real models
run; only the room is simulated (the PortAudio path is tested in test_live.py). A
party can also talk over the device: their words start a set time after the device
starts speaking, whenever that is on this machine.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass

import numpy as np
import pytest

from interpreter.audio.files import ASR_SAMPLE_RATE, resample
from interpreter.core.clock import MonotonicClock
from interpreter.core.types import Frame, SpeechChunk
from interpreter.live.parties import GateOptions, Parties
from interpreter.live.session import LiveOptions, LiveSession
from interpreter.live.summary import SessionSummary
from interpreter.tts.synthesizer import EspeakVoice, PiperVoiceModel
from interpreter.turn.pipeline import Directions
from interpreter.turn.stages import StageOptions, build_endpointer, build_interpreter, build_vad
from tests.conftest import needs_espeak, speech

pytestmark = [pytest.mark.models, pytest.mark.realtime, needs_espeak]

FRAME = 512


class Room:
    """The microphone: the recording plus the device's own speech at `echo_gain`, and
    `talk_over` (a party's words) from `talk_over_after_s` into the device's first
    speech."""

    def __init__(
        self,
        recording: np.ndarray,
        clock: MonotonicClock,
        echo_gain: float,
        talk_over: np.ndarray | None = None,
        talk_over_after_s: float = 0.5,
    ) -> None:
        self.frames: queue.Queue[Frame] = queue.Queue(maxsize=200)
        self.error = None
        self.dropped_frames = self.device_overflows = 0
        self._recording = recording
        self._echo = np.zeros(len(recording) + 60 * ASR_SAMPLE_RATE, np.float32)
        self._gain = echo_gain
        self._talk_over = talk_over
        self._talk_over_after_s = talk_over_after_s
        self.talk_over_from_s: float | None = None
        self._clock = clock
        self._position = 0
        self._stop = threading.Event()
        self.done = threading.Event()

    def play(self, samples: np.ndarray) -> None:
        start = self._position
        self._echo[start : start + len(samples)] += self._gain * samples
        if self._talk_over is not None and self.talk_over_from_s is None:
            at = start + int(self._talk_over_after_s * ASR_SAMPLE_RATE)
            self._echo[at : at + len(self._talk_over)] += self._talk_over
            self.talk_over_from_s = at / ASR_SAMPLE_RATE

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
    """Plays into the room in real time, block by block as a sound card does, tells
    the session when it starts and stops, and stops at the next block when
    interrupted, dropping what was queued."""

    def __init__(self, room: Room, session: LiveSession, clock: MonotonicClock) -> None:
        self.error = None
        self._room, self._session, self._clock = room, session, clock
        self._chunks: queue.Queue[SpeechChunk] = queue.Queue()
        self._stop = threading.Event()
        self._interrupted = threading.Event()
        self.given_s: dict[int, float] = {}
        self.played_s: dict[int, float] = {}

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def say_chunk(self, chunk: SpeechChunk) -> bool:
        duration_s = len(chunk.samples) / chunk.sample_rate
        self.given_s[chunk.utterance_id] = self.given_s.get(chunk.utterance_id, 0.0) + duration_s
        self._chunks.put(chunk)
        return True

    def interrupt(self) -> None:
        self._interrupted.set()
        while not self._chunks.empty():
            self._chunks.get_nowait()

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
            if not playing:
                self._interrupted.clear()
            playing = True
            self._session.playback_started(chunk.utterance_id, self._clock.now())
            samples = resample(chunk.samples, chunk.sample_rate, ASR_SAMPLE_RATE)
            for at in range(0, len(samples), FRAME):
                if self._interrupted.is_set() or self._stop.is_set():
                    break
                block = samples[at : at + FRAME]
                self._room.play(block)
                uid = chunk.utterance_id
                self.played_s[uid] = self.played_s.get(uid, 0.0) + len(block) / ASR_SAMPLE_RATE
                time.sleep(len(block) / ASR_SAMPLE_RATE)
            if self._interrupted.is_set():
                self._interrupted.clear()
                playing = False
                self._session.playback_stopped(self._clock.now())


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


@dataclass
class RoomRun:
    turns: list[str]  # "[party language] text" lines
    lines: list[str]
    summary: SessionSummary
    speaker: RoomSpeaker
    room: Room


def run_room(
    model_store,
    recording: np.ndarray,
    gate: GateOptions,
    echo_gain: float = 0.6,
    talk_over: np.ndarray | None = None,
    barge_vad: bool = False,
) -> RoomRun:
    clock = MonotonicClock()
    stages = StageOptions()
    endpointer, vad_name = build_endpointer(model_store, stages.endpointer)
    interpreter, _ = build_interpreter(
        model_store, Directions.pair("zh", "en"), stages, clock, vad_name
    )
    room = Room(recording, clock, echo_gain, talk_over)
    lines: list[str] = []
    options = LiveOptions(parties=Parties("zh", "en"), gate=gate)
    vad = build_vad(model_store) if barge_vad else None
    session = LiveSession(interpreter, endpointer, room, options, lines.append, clock, vad)
    speaker = RoomSpeaker(room, session, clock)
    session.attach_speaker(speaker)
    summary = session.run(until=room.done)
    turns = [line for line in lines if line.startswith("[")]
    return RoomRun(turns, lines, summary, speaker, room)


def test_the_device_does_not_transcribe_its_own_translation(model_store, counter_talk) -> None:
    turns = run_room(model_store, counter_talk, GateOptions()).turns
    assert [turn.split("]")[0] for turn in turns] == ["[buyer en", "[merchant zh"], turns


def test_without_the_gate_the_echo_would_come_back_as_turns(model_store, counter_talk) -> None:
    """The control: the same room with the gate off hears the device's own voice."""
    turns = run_room(model_store, counter_talk, GateOptions(enabled=False)).turns
    assert len(turns) > 2, turns


@pytest.fixture(scope="module")
def buyer_order(joe_voice) -> np.ndarray:
    return np.concatenate(
        [
            speech(joe_voice, ("I want to order five hundred pieces.",), pause_s=1.0),
            np.zeros(8 * ASR_SAMPLE_RATE, np.float32),
        ]
    )


def test_a_merchant_who_talks_over_the_translation_stops_it(model_store, buyer_order) -> None:
    """The merchant starts answering half a second into the translation of the
    buyer's order: the device stops talking and listens to the merchant. The speaker
    is across the counter, so the microphone hears it 20 dB below the merchant."""
    merchant = speech(EspeakVoice("zh", 130), ("这个多少钱？",), pause_s=0.0)
    run = run_room(
        model_store, buyer_order, GateOptions(), echo_gain=0.1, talk_over=merchant,
        barge_vad=True,
    )  # fmt: skip

    assert run.summary.barge_ins >= 1, run.lines
    order = 1  # the buyer's utterance, whose translation the merchant talked over
    played_s, given_s = run.speaker.played_s[order], run.speaker.given_s[order]
    assert played_s < given_s and played_s < 0.5 + 1.0, (played_s, given_s)
    # The merchant's words were heard, from their start (the gate hands on the frames
    # that showed the merchant talking over), and answered.
    assert [turn.split("]")[0] for turn in run.turns] == ["[buyer en", "[merchant zh"], run.lines
    assert run.summary.turns == 2


def test_the_device_does_not_stop_for_its_own_voice(model_store, buyer_order) -> None:
    """The control: nobody talks over the translation, and it is played to the end,
    though the device's own voice is speech and its first frame is silent."""
    run = run_room(model_store, buyer_order, GateOptions(), echo_gain=0.1, barge_vad=True)

    assert run.summary.barge_ins == 0, run.lines
    assert run.speaker.played_s[1] == pytest.approx(run.speaker.given_s[1], abs=0.05)
    assert [turn.split("]")[0] for turn in run.turns] == ["[buyer en"], run.lines
