"""The endpointer state machine, driven by scripted speech probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from interpreter.asr.vad import Endpointer, EndpointerOptions, SileroVad, State, split_utterances
from interpreter.core.types import Frame

RATE = 16_000
WINDOW = 512
WINDOW_S = WINDOW / RATE


class ScriptedVad:
    """Speech probabilities read from a list, one per 32 ms window."""

    window_samples = WINDOW

    def __init__(self, probabilities: list[float]) -> None:
        self._probabilities = list(probabilities)
        self._position = 0
        self.resets = 0

    def probabilities(self, samples: np.ndarray) -> np.ndarray:
        count = len(samples) // WINDOW
        out = self._probabilities[self._position : self._position + count]
        out += [0.0] * (count - len(out))
        self._position += count
        return np.array(out, dtype=np.float32)

    def reset(self) -> None:
        self.resets += 1


def windows(seconds: float) -> int:
    return round(seconds / WINDOW_S)


def script(*parts: tuple[float, float]) -> list[float]:
    """(probability, seconds) pieces -> one probability per window."""
    return [p for p, seconds in parts for _ in range(windows(seconds))]


def numbered_audio(count: int) -> np.ndarray:
    """Each window's samples hold its own index, so cuts can be checked exactly."""
    return np.repeat(np.arange(count, dtype=np.float32), WINDOW)


def run(probabilities: list[float], options: EndpointerOptions, frame_windows: int = 5):
    endpointer = Endpointer(ScriptedVad(probabilities), options)
    audio = numbered_audio(len(probabilities))
    step = frame_windows * WINDOW
    utterances = []
    for start in range(0, len(audio), step):
        frame = Frame(audio[start : start + step], RATE, start / RATE)
        utterances += endpointer.push(frame)
    return utterances + endpointer.flush(), endpointer


OPTIONS = EndpointerOptions(
    min_speech_ms=96, min_silence_ms=320, pre_roll_ms=160, post_roll_ms=64, max_utterance_s=5.0
)


def test_two_sentences_with_a_pause_become_two_utterances() -> None:
    probs = script((0.0, 1.0), (0.9, 1.5), (0.1, 1.0), (0.9, 2.0), (0.0, 1.0))
    utterances, _ = run(probs, OPTIONS)
    assert len(utterances) == 2
    assert [u.id for u in utterances] == [1, 2]
    assert utterances[0].t_start_s < utterances[0].t_end_s < utterances[1].t_start_s


def test_pre_roll_keeps_audio_from_before_the_speech_was_detected() -> None:
    probs = script((0.0, 1.0), (0.9, 1.0), (0.0, 1.0))
    (utterance,), _ = run(probs, OPTIONS)
    first_speech_window = windows(1.0)
    pre_roll_windows = round(OPTIONS.pre_roll_ms / 1000 / WINDOW_S)
    assert utterance.samples[0] == first_speech_window - pre_roll_windows
    assert utterance.t_start_s == pytest.approx((first_speech_window - pre_roll_windows) * WINDOW_S)


def test_trailing_silence_is_trimmed_to_the_post_roll() -> None:
    probs = script((0.0, 0.5), (0.9, 1.0), (0.0, 1.0))
    (utterance,), _ = run(probs, OPTIONS)
    last_speech_window = windows(0.5) + windows(1.0) - 1
    post_roll_windows = round(OPTIONS.post_roll_ms / 1000 / WINDOW_S)
    assert utterance.samples[-1] == last_speech_window + post_roll_windows


def test_a_short_pause_inside_a_sentence_does_not_split_it() -> None:
    probs = script((0.9, 1.0), (0.1, 0.2), (0.9, 1.0), (0.0, 1.0))
    utterances, _ = run(probs, OPTIONS)
    assert len(utterances) == 1


def test_a_click_shorter_than_min_speech_is_ignored() -> None:
    probs = script((0.0, 0.5), (0.9, 0.064), (0.0, 1.0))
    utterances, endpointer = run(probs, OPTIONS)
    assert utterances == []
    assert endpointer.state is State.QUIET


def test_hysteresis_keeps_speech_open_between_the_two_thresholds() -> None:
    probs = script((0.9, 0.5), (0.4, 1.0), (0.9, 0.5), (0.0, 1.0))
    utterances, _ = run(probs, OPTIONS)
    assert len(utterances) == 1


def test_a_party_who_never_pauses_is_cut_at_the_maximum_length() -> None:
    probs = script((0.9, 12.0), (0.0, 1.0))
    utterances, _ = run(probs, OPTIONS)
    assert len(utterances) == 3
    assert all(u.duration_s <= OPTIONS.max_utterance_s + 0.2 for u in utterances)
    joined = np.concatenate([u.samples for u in utterances])
    assert np.all(np.diff(joined[::WINDOW]) == 1), "no audio lost or repeated at the cuts"


def test_speech_running_to_the_end_of_the_stream_is_flushed() -> None:
    probs = script((0.0, 0.5), (0.9, 1.0))
    utterances, endpointer = run(probs, OPTIONS)
    assert len(utterances) == 1
    assert endpointer.state is State.QUIET
    assert endpointer._vad.resets == 1  # the next stream starts with fresh VAD state


def test_frame_size_does_not_change_the_result() -> None:
    probs = script((0.0, 1.0), (0.9, 1.5), (0.1, 1.0), (0.9, 2.0), (0.0, 1.0))
    small, _ = run(probs, OPTIONS, frame_windows=1)
    large, _ = run(probs, OPTIONS, frame_windows=37)
    assert [(u.t_start_s, len(u.samples)) for u in small] == [
        (u.t_start_s, len(u.samples)) for u in large
    ]


def test_silero_state_is_carried_so_streaming_equals_one_block() -> None:
    rng = np.random.default_rng(3)
    t = np.arange(RATE * 2) / RATE
    audio = (0.3 * np.sin(2 * np.pi * 220 * t) * (t > 0.7) + rng.normal(0, 0.01, t.size)).astype(
        np.float32
    )
    whole = SileroVad().probabilities(audio)
    streamed_vad = SileroVad()
    streamed = np.concatenate(
        [
            streamed_vad.probabilities(audio[i : i + WINDOW * 3])
            for i in range(0, len(audio), WINDOW * 3)
        ]
    )
    assert len(whole) == len(streamed) == len(audio) // WINDOW
    np.testing.assert_allclose(whole, streamed, atol=1e-5)


def test_silence_and_noise_give_no_utterances_with_the_real_vad() -> None:
    rng = np.random.default_rng(7)
    quiet = np.zeros(RATE * 3, dtype=np.float32)
    hiss = rng.normal(0, 0.003, RATE * 3).astype(np.float32)
    for audio in (quiet, hiss):
        assert split_utterances(audio, Endpointer(SileroVad())) == []


def test_a_damaged_vad_model_names_the_command_that_repairs_it(tmp_path) -> None:
    from interpreter.core.errors import ModelError

    damaged = tmp_path / "silero_vad_v6.onnx"
    damaged.write_bytes(b"not a model")
    with pytest.raises(ModelError, match=r"fetch silero-vad-v6 --force"):
        SileroVad(damaged)


def test_a_short_pause_never_puts_the_same_audio_in_two_utterances() -> None:
    """A pause just long enough to end the first sentence: each window is heard once,
    with the default options, whose pre-roll is longer than the silence they drop."""
    probs = script((0.0, 1.0), (0.9, 1.0), (0.1, 0.45), (0.9, 1.0), (0.0, 1.0))
    first, second = run(probs, EndpointerOptions())[0]
    assert set(first.samples.tolist()).isdisjoint(set(second.samples.tolist()))
    assert first.t_end_s <= second.t_start_s


def test_the_wait_is_timed_from_the_last_voiced_window_not_the_kept_silence() -> None:
    options = EndpointerOptions(min_silence_ms=320, post_roll_ms=160, pre_roll_ms=0)
    probabilities = script((0.0, 0.32), (0.9, 1.024), (0.0, 1.024))
    (utterance,), _ = run(probabilities, options)
    assert utterance.voice_end_s == pytest.approx(0.32 + 1.024)
    assert utterance.t_end_s == pytest.approx(0.32 + 1.024 + 0.16)


def test_after_a_gap_the_next_utterance_is_stamped_on_the_frames_clock() -> None:
    """While the device speaks the listener hands the endpointer nothing; counting
    samples across that gap would put every later utterance seconds in the past.
    Frames of 500 samples are never whole windows, so some are always pending."""
    options = EndpointerOptions(min_silence_ms=320, post_roll_ms=0, pre_roll_ms=0)
    probabilities = script((0.0, 0.64), (0.9, 0.64), (0.0, 0.64))
    endpointer = Endpointer(ScriptedVad(probabilities), options)
    utterances = []
    for samples_so_far in range(0, len(probabilities) * WINDOW, 500):
        # 5 s in which the listener heard nothing (the device spoke), after 0.3 s.
        t_s = samples_so_far / RATE + (5.0 if samples_so_far >= 0.3 * RATE else 0.0)
        utterances += endpointer.push(Frame(np.zeros(500, np.float32), RATE, t_s))
    (utterance,) = utterances
    assert utterance.t_start_s == pytest.approx(5.0 + 0.64, abs=WINDOW_S)
    assert utterance.voice_end_s == pytest.approx(5.0 + 1.28, abs=WINDOW_S)


def test_one_dropped_frame_moves_the_clock_on_by_its_length() -> None:
    options = EndpointerOptions(min_silence_ms=320, post_roll_ms=0, pre_roll_ms=0)
    probabilities = script((0.0, 0.64), (0.9, 0.64), (0.0, 0.64))
    endpointer = Endpointer(ScriptedVad(probabilities), options)
    utterances = []
    # Frames of 500 samples, so some are always pending; the sixth never reached the
    # listener (the queue was full), so every later one is 500 samples later.
    for index, samples_so_far in enumerate(range(0, len(probabilities) * WINDOW, 500)):
        dropped = 500 if index >= 5 else 0
        t_s = (samples_so_far + dropped) / RATE
        utterances += endpointer.push(Frame(np.zeros(500, np.float32), RATE, t_s))
    (utterance,) = utterances
    assert utterance.t_start_s == pytest.approx(0.64 + 500 / RATE, abs=0.002)


def test_a_shorter_wait_set_during_the_pause_ends_the_utterance_at_the_next_window() -> None:
    """The sentence-aware endpoint shortens the pause once the words say the turn is
    whole: a pause already longer ends it at once."""
    probs = script((0.0, 0.5), (0.9, 1.0), (0.0, 1.5))
    endpointer = Endpointer(ScriptedVad(probs), OPTIONS)
    audio = numbered_audio(len(probs))
    endpointer.wait(800)
    ended_at = shortened_at = None
    for index in range(len(probs)):
        frame = Frame(audio[index * WINDOW : (index + 1) * WINDOW], RATE, index * WINDOW_S)
        stopping = endpointer.state is State.STOPPING
        # The words came back whole 0.2 s into the pause.
        if shortened_at is None and stopping and endpointer.silence_s >= 0.2:
            endpointer.wait(160)
            shortened_at = index
        if endpointer.push(frame) and ended_at is None:
            ended_at = index
    assert shortened_at is not None and ended_at == shortened_at


def test_a_held_pause_ends_between_two_windows_once_it_is_long_enough() -> None:
    """The pause is held (1 s) until the answer's first piece comes, between two
    windows: a pause already as long as the one without the hold ends then, not with
    the next window; one not yet that long, or a voice still speaking, does not."""
    probs = script((0.0, 0.5), (0.9, 1.0), (0.0, 1.5))
    endpointer = Endpointer(ScriptedVad(probs), OPTIONS)
    audio = numbered_audio(len(probs))
    endpointer.wait(1000)
    ended = None
    for index in range(len(probs)):
        frame = Frame(audio[index * WINDOW : (index + 1) * WINDOW], RATE, index * WINDOW_S)
        assert not endpointer.push(frame), "held"
        quiet_s = endpointer.silence_s if endpointer.state is State.STOPPING else 0.0
        if endpointer.state is State.SPEAKING:
            assert endpointer.end_if_quiet() is None
        elif 0.2 <= quiet_s < 0.3:  # a first piece ready this soon waits out the pause
            endpointer.wait(OPTIONS.min_silence_ms)
            assert endpointer.end_if_quiet() is None
            endpointer.wait(1000)
        elif quiet_s >= 0.45:  # the first piece comes
            endpointer.wait(OPTIONS.min_silence_ms)
            ended = endpointer.end_if_quiet()
            break
    assert ended is not None and ended.t_voice_end_s == pytest.approx(1.5, abs=WINDOW_S)
    kept_s = (OPTIONS.pre_roll_ms + OPTIONS.post_roll_ms) / 1000
    assert ended.duration_s == pytest.approx(1.0 + kept_s, abs=WINDOW_S)
    assert endpointer.state is State.QUIET


def test_a_longer_wait_holds_a_pause_the_fixed_one_would_have_ended() -> None:
    probs = script((0.0, 0.5), (0.9, 1.0), (0.0, 0.5), (0.9, 1.0), (0.0, 1.5))
    fixed, _ = run(probs, OPTIONS)
    endpointer = Endpointer(ScriptedVad(probs), OPTIONS)
    endpointer.wait(800)
    audio = numbered_audio(len(probs))
    held = endpointer.push(Frame(audio, RATE, 0.0)) + endpointer.flush()
    assert len(fixed) == 2 and len(held) == 1
