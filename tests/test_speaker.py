"""The speaker's tape and callback: what the device asks for is always there (speech,
or silence between turns), and the moment an utterance's first sample leaves the
device is reported on the pipeline's clock. The real path, with PortAudio on a sound
server, is tested in test_room.py."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from interpreter.audio.speaker import Speaker, Tape
from interpreter.audio.streams import SampleClock, StreamOptions
from interpreter.clock import ManualClock


def block(size: int = 8) -> np.ndarray:
    return np.full(size, -1, np.int16)


def test_the_tape_fills_with_silence_and_says_where_speech_starts_and_stops() -> None:
    tape = Tape()
    tape.add(7, np.arange(1, 6, dtype=np.int16))
    out = block()
    assert tape.take(out) == [(7, 0), (None, 5)]
    assert out.tolist() == [1, 2, 3, 4, 5, 0, 0, 0]
    assert tape.take(out) == [] and not out.any()


def test_one_utterance_in_pieces_sounds_as_one() -> None:
    tape = Tape()
    tape.add(1, np.ones(6, np.int16))
    tape.add(1, np.full(6, 2, np.int16))
    tape.add(2, np.full(2, 3, np.int16))
    first, second = block(), block()
    assert tape.take(first) == [(1, 0)]
    assert tape.take(second) == [(2, 4), (None, 6)]
    assert first.tolist() == [1] * 6 + [2] * 2
    assert second.tolist() == [2] * 4 + [3] * 2 + [0] * 2


def test_a_cleared_tape_goes_quiet_at_the_next_block() -> None:
    tape = Tape()
    tape.add(1, np.ones(20, np.int16))
    tape.take(block())
    tape.clear()
    assert tape.take(block()) == [(None, 0)]


class Status:
    output_underflow = False


def callback_time(current_s: float, dac_s: float) -> SimpleNamespace:
    return SimpleNamespace(currentTime=current_s, outputBufferDacTime=dac_s)


def test_the_first_sample_is_stamped_when_the_device_will_play_it() -> None:
    """PortAudio says when this block reaches the DAC, on its own time base (here a
    wall clock far from ours): the stamp is ours plus that delay, plus the offset of
    the first sample in the block."""
    clock = ManualClock(100.0)
    started: list[tuple[int, float]] = []
    speaker = Speaker(None, clock, StreamOptions(), on_start=lambda u, t: started.append((u, t)))
    speaker.device_rate = 1000
    speaker._tape.add(3, np.ones(10, np.int16))
    out = np.zeros((20, 1), np.int16)
    speaker._callback(out, 20, callback_time(1.7e9, 1.7e9 + 0.040), Status())
    speaker._report()
    assert started == [(3, pytest.approx(100.04))]
    assert out[:10, 0].tolist() == [1] * 10 and not out[10:].any()


def test_an_underrun_is_counted() -> None:
    speaker = Speaker(None, ManualClock(), StreamOptions())
    speaker.device_rate = 1000
    late = Status()
    late.output_underflow = True
    speaker._callback(np.zeros((10, 1), np.int16), 10, callback_time(0.0, 0.0), late)
    assert speaker.underruns == 1


def test_a_read_that_returns_late_does_not_move_the_samples() -> None:
    """Each read bounds the stream's origin from above; the least bound is its origin."""
    placed = SampleClock(sample_rate=1000)
    assert placed.place(100, now_s=10.1) == pytest.approx(10.0)
    assert placed.place(100, now_s=10.35) == pytest.approx(10.1)  # returned 150 ms late
    assert placed.place(100, now_s=10.3) == pytest.approx(10.2)
    # A device that says its samples wait 50 ms in its buffer: they are that older.
    assert placed.place(100, now_s=10.4, latency_s=0.05) == pytest.approx(10.25)
