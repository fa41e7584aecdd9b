"""A second of sound in and a moment of sound out: proof that a device opens and
delivers, for `interpreter doctor`.

Both ends run in PortAudio's callback mode and wait on an event with a deadline, so
a device that opens but never delivers (a sound server that hangs, a USB card that
stalls) is a one-line error after a few seconds, not a doctor that hangs. Devices are
chosen as the live session chooses them (`find_device`), and opened as it opens them:
16-bit mono at the device's own rate.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from interpreter.audio.devices import DeviceInfo, PortAudio, find_device, list_devices, portaudio
from interpreter.core.errors import InputError

# Waited beyond the sound's own length before a device that delivers nothing is given
# up: a sound server takes a few hundred milliseconds to start a stream.
GRACE_S = 3.0
_PICK = "check the cable, or pick another with --{kind}-device (see `interpreter devices`)"


@dataclass(frozen=True)
class Recorded:
    """What an input device delivered: float32 mono in -1..1, at its own rate."""

    device: DeviceInfo
    samples: np.ndarray
    sample_rate_hz: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate_hz


def record(
    wanted: int | str | None, seconds: float, sd: PortAudio | None = None, grace_s: float = GRACE_S
) -> Recorded:
    """`seconds` of sound from the input device `wanted` (None: the default)."""
    sd = sd or portaudio()
    info = find_device(wanted, "input", list_devices(sd))
    rate = info.default_sample_rate
    needed = max(1, round(seconds * rate))
    blocks: list[np.ndarray] = []
    got = 0
    done = threading.Event()

    def callback(indata: np.ndarray, frames: int, time_info: object, status: object) -> None:
        nonlocal got
        if done.is_set():
            return
        blocks.append(indata[:, 0].copy())
        got += len(indata)
        if got >= needed:
            done.set()

    try:
        stream = sd.InputStream(
            device=info.index, samplerate=rate, channels=1, dtype="int16", callback=callback
        )
        stream.start()
        try:
            arrived = done.wait(seconds + grace_s)
        finally:
            stream.close()
    except (sd.PortAudioError, ValueError) as error:
        raise InputError(
            f"cannot record from input device {info.name!r} ({_one_line(error)}); "
            + _PICK.format(kind="input")
        ) from None
    if not arrived:
        raise InputError(
            f"input device {info.name!r} opened but delivered {got / rate:.1f} s of sound "
            f"in {seconds + grace_s:g} s; " + _PICK.format(kind="input")
        )
    samples = np.concatenate(blocks)[:needed].astype(np.float32) / 32768.0
    return Recorded(info, samples, rate)


def tone(
    sample_rate_hz: int, seconds: float, level_dbfs: float, pitch_hz: float = 880.0
) -> np.ndarray:
    """A short beep at `level_dbfs` (its peak), faded in and out so it does not click."""
    count = max(1, round(seconds * sample_rate_hz))
    t = np.arange(count) / sample_rate_hz
    beep = np.sin(2.0 * np.pi * pitch_hz * t) * 10.0 ** (level_dbfs / 20.0)
    fade = min(count // 2, max(1, sample_rate_hz // 100))
    ramp = np.linspace(0.0, 1.0, fade)
    beep[:fade] *= ramp
    beep[count - fade :] *= ramp[::-1]
    return beep.astype(np.float32)


def play_tone(
    wanted: int | str | None,
    seconds: float,
    level_dbfs: float,
    sd: PortAudio | None = None,
    grace_s: float = GRACE_S,
) -> DeviceInfo:
    """A beep of `seconds` on the output device `wanted` (None: the default), waited
    for until the device has taken it and the silence after it."""
    sd = sd or portaudio()
    info = find_device(wanted, "output", list_devices(sd))
    rate = info.default_sample_rate
    # The beep, then a quarter of a second of silence: a stream closed at once would
    # drop what its buffer still holds, and the beep with it.
    sound = np.concatenate([tone(rate, seconds, level_dbfs), np.zeros(rate // 4, np.float32)])
    pcm = np.round(sound * 32767.0).astype(np.int16)
    taken = 0
    done = threading.Event()

    def callback(outdata: np.ndarray, frames: int, time_info: object, status: object) -> None:
        nonlocal taken
        block = pcm[taken : taken + frames]
        outdata[: len(block), 0] = block
        outdata[len(block) :] = 0
        taken += frames
        if taken >= len(pcm):
            done.set()

    try:
        stream = sd.OutputStream(
            device=info.index, samplerate=rate, channels=1, dtype="int16", callback=callback
        )
        stream.start()
        try:
            finished = done.wait(len(pcm) / rate + grace_s)
        finally:
            stream.close()
    except (sd.PortAudioError, ValueError) as error:
        raise InputError(
            f"cannot play on output device {info.name!r} ({_one_line(error)}); "
            + _PICK.format(kind="output")
        ) from None
    if not finished:
        raise InputError(
            f"output device {info.name!r} opened but took {min(taken, len(pcm)) / rate:.1f} s "
            f"of sound in {len(pcm) / rate + grace_s:g} s; " + _PICK.format(kind="output")
        )
    return info


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
