"""Choosing the microphone and the speaker: by index or by a part of the name."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys

import pytest

from interpreter.audio.devices import DeviceInfo, find_device
from interpreter.errors import InputError

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
