"""The product's live session on replay audio, in real time.

The latency benchmark times our pipeline the way a buyer meets it: `interpreter live`'s
own `LiveSession` (listener, reader, worker; drafts while the party speaks, the
reading as the voice stops, the preview during the endpoint silence, the latency
budget) hears each replay recording through a microphone that delivers it in real
time, as whisper_streaming's file simulation feeds a file to the very processor its
server runs. The benchmark carries no copy of the session's schedule, so it cannot
drift from it.

Three stand-ins take the place of the stall's hardware and nothing else:
- `PacedMicrophone` puts 32 ms frames on the session's clock as their last sample
  "arrives", room noise between recordings;
- `HandedSpeaker` says when a turn's first audio is handed to it (no device latency,
  as the stock pipeline's figure has none);
- `ReplaySession` plays one recording at a time and collects what the session reports
  of the utterances its endpointer cut from it.
"""

from __future__ import annotations

import json
import math
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from interpreter.asr.vad import Endpointer, EndpointerOptions, SpeechProbability
from interpreter.audio.files import ASR_SAMPLE_RATE
from interpreter.core.clock import Clock
from interpreter.core.types import Frame, SpeechChunk, Utterance
from interpreter.core.vocabulary import Party, Status
from interpreter.live.config import StallConfig
from interpreter.live.options import LiveOptions, stall_options
from interpreter.live.session import LiveSession, SessionEvents
from interpreter.live.summary import SessionSummary
from interpreter.turn.pipeline import Interpreter, Turn
from interpreter.turn.trace import TurnTrace

# One Silero window: what the stall's microphone delivers per read (StreamOptions).
FRAME_SAMPLES = 512
# The room noise benchmarks.replay.speak adds to each recording, kept up between them
# so the endpointer and the VAD never hear digital silence.
NOISE_RMS = 0.002
# A trace whose utterance left no turn.
DROPPED = (Status.SILENT, Status.STALE)
# An utterance still waiting for its trace when the runner gives up on its item.
UNREPORTED = "unreported"


def replay_live_options(pair: tuple[str, str]) -> LiveOptions:
    """The session `interpreter live` runs for a stall configured with `pair` and
    nothing else (`stall_options`: conversation mode, the default budget, early
    recognition and preparation during the silence), with its trace on and the echo
    gate off.

    The gate is off because a replay has no echo: the speaker stand-in plays nothing
    into the microphone. With it on, the session would be deaf while each translation
    "plays" (and its tail after), time the benchmark would spend waiting for nothing,
    and a stand-in would have to invent when playback stops. The gate's work per
    frame (a level) is not on the path from the voice's end to the first audio."""
    return stall_options(StallConfig(pair=pair), trace=True, echo_gate=False)


@dataclass(frozen=True)
class Playing:
    """Where a recording lies on the session's clock: its first sample's time and the
    time its last sample has arrived."""

    start_s: float
    end_s: float


class PacedMicrophone:
    """A microphone for `LiveSession` that hears room noise, and the recordings it is
    asked to play, in real time.

    Frame n (512 samples) is put on `frames` once its last sample has arrived, at
    epoch + (n + 1) * 512 / rate on the session's clock, and stamped with its first
    sample's time, epoch + n * 512 / rate, as the stall's microphone stamps its reads
    (`SampleClock.place`). A recording starts at the first sample not yet delivered,
    or where the one queued before it ends, and replaces the noise sample for sample.
    A listener that falls `queue_s` behind loses frames, counted in `dropped_frames`
    as the stall's microphone counts them.
    """

    def __init__(
        self,
        clock: Clock,
        noise_rms: float = NOISE_RMS,
        seed: int = 0,
        sample_rate: int = ASR_SAMPLE_RATE,
        frame_samples: int = FRAME_SAMPLES,
        queue_s: float = 2.0,
    ) -> None:
        blocks = max(2, int(queue_s * sample_rate / frame_samples))
        self.frames: queue.Queue[Frame] = queue.Queue(maxsize=blocks)
        self.error: Exception | None = None
        self.dropped_frames = 0
        self.device_overflows = 0
        self._clock = clock
        self._noise_rms = noise_rms
        self._noise = np.random.default_rng(seed)
        self._rate = sample_rate
        self._frame = frame_samples
        self._lock = threading.Lock()
        self._epoch_s: float | None = None
        self._sent = 0  # samples delivered
        self._queued: deque[tuple[int, np.ndarray]] = deque()  # (first sample, recording)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with self._lock:
            self._epoch_s = self._clock.now()
        self._thread = threading.Thread(target=self._run, name="paced-microphone", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def play(self, recording: np.ndarray) -> Playing:
        """Queue a 16 kHz recording; where it will lie on the clock."""
        with self._lock:
            if self._epoch_s is None:
                raise RuntimeError("the microphone plays only once started")
            first = self._sent
            if self._queued:
                last_first, last = self._queued[-1]
                first = max(first, last_first + len(last))
            self._queued.append((first, np.asarray(recording, dtype=np.float32)))
            return Playing(self._time_of(first), self._time_of(first + len(recording)))

    def _time_of(self, sample: int) -> float:
        assert self._epoch_s is not None
        return self._epoch_s + sample / self._rate

    def _run(self) -> None:
        frame_s = self._frame / self._rate
        while not self._stop.is_set():
            due_s = self._deliver_due()
            self._stop.wait(min(max(0.0, due_s - self._clock.now()), frame_s))

    def _deliver_due(self) -> float:
        """Put every frame whose last sample has arrived; when the next one is due."""
        while True:
            with self._lock:
                end = self._sent + self._frame
                due_s = self._time_of(end)
                if self._clock.now() < due_s:
                    return due_s
                frame = Frame(self._samples(self._sent, end), self._rate, self._time_of(self._sent))
                self._sent = end
            try:
                self.frames.put_nowait(frame)
            except queue.Full:
                self.dropped_frames += 1

    def _samples(self, first: int, end: int) -> np.ndarray:
        """Samples [first, end) of the stream: noise, the queued recordings over it."""
        out = self._noise.normal(0.0, self._noise_rms, end - first).astype(np.float32)
        for start, recording in self._queued:
            low, high = max(start, first), min(start + len(recording), end)
            if low < high:
                out[low - first : high - first] = recording[low - start : high - start]
        while self._queued and self._queued[0][0] + len(self._queued[0][1]) <= end:
            self._queued.popleft()
        return out


class HandedSpeaker:
    """The speaker for `LiveSession` in a replay: it plays nothing, and says when the
    first chunk of each turn is handed to it (`on_start(utterance_id, now_s)`, as the
    stall's Speaker calls `LiveSession.playback_started`). That moment is the first
    audio out of the trace. The stall's speaker would add its device latency (about
    60 ms) to it; the stock pipeline's figure has none either, so neither gets it.
    It never holds the worker back: chunks are taken at once."""

    def __init__(self, clock: Clock, on_start: Callable[[int, float], None]) -> None:
        self.error: Exception | None = None
        self.underruns = 0
        self._clock = clock
        self._on_start = on_start
        self._last_id: int | None = None

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def say_chunk(self, chunk: SpeechChunk) -> bool:
        if chunk.utterance_id != self._last_id:
            self._last_id = chunk.utterance_id
            self._on_start(chunk.utterance_id, self._clock.now())
        return True

    def interrupt(self) -> None:
        pass


@dataclass(frozen=True)
class Heard:
    """One utterance the session's endpointer cut from a recording, and what became of
    it: `status` is the text of its trace's `Status` (spoken, shown, silent, stale
    ...), or `unreported` when no trace came before the runner gave up on the
    recording. `turn` and `trace` are None for an utterance that left no turn."""

    utterance_id: int
    status: str
    turn: Turn | None = None
    trace: TurnTrace | None = None


@dataclass(frozen=True)
class Played:
    """A recording as the session heard it: its utterances in order (more than one
    when the session cut it in two; none when it heard no speech in it)."""

    playing: Playing
    heard: tuple[Heard, ...]
    timed_out: bool


@dataclass
class _Entry:
    utterance_id: int
    start_s: float
    end_s: float
    status: Status | None = None
    turn: Turn | None = None
    trace: TurnTrace | None = None


class _Ledger(SessionEvents):
    """What the session said of each utterance its endpointer cut, by id, until the
    runner takes it; the runner waits on it. Called from the session's threads."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._entries: dict[int, _Entry] = {}
        self._heard_until_s = -math.inf
        self.stray = 0

    def cut(self, utterances: list[Utterance], heard_until_s: float) -> None:
        with self._changed:
            for utterance in utterances:
                self._entries[utterance.id] = _Entry(
                    utterance.id, utterance.t_start_s, utterance.t_end_s
                )
            self._heard_until_s = heard_until_s
            self._changed.notify_all()

    def finished(self, turn: Turn, party: Party | None, trace: TurnTrace) -> None:
        with self._changed:
            entry = self._entries.get(turn.utterance.id)
            if entry is not None:
                entry.turn = turn

    def reported(self, trace: TurnTrace, audio_overflows: int) -> None:
        self._settle(trace.utterance_id, trace.status, trace)

    def line(self, text: str) -> None:
        """A console line of the session: a dropped utterance's trace settles it (only
        turns are reported through the events)."""
        if not text.startswith("{"):
            return
        data = json.loads(text)
        if data.get("status") in DROPPED:
            self._settle(int(data["utterance"]), Status(data["status"]), None)

    def _settle(self, utterance_id: int, status: Status, trace: TurnTrace | None) -> None:
        with self._changed:
            entry = self._entries.get(utterance_id)
            if entry is not None:
                entry.status, entry.trace = status, trace
                self._changed.notify_all()

    def take(self, playing: Playing, settle_s: float, give_up_s: float, clock: Clock) -> Played:
        """Wait until the endpointer has heard `settle_s` past the recording's end and
        every utterance holding some of it has its trace, or until `give_up_s` after
        its end; then hand those utterances over, and forget them and any before."""
        timed_out = False
        with self._changed:
            while True:
                mine = [
                    e
                    for e in self._entries.values()
                    if e.start_s < playing.end_s and e.end_s > playing.start_s
                ]
                heard_enough = self._heard_until_s >= playing.end_s + settle_s
                if heard_enough and all(e.status is not None for e in mine):
                    break
                if clock.now() >= playing.end_s + give_up_s:
                    timed_out = True
                    break
                self._changed.wait(0.05)
            taken = {e.utterance_id for e in mine}
            for entry in [e for e in self._entries.values() if e.start_s < playing.end_s]:
                del self._entries[entry.utterance_id]
                self.stray += int(entry.utterance_id not in taken)
        heard = tuple(
            Heard(e.utterance_id, e.status.value if e.status else UNREPORTED, e.turn, e.trace)
            for e in sorted(mine, key=lambda e: e.start_s)
        )
        return Played(playing, heard, timed_out)


class _WatchedEndpointer(Endpointer):
    """The product's endpointer, telling the ledger each utterance it cuts and how far
    it has heard, so each trace can be matched to the recording that holds its audio."""

    def __init__(self, vad: SpeechProbability, options: EndpointerOptions, ledger: _Ledger) -> None:
        super().__init__(vad, options)
        self._ledger = ledger
        self._heard_s = 0.0

    def push(self, frame: Frame) -> list[Utterance]:
        utterances = super().push(frame)
        self._heard_s = frame.t_capture_s + len(frame.samples) / frame.sample_rate
        self._ledger.cut(utterances, self._heard_s)
        return utterances

    def end_if_quiet(self) -> Utterance | None:
        utterance = super().end_if_quiet()
        if utterance is not None:
            self._ledger.cut([utterance], self._heard_s)
        return utterance


@dataclass(frozen=True)
class ReplayOptions:
    live: LiveOptions
    # As the session gets it (interpreter.live.options.endpointer_options).
    endpointer: EndpointerOptions = field(default_factory=EndpointerOptions)
    # Room noise before each recording once the last one's turn is reported.
    gap_s: float = 0.5
    # A recording whose utterances are not all reported this long after its end is
    # given up: what is missing is a miss.
    give_up_s: float = 15.0
    noise_rms: float = NOISE_RMS


class ReplaySession:
    """A `LiveSession` built as `interpreter live` builds it, with the given
    interpreter, on a paced microphone and a speaker stand-in; recordings are played
    one at a time. Use it as a context manager: the session runs inside, and its
    threads are joined on the way out (`summary` is then its summary).

        with ReplaySession(interpreter, vad, options, clock) as session:
            played = session.play(recording)
    """

    def __init__(
        self,
        interpreter: Interpreter,
        vad: SpeechProbability,
        options: ReplayOptions,
        clock: Clock,
    ) -> None:
        self._options = options
        self._clock = clock
        self._ledger = _Ledger()
        self._microphone = PacedMicrophone(clock, options.noise_rms)
        endpointer = _WatchedEndpointer(vad, options.endpointer, self._ledger)
        self._session = LiveSession(
            interpreter,
            endpointer,
            self._microphone,
            options.live,
            out=self._ledger.line,
            clock=clock,
            events=self._ledger,
        )
        self._session.attach_speaker(HandedSpeaker(clock, self._session.playback_started))
        self._thread = threading.Thread(target=self._run, name="replay-session", daemon=True)
        self._ready_s = math.inf
        self.summary: SessionSummary | None = None

    def __enter__(self) -> ReplaySession:
        self._thread.start()
        # The microphone starts with the session; a little noise comes first.
        self._ready_s = self._clock.now() + self._options.gap_s
        return self

    def __exit__(self, *_: object) -> None:
        self._session.stop()
        self._thread.join()

    def _run(self) -> None:
        self.summary = self._session.run()

    @property
    def stray_utterances(self) -> int:
        """Utterances cut from the noise between recordings (none, normally)."""
        return self._ledger.stray

    def play(self, recording: np.ndarray) -> Played:
        """Play a 16 kHz recording after `gap_s` of noise, and wait for what the
        session makes of it."""
        time.sleep(max(0.0, self._ready_s - self._clock.now()))
        if not self._thread.is_alive():
            raise RuntimeError("the live session has stopped")
        playing = self._microphone.play(recording)
        window_s = FRAME_SAMPLES / ASR_SAMPLE_RATE
        settle_s = self._options.endpointer.min_silence_ms / 1000.0 + 2 * window_s
        played = self._ledger.take(playing, settle_s, self._options.give_up_s, self._clock)
        self._ready_s = self._clock.now() + self._options.gap_s
        return played
