"""Microphones that are missing, or unplugged mid-session: a message, a retry, and in
the end a one-line error, never a hang or a traceback. PortAudio is replaced here by
a scripted stand-in; the real path is tested in test_live.py."""

from __future__ import annotations

import time

import numpy as np
import pytest

from interpreter.audio import devices
from interpreter.audio.streams import Microphone, StreamOptions
from interpreter.core.clock import MonotonicClock


class PortAudioError(Exception):
    pass


class ScriptedInput:
    """A 48 kHz stream whose read fails once `fail_after` reads have been made."""

    def __init__(self, portaudio: FakePortAudio) -> None:
        self._portaudio = portaudio

    def start(self) -> None:
        self._portaudio.opened += 1

    def read(self, frames: int):
        self._portaudio.reads += 1
        if self._portaudio.reads == self._portaudio.fail_at_read:
            raise PortAudioError("Unanticipated host error (device unplugged)")
        return np.full((frames, 1), 1000, dtype=np.int16), False

    def close(self) -> None:
        self._portaudio.closed += 1


class FakePortAudio:
    PortAudioError = PortAudioError

    def __init__(self, has_microphone: bool = True, fail_at_read: int = 0) -> None:
        self.has_microphone = has_microphone
        self.fail_at_read = fail_at_read
        self.reads = self.opened = self.closed = 0

        class Default:
            device = (0, 0)

        self.default = Default()

    def query_devices(self):
        inputs = 1 if self.has_microphone else 0
        return [{"name": "USB Mic", "hostapi": 0, "max_input_channels": inputs,
                 "max_output_channels": 0, "default_samplerate": 48_000.0}]  # fmt: skip

    def query_hostapis(self):
        return [{"name": "ALSA"}]

    def InputStream(self, **settings):  # sounddevice's name
        return ScriptedInput(self)


def microphone_with(
    portaudio: FakePortAudio, monkeypatch, messages: list[str], device: str = "USB"
) -> Microphone:
    monkeypatch.setattr(devices, "portaudio", lambda: portaudio)
    options = StreamOptions(retry_s=0.01, retries=2)
    return Microphone(device, MonotonicClock(), options, say=messages.append)


def test_a_machine_without_any_microphone_is_told_at_once_to_try_a_file(monkeypatch) -> None:
    messages: list[str] = []
    microphone = microphone_with(FakePortAudio(has_microphone=False), monkeypatch, messages)
    microphone.start()
    deadline = time.monotonic() + 5
    while microphone.error is None and time.monotonic() < deadline:
        time.sleep(0.01)
    microphone.stop()
    assert messages == []  # no retries: there is nothing to wait for
    error = str(microphone.error)
    assert error.startswith("no sound input device found; plug one in")
    assert error.endswith("or try it on a file: --input-file talk.wav")
    assert "\n" not in error


def test_a_named_microphone_that_is_away_is_retried_then_named_in_one_line(
    monkeypatch,
) -> None:
    messages: list[str] = []
    # Another microphone is there, not this one: it may be plugged in any moment.
    microphone = microphone_with(FakePortAudio(), monkeypatch, messages, device="Blue Yeti")
    microphone.start()
    deadline = time.monotonic() + 5
    while microphone.error is None and time.monotonic() < deadline:
        time.sleep(0.01)
    microphone.stop()
    assert len(messages) == 2 and all("retrying in" in m for m in messages)
    error = str(microphone.error)
    assert "sound input 'Blue Yeti' is not available" in error and "--input-device" in error
    assert "\n" not in error


def test_an_unplugged_microphone_is_reopened_and_frames_keep_coming(monkeypatch) -> None:
    messages: list[str] = []
    portaudio = FakePortAudio(fail_at_read=5)
    microphone = microphone_with(portaudio, monkeypatch, messages)
    microphone.start()
    frames = [microphone.frames.get(timeout=5) for _ in range(10)]
    microphone.stop()
    assert portaudio.opened == 2 and portaudio.closed == 2
    assert any("stopped" in m and "reopening" in m for m in messages)
    assert all(frame.sample_rate == 16_000 for frame in frames)
    assert frames[-1].samples.mean() == pytest.approx(1000 / 32768, rel=0.05)
    assert microphone.error is None
