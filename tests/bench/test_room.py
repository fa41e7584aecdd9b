"""The live runner in the room: a real PulseAudio server, the parties playing into its
null sink, the device listening to the monitor and speaking into the sink, and one
recording of it all (benchmarks/roombed.py, benchmarks/room.py).

Without PulseAudio the integration test is skipped with the package to install; the
logic of the bed (alignment, the device's track, holes) is tested on its own."""

from __future__ import annotations

import ctypes.util

import numpy as np
import pytest

from benchmarks.room import answer_of, main, run, silent_runs_ms, voiced_end
from benchmarks.roombed import ROOM_RATE_HZ, align, device_track, missing_packages
from tests.conftest import needs_espeak

MISSING = missing_packages()


def noise(seconds: float, seed: int = 1, level: float = 300.0) -> np.ndarray:
    samples = np.random.default_rng(seed).standard_normal(int(seconds * ROOM_RATE_HZ))
    return np.round(samples * level).astype(np.int16)


def test_the_parties_stream_is_found_in_the_recording_early_or_late() -> None:
    parties = noise(3.0)
    for offset in (-320, 0, 1234):
        recording = np.zeros(len(parties) + 20_000, np.int16)
        start = 5000 + offset
        recording[start : start + len(parties)] = parties
        assert align(parties, recording, guess=5000) == start


def test_the_device_track_is_the_recording_less_the_parties() -> None:
    parties = noise(4.0)
    device = np.zeros(len(parties), np.int16)
    device[16_000:24_000] = 5000  # half a second of the device's voice
    recording = np.concatenate([np.zeros(800, np.int16), parties + device])
    track, offset = device_track(parties, recording, 8000, len(parties), offset_guess=0)
    assert offset == 800
    assert np.array_equal(track, device[8000:].astype(np.int32))


def test_the_device_track_ends_where_the_recording_does() -> None:
    parties = noise(4.0)
    recording = parties[: 3 * ROOM_RATE_HZ]
    track, _ = device_track(parties, recording, ROOM_RATE_HZ, len(parties), offset_guess=0)
    assert len(track) == 2 * ROOM_RATE_HZ and not track.any()


def test_an_answer_runs_from_the_first_to_the_last_loud_sample_after_the_clip() -> None:
    track = np.zeros(3 * ROOM_RATE_HZ, np.int32)
    track[1000:2000] = 4000  # the party's own echo would be before `after`: none here
    track[20_000:30_000] = 4000
    assert answer_of(track, after=5000) == (20_000, 30_000)
    assert answer_of(track, after=30_000) is None


def test_a_hole_is_a_run_of_digital_silence_inside_the_sound() -> None:
    sound = np.ones(ROOM_RATE_HZ, np.int32)
    sound[4000:4800] = 0  # 50 ms
    sound[9000:9100] = 0  # 6 ms
    assert silent_runs_ms(sound) == [50.0, 6.25]
    assert silent_runs_ms(np.concatenate([np.zeros(800, np.int32), sound[5000:]])) == [6.25]


def test_the_last_voiced_sample_is_the_last_above_minus_50_dbfs() -> None:
    clip = np.zeros(1000, np.int16)
    clip[100:600] = 3000
    clip[700] = 50  # under -50 dBFS (about 104)
    assert voiced_end(clip) == 600


@pytest.mark.parametrize("flag, value", [("--turns", "0"), ("--minutes", "-1")])
def test_a_count_that_cannot_be_run_is_refused_in_one_line(flag, value, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([flag, value])
    assert stopped.value.code == 2
    assert "give a number above zero" in capsys.readouterr().err


def test_each_endpoint_is_a_stall_config_the_device_reads(tmp_path) -> None:
    from benchmarks.room import ENDPOINTS
    from interpreter.live.config import load_config

    for name, enabled in (("fixed", False), ("words", True)):
        path = tmp_path / f"{name}.toml"
        path.write_text(ENDPOINTS[name], encoding="utf-8")
        assert load_config(path).endpoint.enabled is enabled


@pytest.mark.models
@pytest.mark.realtime
@needs_espeak
@pytest.mark.skipif(bool(MISSING), reason=f"the room needs: apt-get install {' '.join(MISSING)}")
@pytest.mark.skipif(ctypes.util.find_library("portaudio") is None, reason="no libportaudio2")
def test_the_device_answers_every_turn_in_the_room_without_a_click(model_store, tmp_path) -> None:
    result = run(model_store, tmp_path, turns=4, log=lambda line: None)
    summary = result["summary"]
    seen = "\n".join([*map(str, result["turns"]), *result["console"], *result["stderr_tail"]])
    assert summary["misses"] == 0 and summary["unaligned"] == 0, seen
    assert summary["alsa_underrun_lines"] == 0, result["stderr_tail"]
    assert summary["speaker_underruns"] == 0, result["summary_line"]
    assert summary["answers_checked_for_holes"] == 2
    assert summary["holes"] == 0, seen
    # The device's own clock (its trace) agrees with the room's recording, turn by turn.
    for turn in result["turns"]:
        assert turn["trace_status"] == "spoken"
        assert abs(turn["trace_minus_room_ms"]) <= 100, seen
