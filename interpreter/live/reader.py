"""The reader: reads the growing utterance the listener hands it, on its own thread.

A reading takes longer than the frames it waits for, so the listener never reads
itself: it asks, and the reader takes the newest request when done with the one
before. Reading shows the partial text and lets recognition finish early. The
listener ends an utterance through `end`, which waits for the reading under way, so
the worker never finishes an utterance that is still being read; a draft still
running then is given up at its next step (see `ReadingPolicy.goes_on`).
"""

from __future__ import annotations

import contextlib
import math
import queue
import threading
from collections.abc import Callable
from functools import partial

import numpy as np

from interpreter.asr.early import EarlyRecognizer
from interpreter.asr.hallucination import partial_text
from interpreter.asr.transcriber import Transcriber
from interpreter.core.chinese import SimplifiedChinese
from interpreter.core.vocabulary import Party
from interpreter.live.events import SessionEvents
from interpreter.live.parties import Parties
from interpreter.live.reading import Reading, ReadingPolicy
from interpreter.live.turn_end import READ_SLACK_S, TurnEnd

# What the reader hands the worker to prepare: the recognizer, the audio, its rate.
Preview = Callable[[EarlyRecognizer, np.ndarray, int], None]


class Reader:
    def __init__(
        self,
        transcriber: Transcriber,
        policy: ReadingPolicy,
        parties: Callable[[], Parties],
        preview: Preview,
        events: SessionEvents,
        out: Callable[[str], None],
        stop: threading.Event,
        turn_end: TurnEnd | None = None,
    ) -> None:
        """`parties`: the pair now interpreted (it may change between turns);
        `preview`: takes the words read as the voice stopped to the worker;
        `turn_end`: told those words, for the sentence-aware endpoint."""
        self._transcriber = transcriber
        self._policy = policy
        self._parties = parties
        self._preview = preview
        self._events = events
        self._out = out
        self._stop = stop
        self._turn_end = turn_end
        self._simplified = SimplifiedChinese()
        # The reader takes the newest request only; the listener replaces an unread one.
        self._readings: queue.Queue[Reading] = queue.Queue(maxsize=1)
        # Held by the reader while it reads; the listener takes it to end an utterance.
        self._reading = threading.Lock()
        self._sequence = 0
        # Readings up to this sequence number give up at their next step, unless they
        # read as the voice stopped, or nearly all that was heard by then (seconds).
        self._give_up_through = 0
        self._voice_stopped_s = math.inf
        # The recognizer of the utterance being heard: the reader reads no other.
        self._reading_for: EarlyRecognizer | None = None

    # -- the listener's side ------------------------------------------------------

    def begin(self, party: Party | None) -> EarlyRecognizer:
        """The recognizer of the next utterance, the one the reader now reads for (a
        reading of any other is given up): in the language of `party` when a button
        said who speaks, else in either, of the pair in use now (a kiosk may have
        changed it since the session began)."""
        options = self._policy.early
        parties = self._parties()
        if party is not None:
            language = parties.language(party)
            early = EarlyRecognizer(self._transcriber, (language,), options, known=True)
        else:
            languages = (parties.merchant_language, parties.buyer_language)
            early = EarlyRecognizer(self._transcriber, languages, options)
        self._voice_stopped_s = math.inf
        self._give_up_through = self._sequence
        self._reading_for = early
        return early

    def ask(
        self,
        early: EarlyRecognizer,
        audio: np.ndarray,
        sample_rate: int,
        now: bool = False,
        party: Party | None = None,
    ) -> None:
        """Read the utterance heard so far (`now`: the voice has just stopped) in
        place of any reading the reader has not started on, unless the policy keeps
        that one."""
        self._sequence += 1
        reading = Reading(
            early,
            audio,
            sample_rate,
            self._sequence,
            now=now,
            preview=self._policy.prepares(now),
            party=party,
        )
        with contextlib.suppress(queue.Empty):
            waiting = self._readings.get_nowait()
            if self._policy.keeps_waiting(waiting, reading):
                reading = waiting
        if reading.now:
            self._voice_stopped_s = reading.audio_s
            self._give_up_through = reading.sequence - 1
        self._readings.put_nowait(reading)

    def end(self) -> None:
        """The utterance has ended: a draft still running gives up at its next step
        (the reading as the voice stopped finishes: it may be the transcript), and
        nothing more of it is read. A draft that read nearly all of it finishes too:
        it stands for that reading."""
        self._give_up_through = self._sequence
        with self._reading:
            with contextlib.suppress(queue.Empty):
                self._readings.get_nowait()
            self._reading_for = None

    # -- the reader's thread ------------------------------------------------------

    def run(self) -> None:
        shown: tuple[EarlyRecognizer | None, str] = (None, "")
        while not self._stop.is_set():
            try:
                reading = self._readings.get(timeout=0.05)
            except queue.Empty:
                continue
            early, rate = reading.early, reading.sample_rate
            # The partial text is shown under the lock too: never after its turn.
            with self._reading:
                if early is not self._reading_for:
                    continue
                keep_going = None if reading.now else partial(self._goes_on, reading)
                draft = early.hear(reading.audio, rate, now=reading.now, keep_going=keep_going)
                if reading.now and self._turn_end is not None:
                    self._judge_end(early, reading)
                elif draft is not None and self._drafts_judge_end():
                    assert self._turn_end is not None
                    self._turn_end.heard(
                        early, draft.audio_s, draft.text, draft.language, at_stop=False
                    )
                if reading.preview:
                    self._preview(early, reading.audio, rate)
                if draft is not None and draft.text:
                    shown = self._show_partial(reading, draft.text, draft.language, shown)

    def _drafts_judge_end(self) -> bool:
        return self._turn_end is not None and self._turn_end.options.draft_reach_s > 0

    def _judge_end(self, early: EarlyRecognizer, reading: Reading) -> None:
        """Tell the endpoint the words read as the voice stopped: this reading's, or
        the last draft's when it read nearly all of it (the reading was skipped)."""
        assert self._turn_end is not None
        draft = early.last_draft
        if draft is not None and draft.audio_s >= reading.audio_s - READ_SLACK_S:
            self._turn_end.heard(early, reading.audio_s, draft.text, draft.language)
        else:
            self._turn_end.heard(early, reading.audio_s, "", "")

    def _goes_on(self, reading: Reading) -> bool:
        return self._policy.goes_on(reading, self._give_up_through, self._voice_stopped_s)

    def _show_partial(
        self,
        reading: Reading,
        text: str,
        language: str,
        shown: tuple[EarlyRecognizer | None, str],
    ) -> tuple[EarlyRecognizer | None, str]:
        """Show a draft's words unless they are already on show (or look like a loop,
        see `partial_text`); returns what is."""
        # A draft is Whisper's raw reading: Chinese may come in Traditional
        # characters, which the final transcript never shows.
        text = partial_text(self._simplified.convert(text))
        if not text or shown == (reading.early, text):
            return shown
        self._out(f"  ... {text}")
        speaking = reading.party or self._parties().party_of(language)
        self._events.partial(speaking, language or None, text)
        return (reading.early, text)
