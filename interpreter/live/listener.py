"""The listener: turns microphone frames into utterances, on its own thread.

The endpointer (a conversation) or the push-to-talk buttons say where an utterance
ends; the echo gate keeps the microphone deaf to the device's own voice, except to a
party talking over it. It never reads words itself: a reading takes longer than the
frames it waits for, and a listener busy reading ends every utterance late. It asks
the reader instead, for the newest audio, as often as the `ReadingPolicy` says.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable
from typing import Protocol

import numpy as np

from interpreter.asr.early import EarlyRecognizer
from interpreter.asr.vad import Endpointer, SpeechProbability
from interpreter.asr.vad import State as EndpointerState
from interpreter.core.clock import Clock
from interpreter.core.types import Frame, Utterance
from interpreter.core.vocabulary import Mode, Party, State
from interpreter.live.events import Press, SessionEvents
from interpreter.live.options import LiveOptions
from interpreter.live.parties import GateOptions, PlaybackGate, PushToTalk
from interpreter.live.reader import Reader
from interpreter.live.reading import ReadingPolicy
from interpreter.live.turn_end import TurnEnd

# Where an ended utterance goes: the utterance, the recognizer that read it, its party
# when a button said it, and when it ended on the session's clock.
HandOn = Callable[[Utterance, EarlyRecognizer | None, Party | None, float], None]
# Whether the first piece of an utterance whose voice stopped after this much audio is
# ready (or will not be made).
Prepared = Callable[[EarlyRecognizer, float], bool]


class Microphone(Protocol):
    """What the session asks of a microphone (audio/streams.py's, or a stand-in)."""

    @property
    def frames(self) -> queue.Queue[Frame]: ...

    @property
    def error(self) -> BaseException | None: ...

    @property
    def dropped_frames(self) -> int: ...

    @property
    def device_overflows(self) -> int: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class EchoGuard:
    """The frames to listen to: none while the device speaks, unless a party is
    talking over it, when the frames that showed it are heard too."""

    def __init__(
        self, gate: PlaybackGate, options: GateOptions, vad: SpeechProbability | None
    ) -> None:
        """`vad`: what tells a party's voice from noise (None: nothing is speech, so
        nobody ever talks over the device)."""
        self._gate = gate
        self._options = options
        self._vad = vad
        self._carry = np.zeros(0, np.float32)
        self._probability = 0.0
        # The frames the gate kept from the listener lately: when a party turns out to
        # be talking over the device, they are the start of their words (the loud time
        # that proves it builds up over a syllable or two; see PlaybackGate).
        self._held: deque[Frame] = deque()
        self._held_s = 0.0

    def hear(self, frame: Frame) -> tuple[list[Frame], bool]:
        """(the frames to listen to, whether a party has just barged in)."""
        if not self._options.enabled or not self._gate.playing:
            self._held.clear()
            self._held_s = 0.0
            self._carry = self._carry[:0]
            listen, _ = self._gate.hear(frame, 0.0)
            return ([frame] if listen else []), False
        listen, barge_in = self._gate.hear(frame, self._speech_probability(frame))
        self._hold(frame)
        if not barge_in:
            return ([frame] if listen else []), False
        held = list(self._held)
        self._held.clear()
        self._held_s = 0.0
        return held, True

    def _hold(self, frame: Frame) -> None:
        keep_s = (4 * self._options.barge_in_ms) / 1000.0
        self._held.append(frame)
        self._held_s += len(frame.samples) / frame.sample_rate
        while len(self._held) > 1 and self._held_s > keep_s:
            oldest = self._held.popleft()
            self._held_s -= len(oldest.samples) / oldest.sample_rate

    def _speech_probability(self, frame: Frame) -> float:
        """Silero reads whole windows; a microphone's frames need not be whole windows
        (44.1 kHz resampled to 16 kHz is not), so the remainder waits for the next."""
        vad = self._vad
        if vad is None:
            return 0.0
        samples = np.concatenate([self._carry, frame.samples.astype(np.float32)])
        window = vad.window_samples
        usable = len(samples) // window * window
        self._carry = samples[usable:]
        if usable:
            self._probability = float(np.max(vad.probabilities(samples[:usable])))
        return self._probability


class Listener:
    def __init__(
        self,
        options: LiveOptions,
        policy: ReadingPolicy,
        microphone: Microphone,
        endpointer: Endpointer,
        guard: EchoGuard,
        reader: Reader,
        hand_on: HandOn,
        interrupt: Callable[[], None],
        barged_in: Callable[[], None],
        events: SessionEvents,
        clock: Clock,
        stop: threading.Event,
        heartbeat: Callable[[], None] | None = None,
        turn_end: TurnEnd | None = None,
        prepared: Prepared | None = None,
    ) -> None:
        """`turn_end`: how long a pause ends a turn, from the words read as the voice
        stopped (None: the endpointer's own fixed pause); `prepared`: whether the first
        piece of a turn whose voice stopped is ready (or will not be made), the pause
        held until it is (see `TurnEndOptions.first_piece_wait_ms`; None: never held);
        `hand_on`: takes each
        utterance to the worker; `interrupt`: stops the
        playback (a press); `barged_in`: a party talks over the device; `heartbeat`:
        called with each frame taken from the microphone (it feeds the service's
        watchdog, so a stuck listener or a silent microphone starves it)."""
        self._options = options
        self._policy = policy
        self._microphone = microphone
        self._endpointer = endpointer
        self._guard = guard
        self._reader = reader
        self._hand_on = hand_on
        self._interrupt = interrupt
        self._barged_in = barged_in
        self._events = events
        self._clock = clock
        self._stop = stop
        self._heartbeat = heartbeat or (lambda: None)
        self._turn_end = turn_end
        self._prepared = prepared
        # Whether the pause is held now for the first piece (see `_set_wait`).
        self._holding = False
        self.presses: queue.Queue[Press] = queue.Queue(maxsize=16)

    def submit(
        self, utterance: Utterance, early: EarlyRecognizer | None, party: Party | None
    ) -> None:
        """Hand an utterance on once the reader is done with it. The wait for the
        reader counts as the turn's time after its endpoint."""
        endpoint_s = self._clock.now()
        self._reader.end()
        self._hand_on(utterance, early, party, endpoint_s)

    def run(self) -> None:
        ptt = PushToTalk() if self._options.mode is Mode.PUSH_TO_TALK else None
        early = self._reader.begin(None)
        stopping = read_now = False
        stopped_s = 0.0  # the audio heard when the voice last stopped
        while not self._stop.is_set():
            for press in self._drain_presses():
                self._interrupt()
                if ptt is not None:
                    before = ptt.speaking
                    if press.down:
                        done = ptt.press(press.party, self._clock.now(), toggle=press.toggle)
                    else:
                        done = ptt.release(press.party, self._clock.now())
                    if ptt.speaking is not None:
                        self._events.status(State.HEARING)
                    # The turn that ended goes with the recognizer that heard it; the
                    # one that starts (the other party taking over) gets its own.
                    for utterance in done:
                        self.submit(utterance, early, utterance.speaker_hint)
                    if done or ptt.speaking is not before:
                        early = self._reader.begin(ptt.speaking)
            try:
                frame = self._microphone.frames.get(timeout=0.004 if self._holding else 0.05)
            except queue.Empty:
                if self._holding and self._end_held(early, stopped_s):
                    early, read_now, stopping = self._reader.begin(None), False, False
                continue
            self._heartbeat()
            if ptt is not None:
                finished = ptt.push(frame)
                for utterance in finished:  # a turn cut at the maximum length goes on
                    self.submit(utterance, early, utterance.speaker_hint)
                    early = self._reader.begin(ptt.speaking)
                audio = ptt.current_audio()
            else:
                heard, barged_in = self._guard.hear(frame)
                if barged_in:
                    self._barged_in()
                if not heard:
                    continue
                for piece in heard:
                    self._set_wait(early, stopped_s)
                    for utterance in self._endpointer.push(piece):
                        self.submit(utterance, early, None)
                        early, read_now = self._reader.begin(None), False
                audio = self._endpointer.current_audio()
                voice_stopped = self._endpointer.state is EndpointerState.STOPPING
                just_stopped = self._policy.voice_just_stopped(voice_stopped, stopping)
                if just_stopped and audio is not None:
                    stopped_s = len(audio) / frame.sample_rate
                read_now = read_now or just_stopped
                stopping = voice_stopped
            # Once the voice has stopped, the reading asked for then is the last: one
            # of the silence after it would only take the CPU from the answer's making.
            if audio is None or self._behind(frame) or (stopping and not read_now):
                continue
            party = ptt.speaking if ptt is not None else None
            self._reader.ask(early, audio, frame.sample_rate, now=read_now, party=party)
            read_now = False

    def _set_wait(self, early: EarlyRecognizer, stopped_s: float) -> None:
        """The pause that ends the utterance: the words' verdict once the voice has
        stopped (the endpointer's fixed pause without the sentence-aware endpoint), held
        while the first piece of the answer is being made; while it speaks, the longest
        (its first quiet window is no end)."""
        turn_end = self._turn_end
        stopping = self._endpointer.state is EndpointerState.STOPPING
        if turn_end is None:
            pause_ms = self._endpointer.options.min_silence_ms
        elif stopping:
            pause_ms = turn_end.silence_ms(early, stopped_s)
        else:
            pause_ms = turn_end.options.unfinished_silence_ms
        hold_ms = self._options.turn_end.first_piece_wait_ms
        prepared = self._prepared
        self._holding = bool(
            stopping and prepared is not None and hold_ms and not prepared(early, stopped_s)
        )
        self._endpointer.wait(max(pause_ms, hold_ms) if self._holding else pause_ms)

    def _end_held(self, early: EarlyRecognizer, stopped_s: float) -> bool:
        """End a held utterance as soon as its first piece is ready, between two
        windows (the next one comes up to 32 ms later), when its voice has been quiet
        for the pause it would have had without the hold; whether it ended."""
        self._set_wait(early, stopped_s)
        if self._holding:
            return False
        utterance = self._endpointer.end_if_quiet()
        if utterance is None:
            return False
        self.submit(utterance, early, None)
        return True

    def _behind(self, frame: Frame) -> bool:
        waiting_s = self._microphone.frames.qsize() * len(frame.samples) / frame.sample_rate
        return self._policy.behind(waiting_s)

    def _drain_presses(self) -> list[Press]:
        presses = []
        while True:
            try:
                presses.append(self.presses.get_nowait())
            except queue.Empty:
                return presses
