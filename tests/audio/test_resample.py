"""Live resampling block by block: a microphone's 44.1 or 48 kHz to Whisper's 16 kHz
must come out as clean as if the whole recording had been resampled at once."""

from __future__ import annotations

import numpy as np
import pytest

from interpreter.audio.resample import StreamResampler


def tone_snr_db(samples: np.ndarray, rate: int, hz: float) -> float:
    """How cleanly `samples` is a tone of `hz` (fitted phase and amplitude)."""
    t = np.arange(len(samples)) / rate
    basis = np.stack([np.sin(2 * np.pi * hz * t), np.cos(2 * np.pi * hz * t)], axis=1)
    inner = slice(200, len(samples) - 200)
    fit, *_ = np.linalg.lstsq(basis[inner], samples[inner], rcond=None)
    tone = basis[inner] @ fit
    return float(10 * np.log10(np.sum(tone**2) / np.sum((samples[inner] - tone) ** 2)))


@pytest.mark.parametrize(
    ("from_rate", "to_rate", "block", "min_snr_db"),
    [
        (48_000, 16_000, 1536, 60.0),
        (44_100, 16_000, 1411, 50.0),  # 1411 samples: blocks end between output samples
        (22_050, 48_000, 1000, 40.0),
    ],
)
def test_a_tone_resampled_block_by_block_stays_clean(from_rate, to_rate, block, min_snr_db):
    seconds = 2
    t = np.arange(from_rate * seconds) / from_rate
    tone = np.sin(2 * np.pi * 1000 * t).astype(np.float32)
    resampler = StreamResampler(from_rate, to_rate)
    out = np.concatenate([resampler(tone[i : i + block]) for i in range(0, len(tone), block)])
    assert abs(len(out) - to_rate * seconds) <= 3
    assert tone_snr_db(out, to_rate, 1000) > min_snr_db


def test_blocks_give_what_one_call_gives() -> None:
    rng = np.random.default_rng(1)
    audio = rng.normal(0, 0.1, 44_100).astype(np.float32)
    whole = StreamResampler(44_100, 16_000)(audio)
    resampler = StreamResampler(44_100, 16_000)
    pieces = np.concatenate([resampler(audio[i : i + 1411]) for i in range(0, len(audio), 1411)])
    assert len(pieces) == len(whole)
    np.testing.assert_allclose(pieces, whole, atol=1e-5)


def test_content_above_the_new_nyquist_frequency_is_removed() -> None:
    t = np.arange(48_000) / 48_000
    whistle = np.sin(2 * np.pi * 12_000 * t).astype(np.float32)  # above 8 kHz
    out = StreamResampler(48_000, 16_000)(whistle)
    assert float(np.sqrt(np.mean(out[100:] ** 2))) < 0.01
