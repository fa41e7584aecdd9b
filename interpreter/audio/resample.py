"""Block-by-block resampling for live audio: microphones run at 44.1 or 48 kHz,
Whisper and Silero want 16 kHz, and a voice's 22.05 kHz must reach a speaker that
takes 48 kHz. Resampling each block on its own would click at every block edge, so
the filter's history and the read position carry over from block to block.
"""

from __future__ import annotations

import numpy as np


def lowpass_taps(cutoff: float, count: int = 63) -> np.ndarray:
    """A windowed-sinc low-pass; `cutoff` is a fraction of the input sample rate."""
    n = np.arange(count) - (count - 1) / 2.0
    taps = 2.0 * cutoff * np.sinc(2.0 * cutoff * n) * np.blackman(count)
    return (taps / taps.sum()).astype(np.float32)


class StreamResampler:
    def __init__(self, from_rate: int, to_rate: int) -> None:
        if from_rate <= 0 or to_rate <= 0:
            raise ValueError(f"sample rates must be positive, not {from_rate} -> {to_rate}")
        self.from_rate, self.to_rate = from_rate, to_rate
        self._step = from_rate / to_rate
        # Below the lower Nyquist frequency, with a little room for the filter's slope.
        self._taps = lowpass_taps(0.45 * min(from_rate, to_rate) / from_rate)
        self._history = np.zeros(len(self._taps) - 1, dtype=np.float32)
        # Filtered input not yet used up, and where the next output falls within it.
        self._pending = np.zeros(0, dtype=np.float32)
        self._position = 0.0

    def __call__(self, block: np.ndarray) -> np.ndarray:
        block = np.asarray(block, dtype=np.float32).reshape(-1)
        if self.from_rate == self.to_rate:
            return block
        padded = np.concatenate([self._history, block])
        self._history = padded[len(padded) - len(self._history) :]
        filtered = np.convolve(padded, self._taps, mode="valid").astype(np.float32)
        data = np.concatenate([self._pending, filtered])
        if len(data) < 2:
            self._pending = data
            return np.zeros(0, dtype=np.float32)
        last = len(data) - 1  # interpolation needs the sample after each position
        count = int(np.floor((last - self._position) / self._step)) + 1
        count = max(0, count)
        positions = self._position + self._step * np.arange(count)
        positions = positions[positions < last]
        out = np.interp(positions, np.arange(len(data)), data).astype(np.float32)
        next_position = self._position + self._step * len(positions)
        # The next position may lie past the data (the next block's first samples).
        keep_from = min(int(np.floor(next_position)), len(data))
        self._pending = data[keep_from:]
        self._position = next_position - keep_from
        return out
