"""Microphones and speakers: the only module that imports sounddevice.

PortAudio is a system library; without it, or without a device, the error says how
to get sound or to write a file instead. Live streams are read and written by one
thread each, in blocks: a pull from the device cannot block a callback, and a device
that delivers faster than real time (an ALSA `file` PCM, a virtual cable) is paced to
the clock, so a replayed recording behaves like a microphone. A device that fails
mid-session is reopened after a pause, with a message, a few times before giving up.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from interpreter.audio.files import ASR_SAMPLE_RATE, resample, to_int16
from interpreter.audio.resample import StreamResampler
from interpreter.clock import Clock
from interpreter.errors import InputError
from interpreter.types import Frame, SpeechChunk


def _sounddevice():  # -> module
    try:
        import sounddevice
    except OSError:
        raise InputError(
            "PortAudio is not installed, so there is no sound; "
            "run `sudo apt install libportaudio2` or use --out FILE.wav"
        ) from None
    return sounddevice


def play(samples: np.ndarray, sample_rate: int, device: int | str | None = None) -> None:
    """Play and wait until the speaker is done."""
    sd = _sounddevice()
    try:
        sd.play(samples.astype(np.float32), samplerate=sample_rate, device=device, blocking=True)
    except (sd.PortAudioError, ValueError) as error:
        raise InputError(
            f"cannot play on output device {device if device is not None else 'default'} "
            f"({error}); connect a speaker (check `aplay -l`) or use --out FILE.wav"
        ) from None


@dataclass(frozen=True)
class DeviceInfo:
    index: int
    name: str
    host_api: str
    input_channels: int
    output_channels: int
    default_sample_rate: int
    is_default_input: bool = False
    is_default_output: bool = False


def list_devices() -> list[DeviceInfo]:
    sd = _sounddevice()
    try:
        devices = sd.query_devices()
        apis = sd.query_hostapis()
        default_in, default_out = sd.default.device
    except sd.PortAudioError as error:
        raise InputError(f"cannot list sound devices ({error}); check `aplay -l`") from None
    return [
        DeviceInfo(
            index=index,
            name=str(device["name"]),
            host_api=str(apis[device["hostapi"]]["name"]),
            input_channels=int(device["max_input_channels"]),
            output_channels=int(device["max_output_channels"]),
            default_sample_rate=int(device["default_samplerate"]),
            is_default_input=index == default_in,
            is_default_output=index == default_out,
        )
        for index, device in enumerate(devices)
    ]


def find_device(wanted: int | str | None, kind: str, devices: list[DeviceInfo]) -> DeviceInfo:
    """The device for `--input-device` / `--output-device`: an index, or a part of a
    name (a USB microphone's name survives replugging, its index may not)."""
    usable = [d for d in devices if (d.input_channels if kind == "input" else d.output_channels)]
    hint = f"run `interpreter devices` to list the {kind}s"
    if not usable:
        raise InputError(f"no sound {kind} device found; plug one in ({hint})")
    if wanted is None:
        default = next(
            (d for d in usable if (d.is_default_input if kind == "input" else d.is_default_output)),
            usable[0],
        )
        return default
    if isinstance(wanted, int):
        found = next((d for d in usable if d.index == wanted), None)
        if found is None:
            raise InputError(f"no {kind} device has index {wanted}; {hint}")
        return found
    matches = [d for d in usable if wanted.lower() in d.name.lower()]
    exact = [d for d in matches if d.name.lower() == wanted.lower()]
    if len(exact) == 1:
        return exact[0]
    if not matches:
        raise InputError(f"no {kind} device matches {wanted!r}; {hint}")
    if len(matches) > 1:
        names = ", ".join(repr(d.name) for d in matches[:4])
        raise InputError(f"{kind} device {wanted!r} matches {names}; give more of the name")
    return matches[0]


class NoSoundDevice(InputError):
    """PortAudio works but sees no microphone or speaker. Like grep finding nothing,
    this is exit status 1; a missing PortAudio stays an error (2)."""

    exit_code = 1


def describe_devices(devices: list[DeviceInfo]) -> list[str]:
    """One line per device, for `interpreter devices`; an empty listing would look
    like success, so no device at all is a one-line error that names the fix."""
    if not devices:
        raise NoSoundDevice(
            "PortAudio sees no sound device; plug in the USB sound card or microphone "
            "and check that `aplay -l` and `arecord -l` list it"
        )
    lines = []
    for device in devices:
        roles = [
            role
            for role, has in (
                (f"in {device.input_channels}", device.input_channels),
                (f"out {device.output_channels}", device.output_channels),
            )
            if has
        ]
        marks = [
            mark
            for mark, flag in (
                ("default input", device.is_default_input),
                ("default output", device.is_default_output),
            )
            if flag
        ]
        extra = f"  ({', '.join(marks)})" if marks else ""
        lines.append(
            f"{device.index:3d}  {device.name}  [{device.host_api}; {', '.join(roles)}; "
            f"{device.default_sample_rate} Hz]{extra}"
        )
    return lines


@dataclass(frozen=True)
class StreamOptions:
    block_ms: int = 32
    # Frames waiting for the listener; beyond this they are dropped and counted.
    queue_s: float = 2.0
    # A missing, busy or unplugged device is tried again this often, this many times.
    retry_s: float = 2.0
    retries: int = 5


def _pace(started_s: float, audio_s: float, stop: threading.Event) -> None:
    """Wait until the wall clock has caught up with the audio moved so far; a real
    device is never ahead, so this costs it nothing."""
    ahead_s = started_s + audio_s - time.monotonic()
    if ahead_s > 0.005:
        stop.wait(ahead_s)


class _Stream:
    """Opening with retries and naming the device in every message, for both ends."""

    kind = "input"

    def __init__(
        self,
        device: int | str | None,
        options: StreamOptions,
        say: Callable[[str], None],
    ) -> None:
        self._wanted = device
        self._options = options
        self._say = say
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: InputError | None = None
        self.device_name = "default"
        self.device_rate = 0

    def _open(self):  # -> an open sounddevice stream, or None when stopping
        sd = _sounddevice()
        tries = 0
        while not self._stop.is_set():
            try:
                info = find_device(self._wanted, self.kind, list_devices())
                self.device_name, self.device_rate = info.name, info.default_sample_rate
                stream = self._make(sd, info)
                stream.start()
                return stream
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

    def _make(self, sd, info: DeviceInfo):  # -> stream
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


class Microphone(_Stream):
    """16 kHz mono frames from an input device, stamped on the pipeline's clock."""

    kind = "input"

    def __init__(
        self,
        device: int | str | None,
        clock: Clock,
        options: StreamOptions | None = None,
        say: Callable[[str], None] = print,
    ) -> None:
        options = options or StreamOptions()
        super().__init__(device, options, say)
        self._clock = clock
        blocks = max(2, int(options.queue_s * 1000 / options.block_ms))
        self.frames: queue.Queue[Frame] = queue.Queue(maxsize=blocks)
        self.device_overflows = 0
        self.dropped_frames = 0

    def _make(self, sd, info: DeviceInfo):
        # 16-bit, the format nearly every microphone delivers: with float32, ALSA's
        # plug converter drops frames on some capture paths (alsa-lib 1.2.8).
        return sd.InputStream(
            device=info.index, samplerate=info.default_sample_rate, channels=1, dtype="int16"
        )

    def _run(self) -> None:
        sd = _sounddevice()
        while not self._stop.is_set():
            stream = self._open()
            if stream is None:
                return
            rate = self.device_rate
            resampler = StreamResampler(rate, ASR_SAMPLE_RATE)
            block = max(1, rate * self._options.block_ms // 1000)
            started_s, read = time.monotonic(), 0
            try:
                while not self._stop.is_set():
                    data, overflowed = stream.read(block)
                    self.device_overflows += int(bool(overflowed))
                    read += len(data)
                    samples = resampler(data[:, 0].astype(np.float32) / 32768.0)
                    frame = Frame(samples, ASR_SAMPLE_RATE, self._clock.now() - len(data) / rate)
                    try:
                        self.frames.put_nowait(frame)
                    except queue.Full:
                        self.dropped_frames += 1
                    _pace(started_s, read / rate, self._stop)
            except sd.PortAudioError as error:
                self._say(f"sound input {self.device_name!r} stopped ({error}); reopening")
            finally:
                stream.close()


class Speaker(_Stream):
    """Plays speech chunks in order; `interrupt` drops what is queued and stops the
    sentence playing now at its next block (a party talking over the device)."""

    kind = "output"

    def __init__(
        self,
        device: int | str | None,
        clock: Clock,
        options: StreamOptions | None = None,
        say: Callable[[str], None] = print,
        on_start: Callable[[int, float], None] | None = None,
        on_stop: Callable[[float], None] | None = None,
    ) -> None:
        options = options or StreamOptions()
        super().__init__(device, options, say)
        self._clock = clock
        self._queue: queue.Queue[SpeechChunk] = queue.Queue(maxsize=64)
        self._interrupted = threading.Event()
        self._on_start = on_start or (lambda utterance_id, t_s: None)
        self._on_stop = on_stop or (lambda t_s: None)
        self.played_s = 0.0

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
        self._interrupted.set()
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return

    def _make(self, sd, info: DeviceInfo):
        return sd.OutputStream(
            device=info.index, samplerate=info.default_sample_rate, channels=1, dtype="int16"
        )

    def _run(self) -> None:
        sd = _sounddevice()
        while not self._stop.is_set():
            stream = self._open()
            if stream is None:
                return
            try:
                self._play_from_queue(stream)
            except sd.PortAudioError as error:
                self._say(f"sound output {self.device_name!r} stopped ({error}); reopening")
                self._on_stop(self._clock.now())
            finally:
                stream.close()

    def _play_from_queue(self, stream) -> None:
        rate = self.device_rate
        block = max(1, rate * self._options.block_ms // 1000)
        playing = False
        started_s, written, current = 0.0, 0, -1
        while not self._stop.is_set():
            try:
                chunk = self._queue.get(timeout=0.05)
            except queue.Empty:
                if playing:
                    playing = False
                    self._on_stop(self._clock.now())
                continue
            if not playing:
                self._interrupted.clear()
                playing = True
                started_s, written = time.monotonic(), 0
            if chunk.utterance_id != current or written == 0:
                current = chunk.utterance_id
                self._on_start(chunk.utterance_id, self._clock.now())
            samples = resample(chunk.samples, chunk.sample_rate, rate)
            for start in range(0, len(samples), block):
                if self._interrupted.is_set() or self._stop.is_set():
                    break
                piece = samples[start : start + block]
                stream.write(np.ascontiguousarray(to_int16(piece).reshape(-1, 1)))
                written += len(piece)
                self.played_s += len(piece) / rate
                _pace(started_s, written / rate, self._stop)
            if self._interrupted.is_set():
                playing = False
                self._interrupted.clear()
                self._on_stop(self._clock.now())
