"""The real-time runner: microphone to speaker, two parties, until stopped.

Five threads joined by bounded queues, each with one job:
- the microphone's (audio/streams.py) reads frames and never waits on anyone;
- the listener turns frames into utterances (endpointer or push-to-talk) and keeps the
  microphone deaf to the device's own voice. It never reads words itself: a reading
  takes longer than the frames it waits for, and a listener busy reading ends every
  utterance late;
- the reader reads the growing utterance every `partial_interval_s`, which gives the
  partial text and lets recognition finish early, always the newest audio the listener
  handed it. It reads once more as soon as the voice stops (the endpointer still waits
  out its silence, time enough to read it all); a reading still running then is given
  up at its next step, so the one that matters does not wait for it;
- the worker interprets one utterance at a time under the latency budget, printing
  text before the speech starts and handing speech to the speaker piece by piece. The
  words read as the voice stopped reach it first: it translates and voices their first
  piece during the endpoint silence (reading them again on the wider window first when
  they look degenerate), used if the utterance ends with those words;
- the speaker's (audio/speaker.py) feeds the pieces in order to PortAudio's callback
  and says when each turn's first sample leaves the device.

An utterance is stale, and dropped at its next stage boundary, when the other party
has finished speaking since it ended: the conversation has moved on without it.

A session runs all day, so it keeps no history: a turn is reported (a trace line, a
few counts and a fixed-size latency tally in the summary) and forgotten as soon as its
first audio is out. Only turns waiting for the speaker are held, as small numbers and
at most `MAX_WAITING_TURNS` of them. A party talking over the device, or pressing to
talk, stops it: the speech of every turn so far, playing or still to come, is dropped
(its text has been shown).
"""

from __future__ import annotations

import contextlib
import math
import queue
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np

from interpreter.asr.early import EarlyOptions, EarlyRecognizer
from interpreter.asr.hallucination import partial_text
from interpreter.asr.vad import Endpointer, SpeechProbability, State
from interpreter.core.chinese import SimplifiedChinese
from interpreter.core.clock import Clock, MonotonicClock
from interpreter.core.types import Frame, SpeechChunk, Transcript, Translation, Utterance
from interpreter.live.parties import GateOptions, Parties, Party, PlaybackGate, PushToTalk
from interpreter.turn.budget import BudgetLadder, LatencyBudget
from interpreter.turn.pipeline import Directions, Interpreter, Turn, TurnEvents
from interpreter.turn.report import UNSURE_MARK, UNSURE_NOTE, numbers_box
from interpreter.turn.trace import (
    INTERRUPTED,
    SILENT,
    SPOKEN,
    STALE,
    UNPLAYED,
    DroppedTrace,
    TurnTrace,
)

CONVERSATION = "conversation"
PUSH_TO_TALK = "push-to-talk"

# Finished turns whose speech has not started playing yet. The speaker's queue already
# holds back a worker that runs ahead; beyond this many, the oldest is reported
# unplayed and forgotten, so a speaker that never starts cannot make the session grow.
MAX_WAITING_TURNS = 8

# What the stall's screen shows in its status strip (see kiosk/backend.py).
LISTENING, HEARING, THINKING, SPEAKING = "listening", "hearing", "thinking", "speaking"


class SessionEvents:
    """What a session tells the world besides its console lines (the kiosk page, the
    deal log, the metrics); the defaults do nothing. Called from the session's
    threads, so an implementation must be quick and must not block."""

    def status(self, state: str, last_latency_ms: float | None = None) -> None:
        pass

    def partial(self, party: Party | None, language: str | None, text: str) -> None:
        pass

    def finished(self, turn: Turn, party: Party | None, trace: TurnTrace) -> None:
        """A turn is translated and its speech made (maybe still playing): the deal
        log records it here, before anything shows it as done."""

    def reported(self, trace: TurnTrace, audio_overflows: int) -> None:
        """The turn's trace is final (its first audio is out, or it never will be)."""


@dataclass(frozen=True)
class PairChange:
    """A new language pair (or voice) made ready off the worker thread, applied by the
    worker between two turns, so no turn is interpreted half in each."""

    parties: Parties
    translator: object  # translate.chain.TranslatorChain
    synthesizer: object | None  # tts.Synthesizer


@dataclass(frozen=True)
class LiveOptions:
    parties: Parties
    mode: str = CONVERSATION
    budget: LatencyBudget = field(default_factory=LatencyBudget)
    # `interval_s` is replaced by `partial_interval_s`: in a session the partial text
    # and the early recognition are the same readings.
    early: EarlyOptions = field(default_factory=EarlyOptions)
    gate: GateOptions = field(default_factory=GateOptions)
    trace: bool = False
    # The growing utterance is read (a partial line, and the recognition done early)
    # at most this often while a party speaks. Each reading costs an encoder pass and
    # a greedy decode (about 100 ms for base on two cores, more as the turn grows).
    partial_interval_s: float = 0.5
    # No reading is asked for while more audio than this waits for the listener: it
    # catches up with the microphone first.
    max_backlog_s: float = 0.1
    # Utterances waiting for the worker; the oldest is dropped when more arrive.
    work_queue_size: int = 4
    # When the voice stops, the worker translates and voices the words read so far
    # while the endpointer waits out its silence (conversation mode; a push-to-talk
    # release ends the turn at once). Wasted only when the party speaks again.
    prepare_during_silence: bool = True


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


@dataclass(frozen=True, eq=False)
class _Reading:
    """The listener's request to read the utterance heard so far. `now`: the voice
    has just stopped; `party`: who holds the push-to-talk button (None: the language
    read says)."""

    early: EarlyRecognizer
    audio: np.ndarray
    sample_rate: int
    sequence: int
    now: bool = False
    preview: bool = False
    party: Party | None = None


@dataclass(frozen=True, eq=False)
class _Preview:
    """An utterance whose voice has just stopped, as read so far, for the worker to
    start on while the endpointer waits out its silence: the words (read again on the
    wider window when they look degenerate), their first piece translated and voiced.
    The worker does it, not the reader, so ending the utterance never waits for it."""

    early: EarlyRecognizer
    utterance: Utterance


@dataclass
class _Playback:
    """A turn between the worker and the speaker, as small numbers: the speaker may
    report its first audio before or after the worker has finished the turn."""

    sequence: int
    speech_end_s: float
    first_out_s: float | None = None
    # A party talked over the device or pressed to talk: not to be played.
    hushed: bool = False
    # Set when the worker has finished the turn.
    trace: TurnTrace | None = None


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
            f"{self.stale_dropped} stale dropped, {self.silent} silent, "
            f"{self.barge_ins} barge-ins, "
            f"{self.frames_dropped + self.device_overflows} audio overflows, "
            f"{self.speaker_underruns} speaker underruns"
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
        events: SessionEvents | None = None,
    ) -> None:
        self._interpreter = interpreter
        self._events = events or SessionEvents()
        self._change: PairChange | None = None
        self._back_wanted = threading.Event()
        # The last finished turn's translation, for a back-translation on request.
        self._last_translation: Translation | None = None
        self._endpointer = endpointer
        self._microphone = microphone
        self._options = options
        self._out = out
        self._clock = clock or MonotonicClock()
        self._barge_vad = barge_vad
        self._barge_carry = np.zeros(0, np.float32)
        self._barge_prob = 0.0
        # The frames the gate kept from the listener lately: when a party turns out to
        # be talking over the device, they are the start of their words (the loud time
        # that proves it builds up over a syllable or two; see PlaybackGate).
        self._held: deque[Frame] = deque()
        self._held_s = 0.0
        self._speaker = None
        self._simplified = SimplifiedChinese()
        self.gate = PlaybackGate(options.gate)
        self.presses: queue.Queue[Press] = queue.Queue(maxsize=16)
        self._work: queue.Queue[_Job | _Preview] = queue.Queue(maxsize=options.work_queue_size)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        # The reader takes the newest request only; the listener replaces an unread one.
        self._readings: queue.Queue[_Reading] = queue.Queue(maxsize=1)
        # Held by the reader while it reads; the listener takes it to end an utterance,
        # so the worker never finishes one that is still being read.
        self._reading = threading.Lock()
        self._read_sequence = 0
        # Readings up to this sequence number give up at their next step, unless they
        # read as the voice stopped, or nearly all that was heard by then (seconds).
        self._give_up_through = 0
        self._voice_stopped_s = math.inf
        # The recognizer of the utterance being heard: the reader reads no other.
        self._reading_for: EarlyRecognizer | None = None
        self._sequence = 0
        self._hushed_through = 0
        self._last_ended: dict[Party, int] = {}
        # By utterance id: the turn being interpreted and those waiting to sound.
        self._playback: dict[int, _Playback] = {}
        self.summary = SessionSummary()
        self._ladder = BudgetLadder(
            options.budget, has_smaller_model=interpreter.smaller_transcriber is not None
        )
        pair = options.parties
        self._directions = Directions.pair(pair.merchant_language, pair.buyer_language)

    # The speaker reports to the session; it is attached after both exist.
    def attach_speaker(self, speaker) -> None:
        self._speaker = speaker

    def playback_started(self, utterance_id: int, now_s: float) -> None:
        ready = None
        with self._lock:
            record = self._playback.get(utterance_id)
            hushed = record is not None and record.hushed
            if record is not None and not hushed and record.first_out_s is None:
                record.first_out_s = now_s
                if record.trace is not None:
                    ready = self._playback.pop(utterance_id)
        if hushed:
            # A piece that slipped past an interruption: stopped at its first block.
            if self._speaker is not None:
                self._speaker.interrupt()
            return
        self.gate.playback_started(now_s)
        self._events.status(SPEAKING)
        if ready is not None:
            self._report(ready)

    def playback_stopped(self, now_s: float) -> None:
        self.gate.playback_stopped(now_s)
        self._events.status(LISTENING)

    def change_pair(self, change: PairChange) -> None:
        """Use another pair (and its translator and voices) from the next turn on."""
        with self._lock:
            self._change = change

    @property
    def parties(self) -> Parties:
        return self._options.parties

    def request_back_translation(self) -> None:
        """Put the last turn's translation back into its speaker's language (on the
        worker, between turns), so the speaker can check what the other party heard."""
        self._back_wanted.set()

    def interrupt_playback(self) -> None:
        """A party talks over the device or presses to talk: the playback stops, and
        no turn before now says another word (their text has been shown)."""
        with self._lock:
            self._hushed_through = self._sequence
            for record in self._playback.values():
                record.hushed = True
            finished = [u for u, record in self._playback.items() if record.trace is not None]
            done = [self._playback.pop(uid) for uid in finished]
        if self._speaker is not None:
            self._speaker.interrupt()
        for record in done:
            self._report(record)

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
            threading.Thread(target=self._read, name="reader", daemon=True),
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
                finished = [u for u, record in self._playback.items() if record.trace is not None]
                left = [self._playback.pop(uid) for uid in finished]
            for record in left:
                self._report(record)
        self.summary.frames_dropped = self._microphone.dropped_frames
        self.summary.device_overflows = self._microphone.device_overflows
        self.summary.speaker_underruns = getattr(self._speaker, "underruns", 0)
        return self.summary

    # -- listener ---------------------------------------------------------------

    def _listen(self) -> None:
        options = self._options
        ptt = PushToTalk() if options.mode == PUSH_TO_TALK else None
        early = self._new_early(None)
        stopping = read_now = False
        while not self._stop.is_set():
            for press in self._drain_presses():
                self.interrupt_playback()
                if ptt is not None:
                    before = ptt.speaking
                    if press.down:
                        done = ptt.press(press.party, self._clock.now(), toggle=press.toggle)
                    else:
                        done = ptt.release(press.party, self._clock.now())
                    if ptt.speaking is not None:
                        self._events.status(HEARING)
                    # The turn that ended goes with the recognizer that heard it; the
                    # one that starts (the other party taking over) gets its own.
                    for utterance in done:
                        self._submit(utterance, early, Party(utterance.speaker_hint))
                    if done or ptt.speaking is not before:
                        speaking = ptt.speaking
                        language = options.parties.language(speaking) if speaking else None
                        early = self._new_early(language)
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
                    early = self._new_early(language)
                audio = ptt.current_audio()
            else:
                heard = self._gate(frame)
                if not heard:
                    continue
                for piece in heard:
                    for utterance in self._endpointer.push(piece):
                        self._submit(utterance, early, None)
                        early, read_now = self._new_early(None), False
                audio = self._endpointer.current_audio()
                # The voice has just stopped: read it all while the endpointer waits
                # out its silence, so the last draft is the final transcript.
                voice_stopped = self._endpointer.state is State.STOPPING
                read_now = read_now or (voice_stopped and not stopping)
                stopping = voice_stopped
            if audio is None or self._behind(frame):
                continue
            self._read_sequence += 1
            reading = _Reading(
                early,
                audio,
                frame.sample_rate,
                self._read_sequence,
                now=read_now,
                preview=read_now and ptt is None and options.prepare_during_silence,
                party=ptt.speaking if ptt is not None else None,
            )
            self._ask_reading(reading)
            read_now = False

    def _ask_reading(self, reading: _Reading) -> None:
        """Hand the reader the newest audio in place of any it has not started on,
        except the reading asked for as the voice stopped: that one reads what was
        heard up to then, as the utterance will end (only the listener puts requests)."""
        with contextlib.suppress(queue.Empty):
            waiting = self._readings.get_nowait()
            if waiting.now and not reading.now and waiting.early is reading.early:
                reading = waiting
        if reading.now:
            self._voice_stopped_s = len(reading.audio) / reading.sample_rate
            self._give_up_through = reading.sequence - 1
        self._readings.put_nowait(reading)

    def _goes_on(self, reading: _Reading) -> bool:
        """Whether a draft under way should finish: nothing newer wants the CPU, or it
        read nearly all that was heard when the voice stopped."""
        if reading.sequence > self._give_up_through:
            return True
        audio_s = len(reading.audio) / reading.sample_rate
        return reading.early.nearly_whole(audio_s, self._voice_stopped_s)

    def _end_reading(self) -> None:
        """The utterance has ended: a draft still running gives up at its next step
        (the reading as the voice stopped finishes: it may be the transcript), and
        nothing more of it is read. A draft that read nearly all of it finishes too:
        it stands for that reading."""
        self._give_up_through = self._read_sequence
        with self._reading:
            with contextlib.suppress(queue.Empty):
                self._readings.get_nowait()
            self._reading_for = None

    # -- reader -----------------------------------------------------------------

    def _read(self) -> None:
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
                if reading.preview:
                    self._offer_preview(early, reading.audio, rate)
                if draft is not None and draft.text:
                    shown = self._show_partial(reading, draft.text, draft.language, shown)

    def _show_partial(
        self,
        reading: _Reading,
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
        speaking = reading.party or self._options.parties.party_of(language)
        self._events.partial(speaking, language or None, text)
        return (reading.early, text)

    def _offer_preview(self, early: EarlyRecognizer, audio: np.ndarray, rate: int) -> None:
        """Hand the worker the utterance read as the voice stopped, unless it is too
        busy to take it (the turn is then made after its end, as without a preview)."""
        heard = Utterance(0, audio, rate, 0.0, len(audio) / rate)
        with contextlib.suppress(queue.Full):
            self._work.put_nowait(_Preview(early, heard))

    def _behind(self, frame: Frame) -> bool:
        """Whether more audio waits for the listener than it may leave waiting to ask
        for a reading (it catches up with the microphone first)."""
        waiting_s = self._microphone.frames.qsize() * len(frame.samples) / frame.sample_rate
        return waiting_s > self._options.max_backlog_s

    def _gate(self, frame: Frame) -> list[Frame]:
        """The frames to listen to: none while the device speaks, unless a party is
        talking over it, when the frames that showed it are heard too."""
        if not self._options.gate.enabled or not self.gate.playing:
            self._held.clear()
            self._held_s = 0.0
            self._barge_carry = self._barge_carry[:0]
            listen, _ = self.gate.hear(frame, 0.0)
            return [frame] if listen else []
        listen, barge_in = self.gate.hear(frame, self._speech_probability(frame))
        self._hold(frame)
        if not barge_in:
            return [frame] if listen else []
        with self._lock:
            self.summary.barge_ins += 1
        self.interrupt_playback()
        held = list(self._held)
        self._held.clear()
        self._held_s = 0.0
        return held

    def _hold(self, frame: Frame) -> None:
        keep_s = (4 * self._options.gate.barge_in_ms) / 1000.0
        self._held.append(frame)
        self._held_s += len(frame.samples) / frame.sample_rate
        while len(self._held) > 1 and self._held_s > keep_s:
            oldest = self._held.popleft()
            self._held_s -= len(oldest.samples) / oldest.sample_rate

    def _speech_probability(self, frame: Frame) -> float:
        """Silero reads whole windows; a microphone's frames need not be whole windows
        (44.1 kHz resampled to 16 kHz is not), so the remainder waits for the next."""
        vad = self._barge_vad
        if vad is None:
            return 0.0
        samples = np.concatenate([self._barge_carry, frame.samples.astype(np.float32)])
        window = vad.window_samples
        usable = len(samples) // window * window
        self._barge_carry = samples[usable:]
        if usable:
            self._barge_prob = float(np.max(vad.probabilities(samples[:usable])))
        return self._barge_prob

    def _drain_presses(self) -> list[Press]:
        presses = []
        while True:
            try:
                presses.append(self.presses.get_nowait())
            except queue.Empty:
                return presses

    def _new_early(self, language: str | None) -> EarlyRecognizer:
        """The recognizer of the next utterance, the one the reader now reads for (a
        reading of any other is given up)."""
        parties = self._options.parties
        options = replace(self._options.early, interval_s=self._options.partial_interval_s)
        transcriber = self._interpreter.transcriber
        if language is not None:
            early = EarlyRecognizer(transcriber, (language,), options, known=True)
        else:
            languages = (parties.merchant_language, parties.buyer_language)
            early = EarlyRecognizer(transcriber, languages, options)
        self._voice_stopped_s = math.inf
        self._give_up_through = self._read_sequence
        self._reading_for = early
        return early

    def _submit(
        self, utterance: Utterance, early: EarlyRecognizer | None, party: Party | None
    ) -> None:
        """Hand an utterance to the worker once the reader is done with it (its party,
        when no button said it, is the language last read); when the worker is that
        far behind, the oldest waiting one is dropped as stale. The wait for the reader
        counts as the turn's time after its endpoint."""
        endpoint_s = self._clock.now()
        self._end_reading()
        if party is None and early is not None and early.language is not None:
            party = self._options.parties.party_of(early.language)
        with self._lock:
            self._sequence += 1
            job = _Job(utterance, early, party, endpoint_s, self._sequence)
            if party is not None:
                self._last_ended[party] = self._sequence
        self._events.status(THINKING)
        while True:
            try:
                self._work.put_nowait(job)
                return
            except queue.Full:
                try:
                    oldest = self._work.get_nowait()
                except queue.Empty:
                    continue
                if isinstance(oldest, _Job):
                    self._dropped(oldest, STALE)

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
            self._apply_change()
            if self._back_wanted.is_set():
                self._back_wanted.clear()
                self._back_translate()
            try:
                job = self._work.get(timeout=0.1)
            except queue.Empty:
                continue
            self._apply_change()
            if isinstance(job, _Preview):
                transcript = job.early.preview(job.utterance)
                if transcript is not None and transcript.text:
                    self._interpreter.prepare(transcript, self._directions, job.utterance)
                continue
            self._handle(job)

    def _apply_change(self) -> None:
        with self._lock:
            change, self._change = self._change, None
        if change is None:
            return
        self._interpreter.translator = change.translator  # type: ignore[assignment]
        self._interpreter.synthesizer = change.synthesizer  # type: ignore[assignment]
        self._options = replace(self._options, parties=change.parties)
        pair = change.parties
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
            self._out(f"    back [{back.target_language}] {back.text}  ({back.method.value})")

    def _handle(self, job: _Job) -> None:
        """Interpret one utterance, unless it went stale while it waited."""
        if self._is_stale(job):
            if not self._stop.is_set():
                self._dropped(job, STALE)
            return
        uid = job.utterance.id
        with self._lock:
            hushed = job.sequence <= self._hushed_through
            self._playback[uid] = _Playback(job.sequence, job.utterance.voice_end_s, hushed=hushed)
        directions = self._directions
        if self._options.mode == PUSH_TO_TALK and job.party is not None:
            directions = directions.only(self._options.parties.language(job.party))
        events = _LiveEvents(self, job)
        turn = self._interpreter.interpret(
            job.utterance, directions, job.early, self._ladder, events
        )
        job.early = None
        if turn is None:
            with self._lock:
                self._playback.pop(uid, None)
            if not self._stop.is_set():
                self._dropped(job, STALE if events.was_cancelled else SILENT, events.language)
            return
        self._finished(turn, job)

    def _dropped(self, job: _Job, status: str, language: str | None = None) -> None:
        with self._lock:
            if status == STALE:
                self.summary.stale_dropped += 1
            else:
                self.summary.silent += 1
        if self._options.trace:
            party = job.party.value if job.party else None
            trace = DroppedTrace.of(
                job.utterance, job.endpoint_s, self._clock.now(), status, party, language
            )
            self._out(trace.json_line())

    def _finished(self, turn: Turn, job: _Job) -> None:
        party = job.party or self._options.parties.party_of(turn.transcript.language)
        trace = TurnTrace.of(turn, job.endpoint_s, None, party.value if party else None)
        self._events.finished(turn, party, trace)
        self._last_translation = turn.translation
        if turn.unsure:
            self._out(f"    {UNSURE_NOTE} (confidence {turn.transcript.confidence:.2f})")
        for line in numbers_box(turn.translation):
            self._out(f"    {line}")
        if not turn.speech or turn.unsure:
            self._events.status(LISTENING, trace.first_audio_made_ms)
        uid = turn.utterance.id
        done: list[_Playback] = []
        with self._lock:
            self.summary.turns += 1
            self.summary.violations += int(bool(turn.violations))
            record = self._playback[uid]
            record.trace = trace
            played = record.first_out_s is not None or self._speaker is None
            if played or record.hushed or not turn.speech:
                done.append(self._playback.pop(uid))
            waiting = [u for u, record in self._playback.items() if record.trace is not None]
            for oldest in waiting[: max(0, len(waiting) - MAX_WAITING_TURNS)]:
                done.append(self._playback.pop(oldest))
        for record in done:
            self._report(record)

    def _report(self, record: _Playback) -> None:
        """The turn's trace line and its share of the summary; then it is forgotten."""
        trace = record.trace
        assert trace is not None
        if record.first_out_s is not None:
            out_ms = round(1000.0 * (record.first_out_s - record.speech_end_s), 1)
            trace = replace(trace, first_audio_out_ms=out_ms)
        if record.hushed:
            trace = replace(trace, status=INTERRUPTED)
        elif trace.status == SPOKEN and record.first_out_s is None and self._speaker is not None:
            trace = replace(trace, status=UNPLAYED)
        heard = record.first_out_s is not None or (self._speaker is None and trace.status == SPOKEN)
        with self._lock:
            self.summary.interrupted += int(trace.status == INTERRUPTED)
            if heard and trace.heard_ms is not None and trace.wait_ms is not None:
                self.summary.first_audio_ms.add(trace.heard_ms)
                self.summary.after_endpoint_ms.add(trace.wait_ms)
        overflows = self._microphone.dropped_frames + self._microphone.device_overflows
        self._events.reported(trace, overflows)
        if self._options.trace:
            self._out(trace.json_line())

    def _say(self, chunk: SpeechChunk, job: _Job) -> None:
        if self._speaker is None:
            return
        with self._lock:
            hushed = job.sequence <= self._hushed_through
        if not hushed:
            self._speaker.say_chunk(chunk)


class _LiveEvents(TurnEvents):
    def __init__(self, session: LiveSession, job: _Job) -> None:
        self._session = session
        self._job = job
        self.was_cancelled = False
        self.language: str | None = None
        self._unsure = False

    def transcript(self, transcript: Transcript) -> None:
        parties = self._session._options.parties
        self.language = transcript.language
        party = self._job.party or parties.party_of(transcript.language)
        if self._job.party is None:
            self._job.party = party
        who = party.value if party else "?"
        least = getattr(self._session._interpreter, "min_speak_confidence", 0.0)
        self._unsure = transcript.confidence < least
        mark = f"{UNSURE_MARK} " if self._unsure else ""
        self._session._out(f"[{who} {transcript.language}] {mark}{transcript.text}")

    def translated(self, piece: Translation) -> None:
        text = piece.text or "(no translation; the words above are shown)"
        mark = f"{UNSURE_MARK} " if self._unsure else ""
        line = f"    -> [{piece.target_language}] {mark}{text}  ({piece.method.value})"
        self._session._out(line)

    def spoken(self, chunk: SpeechChunk) -> None:
        self._session._say(chunk, self._job)

    def cancelled(self) -> bool:
        self.was_cancelled = self._session._is_stale(self._job)
        return self.was_cancelled
