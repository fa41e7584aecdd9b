"""Recordings in the formats people bring: any container, rate and channel count."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from interpreter.audio.files import read_recording, resample, write_wav
from interpreter.core.errors import InputError


def tone(frequency_hz: float, seconds: float, rate: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * frequency_hz * t)).astype(np.float32)


def encode(path: Path, codec: str, samples: np.ndarray, rate: int, channels: int) -> None:
    """Write `samples` with PyAV (bundled with faster-whisper), as a phone app would."""
    import av

    layout = "stereo" if channels == 2 else "mono"
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate)
        assert isinstance(stream, av.AudioStream), codec
        stream.layout = layout
        planar = np.tile(samples, (channels, 1)).astype(np.float32)
        frame = av.AudioFrame.from_ndarray(planar, format="fltp", layout=layout)
        frame.sample_rate = rate
        frame.pts = 0
        frame.time_base = Fraction(1, rate)
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * rate / len(samples))


@pytest.mark.parametrize(
    ("suffix", "codec", "rate", "channels"),
    [
        ("flac", "flac", 44_100, 2),
        ("mp3", "libmp3lame", 44_100, 2),
        ("ogg", "libopus", 48_000, 1),
    ],
)
def test_compressed_recordings_become_16_khz_mono(tmp_path, suffix, codec, rate, channels) -> None:
    path = tmp_path / f"counter.{suffix}"
    encode(path, codec, tone(440.0, 2.0, rate), rate, channels)
    samples = read_recording(path)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert abs(len(samples) / 16_000 - 2.0) < 0.1
    assert abs(dominant_hz(samples, 16_000) - 440.0) < 5.0


def test_a_wav_at_any_rate_is_resampled(tmp_path) -> None:
    path = tmp_path / "phone.wav"
    write_wav(path, tone(1000.0, 1.5, 8_000), 8_000)
    samples = read_recording(path)
    assert len(samples) == 24_000
    assert abs(dominant_hz(samples, 16_000) - 1000.0) < 5.0


def test_a_written_recording_is_readable_by_others_like_any_saved_file(tmp_path) -> None:
    path = tmp_path / "spoken.wav"
    previous = os.umask(0o022)
    try:
        write_wav(path, tone(440.0, 0.1, 16_000), 16_000)
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == 0o644


def test_resampling_keeps_pitch_and_duration() -> None:
    voice = tone(300.0, 1.0, 22_050)
    out = resample(voice, 22_050, 16_000)
    assert len(out) == 16_000
    assert abs(dominant_hz(out, 16_000) - 300.0) < 2.0


@pytest.mark.parametrize("name", ["price-list.mp3", "notes.ogg", "notes.flac", "notes.wav"])
def test_a_file_that_is_not_audio_is_refused(tmp_path, name) -> None:
    path = tmp_path / name
    path.write_bytes(b"hello, this is a text file\n")
    with pytest.raises(InputError, match=r"cannot decode .* use a wav, flac, mp3 or ogg"):
        read_recording(path)
