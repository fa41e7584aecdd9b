"""When the growing utterance is read while a party speaks, decided in one place.

The listener asks for readings and the reader makes them; `ReadingPolicy` says which
ones: how often (`early.interval_s`, the partial interval) and from how much audio
(`early.min_audio_s`, both applied by the early recognizer it configures), not while
the listener is behind the microphone, once more as the voice stops, which reading
waiting for the reader wins, when a reading under way gives up, and when the words
read as the voice stops are prepared during the endpoint silence. It is made from
the session's `LiveOptions`, so the latency benchmark, which runs the product's
session, reads on the same schedule.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from interpreter.asr.early import EarlyOptions, EarlyRecognizer
from interpreter.core.vocabulary import Mode, Party
from interpreter.live.options import LiveOptions


@dataclass(frozen=True, eq=False)
class Reading:
    """The listener's request to read the utterance heard so far. `now`: the voice
    has just stopped; `preview`: the worker prepares what it reads during the endpoint
    silence; `party`: who holds the push-to-talk button (None: the language read says)."""

    early: EarlyRecognizer
    audio: np.ndarray
    sample_rate: int
    sequence: int
    now: bool = False
    preview: bool = False
    party: Party | None = None

    @property
    def audio_s(self) -> float:
        return len(self.audio) / self.sample_rate


@dataclass(frozen=True)
class ReadingPolicy:
    """Made from a session's options (`of`); the numbers live there, not here."""

    # What each utterance's recognizer gets: its `interval_s` is the partial interval.
    early: EarlyOptions
    # Audio waiting for the listener beyond this holds back every reading.
    max_backlog_s: float
    # Whether the words read as the voice stops are prepared during the endpoint silence.
    prepare_during_silence: bool
    # A release ends a push-to-talk turn at once: no endpoint silence to prepare in.
    push_to_talk: bool

    @classmethod
    def of(cls, options: LiveOptions) -> ReadingPolicy:
        early = replace(options.early, interval_s=options.partial_interval_s)
        if options.turn_end.enabled and options.mode is Mode.CONVERSATION:
            early = replace(early, now_min_audio_s=options.turn_end.min_read_s)
        return cls(
            early=early,
            max_backlog_s=options.max_backlog_s,
            prepare_during_silence=options.prepare_during_silence,
            push_to_talk=options.mode is Mode.PUSH_TO_TALK,
        )

    @property
    def interval_s(self) -> float:
        """How often the growing utterance is read: the partial text's interval."""
        return self.early.interval_s

    def behind(self, waiting_s: float) -> bool:
        """Whether the listener, with this much audio waiting for it, catches up with
        the microphone before it asks for a reading."""
        return waiting_s > self.max_backlog_s

    def voice_just_stopped(self, stopping: bool, was_stopping: bool) -> bool:
        """Whether to read it all now: the voice has just stopped, and the endpointer
        still waits out its silence, time enough for the last draft to be the final
        transcript."""
        return stopping and not was_stopping

    def prepares(self, now: bool) -> bool:
        """Whether the reading asked for as the voice stops goes on to the worker, to
        translate and voice its first piece during the endpoint silence."""
        return now and not self.push_to_talk and self.prepare_during_silence

    def keeps_waiting(self, waiting: Reading, newer: Reading) -> bool:
        """Whether a reading the reader has not started on stays in place of a newer
        one: the reading asked for as the voice stopped reads what was heard up to
        then, as the utterance will end."""
        return waiting.now and not newer.now and waiting.early is newer.early

    def goes_on(self, reading: Reading, give_up_through: int, stopped_s: float) -> bool:
        """Whether a draft under way should finish: nothing newer wants the CPU (its
        sequence number is past `give_up_through`), or it read nearly all that was
        heard when the voice stopped (`stopped_s`), so it stands for that reading."""
        if reading.sequence > give_up_through:
            return True
        return reading.early.nearly_whole(reading.audio_s, stopped_s)
