"""What becomes of each turn after the worker: its speech played or hushed, then its
report (a trace line, a share of the summary), and then it is forgotten.

A session runs all day, so it keeps no history: a turn is reported as soon as its
first audio is out (or it never will be). Only turns waiting for the speaker are held,
as small numbers and at most `MAX_WAITING_TURNS` of them. A party talking over the
device, or pressing to talk, hushes every turn so far, playing or still to come (its
text has been shown).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from interpreter.core.clock import Clock
from interpreter.core.types import SpeechChunk, Utterance
from interpreter.core.vocabulary import Party, State, Status
from interpreter.live.events import SessionEvents
from interpreter.live.parties import PlaybackGate
from interpreter.live.summary import SessionSummary
from interpreter.turn.trace import DroppedTrace, TurnTrace

# Finished turns whose speech has not started playing yet. The speaker's queue already
# holds back a worker that runs ahead; beyond this many, the oldest is reported
# unplayed and forgotten, so a speaker that never starts cannot make the session grow.
MAX_WAITING_TURNS = 8


class Speaker(Protocol):
    """What the session asks of a speaker while it runs (audio/speaker.py's, or a
    benchmark's stand-in)."""

    def say_chunk(self, chunk: SpeechChunk) -> bool: ...

    def interrupt(self) -> None: ...


@dataclass
class _Record:
    """A turn between the worker and the speaker, as small numbers: the speaker may
    report its first audio before or after the worker has finished the turn."""

    sequence: int
    speech_end_s: float
    first_out_s: float | None = None
    # A party talked over the device or pressed to talk: not to be played.
    hushed: bool = False
    # Set when the worker has finished the turn.
    trace: TurnTrace | None = None


class Playback:
    """The turns between the worker and the speaker, by utterance id, and the summary
    they are counted in. Called from the worker, the listener and the speaker's
    threads; one lock keeps each turn's record and its counts together."""

    def __init__(
        self,
        gate: PlaybackGate,
        summary: SessionSummary,
        events: SessionEvents,
        out: Callable[[str], None],
        clock: Clock,
        trace: bool,
        audio_overflows: Callable[[], int],
    ) -> None:
        """`trace`: write each turn's trace line to `out`; `audio_overflows`: the
        microphone's lost frames so far, reported with each turn."""
        self._gate = gate
        self.summary = summary
        self._events = events
        self._out = out
        self._clock = clock
        self._trace = trace
        self._audio_overflows = audio_overflows
        self._speaker: Speaker | None = None
        self._lock = threading.Lock()
        self._hushed_through = 0
        # The turn being interpreted and those waiting to sound.
        self._records: dict[int, _Record] = {}

    def attach(self, speaker: Speaker) -> None:
        self._speaker = speaker

    @property
    def held(self) -> int:
        """How many turns are held: the one being interpreted, those waiting to sound."""
        with self._lock:
            return len(self._records)

    # -- the worker's side --------------------------------------------------------

    def begin(self, utterance_id: int, sequence: int, speech_end_s: float) -> None:
        """The worker starts on a turn (hushed already if a party interrupted since
        it ended)."""
        with self._lock:
            hushed = sequence <= self._hushed_through
            self._records[utterance_id] = _Record(sequence, speech_end_s, hushed=hushed)

    def say(self, chunk: SpeechChunk, sequence: int) -> None:
        """A piece of a turn's speech for the speaker, unless the turn is hushed."""
        if self._speaker is None:
            return
        with self._lock:
            hushed = sequence <= self._hushed_through
        if not hushed:
            self._speaker.say_chunk(chunk)

    def forget(self, utterance_id: int) -> None:
        """The turn made nothing (silent or stale): `dropped` reports it."""
        with self._lock:
            self._records.pop(utterance_id, None)

    def finished(
        self, utterance_id: int, trace: TurnTrace, spoken: bool, over_budget: bool
    ) -> None:
        """The worker is done with a turn: reported now if its first audio is out, or
        it has none to play; else when the speaker starts it. The oldest turns beyond
        `MAX_WAITING_TURNS` are reported unplayed."""
        done: list[_Record] = []
        with self._lock:
            self.summary.turns += 1
            self.summary.violations += int(over_budget)
            record = self._records[utterance_id]
            record.trace = trace
            played = record.first_out_s is not None or self._speaker is None
            if played or record.hushed or not spoken:
                done.append(self._records.pop(utterance_id))
            waiting = [u for u, record in self._records.items() if record.trace is not None]
            for oldest in waiting[: max(0, len(waiting) - MAX_WAITING_TURNS)]:
                done.append(self._records.pop(oldest))
        for record in done:
            self._report(record)

    def dropped(
        self,
        utterance: Utterance,
        endpoint_s: float,
        party: Party | None,
        status: Status,
        language: str | None = None,
    ) -> None:
        """An utterance that left no turn: stale, silent, or failed."""
        with self._lock:
            if status is Status.STALE:
                self.summary.stale_dropped += 1
            elif status is Status.FAILED:
                self.summary.failed += 1
            else:
                self.summary.silent += 1
        if self._trace:
            trace = DroppedTrace.of(
                utterance, endpoint_s, self._clock.now(), status, party, language
            )
            self._out(trace.json_line())

    # -- the speaker's and the listener's side ------------------------------------

    def started(self, utterance_id: int, now_s: float) -> None:
        """A turn's first audio leaves the speaker."""
        ready = None
        with self._lock:
            record = self._records.get(utterance_id)
            hushed = record is not None and record.hushed
            if record is not None and not hushed and record.first_out_s is None:
                record.first_out_s = now_s
                if record.trace is not None:
                    ready = self._records.pop(utterance_id)
        if hushed:
            # A piece that slipped past an interruption: stopped at its first block.
            if self._speaker is not None:
                self._speaker.interrupt()
            return
        self._gate.playback_started(now_s)
        self._events.status(State.SPEAKING)
        if ready is not None:
            self._report(ready)

    def stopped(self, now_s: float) -> None:
        self._gate.playback_stopped(now_s)
        self._events.status(State.LISTENING)

    def count_barge_in(self) -> None:
        with self._lock:
            self.summary.barge_ins += 1

    def interrupt(self, through_sequence: int) -> None:
        """The playback stops, and no turn up to `through_sequence` says another word
        (their text has been shown)."""
        with self._lock:
            self._hushed_through = through_sequence
            for record in self._records.values():
                record.hushed = True
            finished = [u for u, record in self._records.items() if record.trace is not None]
            done = [self._records.pop(uid) for uid in finished]
        if self._speaker is not None:
            self._speaker.interrupt()
        for record in done:
            self._report(record)

    def report_finished(self) -> None:
        """The session stops: every finished turn still waiting is reported."""
        with self._lock:
            finished = [u for u, record in self._records.items() if record.trace is not None]
            left = [self._records.pop(uid) for uid in finished]
        for record in left:
            self._report(record)

    def _report(self, record: _Record) -> None:
        """The turn's trace line and its share of the summary; then it is forgotten."""
        trace = record.trace
        assert trace is not None
        if record.first_out_s is not None:
            out_ms = round(1000.0 * (record.first_out_s - record.speech_end_s), 1)
            trace = replace(trace, first_audio_out_ms=out_ms)
        if record.hushed:
            trace = replace(trace, status=Status.INTERRUPTED)
        elif (
            trace.status is Status.SPOKEN
            and record.first_out_s is None
            and self._speaker is not None
        ):
            trace = replace(trace, status=Status.UNPLAYED)
        heard = record.first_out_s is not None or (
            self._speaker is None and trace.status is Status.SPOKEN
        )
        with self._lock:
            self.summary.interrupted += int(trace.status is Status.INTERRUPTED)
            if heard and trace.heard_ms is not None and trace.wait_ms is not None:
                self.summary.first_audio_ms.add(trace.heard_ms)
                self.summary.after_endpoint_ms.add(trace.wait_ms)
        self._events.reported(trace, self._audio_overflows())
        if self._trace:
            self._out(trace.json_line())
