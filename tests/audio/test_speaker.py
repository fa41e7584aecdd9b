"""The speaker's tape and callback: what the device asks for is always there (speech,
or silence between turns), and the moment an utterance's first sample leaves the
device is reported on the pipeline's clock. The real path, with PortAudio on a sound
server, is tested in test_room.py."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from interpreter.audio.speaker import Speaker, Tape
from interpreter.audio.streams import Pacer, SampleClock, StreamOptions
from interpreter.core.clock import ManualClock


def block(size: int = 8) -> np.ndarray:
    return np.full(size, -1, np.int16)


def test_the_tape_fills_with_silence_and_says_where_speech_starts_and_stops() -> None:
    tape = Tape()
    tape.add(7, np.arange(1, 6, dtype=np.int16), tape.epoch)
    out = block()
    assert tape.take(out) == [(7, 0), (None, 5)]
    assert out.tolist() == [1, 2, 3, 4, 5, 0, 0, 0]
    assert tape.take(out) == [] and not out.any()


def test_one_utterance_in_pieces_sounds_as_one() -> None:
    tape = Tape()
    tape.add(1, np.ones(6, np.int16), tape.epoch)
    tape.add(1, np.full(6, 2, np.int16), tape.epoch)
    tape.add(2, np.full(2, 3, np.int16), tape.epoch)
    first, second = block(), block()
    assert tape.take(first) == [(1, 0)]
    assert tape.take(second) == [(2, 4), (None, 6)]
    assert first.tolist() == [1] * 6 + [2] * 2
    assert second.tolist() == [2] * 4 + [3] * 2 + [0] * 2


def test_a_cleared_tape_goes_quiet_at_the_next_block() -> None:
    tape = Tape()
    tape.add(1, np.ones(20, np.int16), tape.epoch)
    tape.take(block())
    tape.clear()
    assert tape.take(block()) == [(None, 0)]


def test_a_piece_made_before_an_interruption_is_dropped() -> None:
    """The speaker's thread was resampling the next sentence as the party talked over
    the device: it must not sound, and more of the same utterance is a new start."""
    tape = Tape()
    before = tape.epoch
    tape.add(1, np.ones(20, np.int16), before)
    tape.take(block())
    tape.clear()
    tape.add(1, np.full(8, 2, np.int16), before)  # made before the interruption
    out = block()
    assert tape.take(out) == [(None, 0)] and not out.any()
    tape.clear()
    tape.add(1, np.full(8, 3, np.int16), tape.epoch)
    assert tape.take(block()) == [(1, 0)]


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
    speaker._tape.add(3, np.ones(10, np.int16), speaker._tape.epoch)
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


def test_a_device_without_a_clock_is_held_to_real_time() -> None:
    """An ALSA `file` PCM takes samples as fast as it is asked: a second of sound
    moved at once is a device without a clock, held back from then on."""
    pacer = Pacer(keep_ahead_s=0.02)
    assert pacer.wait_s(0.0, now_s=10.0) == 0.0
    assert pacer.wait_s(1.0, now_s=10.01) == pytest.approx(0.97)
    assert pacer.clockless is True


def test_a_real_device_that_drifts_is_never_held_back() -> None:
    """A sound card's crystal 100 ppm fast is a third of a second ahead after an hour:
    holding it back then would starve or overflow it."""
    pacer = Pacer()
    assert pacer.wait_s(0.03, now_s=0.0) == 0.0  # its buffer, filled at the start
    assert pacer.wait_s(3.0, now_s=3.0) == 0.0
    assert pacer.clockless is False
    assert pacer.wait_s(3600.36, now_s=3600.0) == 0.0


def test_a_device_starved_at_the_start_is_not_taken_for_a_real_one() -> None:
    """The models warm up as the session starts: the speaker's thread moved only a
    little sound in its first seconds. That decides nothing; running ahead later does."""
    pacer = Pacer()
    assert pacer.wait_s(0.1, now_s=3.0) == 0.0
    assert pacer.clockless is None
    assert pacer.wait_s(1.0, now_s=3.1) == pytest.approx(0.9)
    assert pacer.clockless is True


def test_after_an_overflow_the_samples_are_placed_by_new_reads_only() -> None:
    placed = SampleClock(sample_rate=1000)
    placed.place(100, now_s=10.1)
    placed.lost()  # 100 samples the device dropped, not counted
    assert placed.place(100, now_s=10.3) == pytest.approx(10.2)
