"""Recordings on disk: decode anything FFmpeg reads, write plain 16-bit WAV.

PyAV (bundled with faster-whisper) decodes and resamples, so a wav, flac, mp3 or ogg
at any rate and channel count becomes 16 kHz mono float32 without a system ffmpeg.
"""

from __future__ import annotations

import os
import tempfile
import wave
from pathlib import Path

import numpy as np

from interpreter.core.errors import InputError

ASR_SAMPLE_RATE = 16_000
FORMATS_HINT = "wav, flac, mp3 or ogg"


def read_recording(path: Path, sample_rate: int = ASR_SAMPLE_RATE) -> np.ndarray:
    """Decode a recording to mono float32 at `sample_rate`, or say clearly why not."""
    from faster_whisper.audio import decode_audio

    if not path.exists():
        raise InputError(f"recording {str(path)!r} does not exist; check the path")
    if path.is_dir():
        raise InputError(f"{str(path)!r} is a folder; pass a recording file ({FORMATS_HINT})")
    if not os.access(path, os.R_OK):
        raise InputError(f"recording {str(path)!r} is not readable; check its permissions")
    if path.stat().st_size == 0:
        raise InputError(f"recording {str(path)!r} is empty (0 bytes); record it again")
    try:
        samples = decode_audio(str(path), sampling_rate=sample_rate)
    except (ValueError, OSError, EOFError, IndexError, RuntimeError) as error:
        # PyAV's FFmpegError subclasses these (av.error.EOFError is an EOFError).
        raise InputError(
            f"cannot decode {str(path)!r} as audio ({type(error).__name__}); "
            f"use a {FORMATS_HINT} recording"
        ) from None
    if len(samples) == 0:
        raise InputError(
            f"cannot decode {str(path)!r} as audio (no audio stream in it); "
            f"use a {FORMATS_HINT} recording"
        )
    return np.ascontiguousarray(samples, dtype=np.float32)


def to_int16(samples: np.ndarray) -> np.ndarray:
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype(np.int16)


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """Write mono 16-bit PCM through a temp file, so a failed write leaves nothing half-done."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"cannot write {str(path)!r}: folder {str(parent)!r} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as error:
        raise InputError(
            f"cannot write {str(path)!r}: {error.strerror}; choose a writable folder"
        ) from None
    try:
        with os.fdopen(fd, "wb") as raw, wave.open(raw, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(sample_rate)
            out.writeframes(to_int16(samples).tobytes())
        # mkstemp makes the file private; a recording is shared like any file the user saves.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Band-limited resampling by FFT, good enough for speech and free of extra deps."""
    if from_rate == to_rate or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    target_len = max(1, round(len(samples) * to_rate / from_rate))
    spectrum = np.fft.rfft(samples.astype(np.float64))
    keep = min(len(spectrum), target_len // 2 + 1)
    resized = np.zeros(target_len // 2 + 1, dtype=np.complex128)
    resized[:keep] = spectrum[:keep]
    out = np.fft.irfft(resized, n=target_len) * (target_len / len(samples))
    return out.astype(np.float32)
