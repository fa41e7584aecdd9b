"""Recordings on disk: decode anything FFmpeg reads, write plain 16-bit WAV.

PyAV (bundled with faster-whisper) decodes and resamples, so a wav, flac, mp3 or ogg
at any rate and channel count becomes 16 kHz mono float32 without a system ffmpeg.

A recording is decoded block by block (`Recording.blocks`), so an hour at the
counter costs no more memory than a minute: the blocks are the very samples
faster-whisper's `decode_audio` makes (the same frame grouping, the same resampler
into 16-bit), only handed on as they are made instead of gathered. PyAV reads every
one of the four formats a packet at a time, mp3 included. A wav whose header
promises more audio than the file holds says so (`Recording.shortfall`); samples
that are not numbers (a damaged float file) are taken as silence and said once.

A wav is written through a temp file in the same folder (`WavWriter`), one block
at a time if need be, and renamed into place only when whole: a full disk leaves
nothing half-written and is told in one line.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import itertools
import os
import struct
import tempfile
import wave
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from interpreter.core.errors import InputError

if TYPE_CHECKING:
    import av

ASR_SAMPLE_RATE = 16_000
FORMATS_HINT = "wav, flac, mp3 or ogg"
# Source samples gathered before each pass through the resampler: faster-whisper's
# own grouping, so the samples come out exactly as `decode_audio` made them (about
# 10 s of 48 kHz stereo, 4 MB at most in float).
GROUP_SAMPLES = 500_000
# Data sizes a recorder writes when it does not know the length yet (a pipe, a
# recording still going): no promise about the length, so never "shorter".
UNKNOWN_WAV_SIZES = (0, 0xFFFFFFFF)
UNKNOWN_WAV_SIZE_FLOOR = 0x7FFFF000
FLOAT_FORMATS = ("flt", "fltp", "dbl", "dblp")


@dataclass(frozen=True)
class Shortfall:
    """A wav holds less audio than its header says: the file was cut short."""

    expected_s: float
    present_s: float


def wav_shortfall(path: Path) -> Shortfall | None:
    """The header's length against the bytes there, for a RIFF wav; None when the file
    is whole, is not a wav, or its header does not say how long it is."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(12)
            if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                return None
            byte_rate = 0
            position = 12
            while position + 8 <= size:
                handle.seek(position)
                kind, length = struct.unpack("<4sI", handle.read(8))
                if kind == b"fmt ":
                    fmt = handle.read(min(length, 16))
                    if len(fmt) >= 12:
                        byte_rate = struct.unpack("<I", fmt[8:12])[0]
                elif kind == b"data":
                    unknown = length in UNKNOWN_WAV_SIZES or length >= UNKNOWN_WAV_SIZE_FLOOR
                    present = size - (position + 8)
                    if unknown or byte_rate == 0 or present >= length:
                        return None
                    return Shortfall(length / byte_rate, present / byte_rate)
                position += 8 + length + (length & 1)
    except (OSError, struct.error):
        return None
    return None


class Recording:
    """A recording checked on disk and decoded as it is read.

    The checks a person can fix at once (a wrong path, a folder, no permission, an
    empty file) are made here, before anything is decoded. `warn` hears a line when
    some samples are not numbers (they are taken as silence).
    """

    def __init__(
        self,
        path: Path,
        sample_rate: int = ASR_SAMPLE_RATE,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        path = Path(path)
        if not path.exists():
            raise InputError(f"recording {str(path)!r} does not exist; check the path")
        if path.is_dir():
            raise InputError(f"{str(path)!r} is a folder; pass a recording file ({FORMATS_HINT})")
        if not os.access(path, os.R_OK):
            raise InputError(f"recording {str(path)!r} is not readable; check its permissions")
        if path.stat().st_size == 0:
            raise InputError(f"recording {str(path)!r} is empty (0 bytes); record it again")
        self.path = path
        self.sample_rate = sample_rate
        self.shortfall = wav_shortfall(path)
        self._warn = warn
        # Values (source samples x channels) seen in float frames, and how many of
        # them were not numbers.
        self.float_values = 0
        self.not_numbers = 0
        self.samples_out = 0
        self._first_bad_s = 0.0
        self._warned = False
        self._source_samples = 0

    @property
    def name(self) -> str:
        return repr(str(self.path))

    def blocks(self) -> Iterator[np.ndarray]:
        """Mono float32 blocks at `sample_rate` (about 10 s each), in order; an
        InputError for a file that is not audio, wherever decoding fails."""
        import av

        resampler = av.AudioResampler(format="s16", layout="mono", rate=self.sample_rate)
        try:
            with av.open(str(self.path), mode="r", metadata_errors="ignore") as container:
                frames = _ignore_invalid_frames(container.decode(audio=0))
                groups = (self._finite(group) for group in _group_frames(frames))
                for group in itertools.chain(groups, [None]):
                    for frame in resampler.resample(group):
                        block = frame.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
                        self.samples_out += len(block)
                        yield block
        except (ValueError, OSError, EOFError, IndexError, RuntimeError) as error:
            # PyAV's FFmpegError subclasses these (av.error.EOFError is an EOFError).
            where = f" at {self.samples_out / self.sample_rate:.1f} s" if self.samples_out else ""
            raise InputError(
                f"cannot decode {self.name} as audio{where} ({type(error).__name__}); "
                f"use a {FORMATS_HINT} recording"
            ) from None
        finally:
            # Objects of the resampler are freed only by the garbage collector
            # (faster-whisper's decode_audio does the same: its issue 390).
            del resampler
            gc.collect()
        if self.samples_out == 0:
            raise InputError(
                f"cannot decode {self.name} as audio (no audio stream in it); "
                f"use a {FORMATS_HINT} recording"
            )
        if self.float_values and self.not_numbers == self.float_values:
            raise InputError(
                f"the samples in {self.name} are not numbers (NaN): the file is damaged; "
                "export or record it again"
            )

    def _finite(self, frame: av.AudioFrame) -> av.AudioFrame:
        """The frame, with any sample that is not a number made silence."""
        start = self._source_samples
        self._source_samples += frame.samples
        if frame.format.name not in FLOAT_FORMATS:
            return frame
        import av

        values = frame.to_ndarray()
        bad = ~np.isfinite(values)
        self.float_values += values.size
        count = int(bad.sum())
        if count and self.not_numbers == 0:
            # Planar frames are (channels, samples); packed ones (1, samples x channels).
            per_row = values.shape[1] // frame.samples
            first = int(np.flatnonzero(bad.any(axis=0))[0]) // per_row
            self._first_bad_s = (start + first) / frame.sample_rate
        self.not_numbers += count
        # Said once, and only of a file with real samples too: one with none at all
        # is refused at its end.
        if self.not_numbers and self.float_values > self.not_numbers and not self._warned:
            self._warned = True
            if self._warn is not None:
                self._warn(
                    f"some samples in {self.name} are not numbers (NaN), from about "
                    f"{self._first_bad_s:.1f} s; they are taken as silence (the file may be "
                    "damaged)"
                )
        if not count:
            return frame
        silenced = values.copy()
        silenced[bad] = 0
        clean = av.AudioFrame.from_ndarray(
            silenced, format=frame.format.name, layout=frame.layout.name
        )
        clean.sample_rate = frame.sample_rate
        return clean


def _ignore_invalid_frames(frames: Iterator[av.AudioFrame]) -> Iterator[av.AudioFrame]:
    import av

    while True:
        try:
            yield next(frames)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            continue


def _group_frames(frames: Iterable[av.AudioFrame]) -> Iterator[av.AudioFrame]:
    import av

    fifo = av.AudioFifo()
    for frame in frames:
        frame.pts = None  # the timestamps are not checked
        fifo.write(frame)
        if fifo.samples >= GROUP_SAMPLES:
            yield from _read(fifo)
    if fifo.samples > 0:
        yield from _read(fifo)


def _read(fifo: av.AudioFifo) -> Iterator[av.AudioFrame]:
    group = fifo.read()
    if group is not None:
        yield group


def read_recording(path: Path, sample_rate: int = ASR_SAMPLE_RATE) -> np.ndarray:
    """Decode a whole recording to mono float32 at `sample_rate`, or say clearly why not."""
    blocks = list(Recording(path, sample_rate).blocks())
    return np.ascontiguousarray(np.concatenate(blocks), dtype=np.float32)


def to_int16(samples: np.ndarray) -> np.ndarray:
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype(np.int16)


def mount_point(folder: Path) -> Path:
    folder = folder.resolve()
    while not os.path.ismount(folder) and folder.parent != folder:
        folder = folder.parent
    return folder


def write_error(path: Path, error: OSError) -> InputError:
    """One line for a write that failed: which disk, and what to do."""
    folder = (path.parent if str(path.parent) else Path(".")).resolve()
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        full = "is full" if error.errno == errno.ENOSPC else "is over your quota"
        return InputError(
            f"cannot write {str(path)!r}: the disk holding {str(folder)!r} "
            f"(mounted at {str(mount_point(folder))!r}) {full}; free some space there "
            "or write to a folder on another disk"
        )
    reason = error.strerror or type(error).__name__
    return InputError(f"cannot write {str(path)!r}: {reason}; choose a writable folder")


class WavWriter:
    """Mono 16-bit PCM written block by block into a temp file beside `path`, renamed
    to `path` by `commit`; anything else (an error, `abort`, leaving the `with` block
    uncommitted) removes the temp file, so no half-written recording is ever left."""

    def __init__(self, path: Path, sample_rate: int) -> None:
        self.path = Path(path)
        parent = self.path.parent if str(self.path.parent) else Path(".")
        if not parent.is_dir():
            raise InputError(
                f"cannot write {str(self.path)!r}: folder {str(parent)!r} does not exist"
            )
        try:
            fd, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=parent)
        except OSError as error:
            raise write_error(self.path, error) from None
        self._tmp = Path(name)
        self._committed = False
        self._raw: BinaryIO | None = os.fdopen(fd, "wb")
        self._wav: wave.Wave_write | None = None
        try:
            self._wav = wave.open(self._raw, "wb")  # noqa: SIM115 (closed by commit or abort)
            self._wav.setnchannels(1)
            self._wav.setsampwidth(2)
            self._wav.setframerate(sample_rate)
        except BaseException:
            self.abort()
            raise
        self.sample_rate = sample_rate
        self.frames = 0

    def write(self, samples: np.ndarray) -> None:
        if self._wav is None:
            raise ValueError("the wav is already closed")
        try:
            self._wav.writeframes(to_int16(samples).tobytes())
        except OSError as error:
            self.abort()
            raise write_error(self.path, error) from None
        except BaseException:
            self.abort()
            raise
        self.frames += len(samples)

    def commit(self) -> None:
        """Finish the header and put the file in place."""
        if self._wav is None or self._raw is None:
            raise ValueError("the wav is already closed")
        try:
            self._wav.close()
            self._wav = None
            self._raw.close()
            self._raw = None
            # mkstemp makes the file private; a recording is shared like any file saved.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self._tmp, 0o666 & ~umask)
            os.replace(self._tmp, self.path)
            self._committed = True
        except OSError as error:
            self.abort()
            raise write_error(self.path, error) from None
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Drop what was written; nothing is left behind (after `commit`, nothing to do)."""
        if self._committed:
            return
        wav, raw = self._wav, self._raw
        self._wav = self._raw = None
        for closing in (wav, raw):
            if closing is None:
                continue
            # The disk that failed the write may fail the close too.
            with contextlib.suppress(OSError):
                closing.close()
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> WavWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._raw is not None:
            self.abort()


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """Write mono 16-bit PCM through a temp file, so a failed write leaves nothing half-done."""
    with WavWriter(path, sample_rate) as out:
        out.write(samples)
        out.commit()


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Band-limited resampling by FFT, good enough for speech and free of extra deps."""
    if from_rate == to_rate or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    target_len = max(1, round(len(samples) * to_rate / from_rate))
    spectrum = np.fft.rfft(samples.astype(np.float64))
    keep = min(len(spectrum), target_len // 2 + 1)
    resized = np.zeros(target_len // 2 + 1, dtype=np.complex128)
    resized[:keep] = spectrum[:keep]
    out = np.fft.irfft(resized, n=target_len) * (target_len / len(samples))
    return out.astype(np.float32)
