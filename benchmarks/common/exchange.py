"""The two-party exchange that `benchmarks.live` and `benchmarks.room` play, and how
each of its turns finds its line in the trace of `interpreter live`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

# (party, language, sentence); each party waits for the translation before answering.
# The last line was "可以。" until 2026-12-03: in espeak-ng's robotic Mandarin Whisper
# base gives it zh 0.06 against en (0.012 / 0.189), so it was heard as the buyer in
# every run and left out of the figures unseen. "二十天可以交货。" (the same answer,
# a phrasebook line) scores zh 0.997 in the same voice; a real merchant's "可以" is
# not the problem this measures.
EXCHANGE = (
    ("buyer", "en", "Hello, how much is this?"),
    ("merchant", "zh", "这个多少钱？"),
    ("buyer", "en", "I want to order five hundred pieces."),
    ("merchant", "zh", "你要多少？"),
    ("buyer", "en", "Can you deliver in twenty days?"),
    ("merchant", "zh", "二十天可以交货。"),
)


class Cut(Protocol):
    """A turn of the exchange as the endpointer cuts it: how long its utterance is."""

    @property
    def utterance_s(self) -> float: ...


def match_traces(turns: Sequence[Cut], traces: list[dict]) -> list[dict | None]:
    """The trace line of each turn, in order: the next line whose utterance is about
    as long as the turn's (an extra utterance, a cough or an echo, is skipped over; a
    turn nobody cut gets None)."""
    matched: list[dict | None] = []
    position = 0
    for turn in turns:
        found = None
        for index in range(position, min(position + 3, len(traces))):
            if abs(traces[index]["speech_s"] - turn.utterance_s) <= 0.3:
                found = index
                break
        if found is None:
            matched.append(None)
            continue
        matched.append(traces[found])
        position = found + 1
    return matched
