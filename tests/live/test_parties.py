"""Taking turns: push-to-talk controls and the gate that keeps the device from
hearing itself, frame by frame in simulated time."""

from __future__ import annotations

import numpy as np

from interpreter.core.types import Frame
from interpreter.core.vocabulary import Party
from interpreter.live.parties import GateOptions, Parties, PlaybackGate, PushToTalk

RATE = 16_000
FRAME_S = 0.032


def frames(seconds: float, start_s: float, level: float = 0.1) -> list[Frame]:
    count = round(seconds / FRAME_S)
    size = int(FRAME_S * RATE)
    return [
        Frame(np.full(size, level, np.float32), RATE, start_s + i * FRAME_S) for i in range(count)
    ]


def test_a_press_and_a_release_make_one_turn_for_that_party() -> None:
    ptt = PushToTalk()
    for frame in frames(1.0, 0.0, level=0.0):
        ptt.push(frame)
    assert ptt.press(Party.BUYER, now_s=1.0) == []
    for frame in frames(2.0, 1.0):
        assert ptt.push(frame) == []
    (turn,) = ptt.release(Party.BUYER, now_s=3.0)
    assert turn.speaker_hint == "buyer"
    # The pre-roll keeps the 200 ms before the press: people talk as they press.
    assert 2.15 <= turn.duration_s <= 2.25
    assert ptt.speaking is None


def test_a_keyboard_key_toggles_and_the_other_party_takes_over() -> None:
    ptt = PushToTalk()
    ptt.press(Party.MERCHANT, 0.0, toggle=True)
    for frame in frames(1.0, 0.0):
        ptt.push(frame)
    (merchant,) = ptt.press(Party.BUYER, 1.0, toggle=True)  # the buyer cuts in
    assert merchant.speaker_hint == "merchant" and ptt.speaking is Party.BUYER
    for frame in frames(1.0, 1.0):
        ptt.push(frame)
    (buyer,) = ptt.press(Party.BUYER, 2.0, toggle=True)  # the same key again: done
    assert buyer.speaker_hint == "buyer" and ptt.speaking is None


def test_a_slip_of_the_finger_is_not_a_turn() -> None:
    ptt = PushToTalk()
    ptt.press(Party.BUYER, 0.0)
    for frame in frames(0.1, 0.0):
        ptt.push(frame)
    assert ptt.release(Party.BUYER, 0.1) == []


def test_a_party_who_never_lets_go_is_cut_at_the_maximum_length() -> None:
    ptt = PushToTalk()
    ptt.press(Party.MERCHANT, 0.0)
    cut = [u for frame in frames(16.0, 0.0) for u in ptt.push(frame)]
    assert len(cut) == 1 and 14.9 <= cut[0].duration_s <= 15.1
    assert ptt.speaking is Party.MERCHANT


def test_the_microphone_is_deaf_while_the_device_speaks_and_for_a_tail_after() -> None:
    gate = PlaybackGate(GateOptions(tail_ms=300))
    assert gate.hear(frames(0.032, 0.0)[0], speech_prob=0.9) == (True, False)
    gate.playback_started(1.0)
    echo = frames(2.0, 1.0, level=0.05)
    assert all(gate.hear(frame, speech_prob=0.9) == (False, False) for frame in echo)
    gate.playback_stopped(3.0)
    assert gate.hear(frames(0.032, 3.1)[0], 0.9) == (False, False)  # the room still rings
    assert gate.hear(frames(0.032, 3.4)[0], 0.9) == (True, False)


def test_a_party_talking_over_the_playback_stops_it() -> None:
    gate = PlaybackGate(GateOptions(barge_in_margin_db=10, barge_in_ms=250))
    gate.playback_started(0.0)
    for frame in frames(1.0, 0.0, level=0.02):  # the device's own voice, heard faintly
        assert gate.hear(frame, speech_prob=0.8) == (False, False)
    verdicts = [gate.hear(frame, speech_prob=0.9) for frame in frames(0.5, 1.0, level=0.3)]
    assert (True, True) in verdicts
    assert verdicts.index((True, True)) * FRAME_S >= 0.2  # sustained, not a click


def test_the_devices_own_voice_is_no_barge_in_however_quietly_it_starts() -> None:
    """The first frame of a playback is often silent (the sound card's latency); the
    echo's vowels are then far above it, and they are speech. Measured against its
    peaks, the echo is not taken for a party; a party clearly above it still is."""
    gate = PlaybackGate(GateOptions(barge_in_margin_db=10, barge_in_ms=250))
    gate.playback_started(0.0)
    quiet = frames(0.064, 0.0, level=0.0001)
    syllables = [
        frame
        for start_s in np.arange(0.064, 2.0, 0.25)
        for frame in frames(0.16, start_s, level=0.05) + frames(0.09, start_s + 0.16, 0.005)
    ]
    assert all(gate.hear(frame, speech_prob=0.9) == (False, False) for frame in quiet + syllables)
    verdicts = [gate.hear(frame, speech_prob=0.9) for frame in frames(0.5, 2.0, level=0.5)]
    assert (True, True) in verdicts


def test_after_a_barge_in_the_party_is_heard_at_once() -> None:
    """No deaf tail when the playback stops because a party talks over it: the tail
    would cut their words."""
    gate = PlaybackGate(GateOptions(barge_in_ms=250, tail_ms=300))
    gate.playback_started(0.0)
    for frame in frames(0.5, 0.0, level=0.02):
        gate.hear(frame, speech_prob=0.9)
    loud = frames(0.5, 0.5, level=0.3)
    verdicts = [gate.hear(frame, speech_prob=0.9) for frame in loud]
    stopped_at = verdicts.index((True, True))
    gate.playback_stopped(0.5 + stopped_at * FRAME_S + 0.05)  # the speaker stops
    assert all(gate.hear(frame, 0.9) == (True, False) for frame in loud[stopped_at + 1 :])


def test_loud_noise_that_is_not_speech_does_not_stop_the_playback() -> None:
    gate = PlaybackGate()
    gate.playback_started(0.0)
    gate.hear(frames(0.032, 0.0, level=0.02)[0], 0.1)
    assert all(gate.hear(f, speech_prob=0.1) == (False, False) for f in frames(1.0, 0.1, 0.5))


def test_each_language_belongs_to_one_party() -> None:
    parties = Parties(merchant_language="zh", buyer_language="en")
    assert parties.party_of("zh") is Party.MERCHANT and parties.language(Party.BUYER) == "en"
    assert parties.party_of("ru") is None
