"""The speaker: speech chunks in, a device that never runs dry out.

PortAudio pulls samples through a callback and gets silence when nothing is waiting,
so the stream never underruns between turns (a blocking write that is paced to the
clock leaves the device one block from empty, and a sound server then fills the
speech with clicks). The callback only copies samples and notes when an utterance's
first sample will leave the device (PortAudio's DAC time, mapped onto the pipeline's
clock); this module's thread resamples each utterance as one stream, so no chunk edge
clicks, and tells the session when speech starts and stops.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from interpreter.audio.devices import DeviceInfo, PlaybackStream, PortAudio
from interpreter.audio.files import to_int16
from interpreter.audio.resample import StreamResampler
from interpreter.audio.streams import DeviceStream, Pacer, StreamOptions
from interpreter.core.clock import Clock
from interpreter.core.errors import InputError
from interpreter.core.types import SpeechChunk


@dataclass(frozen=True)
class Sounded:
    """What the callback saw: an utterance's first sample (or, with None, the last
    sample before silence) leaving the device at `t_s` on the pipeline's clock."""

    utterance_id: int | None
    t_s: float


class CallbackTime(Protocol):
    """PortAudio's times for a callback's block (sounddevice passes its C struct)."""

    @property
    def currentTime(self) -> float: ...

    @property
    def outputBufferDacTime(self) -> float: ...


class CallbackFlags(Protocol):
    """sounddevice's `CallbackFlags`, as far as the speaker reads them."""

    @property
    def output_underflow(self) -> bool: ...


class Tape:
    """Samples waiting for the device, at its rate, in the order they will sound.

    `clear` starts a new epoch: a piece made for an earlier one (resampled while the
    party interrupted) is dropped when it arrives, and the next block reports the
    silence even if more of the same utterance follows."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pieces: deque[tuple[int, np.ndarray]] = deque()
        self._used = 0  # samples of the first piece already taken
        self._sounding: int | None = None
        self._cut = False
        self.epoch = 0
        self.waiting = 0

    def add(self, utterance_id: int, samples: np.ndarray, epoch: int) -> None:
        """Queue samples made during `epoch`; dropped if the tape was cleared since."""
        if len(samples) == 0:
            return
        with self._lock:
            if epoch != self.epoch:
                return
            self._pieces.append((utterance_id, samples))
            self.waiting += len(samples)

    def clear(self) -> None:
        """Drop what waits; the callback's next block notes the silence."""
        with self._lock:
            self._pieces.clear()
            self._used = 0
            self.waiting = 0
            self.epoch += 1
            self._cut = self._sounding is not None

    def stopped(self) -> bool:
        """The device is gone: drop what waits; True if something was sounding."""
        self.clear()
        with self._lock:
            sounding, self._sounding, self._cut = self._sounding, None, False
        return sounding is not None

    def take(self, out: np.ndarray) -> list[tuple[int | None, int]]:
        """Fill `out` (silence where nothing waits); returns (utterance id, or None
        for the start of silence; the offset in `out`) for each change of sound."""
        changes: list[tuple[int | None, int]] = []
        filled = 0
        with self._lock:
            if self._cut:
                self._cut, self._sounding = False, None
                changes.append((None, 0))
            while filled < len(out) and self._pieces:
                utterance_id, samples = self._pieces[0]
                if utterance_id != self._sounding:
                    self._sounding = utterance_id
                    changes.append((utterance_id, filled))
                count = min(len(out) - filled, len(samples) - self._used)
                out[filled : filled + count] = samples[self._used : self._used + count]
                filled += count
                self._used += count
                self.waiting -= count
                if self._used == len(samples):
                    self._pieces.popleft()
                    self._used = 0
            if filled < len(out):
                out[filled:] = 0
                if self._sounding is not None:
                    self._sounding = None
                    changes.append((None, filled))
        return changes


class Speaker(DeviceStream[PlaybackStream]):
    """Plays speech chunks in order; `interrupt` drops what is queued and what the
    device has not taken yet (a party talking over the device)."""

    kind = "output"

    def __init__(
        self,
        device: int | str | None,
        clock: Clock,
        options: StreamOptions | None = None,
        say: Callable[[str], None] = print,
        on_start: Callable[[int, float], None] | None = None,
        on_stop: Callable[[float], None] | None = None,
        sound: PortAudio | None = None,
    ) -> None:
        super().__init__(device, clock, options, say, sound)
        self._queue: queue.Queue[SpeechChunk] = queue.Queue(maxsize=64)
        self._tape = Tape()
        self._sounded: queue.SimpleQueue[Sounded] = queue.SimpleQueue()
        self._on_start = on_start or (lambda utterance_id, t_s: None)
        self._on_stop = on_stop or (lambda t_s: None)
        # Set by the callback: blocks the device asked for too late (an underrun).
        self.underruns = 0
        self._restart_pacing()

    def say_chunk(self, chunk: SpeechChunk) -> bool:
        """Queue a chunk (waiting while the queue is full); False once stopped."""
        while not self._stop.is_set():
            try:
                self._queue.put(chunk, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def interrupt(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._tape.clear()

    @property
    def idle(self) -> bool:
        """Nothing waits to be played."""
        return self._queue.empty() and not self._tape.waiting

    def _restart_pacing(self) -> None:
        """A new stream: its clock (or lack of one) is found again from its start.
        A clockless device is kept ahead by about a real one's buffer."""
        keep_ahead_s = 2.0 * self._options.output_block_ms / 1000.0
        self._pacer, self._delivered = Pacer(keep_ahead_s=keep_ahead_s), 0

    def _make(self, sd: PortAudio, info: DeviceInfo) -> PlaybackStream:
        self._restart_pacing()
        return sd.OutputStream(
            device=info.index,
            samplerate=info.default_sample_rate,
            channels=1,
            dtype="int16",
            blocksize=max(1, info.default_sample_rate * self._options.output_block_ms // 1000),
            latency=self._options.output_latency,
            callback=self._callback,
        )

    def _callback(
        self, outdata: np.ndarray, frames: int, time_info: CallbackTime, status: CallbackFlags
    ) -> None:
        """PortAudio's thread: copy, note, and pace a device that runs ahead."""
        now_s = self._clock.now()
        self.underruns += int(bool(status.output_underflow))
        rate = self.device_rate
        # When this block would start sounding on a device that keeps real time.
        due_s = self._pacer.started_s(now_s) + self._delivered / rate
        wait_s = self._pacer.wait_s(self._delivered / rate, now_s)
        self._delivered += frames
        if wait_s > 0:
            self._stop.wait(wait_s)
        changes = self._tape.take(outdata[:, 0])
        if self._pacer.clockless:
            leaves_s = due_s
        else:
            leaves_s = now_s + max(0.0, time_info.outputBufferDacTime - time_info.currentTime)
        for utterance_id, offset in changes:
            self._sounded.put(Sounded(utterance_id, leaves_s + offset / rate))

    def _run(self) -> None:
        sd = self.portaudio()
        failures = 0  # streams in a row that stopped soon after opening
        while not self._stop.is_set():
            stream = self._open()
            if stream is None:
                return
            opened_s = self._clock.now()
            try:
                self._feed(stream)
            except sd.PortAudioError as error:
                self._say(f"sound output {self.device_name!r} stopped ({error}); reopening")
            finally:
                stream.close()
                self._report()
                if self._tape.stopped():
                    self._on_stop(self._clock.now())
            if self._stop.is_set():
                return
            quick = self._clock.now() - opened_s < self._options.retry_s * self._options.retries
            failures = failures + 1 if quick else 0
            if failures > self._options.retries:
                self.error = InputError(
                    f"sound output {self.device_name!r} keeps stopping; check the cable, or "
                    "pick another with --output-device (see `interpreter devices`)"
                )
                self._stop.set()
                return
            self._stop.wait(self._options.retry_s)

    def _feed(self, stream: PlaybackStream) -> None:
        """Resample what the worker says onto the tape, each utterance as one stream,
        keeping at most `output_ahead_s` there; report what the callback saw."""
        rate = self.device_rate
        most = int(self._options.output_ahead_s * rate)
        resampler, current = None, None
        while not self._stop.is_set():
            self._report()
            if not stream.active:
                self._say(f"sound output {self.device_name!r} stopped; reopening")
                return
            if self._tape.waiting > most:
                self._stop.wait(0.01)
                continue
            epoch = self._tape.epoch
            try:
                chunk = self._queue.get(timeout=0.01)
            except queue.Empty:
                continue
            if resampler is None or chunk.utterance_id != current:
                resampler = StreamResampler(chunk.sample_rate, rate)
                current = chunk.utterance_id
            self._tape.add(chunk.utterance_id, to_int16(resampler(chunk.samples)), epoch)

    def _report(self) -> None:
        while True:
            try:
                sounded = self._sounded.get_nowait()
            except queue.Empty:
                return
            if sounded.utterance_id is None:
                self._on_stop(sounded.t_s)
            else:
                self._on_start(sounded.utterance_id, sounded.t_s)
