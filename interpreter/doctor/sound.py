"""The microphone and the speaker: each opened as a session opens it, a second
recorded and its level measured, a short quiet beep played.

A quiet room is -50 to -40 dBFS; nothing but zeros is a muted or unplugged microphone
(or a null device), and a peak at full scale is a gain turned up so far that speech
clips. Sound problems are one line with the fix, reusing the wording of
`interpreter devices` and the live session (and naming the files to use instead).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from interpreter.audio.devices import (
    NoSoundDevice,
    PortAudio,
    describe_devices,
    list_devices,
    portaudio,
)
from interpreter.audio.probe import play_tone, record
from interpreter.core.errors import InputError
from interpreter.doctor.report import Check, fail, ok, warn

# Instead of a device, the live session can listen to a recording and speak into a wav.
_FILE_FLAG = {"input": "--input-file talk.wav", "output": "--output-file said.wav"}


@dataclass(frozen=True)
class SoundLevel:
    rms_dbfs: float
    peak_dbfs: float
    sample_rate_hz: int
    seconds: float


def dbfs(value: float) -> float:
    """A linear level as dBFS, -120 for silence (no -inf in a report or in JSON)."""
    return round(20.0 * math.log10(value), 1) if value > 1e-6 else -120.0


def level_of(samples: np.ndarray, sample_rate_hz: int) -> SoundLevel:
    if len(samples) == 0:
        return SoundLevel(-120.0, -120.0, sample_rate_hz, 0.0)
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    peak = float(np.max(np.abs(samples)))
    return SoundLevel(dbfs(rms), dbfs(peak), sample_rate_hz, len(samples) / sample_rate_hz)


def judge_input(device_name: str, level: SoundLevel, silent_dbfs: float) -> Check:
    detail = (
        f"{device_name!r} at {level.sample_rate_hz} Hz: {level.seconds:.1f} s, level "
        f"{level.rms_dbfs:.1f} dBFS RMS, peak {level.peak_dbfs:.1f} dBFS"
    )
    facts = {
        "device": device_name,
        "sample_rate_hz": level.sample_rate_hz,
        "recorded_s": round(level.seconds, 2),
        "level_dbfs": level.rms_dbfs,
        "peak_dbfs": level.peak_dbfs,
    }
    if level.peak_dbfs <= -120.0:
        return warn(
            "sound in",
            f"{detail}: nothing but zeros",
            "the microphone is muted or not plugged in: check its cable and unmute it "
            "(`alsamixer`, F4 for capture)",
            **facts,
        )
    if level.peak_dbfs < silent_dbfs:
        return warn(
            "sound in",
            f"{detail}: quieter than a quiet room",
            "turn the microphone's gain up (`alsamixer`, F4) or move it closer",
            **facts,
        )
    if level.peak_dbfs >= -0.1:
        return warn(
            "sound in",
            f"{detail}: it reaches full scale",
            "turn the microphone's gain down (`alsamixer`, F4): loud speech clips",
            **facts,
        )
    return ok("sound in", detail, **facts)


def _device_failure(kind: str, error: InputError) -> Check:
    name = "sound in" if kind == "input" else "sound out"
    problem, _, fix = str(error).partition("; ")
    instead = f"or run `interpreter live` with {_FILE_FLAG[kind]}"
    if isinstance(error, NoSoundDevice) or not fix:
        fix = f"{fix}, {instead}" if fix else instead
    return fail(name, problem, fix)


def check_input(
    device: int | str | None, seconds: float, silent_dbfs: float, sd: PortAudio | None = None
) -> Check:
    try:
        recorded = record(device, seconds, sd)
    except InputError as error:
        return _device_failure("input", error)
    level = level_of(recorded.samples, recorded.sample_rate_hz)
    return judge_input(recorded.device.name, level, silent_dbfs)


def check_output(
    device: int | str | None, seconds: float, level_dbfs: float, sd: PortAudio | None = None
) -> Check:
    try:
        info = play_tone(device, seconds, level_dbfs, sd)
    except InputError as error:
        return _device_failure("output", error)
    return ok(
        "sound out",
        f"{info.name!r} at {info.default_sample_rate} Hz: played a {seconds:g} s beep "
        f"at {level_dbfs:g} dBFS",
        device=info.name,
        sample_rate_hz=info.default_sample_rate,
        beep_s=seconds,
        beep_dbfs=level_dbfs,
    )


def check_sound(
    input_device: int | str | None,
    output_device: int | str | None,
    record_s: float,
    silent_dbfs: float,
    beep_s: float,
    beep_dbfs: float,
    sd: PortAudio | None = None,
) -> list[Check]:
    """Both ends; no PortAudio, or no device at all, is one line for both."""
    try:
        sd = sd or portaudio()
        describe_devices(list_devices(sd))
    except InputError as error:
        problem, _, fix = str(error).partition("; ")
        both = "or run `interpreter live` with --input-file talk.wav --output-file said.wav"
        return [fail("sound", problem, f"{fix}, {both}" if fix else both)]
    return [
        check_input(input_device, record_s, silent_dbfs, sd),
        check_output(output_device, beep_s, beep_dbfs, sd),
    ]
