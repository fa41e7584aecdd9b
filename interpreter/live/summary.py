"""What a session reports when it stops: counts, and a day's latencies in fixed memory."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


class LatencyTally:
    """Percentiles of a whole day's latencies in fixed memory: a count per millisecond
    up to `max_ms` (anything later is counted at `max_ms`)."""

    def __init__(self, max_ms: int = 10_000) -> None:
        self._counts = np.zeros(max_ms + 1, dtype=np.int64)
        self.count = 0

    def add(self, ms: float) -> None:
        self._counts[min(max(0, round(ms)), len(self._counts) - 1)] += 1
        self.count += 1

    def percentiles(self, qs: tuple[float, ...]) -> list[float]:
        """Linear between the two nearest ranks, as numpy's default, to the ms."""
        if self.count == 0:
            return [math.nan for _ in qs]
        cumulative = np.cumsum(self._counts)

        def ranked(rank: int) -> float:  # the rank-th smallest, from 0
            return float(np.searchsorted(cumulative, rank + 1))

        values = []
        for q in qs:
            position = q / 100.0 * (self.count - 1)
            low, high = ranked(math.floor(position)), ranked(math.ceil(position))
            values.append(low + (high - low) * (position - math.floor(position)))
        return values


@dataclass
class SessionSummary:
    turns: int = 0
    stale_dropped: int = 0
    silent: int = 0
    # Turns whose making failed: each reported in one line, the session went on.
    failed: int = 0
    interrupted: int = 0
    violations: int = 0
    barge_ins: int = 0
    frames_dropped: int = 0
    device_overflows: int = 0
    # Blocks the speaker's device asked for before any were ready: each is a click.
    speaker_underruns: int = 0
    # From the end of speech (the last voiced moment) to the first audio leaving the
    # speaker: the listener's wait, endpoint silence included.
    first_audio_ms: LatencyTally = field(default_factory=LatencyTally)
    # From the endpointer's decision to the first audio out: what the budget governs.
    after_endpoint_ms: LatencyTally = field(default_factory=LatencyTally)

    def line(self) -> str:
        if self.first_audio_ms.count:
            p50, p95 = self.first_audio_ms.percentiles((50, 95))
            (e50,) = self.after_endpoint_ms.percentiles((50,))
            waits = (
                f"end of speech to first audio out p50 {p50:.0f} ms, p95 {p95:.0f} ms "
                f"(endpoint wait included; after the endpoint p50 {e50:.0f} ms)"
            )
        else:
            waits = "nothing spoken"
        return (
            f"{self.turns} turns; {waits}; {self.violations} over budget, "
            f"{self.stale_dropped} stale dropped, {self.silent} silent, {self.failed} failed, "
            f"{self.barge_ins} barge-ins, "
            f"{self.frames_dropped + self.device_overflows} audio overflows, "
            f"{self.speaker_underruns} speaker underruns"
        )
