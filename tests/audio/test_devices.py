"""Choosing the microphone and the speaker: by index or by a part of the name."""

from __future__ import annotations

import ctypes.util
import importlib.abc
import os
import subprocess
import sys

import pytest

from interpreter.audio.devices import DeviceInfo, find_device
from interpreter.core.errors import InputError

DEVICES = [
    DeviceInfo(0, "HDA Intel PCH: ALC257 Analog (hw:0,0)", "ALSA", 2, 2, 48_000, True, True),
    DeviceInfo(1, "USB Audio Device: - (hw:1,0)", "ALSA", 1, 0, 44_100),
    DeviceInfo(2, "HDMI 0 (hw:0,3)", "ALSA", 0, 8, 48_000),
]


def test_no_choice_means_the_default_device() -> None:
    assert find_device(None, "input", DEVICES).index == 0


def test_a_device_is_found_by_index_or_by_part_of_its_name() -> None:
    assert find_device(1, "input", DEVICES).index == 1
    assert find_device("usb audio", "input", DEVICES).index == 1
    assert find_device("HDMI", "output", DEVICES).index == 2


@pytest.mark.parametrize(
    ("wanted", "kind", "message"),
    [
        (5, "input", "no input device has index 5; run `interpreter devices`"),
        (2, "input", "no input device has index 2"),  # HDMI has no microphone
        ("Blue Yeti", "input", "no input device matches 'Blue Yeti'"),
        ("hw:0", "output", "matches 'HDA Intel"),
    ],
)
def test_a_device_that_is_not_there_is_one_line_with_the_fix(wanted, kind, message) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        find_device(wanted, kind, DEVICES)


@pytest.mark.skipif(ctypes.util.find_library("portaudio") is None, reason="no libportaudio2")
def test_interpreter_devices_lists_what_portaudio_sees(tmp_path) -> None:
    (tmp_path / ".asoundrc").write_text(
        'pcm.counter { type file slave.pcm "null" file "/dev/null" format "raw" }\n'
    )
    result = subprocess.run(
        [sys.executable, "-m", "interpreter", "devices"],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "counter" in result.stdout and "ALSA" in result.stdout


@pytest.mark.skipif(ctypes.util.find_library("portaudio") is None, reason="no libportaudio2")
def test_no_sound_device_at_all_is_one_line_and_a_failure(tmp_path) -> None:
    """An ALSA configuration with nothing in it, as on a box whose USB sound card is
    unplugged: an empty listing would look like success."""
    (tmp_path / ".asoundrc").write_text("\n")
    result = subprocess.run(
        [sys.executable, "-m", "interpreter", "devices"],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "no sound device" in line and "aplay -l" in line and "USB sound card" in line


class NoPortAudio(importlib.abc.MetaPathFinder):
    """What importing sounddevice does where libportaudio2 is not installed."""

    def find_spec(self, name, path=None, target=None):
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return None


def test_without_portaudio_devices_is_still_one_line(monkeypatch, capsys) -> None:
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [NoPortAudio(), *sys.meta_path])
    from interpreter.commands.cli import main

    assert main(["devices"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert "PortAudio is not installed" in line and "libportaudio2" in line
