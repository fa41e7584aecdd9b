"""The doctor's sound check: a second recorded and its level read, a beep played, and
each way it goes wrong one line with the fix. PortAudio is a scripted stand-in here,
and a real PulseAudio server (the room of benchmarks/roombed.py) at the end."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest

from benchmarks.roombed import Room, missing_packages
from interpreter.audio.devices import PortAudio
from interpreter.audio.probe import record, tone
from interpreter.core.errors import InputError
from interpreter.core.vocabulary import CheckStatus
from interpreter.doctor.sound import check_sound, judge_input, level_of
from tests.audio.test_devices import NoPortAudio


class PortAudioError(Exception):
    pass


class CallbackStream:
    """A callback-mode stream that moves `level` (int16) in 10 ms blocks, as fast as the
    callback takes them; `deliver=False`: it opens and then says nothing."""

    def __init__(self, settings: dict[str, Any], level: int, deliver: bool, taken: list) -> None:
        self._callback = settings["callback"]
        self._block = int(settings["samplerate"]) // 100
        self._level = level
        self._deliver = deliver
        self._taken = taken
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.active = False

    def start(self) -> None:
        self.active = True
        if self._deliver:
            self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            data = np.full((self._block, 1), self._level, dtype=np.int16)
            self._callback(data, self._block, None, None)
            self._taken.append(data[:, 0].copy())


class FakePortAudio:
    PortAudioError = PortAudioError

    def __init__(
        self, devices: int = 1, level: int = 0, deliver: bool = True, refuse: bool = False
    ) -> None:
        self.devices, self.level, self.deliver, self.refuse = devices, level, deliver, refuse
        self.played: list[np.ndarray] = []

        class Default:
            device = (0, 0)

        self.default = Default()

    def query_devices(self) -> list[dict[str, Any]]:
        device = {"name": "USB Audio", "hostapi": 0, "max_input_channels": 1,
                  "max_output_channels": 2, "default_samplerate": 48_000.0}  # fmt: skip
        return [device] * self.devices

    def query_hostapis(self) -> list[dict[str, Any]]:
        return [{"name": "ALSA"}]

    def InputStream(self, **settings: Any) -> CallbackStream:
        if self.refuse:
            raise PortAudioError("Device unavailable [PaErrorCode -9985]")
        return CallbackStream(settings, self.level, self.deliver, [])

    def OutputStream(self, **settings: Any) -> CallbackStream:
        if self.refuse:
            raise PortAudioError("Device unavailable [PaErrorCode -9985]")
        return CallbackStream(settings, 0, self.deliver, self.played)


def sound_of(fake: FakePortAudio) -> PortAudio:
    return cast(PortAudio, fake)


def checks_with(fake: FakePortAudio) -> list:
    return check_sound(None, None, 0.1, -70.0, 0.05, -30.0, sound_of(fake))


def test_a_second_of_a_quiet_room_is_reported_with_its_level_and_rate() -> None:
    sound_in, sound_out = checks_with(FakePortAudio(level=100))  # -50.3 dBFS
    assert sound_in.status is CheckStatus.OK
    assert sound_in.facts["sample_rate_hz"] == 48_000
    assert sound_in.facts["level_dbfs"] == sound_in.facts["peak_dbfs"] == -50.3
    assert sound_in.line().startswith("ok    sound in     'USB Audio' at 48000 Hz: 0.1 s")
    assert sound_out.status is CheckStatus.OK
    assert sound_out.detail == "'USB Audio' at 48000 Hz: played a 0.05 s beep at -30 dBFS"


def test_the_beep_reaches_the_speaker_whole_and_quiet() -> None:
    fake = FakePortAudio()
    checks_with(fake)
    played = np.concatenate(fake.played).astype(np.float64) / 32767.0
    beep = tone(48_000, 0.05, -30.0)
    assert np.allclose(played[: len(beep)], beep, atol=1e-4)
    assert abs(20 * np.log10(np.abs(played).max()) - -30.0) < 0.1
    assert not played[len(beep) :].any()  # then silence, so closing cuts nothing heard


@pytest.mark.parametrize(
    ("level", "words"),
    [(0, "nothing but zeros; the microphone is muted"), (32767, "full scale; turn")],
)
def test_a_muted_or_clipping_microphone_is_a_warning_with_its_fix(level, words) -> None:
    sound_in, _ = checks_with(FakePortAudio(level=level))
    assert sound_in.status is CheckStatus.WARN
    assert words in sound_in.line() and "alsamixer" in sound_in.fix


def test_levels_are_in_dbfs_of_rms_and_peak() -> None:
    half = 0.5 * np.sin(np.linspace(0, 200 * np.pi, 16_000, endpoint=False))
    level = level_of(half.astype(np.float32), 16_000)
    assert (level.peak_dbfs, level.rms_dbfs, level.seconds) == (-6.0, -9.0, 1.0)
    quiet = judge_input("mic", level_of(np.full(100, 1e-4, np.float32), 16_000), -70.0)
    assert quiet.status is CheckStatus.WARN and "gain up" in quiet.fix


def test_no_sound_device_at_all_is_one_failure_naming_the_fix_and_the_files() -> None:
    (line,) = checks_with(FakePortAudio(devices=0))
    assert line.status is CheckStatus.FAIL and line.name == "sound"
    assert "PortAudio sees no sound device" in line.detail
    assert "`arecord -l`" in line.fix and "--input-file talk.wav" in line.fix
    assert "\n" not in line.line()


def test_a_device_that_refuses_to_open_fails_each_end_with_the_fix() -> None:
    sound_in, sound_out = checks_with(FakePortAudio(refuse=True))
    assert sound_in.status is sound_out.status is CheckStatus.FAIL
    assert "cannot record from input device 'USB Audio' (Device unavailable" in sound_in.detail
    assert "--input-device" in sound_in.fix and "--output-device" in sound_out.fix


def test_a_device_that_opens_but_never_delivers_is_given_up_in_seconds() -> None:
    started = time.monotonic()
    with pytest.raises(InputError, match=r"opened but delivered 0\.0 s of sound in 0\.3 s"):
        record(None, 0.1, sound_of(FakePortAudio(deliver=False)), grace_s=0.2)
    assert time.monotonic() - started < 2.0


def test_without_portaudio_the_sound_check_is_one_line(monkeypatch) -> None:
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [NoPortAudio(), *sys.meta_path])
    (line,) = check_sound(None, None, 0.1, -70.0, 0.05, -30.0)
    assert line.status is CheckStatus.FAIL and line.name == "sound"
    assert "PortAudio is not installed" in line.detail and "libportaudio2" in line.fix


@pytest.mark.skipif(bool(missing_packages()), reason=f"the room needs {missing_packages()}")
def test_the_doctor_hears_the_room_and_the_room_hears_its_beep(tmp_path: Path) -> None:
    """A real sound server: the doctor records room tone (-50 dBFS) from ALSA's
    default device and plays its beep into the room, where the recording has it."""
    with Room(tmp_path / "room") as room:
        env = {
            **room.environment(),
            "INTERPRETER_MODELS_DIR": str(tmp_path / "store"),
            "INTERPRETER_DEAL_LOG": str(tmp_path / "deals.sqlite"),
        }
        result = subprocess.run(
            [sys.executable, "-m", "interpreter", "doctor", "--quick", "--json"],
            capture_output=True, text=True, timeout=60, check=False, env=env,
            cwd=Path(__file__).resolve().parents[2],
        )  # fmt: skip
        time.sleep(1.0)  # the recorder's buffer reaches its file
        _, recording = room.finish()
    report = json.loads(result.stdout)
    checks = {check["name"]: check for check in report["checks"]}
    assert checks["sound in"]["status"] == "ok", checks["sound in"]
    assert -56.0 < checks["sound in"]["level_dbfs"] < -44.0
    assert checks["sound in"]["sample_rate_hz"] > 0
    assert checks["sound out"]["status"] == "ok", checks["sound out"]
    # The beep peaks at -30 dBFS (about 1036); the room tone never comes near 800.
    assert np.count_nonzero(np.abs(recording.astype(np.int32)) > 800) > 500
    # The empty model store is the one failure: exit status 1.
    assert result.returncode == 1 and checks["models"]["status"] == "fail"
    assert not report["usable"]
