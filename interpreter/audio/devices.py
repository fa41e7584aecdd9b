"""Microphones and speakers: the only module that imports sounddevice.

PortAudio is a system library; without it, or without a device, the error says how
to get sound or to write a file instead. This module lists and finds devices and plays
a file's worth of sound; the live streams are in streams.py (microphone) and
speaker.py, which reach PortAudio through `portaudio()` here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from interpreter.core.errors import InputError


class SoundStream(Protocol):
    """A sounddevice stream, as far as the live streams use one."""

    def start(self) -> None: ...

    def close(self) -> None: ...


class CaptureStream(SoundStream, Protocol):
    """A sounddevice `InputStream`."""

    def read(self, frames: int) -> tuple[np.ndarray, bool]:
        """`frames` samples per channel, and whether the device overflowed before them."""
        ...


class PlaybackStream(SoundStream, Protocol):
    """A sounddevice `OutputStream`, fed by its callback."""

    @property
    def active(self) -> bool:
        """False once the device has stopped (unplugged, say)."""
        ...


class PortAudio(Protocol):
    """The sounddevice module, as far as this package uses it: a Protocol, so that
    naming the type imports neither sounddevice nor PortAudio."""

    PortAudioError: type[Exception]
    # `default.device`: the default (input, output) device indices.
    default: Any

    def query_devices(self) -> Sequence[Mapping[str, Any]]: ...

    def query_hostapis(self) -> Sequence[Mapping[str, Any]]: ...

    def play(
        self, data: np.ndarray, samplerate: int, *, device: int | str | None, blocking: bool
    ) -> None: ...

    def InputStream(self, **settings: Any) -> CaptureStream: ...

    def OutputStream(self, **settings: Any) -> PlaybackStream: ...


def portaudio() -> PortAudio:
    """The sounddevice module, imported on first use: the import loads PortAudio."""
    try:
        import sounddevice
    except OSError:
        raise InputError(
            "PortAudio is not installed, so there is no sound; "
            "run `sudo apt install libportaudio2` or use --out FILE.wav"
        ) from None
    return sounddevice


def play(samples: np.ndarray, sample_rate: int, device: int | str | None = None) -> None:
    """Play and wait until the speaker is done."""
    sd = portaudio()
    try:
        sd.play(samples.astype(np.float32), samplerate=sample_rate, device=device, blocking=True)
    except (sd.PortAudioError, ValueError) as error:
        raise InputError(
            f"cannot play on output device {device if device is not None else 'default'} "
            f"({error}); connect a speaker (check `aplay -l`) or use --out FILE.wav"
        ) from None


@dataclass(frozen=True)
class DeviceInfo:
    index: int
    name: str
    host_api: str
    input_channels: int
    output_channels: int
    default_sample_rate: int
    is_default_input: bool = False
    is_default_output: bool = False


def list_devices(sd: PortAudio | None = None) -> list[DeviceInfo]:
    """The devices of PortAudio (or of what stands in its place)."""
    sd = sd or portaudio()
    try:
        devices = sd.query_devices()
        apis = sd.query_hostapis()
        default_in, default_out = sd.default.device
    except sd.PortAudioError as error:
        raise InputError(f"cannot list sound devices ({error}); check `aplay -l`") from None
    return [
        DeviceInfo(
            index=index,
            name=str(device["name"]),
            host_api=str(apis[device["hostapi"]]["name"]),
            input_channels=int(device["max_input_channels"]),
            output_channels=int(device["max_output_channels"]),
            default_sample_rate=int(device["default_samplerate"]),
            is_default_input=index == default_in,
            is_default_output=index == default_out,
        )
        for index, device in enumerate(devices)
    ]


def find_device(wanted: int | str | None, kind: str, devices: list[DeviceInfo]) -> DeviceInfo:
    """The device for `--input-device` / `--output-device`: an index, or a part of a
    name (a USB microphone's name survives replugging, its index may not)."""
    usable = [d for d in devices if (d.input_channels if kind == "input" else d.output_channels)]
    hint = f"run `interpreter devices` to list the {kind}s"
    if not usable:
        raise NoSoundDevice(f"no sound {kind} device found; plug one in ({hint})")
    if wanted is None:
        default = next(
            (d for d in usable if (d.is_default_input if kind == "input" else d.is_default_output)),
            usable[0],
        )
        return default
    if isinstance(wanted, int):
        found = next((d for d in usable if d.index == wanted), None)
        if found is None:
            raise InputError(f"no {kind} device has index {wanted}; {hint}")
        return found
    matches = [d for d in usable if wanted.lower() in d.name.lower()]
    exact = [d for d in matches if d.name.lower() == wanted.lower()]
    if len(exact) == 1:
        return exact[0]
    if not matches:
        raise InputError(f"no {kind} device matches {wanted!r}; {hint}")
    if len(matches) > 1:
        names = ", ".join(repr(d.name) for d in matches[:4])
        raise InputError(f"{kind} device {wanted!r} matches {names}; give more of the name")
    return matches[0]


class NoSoundDevice(InputError):
    """PortAudio works but sees no microphone or speaker. Like grep finding nothing,
    this is exit status 1; a missing PortAudio stays an error (2)."""

    exit_code = 1


def describe_devices(devices: list[DeviceInfo]) -> list[str]:
    """One line per device, for `interpreter devices`; an empty listing would look
    like success, so no device at all is a one-line error that names the fix."""
    if not devices:
        raise NoSoundDevice(
            "PortAudio sees no sound device; plug in the USB sound card or microphone "
            "and check that `aplay -l` and `arecord -l` list it"
        )
    lines = []
    for device in devices:
        roles = [
            role
            for role, has in (
                (f"in {device.input_channels}", device.input_channels),
                (f"out {device.output_channels}", device.output_channels),
            )
            if has
        ]
        marks = [
            mark
            for mark, flag in (
                ("default input", device.is_default_input),
                ("default output", device.is_default_output),
            )
            if flag
        ]
        extra = f"  ({', '.join(marks)})" if marks else ""
        lines.append(
            f"{device.index:3d}  {device.name}  [{device.host_api}; {', '.join(roles)}; "
            f"{device.default_sample_rate} Hz]{extra}"
        )
    return lines
