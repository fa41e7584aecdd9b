"""The pause set heard live: a sentence the session hands on in pieces is cut, and the
wait at its end is its last piece's (benchmarks/pause_live.py)."""

from __future__ import annotations

import math

from benchmarks.latency_pipelines import Measurement
from benchmarks.pause_cut import PauseItem
from benchmarks.pause_live import LiveOutcome, summary

ITEM = PauseItem(
    "dev", "en", "filler", ("Can you", "deliver by Friday?"), (600,), "Can you deliver by Friday?"
)


def heard(utterances: int, endpoint_ms: float | None, first_audio_ms: float | None) -> Measurement:
    return Measurement(
        "Can you deliver by Friday?", "en", "", "nmt", 100.0, 10.0, first_audio_ms,
        endpoint_ms=endpoint_ms, utterances=utterances,
    )  # fmt: skip


def test_a_sentence_handed_on_in_two_pieces_is_cut() -> None:
    assert LiveOutcome(ITEM, heard(2, 200.0, 500.0)).cut
    assert not LiveOutcome(ITEM, heard(1, 200.0, 500.0)).cut


def test_a_sentence_not_spoken_is_a_miss_and_counts_as_infinitely_slow() -> None:
    spoken = LiveOutcome(ITEM, heard(1, 200.0, 500.0))
    missed = LiveOutcome(ITEM, heard(1, None, None))
    assert (spoken.wait_ms, spoken.first_audio_ms) == (200.0, 500.0)
    assert math.isinf(missed.wait_ms) and math.isinf(missed.first_audio_ms)
    figures = summary([spoken, missed])["dev"]
    assert isinstance(figures, dict)
    assert figures["not_spoken"] == 1 and figures["first_audio_ms"]["p95"] == math.inf
