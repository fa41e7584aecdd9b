"""The latency benchmark's stand-ins for the stall's microphone and speaker, on a clock
that moves only when told: what the live session hears, and when (the session itself
is run on real recordings in test_bench_latency.py)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from benchmarks.session import HandedSpeaker, PacedMicrophone
from interpreter.core.clock import ManualClock
from interpreter.core.types import Frame, SpeechChunk

RATE = 16_000
FRAME_S = 512 / RATE


def heard(microphone: PacedMicrophone, count: int) -> list[Frame]:
    """The next `count` frames the microphone delivers (its thread puts them)."""
    return [microphone.frames.get(timeout=5.0) for _ in range(count)]


def test_a_frame_arrives_once_its_last_sample_has_and_is_stamped_with_its_first() -> None:
    clock = ManualClock(start_s=100.0)
    microphone = PacedMicrophone(clock)
    microphone.start()
    try:
        clock.advance(0.05)  # the first frame ended at 100.032, the second ends at 100.064
        (first,) = heard(microphone, 1)
        assert microphone.frames.empty()
        clock.advance(0.1)  # now 100.15: three more have ended, the next ends at 100.16
        later = heard(microphone, 3)
        assert microphone.frames.empty()
    finally:
        microphone.stop()
    frames = [first, *later]
    assert [frame.t_capture_s for frame in frames] == pytest.approx(
        [100.0, 100.0 + FRAME_S, 100.0 + 2 * FRAME_S, 100.0 + 3 * FRAME_S]
    )
    assert {(len(frame.samples), frame.sample_rate) for frame in frames} == {(512, RATE)}
    assert microphone.dropped_frames == 0


def test_a_recording_is_heard_whole_between_stretches_of_room_noise() -> None:
    clock = ManualClock(start_s=10.0)
    microphone = PacedMicrophone(clock)
    microphone.start()
    try:
        clock.advance(0.1)
        before = heard(microphone, 3)  # 96 ms of noise, 1536 samples
        recording = np.linspace(-0.5, 0.5, 2000, dtype=np.float32)
        playing = microphone.play(recording)
        clock.advance(1.0)  # 1.1 s in all: 34 whole frames
        after = heard(microphone, 31)
    finally:
        microphone.stop()
    # It starts at the first sample not yet heard, and lies there on the clock.
    assert playing.start_s == pytest.approx(10.0 + 1536 / RATE)
    assert playing.end_s == pytest.approx(10.0 + (1536 + 2000) / RATE)
    stream = np.concatenate([frame.samples for frame in before + after])
    assert np.array_equal(stream[1536:3536], recording), "sample for sample"
    noise = np.concatenate([stream[:1536], stream[3536:]])
    assert 0.0015 < float(np.std(noise)) < 0.0025, "the room noise the replay speaks over"
    assert float(np.max(np.abs(noise))) < 0.02


def test_recordings_asked_for_together_play_back_to_back() -> None:
    clock = ManualClock()
    microphone = PacedMicrophone(clock)
    microphone.start()
    try:
        first = microphone.play(np.full(700, 0.25, np.float32))
        second = microphone.play(np.full(300, -0.25, np.float32))
        clock.advance(0.07)
        stream = np.concatenate([frame.samples for frame in heard(microphone, 2)])
    finally:
        microphone.stop()
    assert second.start_s == pytest.approx(first.end_s)
    assert np.all(stream[:700] == 0.25) and np.all(stream[700:1000] == -0.25)
    assert np.all(np.abs(stream[1000:]) < 0.02)


def test_a_listener_that_falls_behind_loses_frames_and_they_are_counted() -> None:
    clock = ManualClock()
    microphone = PacedMicrophone(clock, queue_s=0.1)  # room for 3 frames
    microphone.start()
    try:
        clock.advance(10 * FRAME_S + 0.001)  # ten frames, and nobody listens
        given_up_s = time.monotonic() + 5.0
        while microphone.dropped_frames < 7 and time.monotonic() < given_up_s:
            time.sleep(0.01)
    finally:
        microphone.stop()
    kept = [microphone.frames.get_nowait() for _ in range(3)]
    assert [frame.t_capture_s for frame in kept] == pytest.approx([0.0, FRAME_S, 2 * FRAME_S])
    assert microphone.dropped_frames == 7


def chunk(utterance_id: int) -> SpeechChunk:
    return SpeechChunk(utterance_id, np.zeros(160, np.float32), RATE, False, 0.0)


def test_the_speaker_says_when_each_turns_first_audio_is_handed_to_it() -> None:
    clock = ManualClock(start_s=5.0)
    started: list[tuple[int, float]] = []
    speaker = HandedSpeaker(clock, on_start=lambda uid, now_s: started.append((uid, now_s)))
    assert speaker.say_chunk(chunk(1))
    clock.advance(0.2)
    speaker.say_chunk(chunk(1))  # the rest of the same turn
    speaker.say_chunk(chunk(2))
    assert started == [(1, 5.0), (2, 5.2)]


def test_an_utterance_ended_between_two_windows_is_told_to_the_ledger() -> None:
    """A held pause ends as soon as the answer is ready, between two windows
    (`Endpointer.end_if_quiet`): the benchmark must know that utterance as it knows
    those its windows end, or its turn would be reported for no recording (a miss)."""
    from benchmarks.session import _Ledger, _WatchedEndpointer
    from interpreter.asr.vad import EndpointerOptions, State
    from tests.asr.test_endpointer import ScriptedVad, numbered_audio, script

    probs = script((0.0, 0.5), (0.9, 1.0), (0.0, 1.0))
    ledger = _Ledger()
    endpointer = _WatchedEndpointer(ScriptedVad(probs), EndpointerOptions(), ledger)
    endpointer.wait(1000)
    audio = numbered_audio(len(probs))
    ended = None
    for index in range(len(probs)):
        frame = Frame(audio[index * 512 : (index + 1) * 512], RATE, index * FRAME_S)
        assert not endpointer.push(frame)
        if endpointer.state is State.STOPPING and endpointer.silence_s >= 0.5:
            endpointer.wait(384)
            ended = endpointer.end_if_quiet()
            break
    assert ended is not None
    assert ended.id in ledger._entries
