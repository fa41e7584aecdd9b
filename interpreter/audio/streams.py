"""Live sound streams: opening a device with retries, and the microphone.

Each stream has a thread of its own. A device that fails mid-session is reopened after
a pause, with a message, a few times before giving up. A device that delivers faster
than real time (an ALSA `file` PCM, a virtual cable) is paced to the clock, so a
replayed recording behaves like a microphone.

Every sample is placed on the pipeline's clock by where it lies in the stream, not by
when a read happened to return: a read returns late, never early, so the earliest
placement seen lately is the true one (see `SampleClock`). Latencies measured from the
speaker's last voiced sample then hold for a whole day, whatever the sound server's
buffering.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from interpreter.audio import devices
from interpreter.audio.devices import (
    CaptureStream,
    DeviceInfo,
    NoSoundDevice,
    PortAudio,
    SoundStream,
    find_device,
    list_devices,
)
from interpreter.audio.files import ASR_SAMPLE_RATE
from interpreter.audio.resample import StreamResampler
from interpreter.core.clock import Clock
from interpreter.core.errors import InputError
from interpreter.core.types import Frame


@dataclass(frozen=True)
class StreamOptions:
    # Samples moved per microphone read: small enough for a prompt endpoint, large
    # enough that Python keeps up on two busy cores.
    block_ms: int = 32
    # Frames waiting for the listener; beyond this they are dropped and counted.
    queue_s: float = 2.0
    # A missing, busy or unplugged device is tried again after this pause (a cable
    # pushed back in is found without a restart),
    retry_s: float = 2.0
    # this many times before the session stops with a one-line error.
    retries: int = 5
    # PortAudio's suggested speaker latency in seconds, a buffer that rides out a
    # callback kept waiting by a busy CPU (its time is counted in every latency the
    # session reports).
    output_latency: str | float = 0.05
    # Samples the speaker's callback moves at a time: the device's buffer holds a few
    # of them, so a speech's first sample waits that much longer to sound.
    output_block_ms: int = 10
    # Speech resampled and waiting for the speaker's callback, at most: an
    # interruption drops it at once, and the worker is held back beyond it.
    output_ahead_s: float = 1.0


class Pacer:
    """Holds back a device without a clock of its own.

    An ALSA `file` PCM on a `null` slave delivers (or takes) samples as fast as it is
    asked, so a replayed recording would be heard in a moment. Such a device is seconds
    ahead of the clock at once; a real one never is, at its start (a buffer filled
    ahead) or later (a crystal 100 ppm off drifts a third of a second an hour, and
    holding it back for that would overflow or starve it). So the decision is made in
    the first `decide_within_s` of sound, once that much has also passed on the clock
    (a thread starved while the models warm up moves little sound, and decides
    nothing), and only a device found clockless then is paced, to `keep_ahead_s` ahead
    of the clock."""

    def __init__(
        self,
        keep_ahead_s: float = 0.0,
        clockless_ahead_s: float = 0.25,
        decide_within_s: float = 2.0,
    ) -> None:
        self._keep_ahead_s = keep_ahead_s
        self._clockless_ahead_s = clockless_ahead_s
        self._decide_within_s = decide_within_s
        self._started_s: float | None = None
        self.clockless: bool | None = None  # None: not decided yet

    def started_s(self, now_s: float) -> float:
        if self._started_s is None:
            self._started_s = now_s
        return self._started_s

    def wait_s(self, audio_s: float, now_s: float) -> float:
        """How long to wait before moving more than `audio_s` of sound since the start."""
        ahead_s = self.started_s(now_s) + audio_s - now_s
        if self.clockless is None:
            if ahead_s > self._clockless_ahead_s:
                self.clockless = True
            elif min(audio_s, now_s - self.started_s(now_s)) > self._decide_within_s:
                self.clockless = False
        if not self.clockless:
            return 0.0
        return max(0.0, ahead_s - self._keep_ahead_s)


class SampleClock:
    """Where a stream's samples lie on the pipeline's clock.

    A read that returns at `now_s` holds samples captured no later than `now_s` less
    the device's latency; scheduling only ever makes it later. So each read gives an
    upper bound of the stream's origin, and the least of the last `window` bounds is
    the origin: steady to the sample, and following a device clock that drifts from
    ours (a USB card's 100 ppm is a third of a second an hour)."""

    def __init__(self, sample_rate: int, window: int = 64) -> None:
        self._rate = sample_rate
        self._origins: deque[float] = deque(maxlen=window)
        self.samples = 0

    def lost(self) -> None:
        """The device dropped samples (an overflow): the bounds seen so far no longer
        hold for the samples that follow."""
        self._origins.clear()

    def place(self, count: int, now_s: float, latency_s: float = 0.0) -> float:
        """The time of the first of `count` samples just read."""
        first = self.samples
        self.samples += count
        self._origins.append(now_s - latency_s - self.samples / self._rate)
        return min(self._origins) + first / self._rate


_Stream = TypeVar("_Stream", bound=SoundStream)


class DeviceStream(Generic[_Stream]):
    """Opening with retries and naming the device in every message, for both ends."""

    kind = "input"

    def __init__(
        self,
        device: int | str | None,
        clock: Clock,
        options: StreamOptions | None = None,
        say: Callable[[str], None] = print,
        sound: PortAudio | None = None,
    ) -> None:
        self._wanted = device
        # PortAudio, or what stands in its place (audio/filesound.py: files).
        self._sound = sound
        self._clock = clock
        self._options = options or StreamOptions()
        self._say = say
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: InputError | None = None
        self.device_name = "default"
        self.device_rate = 0

    def portaudio(self) -> PortAudio:
        return self._sound if self._sound is not None else devices.portaudio()

    def _open(self) -> _Stream | None:
        """An open, started stream; None when stopping."""
        sd = self.portaudio()
        tries = 0
        while not self._stop.is_set():
            try:
                info = find_device(self._wanted, self.kind, list_devices(sd))
                self.device_name, self.device_rate = info.name, info.default_sample_rate
                stream = self._make(sd, info)
                stream.start()
                return stream
            except NoSoundDevice as error:  # said at once: retrying finds none either
                flag = "--input-file talk.wav" if self.kind == "input" else "--output-file out.wav"
                self.error = InputError(f"{error}; or try it on a file: {flag}")
                self._stop.set()
                return None
            except (InputError, sd.PortAudioError, ValueError) as error:
                tries += 1
                problem = str(error).split(";")[0]
                if tries > self._options.retries:
                    self.error = InputError(
                        f"sound {self.kind} {self._label()} is not available ({problem}); "
                        f"check the cable, or pick another with --{self.kind}-device "
                        "(see `interpreter devices`)"
                    )
                    self._stop.set()
                    return None
                self._say(
                    f"sound {self.kind} {self._label()} not available ({problem}); "
                    f"retrying in {self._options.retry_s:g} s"
                )
                self._stop.wait(self._options.retry_s)
        return None

    def _label(self) -> str:
        return repr(self._wanted) if self._wanted is not None else "(default)"

    def _make(self, sd: PortAudio, info: DeviceInfo) -> _Stream:
        raise NotImplementedError

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"audio-{self.kind}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def _run(self) -> None:
        raise NotImplementedError


class Microphone(DeviceStream[CaptureStream]):
    """16 kHz mono frames from an input device, stamped on the pipeline's clock."""

    kind = "input"

    def __init__(
        self,
        device: int | str | None,
        clock: Clock,
        options: StreamOptions | None = None,
        say: Callable[[str], None] = print,
        sound: PortAudio | None = None,
    ) -> None:
        super().__init__(device, clock, options, say, sound)
        blocks = max(2, int(self._options.queue_s * 1000 / self._options.block_ms))
        self.frames: queue.Queue[Frame] = queue.Queue(maxsize=blocks)
        self.device_overflows = 0
        self.dropped_frames = 0

    def _make(self, sd: PortAudio, info: DeviceInfo) -> CaptureStream:
        # 16-bit, the format nearly every microphone delivers: with float32, ALSA's
        # plug converter drops frames on some capture paths (alsa-lib 1.2.8).
        return sd.InputStream(
            device=info.index, samplerate=info.default_sample_rate, channels=1, dtype="int16"
        )

    def _run(self) -> None:
        sd = self.portaudio()
        while not self._stop.is_set():
            stream = self._open()
            if stream is None:
                return
            rate = self.device_rate
            resampler = StreamResampler(rate, ASR_SAMPLE_RATE)
            block = max(1, rate * self._options.block_ms // 1000)
            latency_s = float(getattr(stream, "latency", 0.0) or 0.0)
            placed, pacer = SampleClock(rate), Pacer()
            try:
                while not self._stop.is_set():
                    data, overflowed = stream.read(block)
                    if overflowed:
                        self.device_overflows += 1
                        placed.lost()
                    t_s = placed.place(len(data), self._clock.now(), latency_s)
                    samples = resampler(data[:, 0].astype(np.float32) / 32768.0)
                    try:
                        self.frames.put_nowait(Frame(samples, ASR_SAMPLE_RATE, t_s))
                    except queue.Full:
                        self.dropped_frames += 1
                    wait_s = pacer.wait_s(placed.samples / rate, time.monotonic())
                    if wait_s > 0.005:
                        self._stop.wait(wait_s)
            except sd.PortAudioError as error:
                self._say(f"sound input {self.device_name!r} stopped ({error}); reopening")
            finally:
                stream.close()
