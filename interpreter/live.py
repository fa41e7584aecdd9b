"""The real-time runner: microphone to speaker, two parties, until stopped.

Four threads joined by bounded queues, each with one job:
- the microphone's (audio/devices.py) reads frames and never waits on anyone;
- the listener turns frames into utterances (endpointer or push-to-talk), keeps the
  microphone deaf to the device's own voice, and reads the growing utterance a few
  times a second, which gives the partial text and lets recognition finish early;
- the worker interprets one utterance at a time under the latency budget, printing
  text before the speech starts and handing speech to the speaker piece by piece;
- the speaker's plays the pieces in order and says when each turn started sounding.

An utterance is stale, and dropped at its next stage boundary, when the other party
has finished speaking since it ended: the conversation has moved on without it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from interpreter.budget import BudgetLadder, LatencyBudget
from interpreter.clock import Clock, MonotonicClock
from interpreter.early import EarlyOptions, EarlyRecognizer
from interpreter.pipeline import Directions, Interpreter, Turn, TurnEvents
from interpreter.trace import TurnTrace
from interpreter.turns import GateOptions, Parties, Party, PlaybackGate, PushToTalk
from interpreter.types import Frame, SpeechChunk, Transcript, Translation, Utterance
from interpreter.vad import Endpointer, SpeechProbability

CONVERSATION = "conversation"
PUSH_TO_TALK = "push-to-talk"


@dataclass(frozen=True)
class LiveOptions:
    parties: Parties
    mode: str = CONVERSATION
    budget: LatencyBudget = field(default_factory=LatencyBudget)
    early: EarlyOptions = field(default_factory=EarlyOptions)
    gate: GateOptions = field(default_factory=GateOptions)
    trace: bool = False
    # Partial text is shown at most this often while a party speaks.
    partial_interval_s: float = 0.5
    # Utterances waiting for the worker; the oldest is dropped when more arrive.
    work_queue_size: int = 4


@dataclass(frozen=True)
class Press:
    """A push-to-talk control: a key, a GPIO button or the web page."""

    party: Party
    down: bool = True
    toggle: bool = False


@dataclass
class _Job:
    utterance: Utterance
    early: EarlyRecognizer | None
    party: Party | None
    endpoint_s: float
    sequence: int


@dataclass
class SessionSummary:
    turns: int = 0
    waits_ms: list[float] = field(default_factory=list)
    stale_dropped: int = 0
    silent: int = 0
    violations: int = 0
    barge_ins: int = 0
    frames_dropped: int = 0
    device_overflows: int = 0

    def line(self) -> str:
        if self.waits_ms:
            p50, p95 = np.percentile(self.waits_ms, [50, 95])
            waits = f"end of speech to first audio p50 {p50:.0f} ms, p95 {p95:.0f} ms"
        else:
            waits = "nothing spoken"
        return (
            f"{self.turns} turns; {waits}; {self.violations} over budget, "
            f"{self.stale_dropped} stale dropped, {self.barge_ins} barge-ins, "
            f"{self.frames_dropped + self.device_overflows} audio overflows"
        )


class LiveSession:
    def __init__(
        self,
        interpreter: Interpreter,
        endpointer: Endpointer,
        microphone,  # audio.devices.Microphone
        options: LiveOptions,
        out: Callable[[str], None] = print,
        clock: Clock | None = None,
        barge_vad: SpeechProbability | None = None,
    ) -> None:
        self._interpreter = interpreter
        self._endpointer = endpointer
        self._microphone = microphone
        self._options = options
        self._out = out
        self._clock = clock or MonotonicClock()
        self._barge_vad = barge_vad
        self._speaker = None
        self.gate = PlaybackGate(options.gate)
        self.presses: queue.Queue[Press] = queue.Queue(maxsize=16)
        self._work: queue.Queue[_Job] = queue.Queue(maxsize=options.work_queue_size)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._sequence = 0
        self._last_ended: dict[Party, int] = {}
        self._first_out: dict[int, float] = {}
        self._pending: dict[int, tuple[Turn, _Job]] = {}
        self.summary = SessionSummary()
        self.turns: list[Turn] = []
        self._ladder = BudgetLadder(
            options.budget, has_smaller_model=interpreter.smaller_transcriber is not None
        )
        pair = options.parties
        self._directions = Directions.pair(pair.merchant_language, pair.buyer_language)

    # The speaker reports to the session; it is attached after both exist.
    def attach_speaker(self, speaker) -> None:
        self._speaker = speaker

    def playback_started(self, utterance_id: int, now_s: float) -> None:
        self.gate.playback_started(now_s)
        with self._lock:
            self._first_out.setdefault(utterance_id, now_s)
            pending = self._pending.pop(utterance_id, None)
        if pending is not None:
            self._report_trace(*pending)

    def playback_stopped(self, now_s: float) -> None:
        self.gate.playback_stopped(now_s)

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def run(self, until: threading.Event | None = None) -> SessionSummary:
        """Listen and interpret until `stop()` (or `until` is set, or the microphone
        gives up); then join every thread and return what happened."""
        workers = [
            threading.Thread(target=self._listen, name="listener", daemon=True),
            threading.Thread(target=self._interpret, name="worker", daemon=True),
        ]
        self._microphone.start()
        if self._speaker is not None:
            self._speaker.start()
        for worker in workers:
            worker.start()
        try:
            while not self._stop.is_set():
                if until is not None and until.is_set():
                    break
                if self._microphone.error is not None:
                    break
                if self._speaker is not None and self._speaker.error is not None:
                    break
                self._stop.wait(0.1)
        finally:
            self._stop.set()
            for worker in workers:
                worker.join(timeout=30.0)
            self._microphone.stop()
            if self._speaker is not None:
                self._speaker.stop()
            with self._lock:
                pending = list(self._pending.values())
                self._pending.clear()
            for turn, job in pending:
                self._report_trace(turn, job)
        self.summary.frames_dropped = self._microphone.dropped_frames
        self.summary.device_overflows = self._microphone.device_overflows
        return self.summary

    # -- listener ---------------------------------------------------------------

    def _listen(self) -> None:
        options = self._options
        ptt = PushToTalk() if options.mode == PUSH_TO_TALK else None
        early = self._new_early(None)
        shown = ""
        while not self._stop.is_set():
            for press in self._drain_presses():
                if self._speaker is not None:
                    self._speaker.interrupt()
                if ptt is not None:
                    language = options.parties.language(press.party)
                    if press.down:
                        done = ptt.press(press.party, self._clock.now(), toggle=press.toggle)
                        if ptt.speaking is press.party:
                            early = self._new_early(language)
                    else:
                        done = ptt.release(press.party, self._clock.now())
                    for utterance in done:
                        self._submit(utterance, early, Party(utterance.speaker_hint))
                        early, shown = self._new_early(None), ""
            try:
                frame = self._microphone.frames.get(timeout=0.05)
            except queue.Empty:
                continue
            if ptt is not None:
                finished = ptt.push(frame)
                for utterance in finished:  # a turn cut at the maximum length goes on
                    self._submit(utterance, early, Party(utterance.speaker_hint))
                    speaking = ptt.speaking
                    language = options.parties.language(speaking) if speaking else None
                    early, shown = self._new_early(language), ""
                audio = ptt.current_audio()
            else:
                if not self._gate_allows(frame):
                    continue
                finished = self._endpointer.push(frame)
                for utterance in finished:
                    party = options.parties.party_of(early.language) if early else None
                    self._submit(utterance, early, party)
                    early, shown = self._new_early(None), ""
                audio = self._endpointer.current_audio()
            if audio is not None and early is not None:
                draft = early.hear(audio, frame.sample_rate)
                if draft is not None and draft.text and draft.text != shown:
                    shown = draft.text
                    self._out(f"  ... {draft.text}")

    def _gate_allows(self, frame: Frame) -> bool:
        if not self._options.gate.enabled or not self.gate.playing:
            listen, _ = self.gate.hear(frame, 0.0)
            return listen
        prob = self._speech_probability(frame)
        listen, barge_in = self.gate.hear(frame, prob)
        if barge_in and self._speaker is not None:
            self.summary.barge_ins += 1
            self._speaker.interrupt()
            self.gate.playback_stopped(self._clock.now() - self._options.gate.tail_ms / 1000.0)
        return listen

    def _speech_probability(self, frame: Frame) -> float:
        vad = self._barge_vad
        if vad is None:
            return 0.0
        window = vad.window_samples
        usable = len(frame.samples) // window * window
        if usable == 0:
            return 0.0
        return float(np.max(vad.probabilities(frame.samples[:usable])))

    def _drain_presses(self) -> list[Press]:
        presses = []
        while True:
            try:
                presses.append(self.presses.get_nowait())
            except queue.Empty:
                return presses

    def _new_early(self, language: str | None) -> EarlyRecognizer:
        parties = self._options.parties
        if language is not None:
            return EarlyRecognizer(
                self._interpreter.transcriber, (language,), self._options.early, known=True
            )
        languages = (parties.merchant_language, parties.buyer_language)
        return EarlyRecognizer(self._interpreter.transcriber, languages, self._options.early)

    def _submit(self, utterance: Utterance, early: EarlyRecognizer | None, party) -> None:
        with self._lock:
            self._sequence += 1
            job = _Job(utterance, early, party, self._clock.now(), self._sequence)
            if party is not None:
                self._last_ended[party] = self._sequence
        while True:
            try:
                self._work.put_nowait(job)
                return
            except queue.Full:
                try:
                    self._work.get_nowait()
                    self.summary.stale_dropped += 1
                except queue.Empty:
                    pass

    # -- worker -----------------------------------------------------------------

    def _is_stale(self, job: _Job) -> bool:
        if self._stop.is_set():
            return True
        if job.party is None:
            return False
        other = Party.BUYER if job.party is Party.MERCHANT else Party.MERCHANT
        with self._lock:
            return self._last_ended.get(other, 0) > job.sequence

    def _interpret(self) -> None:
        while not self._stop.is_set():
            try:
                job = self._work.get(timeout=0.1)
            except queue.Empty:
                continue
            if self._is_stale(job):
                self.summary.stale_dropped += int(not self._stop.is_set())
                continue
            directions = self._directions
            if self._options.mode == PUSH_TO_TALK and job.party is not None:
                directions = directions.only(self._options.parties.language(job.party))
            events = _LiveEvents(self, job)
            turn = self._interpreter.interpret(
                job.utterance, directions, job.early, self._ladder, events
            )
            if turn is None:
                if events.was_cancelled:
                    self.summary.stale_dropped += int(not self._stop.is_set())
                else:
                    self.summary.silent += 1
                continue
            self._finished(turn, job)

    def _finished(self, turn: Turn, job: _Job) -> None:
        self.turns.append(turn)
        self.summary.turns += 1
        self.summary.violations += int(bool(turn.violations))
        with self._lock:
            started = turn.utterance.id in self._first_out or not turn.speech
            if not started:
                self._pending[turn.utterance.id] = (turn, job)
        if started:
            self._report_trace(turn, job)

    def _report_trace(self, turn: Turn, job: _Job) -> None:
        with self._lock:
            first_out = self._first_out.pop(turn.utterance.id, None)
        party = job.party or self._options.parties.party_of(turn.transcript.language)
        trace = TurnTrace.of(turn, job.endpoint_s, first_out, party.value if party else None)
        if trace.wait_ms is not None:
            self.summary.waits_ms.append(trace.wait_ms)
        if self._options.trace:
            self._out(trace.json_line())

    def say(self, chunk: SpeechChunk) -> None:
        if self._speaker is not None:
            self._speaker.say_chunk(chunk)


class _LiveEvents(TurnEvents):
    def __init__(self, session: LiveSession, job: _Job) -> None:
        self._session = session
        self._job = job
        self.was_cancelled = False
        self._shown_source = False

    def transcript(self, transcript: Transcript) -> None:
        parties = self._session._options.parties
        party = self._job.party or parties.party_of(transcript.language)
        if self._job.party is None:
            self._job.party = party
        who = party.value if party else "?"
        self._session._out(f"[{who} {transcript.language}] {transcript.text}")

    def translated(self, piece: Translation) -> None:
        text = piece.text or "(no translation; the words above are shown)"
        self._session._out(f"    -> [{piece.target_language}] {text}  ({piece.method.value})")

    def spoken(self, chunk: SpeechChunk) -> None:
        self._session.say(chunk)

    def cancelled(self) -> bool:
        self.was_cancelled = self._session._is_stale(self._job)
        return self.was_cancelled
