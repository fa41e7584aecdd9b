"""The speaker (and later the microphone): the only module that imports sounddevice.

PortAudio is a system library; without it, or without an output device, the error
says how to get sound or to write a file instead.
"""

from __future__ import annotations

import numpy as np

from interpreter.errors import InputError


def _sounddevice():  # -> module
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
    sd = _sounddevice()
    try:
        sd.play(samples.astype(np.float32), samplerate=sample_rate, device=device, blocking=True)
    except (sd.PortAudioError, ValueError) as error:
        raise InputError(
            f"cannot play on output device {device if device is not None else 'default'} "
            f"({error}); connect a speaker (check `aplay -l`) or use --out FILE.wav"
        ) from None
