"""Speech cut apart where its words end, without a click at the cut."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

# A cut inside running speech fades over this long, so that it does not click.
FADE_S = 0.01


def faded(audio: np.ndarray, fade_in: bool, fade_out: bool, sample_rate: int) -> np.ndarray:
    """A copy of `audio` with a half-cosine fade at its start and/or its end."""
    out = np.array(audio, dtype=np.float32)
    n = min(int(FADE_S * sample_rate), len(out) // 2)
    ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n))).astype(np.float32)
    if fade_in and n:
        out[:n] *= ramp
    if fade_out and n:
        out[-n:] *= ramp[::-1]
    return out


def cut_at(
    audio: np.ndarray, cuts: Sequence[tuple[int, int]], sample_rate: int
) -> list[np.ndarray]:
    """`audio` in pieces: each cut is (where a piece ends, where the next starts), in
    samples and in order; what lies between them is left out. Each edge made by a
    cut is faded."""
    bounds = [0, *(sample for cut in cuts for sample in cut), len(audio)]
    if any(b < a for a, b in itertools.pairwise(bounds)):
        raise ValueError(f"cuts out of order: {list(cuts)} in {len(audio)} samples")
    pieces = []
    for index in range(0, len(bounds), 2):
        start, end = bounds[index], bounds[index + 1]
        pieces.append(faded(audio[start:end], start > 0, end < len(audio), sample_rate))
    return pieces
