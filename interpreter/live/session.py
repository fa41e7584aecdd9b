"""The real-time runner: microphone to speaker, two parties, until stopped.

Five threads joined by bounded queues, each with one job:
- the microphone's (audio/streams.py) reads frames and never waits on anyone;
- the listener (listener.py) turns frames into utterances (endpointer or push-to-talk)
  and keeps the microphone deaf to the device's own voice;
- the reader (reader.py) reads the growing utterance as `ReadingPolicy` (reading.py)
  says, which gives the partial text and lets recognition finish early, always the
  newest audio the listener handed it. It reads once more as soon as the voice stops
  (the endpointer still waits out its silence, time enough to read it all); a reading
  still running then is given up at its next step, so the one that matters does not
  wait for it;
- the worker (worker.py) interprets one utterance at a time under the latency budget,
  printing text before the speech starts and handing speech to the speaker piece by
  piece, and prepares the first piece during the endpoint silence;
- the speaker's (audio/speaker.py) feeds the pieces in order to PortAudio's callback
  and says when each turn's first sample leaves the device.

`Playback` (playback.py) keeps the turns between the worker and the speaker and
reports each once its first audio is out; `LiveSession` owns the threads and wires
the parts together. Under systemd it says when it listens and when it stops, and the
listener feeds the service's watchdog with each frame it takes (service_notify.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from interpreter.asr.vad import Endpointer, SpeechProbability
from interpreter.core.chinese import SimplifiedChinese
from interpreter.core.clock import Clock, MonotonicClock
from interpreter.core.vocabulary import Mode
from interpreter.live.events import PairChange, Press, SessionEvents
from interpreter.live.listener import EchoGuard, Listener, Microphone
from interpreter.live.options import LiveOptions
from interpreter.live.parties import Parties, PlaybackGate
from interpreter.live.playback import Playback, Speaker
from interpreter.live.reader import Reader
from interpreter.live.reading import ReadingPolicy
from interpreter.live.service_notify import ServiceNotifier, Watchdog
from interpreter.live.summary import SessionSummary
from interpreter.live.turn_end import TurnEnd, TurnEndJudge
from interpreter.live.worker import Worker
from interpreter.turn.pipeline import Interpreter

# The names the rest of the package imports from here.
__all__ = ["LiveOptions", "LiveSession", "PairChange", "Press", "SessionEvents"]


class SessionSpeaker(Speaker, Protocol):
    """A speaker the session starts, stops and watches (see `Speaker`)."""

    @property
    def error(self) -> BaseException | None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class LiveSession:
    def __init__(
        self,
        interpreter: Interpreter,
        endpointer: Endpointer,
        microphone: Microphone,
        options: LiveOptions,
        out: Callable[[str], None] = print,
        clock: Clock | None = None,
        barge_vad: SpeechProbability | None = None,
        events: SessionEvents | None = None,
        service: ServiceNotifier | None = None,
    ) -> None:
        """`service`: the service manager to tell when the session listens and stops,
        and whose watchdog the listener feeds (None: no one, as outside systemd)."""
        events = events or SessionEvents()
        clock = clock or MonotonicClock()
        policy = ReadingPolicy.of(options)
        self._service = service or ServiceNotifier()
        self.watchdog = Watchdog(self._service, clock)
        self._microphone = microphone
        self._speaker: SessionSpeaker | None = None
        # How turns are taken (the endpointer's, or a button's), for the whole session.
        self.mode = options.mode
        self._stop = threading.Event()
        self.summary = SessionSummary()
        self.gate = PlaybackGate(options.gate)
        self.playback = Playback(
            self.gate,
            self.summary,
            events,
            out,
            clock,
            options.trace,
            audio_overflows=lambda: microphone.dropped_frames + microphone.device_overflows,
        )
        self.worker = Worker(interpreter, options, self.playback, events, out, self._stop)
        turn_end = None
        if options.turn_end.enabled and options.mode is Mode.CONVERSATION:
            judge = TurnEndJudge(interpreter.translator.book_holds)
            turn_end = TurnEnd(options.turn_end, judge, SimplifiedChinese().convert)
        self.reader = Reader(
            interpreter.transcriber,
            policy,
            lambda: self.worker.parties,
            self.worker.offer_preview,
            events,
            out,
            self._stop,
            turn_end,
        )
        self.listener = Listener(
            options,
            policy,
            microphone,
            endpointer,
            EchoGuard(self.gate, options.gate, barge_vad),
            self.reader,
            self.worker.submit,
            self.interrupt_playback,
            self._barged_in,
            events,
            clock,
            self._stop,
            heartbeat=self.watchdog.beat,
            turn_end=turn_end,
            prepared=self.worker.prepared if policy.prepares(now=True) else None,
        )
        self.presses = self.listener.presses

    # The speaker reports to the session; it is attached after both exist.
    def attach_speaker(self, speaker: SessionSpeaker) -> None:
        self._speaker = speaker
        self.playback.attach(speaker)

    def playback_started(self, utterance_id: int, now_s: float) -> None:
        self.playback.started(utterance_id, now_s)

    def playback_stopped(self, now_s: float) -> None:
        self.playback.stopped(now_s)

    def change_pair(self, change: PairChange) -> None:
        """Use another pair (and its translator and voices) from the next turn on."""
        self.worker.change_pair(change)

    @property
    def parties(self) -> Parties:
        return self.worker.parties

    def request_back_translation(self) -> None:
        """Put the last turn's translation back into its speaker's language (on the
        worker, between turns), so the speaker can check what the other party heard."""
        self.worker.request_back_translation()

    def interrupt_playback(self) -> None:
        """A party talks over the device or presses to talk: the playback stops, and
        no turn before now says another word (their text has been shown)."""
        self.playback.interrupt(self.worker.sequence)

    def _barged_in(self) -> None:
        self.playback.count_barge_in()
        self.interrupt_playback()

    def settled(self) -> bool:
        """No utterance waits for the worker and no turn is being interpreted or
        waits to sound (the speaker's own queue aside)."""
        return self.worker.jobs.empty() and self.playback.held == 0

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def run(self, until: threading.Event | None = None) -> SessionSummary:
        """Listen and interpret until `stop()` (or `until` is set, or the microphone
        gives up); then join every thread and return what happened."""
        workers = [
            threading.Thread(target=self.listener.run, name="listener", daemon=True),
            threading.Thread(target=self.reader.run, name="reader", daemon=True),
            threading.Thread(target=self.worker.run, name="worker", daemon=True),
        ]
        self._microphone.start()
        if self._speaker is not None:
            self._speaker.start()
        # The devices are open: ready, before the listener's first frame feeds the watchdog.
        self._service.ready("listening")
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
            self._service.stopping()
            self._stop.set()
            for worker in workers:
                worker.join(timeout=30.0)
            self._microphone.stop()
            if self._speaker is not None:
                self._speaker.stop()
            self.playback.report_finished()
        self.summary.frames_dropped = self._microphone.dropped_frames
        self.summary.device_overflows = self._microphone.device_overflows
        self.summary.speaker_underruns = getattr(self._speaker, "underruns", 0)
        return self.summary
