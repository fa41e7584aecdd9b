"""The worker: interprets one utterance at a time, on its own thread.

It takes the utterances the listener ends, in order, under the latency budget,
printing text before the speech starts and handing speech to the speaker piece by
piece (through `Playback`). The words read as the voice stopped reach it first: it
translates and voices their first piece during the endpoint silence (reading them
again on the wider window first when they look degenerate), used if the utterance
ends with those words. Between turns it applies a new language pair and answers a
request for a back-translation.

An utterance is stale, and dropped at its next stage boundary, when the other party
has finished speaking since it ended: the conversation has moved on without it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from interpreter.asr.early import EarlyRecognizer
from interpreter.core.text import printable
from interpreter.core.types import SpeechChunk, Transcript, Translation, Utterance
from interpreter.core.vocabulary import Doubt, Mode, Party, State, Status
from interpreter.live.events import PairChange, SessionEvents
from interpreter.live.heap import HeapTrimmer
from interpreter.live.options import LiveOptions
from interpreter.live.parties import Parties
from interpreter.live.playback import Playback
from interpreter.turn.budget import BudgetLadder
from interpreter.turn.pipeline import Directions, Interpreter, Turn, TurnEvents
from interpreter.turn.report import UNSURE_MARK, doubt_note, numbers_box
from interpreter.turn.trace import TurnTrace


@dataclass
class Job:
    """An utterance the listener ended, with the recognizer that read it so far and
    its place in the order turns ended (`sequence`)."""

    utterance: Utterance
    early: EarlyRecognizer | None
    party: Party | None
    endpoint_s: float
    sequence: int


@dataclass(frozen=True, eq=False)
class Preview:
    """An utterance whose voice has just stopped, as read so far, for the worker to
    start on while the endpointer waits out its silence: the words (read again on the
    wider window when they look degenerate), their first piece translated and voiced.
    The worker does it, not the reader, so ending the utterance never waits for it."""

    early: EarlyRecognizer
    utterance: Utterance


class Worker:
    def __init__(
        self,
        interpreter: Interpreter,
        options: LiveOptions,
        playback: Playback,
        events: SessionEvents,
        out: Callable[[str], None],
        stop: threading.Event,
        heap: HeapTrimmer | None = None,
    ) -> None:
        """`heap`: gives back the memory a turn freed, once no other turn waits."""
        self._interpreter = interpreter
        self._mode = options.mode
        self._parties = options.parties
        self._directions = Directions.pair(
            options.parties.merchant_language, options.parties.buyer_language
        )
        self._playback = playback
        self._events = events
        self._out = out
        self._stop = stop
        self.heap = heap or HeapTrimmer()
        self.ladder = BudgetLadder(
            options.budget, has_smaller_model=interpreter.smaller_transcriber is not None
        )
        # Utterances and previews waiting; the oldest utterance is dropped when full.
        self.jobs: queue.Queue[Job | Preview] = queue.Queue(maxsize=options.work_queue_size)
        self._lock = threading.Lock()
        self._change: PairChange | None = None
        self._back_wanted = threading.Event()
        # The last finished turn's translation, for a back-translation on request.
        self._last_translation: Translation | None = None
        self._sequence = 0
        # By party: the sequence number of the last utterance they ended.
        self._last_ended: dict[Party, int] = {}
        # The last utterance whose first piece was prepared (or will not be), and how
        # much of its audio was read for it.
        self._prepared: tuple[EarlyRecognizer, float] | None = None

    @property
    def parties(self) -> Parties:
        """The pair now interpreted."""
        return self._parties

    @property
    def directions(self) -> Directions:
        return self._directions

    @property
    def sequence(self) -> int:
        """The sequence number of the last utterance handed on."""
        with self._lock:
            return self._sequence

    # -- from other threads -------------------------------------------------------

    def submit(
        self,
        utterance: Utterance,
        early: EarlyRecognizer | None,
        party: Party | None,
        endpoint_s: float,
    ) -> None:
        """Take an utterance the listener ended (its party, when no button said it, is
        the language last read); when the worker is that far behind, the oldest
        waiting one is dropped as stale."""
        if party is None and early is not None and early.language is not None:
            party = self._parties.party_of(early.language)
        with self._lock:
            self._sequence += 1
            job = Job(utterance, early, party, endpoint_s, self._sequence)
            if party is not None:
                self._last_ended[party] = self._sequence
        self._events.status(State.THINKING)
        while True:
            try:
                self.jobs.put_nowait(job)
                return
            except queue.Full:
                try:
                    oldest = self.jobs.get_nowait()
                except queue.Empty:
                    continue
                if isinstance(oldest, Job):
                    self._dropped(oldest, Status.STALE)

    def offer_preview(self, early: EarlyRecognizer, audio: np.ndarray, rate: int) -> None:
        """Take the utterance read as the voice stopped, unless too busy to (the turn
        is then made after its end, as without a preview)."""
        heard = Utterance(0, audio, rate, 0.0, len(audio) / rate)
        try:
            self.jobs.put_nowait(Preview(early, heard))
        except queue.Full:
            self._done_preparing(early, heard.duration_s)

    def prepared(self, early: EarlyRecognizer, stopped_s: float) -> bool:
        """Whether the first piece of `early`'s utterance as heard when the voice
        stopped (`stopped_s` of audio) is ready, or will not be made."""
        with self._lock:
            done = self._prepared
        return done is not None and done[0] is early and done[1] >= stopped_s - 1e-3

    def _done_preparing(self, early: EarlyRecognizer, audio_s: float) -> None:
        with self._lock:
            self._prepared = (early, audio_s)

    def change_pair(self, change: PairChange) -> None:
        """Use another pair (and its translator and voices) from the next turn on."""
        with self._lock:
            self._change = change

    def request_back_translation(self) -> None:
        self._back_wanted.set()

    def is_stale(self, job: Job) -> bool:
        if self._stop.is_set():
            return True
        if job.party is None:
            return False
        other = Party.BUYER if job.party is Party.MERCHANT else Party.MERCHANT
        with self._lock:
            return self._last_ended.get(other, 0) > job.sequence

    # -- the worker's thread ------------------------------------------------------

    def run(self) -> None:
        while not self._stop.is_set():
            self.apply_change()
            if self._back_wanted.is_set():
                self._back_wanted.clear()
                self._back_translate()
            try:
                job = self.jobs.get(timeout=0.1)
            except queue.Empty:
                continue
            self.apply_change()
            if isinstance(job, Preview):
                self._prepare(job)
                continue
            try:
                self.handle(job)
            except Exception as error:  # one turn's failure must not leave the stall deaf
                self._failed(job, error)
            if self.jobs.empty():
                self.heap.trim()

    def _prepare(self, job: Preview) -> None:
        """The first piece made during the endpoint silence: only a head start, so a
        failure here is reported in one line and the turn is made in full as usual."""
        try:
            transcript = job.early.preview(job.utterance)
            if transcript is not None and transcript.text:
                self._interpreter.prepare(transcript, self._directions, job.utterance)
        except Exception as error:  # the worker's thread must go on
            self._out(
                f"warning: the first piece was not prepared ({type(error).__name__}: {error})"
            )
        finally:
            self._done_preparing(job.early, job.utterance.duration_s)

    def apply_change(self) -> None:
        with self._lock:
            change, self._change = self._change, None
        if change is None:
            return
        self._interpreter.translator = change.translator
        self._interpreter.synthesizer = change.synthesizer
        pair = self._parties = change.parties
        self._directions = Directions.pair(pair.merchant_language, pair.buyer_language)
        self._out(f"(now interpreting {pair.merchant_language}-{pair.buyer_language})")

    def _back_translate(self) -> None:
        translation = self._last_translation
        if translation is None:
            self._out("    back: (no turn yet)")
            return
        back = self._interpreter.translator.back_translate(translation)
        if back is None:
            self._out("    back: (no model can translate it back)")
        else:
            self._out(
                f"    back [{back.target_language}] {printable(back.text)}  ({back.method.value})"
            )

    def handle(self, job: Job) -> None:
        """Interpret one utterance, unless it went stale while it waited."""
        if self.is_stale(job):
            if not self._stop.is_set():
                self._dropped(job, Status.STALE)
            return
        uid = job.utterance.id
        self._playback.begin(uid, job.sequence, job.utterance.voice_end_s)
        directions = self._directions
        if self._mode is Mode.PUSH_TO_TALK and job.party is not None:
            directions = directions.only(self._parties.language(job.party))
        events = _Console(job, self._parties, self._out, self._playback, self.is_stale)
        turn = self._interpreter.interpret(
            job.utterance, directions, job.early, self.ladder, events
        )
        job.early = None
        if turn is None:
            self._playback.forget(uid)
            if not self._stop.is_set():
                status = Status.STALE if events.was_cancelled else Status.SILENT
                self._dropped(job, status, events.language)
            return
        self._finished(turn, job)

    def _failed(self, job: Job, error: Exception) -> None:
        """A turn that could not be made: one line says so, and the next is made."""
        self._out(
            f"error: turn {job.sequence} could not be made ({type(error).__name__}: {error}); "
            "listening on (if it happens again, run `interpreter doctor`)"
        )
        job.early = None
        self._playback.forget(job.utterance.id)
        self._dropped(job, Status.FAILED)
        self._events.status(State.LISTENING)

    def _dropped(self, job: Job, status: Status, language: str | None = None) -> None:
        self._playback.dropped(job.utterance, job.endpoint_s, job.party, status, language)

    def _finished(self, turn: Turn, job: Job) -> None:
        party = job.party or self._parties.party_of(turn.transcript.language)
        trace = TurnTrace.of(turn, job.endpoint_s, None, party)
        self._events.finished(turn, party, trace)
        self._last_translation = turn.translation
        if turn.unsure:
            self._out(f"    {doubt_note(turn.transcript, turn.doubt)}")
        for line in numbers_box(turn.translation):
            self._out(f"    {line}")
        if not turn.speech or turn.unsure:
            self._events.status(State.LISTENING, trace.first_audio_made_ms)
        self._playback.finished(
            turn.utterance.id, trace, spoken=bool(turn.speech), over_budget=bool(turn.violations)
        )


class _Console(TurnEvents):
    """One turn as it is made: its lines on the console, its speech to the playback,
    and whether it has gone stale."""

    def __init__(
        self,
        job: Job,
        parties: Parties,
        out: Callable[[str], None],
        playback: Playback,
        stale: Callable[[Job], bool],
    ) -> None:
        self._job = job
        self._parties = parties
        self._out = out
        self._playback = playback
        self._stale = stale
        self.was_cancelled = False
        self.language: str | None = None
        self._unsure = False

    def transcript(self, transcript: Transcript, doubt: Doubt) -> None:
        self.language = transcript.language
        party = self._job.party or self._parties.party_of(transcript.language)
        if self._job.party is None:
            self._job.party = party
        who = party.value if party else "?"
        self._unsure = doubt is not Doubt.NONE
        mark = f"{UNSURE_MARK} " if self._unsure else ""
        self._out(f"[{who} {transcript.language}] {mark}{printable(transcript.text)}")

    def translated(self, piece: Translation) -> None:
        text = printable(piece.text) or "(no translation; the words above are shown)"
        mark = f"{UNSURE_MARK} " if self._unsure else ""
        line = f"    -> [{piece.target_language}] {mark}{text}  ({piece.method.value})"
        self._out(line)

    def spoken(self, chunk: SpeechChunk) -> None:
        self._playback.say(chunk, self._job.sequence)

    def cancelled(self) -> bool:
        self.was_cancelled = self._stale(self._job)
        return self.was_cancelled
