"""Sound from a recording and into a wav, through the same streams as a sound card.

`FileSound` stands where PortAudio stands (`devices.PortAudio`): its input device is a
recording, read as a microphone delivers samples; its output device is a wav that
takes what a speaker would play, silence between answers included. Neither has a
clock: each gives or takes samples as fast as it is asked, and the microphone's and
the speaker's pacers (`streams.Pacer`) hold them to real time, as they hold an ALSA
`file` device. So `interpreter live --input-file talk.wav --output-file out.wav` runs
the whole session (listener, endpointer, echo gate, the speaker's callback) on a
laptop without a sound card, in real time.

After the recording the input gives `tail_s` of silence, so that its last utterance
ends, and sets `ended`; from then on it gives silence. The wav is put in place by
`close()`, with everything the speaker played.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from interpreter.audio.files import ASR_SAMPLE_RATE, Recording, WavWriter
from interpreter.core.errors import InputError

# The files' one rate: the recognizer's. The streams resample to and from it as they
# would for a sound card's.
FILE_RATE_HZ = ASR_SAMPLE_RATE


class FileSoundError(Exception):
    """Where PortAudio would raise its PortAudioError."""


class FileSound:
    """PortAudio's place for a session on files: `--input-file` and `--output-file`."""

    PortAudioError: type[Exception] = FileSoundError

    def __init__(
        self,
        input_path: Path | None = None,
        output_path: Path | None = None,
        tail_s: float = 2.0,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self._devices: list[dict[str, Any]] = []
        self._recording: Recording | None = None
        self._blocks: Iterator[np.ndarray] = iter(())
        self._pending = np.zeros(0, np.float32)
        self._warn = warn or (lambda line: None)
        self._tail_left = int(tail_s * FILE_RATE_HZ)
        self._writer: WavWriter | None = None
        self.output_path = output_path
        self._lock = threading.Lock()
        # Set once the recording and its tail of silence have all been read.
        self.ended = threading.Event()
        # The output file could not be written (a full disk): the session says it.
        self.error: InputError | None = None
        default_in = default_out = -1
        if input_path is not None:
            self._recording = Recording(Path(input_path), FILE_RATE_HZ, warn)
            self._blocks = self._recording.blocks()
            self._pending = next(self._blocks, self._pending)  # not audio: an error now
            default_in = self._add(f"file {input_path}", inputs=1)
        if output_path is not None:
            self._writer = WavWriter(Path(output_path), FILE_RATE_HZ)  # a bad folder: now
            default_out = self._add(f"file {output_path}", outputs=1)
        self.default = SimpleNamespace(device=(default_in, default_out))

    def _add(self, name: str, inputs: int = 0, outputs: int = 0) -> int:
        self._devices.append(
            {
                "name": name, "hostapi": 0, "max_input_channels": inputs,
                "max_output_channels": outputs, "default_samplerate": float(FILE_RATE_HZ),
            }
        )  # fmt: skip
        return len(self._devices) - 1

    # -- PortAudio's calls ----------------------------------------------------------

    def query_devices(self) -> Sequence[Mapping[str, Any]]:
        return list(self._devices)

    def query_hostapis(self) -> Sequence[Mapping[str, Any]]:
        return [{"name": "file"}]

    def play(
        self, data: np.ndarray, samplerate: int, *, device: int | str | None, blocking: bool
    ) -> None:
        raise FileSoundError("a file plays only through a stream")

    def InputStream(self, **settings: Any) -> _FileCapture:
        self._check_rate(settings)
        return _FileCapture(self)

    def OutputStream(self, **settings: Any) -> _FilePlayback:
        self._check_rate(settings)
        if self._writer is None:
            raise FileSoundError("no output file")
        return _FilePlayback(self, int(settings["blocksize"]), settings["callback"])

    @staticmethod
    def _check_rate(settings: Mapping[str, Any]) -> None:
        if int(settings.get("samplerate", FILE_RATE_HZ)) != FILE_RATE_HZ:
            raise FileSoundError(f"a file device runs at {FILE_RATE_HZ} Hz only")

    # -- the files ------------------------------------------------------------------

    def read(self, count: int) -> np.ndarray:
        """The recording's next `count` samples (float32), silence after its end."""
        with self._lock:
            parts, wanted = [], count
            while wanted > 0:
                if not len(self._pending):
                    self._pending = self._next_block()
                    if not len(self._pending):
                        self._end_with_silence(min(wanted, self._tail_left))
                        break
                part, self._pending = self._pending[:wanted], self._pending[wanted:]
                parts.append(part)
                wanted -= len(part)
            out = np.concatenate(parts) if parts else np.zeros(0, np.float32)
            return np.concatenate([out, np.zeros(count - len(out), np.float32)])

    def _next_block(self) -> np.ndarray:
        try:
            return next(self._blocks, np.zeros(0, np.float32))
        except InputError as error:  # damaged further in: what was read is the recording
            self._warn(f"warning: {error}; the rest of the recording is not heard")
            self._blocks = iter(())
            return np.zeros(0, np.float32)

    def _end_with_silence(self, count: int) -> None:
        self._tail_left -= count
        if self._tail_left <= 0:
            self.ended.set()

    def write(self, samples: np.ndarray) -> bool:
        """Add to the wav; False once it cannot be written (the error is kept)."""
        with self._lock:
            if self._writer is None:
                return False
            try:
                self._writer.write(samples)
            except InputError as error:  # the writer removed its temporary file
                self.error, self._writer = error, None
                return False
            return True

    def close(self) -> None:
        """The output wav put in place (a file of what was played, silence included)."""
        with self._lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            writer.commit()

    def abort(self) -> None:
        """Nothing written is left behind."""
        with self._lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            writer.abort()


class _FileCapture:
    """An input stream on the recording: `read` returns at once (no clock)."""

    def __init__(self, sound: FileSound) -> None:
        self._sound = sound
        self.latency = 0.0

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def read(self, frames: int) -> tuple[np.ndarray, bool]:
        samples = self._sound.read(frames)
        return np.round(samples * 32767.0).astype(np.int16).reshape(-1, 1), False


class _Moment:
    """The callback's time: no clock of its own, so now is when the block is asked for."""

    def __init__(self) -> None:
        self.currentTime = self.outputBufferDacTime = time.monotonic()


class _FilePlayback:
    """An output stream into the wav: a thread asks the callback for block after
    block as fast as it answers (the speaker's pacer holds it to real time)."""

    def __init__(
        self, sound: FileSound, blocksize: int, callback: Callable[..., None]
    ) -> None:  # fmt: skip
        self._sound = sound
        self._blocksize = blocksize
        self._callback = callback
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="file-output", daemon=True)
        self._flags = SimpleNamespace(output_underflow=False)

    @property
    def active(self) -> bool:
        return self._thread.is_alive() and not self._closed.is_set()

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._closed.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5.0)

    def _run(self) -> None:
        while not self._closed.is_set():
            block = np.zeros((self._blocksize, 1), np.int16)
            self._callback(block, self._blocksize, _Moment(), self._flags)
            if not self._sound.write(block[:, 0].astype(np.float32) / 32768.0):
                return
