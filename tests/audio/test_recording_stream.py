"""A recording decoded block by block, a cut-short wav, samples that are not numbers,
and a wav written block by block onto a disk that fills up."""

from __future__ import annotations

import errno
import io
import os
import struct
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from interpreter.audio.files import (
    GROUP_SAMPLES,
    Recording,
    Shortfall,
    WavWriter,
    read_recording,
    wav_shortfall,
    write_wav,
)
from interpreter.core.errors import InputError
from tests.audio.test_files import encode, tone


def float_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """A 32-bit float wav (WAVE_FORMAT_IEEE_FLOAT), as a DAW exports one: the one kind
    of file whose samples can be NaN."""
    data = np.asarray(samples, dtype="<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, 1, rate, rate * 4, 4, 32)
    path.write_bytes(
        b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE"
        + b"fmt " + struct.pack("<I", len(fmt)) + fmt
        + b"data" + struct.pack("<I", len(data)) + data
    )  # fmt: skip


def no_space(*args: object, **kwargs: object) -> None:
    """A write onto a full disk."""
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# ---- decoded block by block, sample for sample as before ----


@pytest.mark.parametrize(
    ("suffix", "codec", "rate", "channels", "seconds"),
    [
        ("wav", None, 8_000, 1, 70.0),
        ("flac", "flac", 44_100, 2, 25.0),
        ("mp3", "libmp3lame", 44_100, 2, 25.0),
        ("ogg", "libopus", 48_000, 1, 25.0),
    ],
)
def test_blocks_are_the_samples_faster_whisper_decoded_whole(
    tmp_path, suffix, codec, rate, channels, seconds
) -> None:
    """What `read_recording` gave before (faster-whisper's decode_audio) comes out in
    blocks of about ten seconds, never the whole file at once."""
    from faster_whisper.audio import decode_audio

    path = tmp_path / f"counter.{suffix}"
    samples = tone(440.0, seconds, rate)
    if codec is None:
        write_wav(path, samples, rate)
    else:
        encode(path, codec, samples, rate, channels)
    blocks = list(Recording(path).blocks())
    whole = decode_audio(str(path), sampling_rate=16_000)
    assert len(blocks) >= 3
    assert max(len(block) for block in blocks) <= GROUP_SAMPLES * 16_000 / rate + 1024
    assert all(block.dtype == np.float32 for block in blocks)
    assert np.array_equal(np.concatenate(blocks), whole)
    assert np.array_equal(read_recording(path), whole)


def test_a_block_is_handed_on_before_the_rest_is_decoded(tmp_path) -> None:
    path = tmp_path / "long.wav"
    write_wav(path, tone(300.0, 100.0, 16_000), 16_000)
    recording = Recording(path)
    blocks = recording.blocks()
    first = next(blocks)
    assert recording.samples_out == len(first) < 40 * 16_000
    rest = sum(len(block) for block in blocks)
    assert len(first) + rest == 100 * 16_000


# ---- a wav cut short ----


def test_a_wav_shorter_than_its_header_says_is_noticed(tmp_path) -> None:
    whole = tmp_path / "whole.wav"
    write_wav(whole, tone(440.0, 4.0, 16_000), 16_000)
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole.read_bytes()[: 44 + 2 * 16_000 * 3 // 2])
    assert wav_shortfall(whole) is None
    assert wav_shortfall(cut) == Shortfall(expected_s=4.0, present_s=1.5)
    assert Recording(cut).shortfall == Shortfall(4.0, 1.5)
    assert Recording(whole).shortfall is None


def test_a_wav_whose_header_does_not_say_its_length_is_not_called_short(tmp_path) -> None:
    """A recorder writing to a pipe puts 0xFFFFFFFF (or 0) where the length goes."""
    path = tmp_path / "piped.wav"
    write_wav(path, tone(440.0, 1.0, 16_000), 16_000)
    data = bytearray(path.read_bytes())
    for unknown in (0xFFFFFFFF, 0):
        data[40:44] = struct.pack("<I", unknown)
        path.write_bytes(bytes(data))
        assert wav_shortfall(path) is None


def test_a_wav_with_other_chunks_before_its_data_is_measured_right(tmp_path) -> None:
    path = tmp_path / "tagged.wav"
    write_wav(path, tone(440.0, 2.0, 16_000), 16_000)
    data = path.read_bytes()
    info = b"LIST" + struct.pack("<I", 5) + b"INFOx" + b"\0"  # odd length, padded
    tagged = data[:36] + info + data[36 : 36 + 8 + 16_000]
    path.write_bytes(tagged)
    assert wav_shortfall(path) == Shortfall(2.0, 0.5)


def test_files_that_are_not_wav_are_never_called_short(tmp_path) -> None:
    path = tmp_path / "counter.flac"
    encode(path, "flac", tone(440.0, 1.0, 16_000), 16_000, 1)
    assert wav_shortfall(path) is None
    text = tmp_path / "notes.wav"
    text.write_bytes(b"RIFF")
    assert wav_shortfall(text) is None


# ---- samples that are not numbers ----


def test_a_recording_of_nans_is_called_not_numbers_not_silent(tmp_path) -> None:
    path = tmp_path / "nan.wav"
    float_wav(path, np.full(3 * 16_000, np.nan, dtype=np.float32), 16_000)
    with pytest.raises(InputError, match=r"samples in .*nan\.wav.* are not numbers \(NaN\)"):
        read_recording(path)


def test_some_samples_that_are_not_numbers_are_silence_and_said_once(tmp_path) -> None:
    path = tmp_path / "damaged.wav"
    samples = tone(440.0, 30.0, 16_000)
    samples[16_000:16_100] = np.nan
    samples[20 * 16_000 : 20 * 16_000 + 10] = np.inf
    float_wav(path, samples, 16_000)
    said: list[str] = []
    recording = Recording(path, warn=said.append)
    decoded = np.concatenate(list(recording.blocks()))
    assert np.isfinite(decoded).all()
    assert len(decoded) == len(samples)
    assert np.abs(decoded[16_010:16_090]).max() < 0.01, "taken as silence"
    assert len(said) == 1 and "not numbers" in said[0] and "damaged.wav" in said[0]
    assert "from about 1.0 s" in said[0]
    assert recording.not_numbers == 110


def test_a_float_recording_with_real_numbers_decodes_as_before(tmp_path) -> None:
    from faster_whisper.audio import decode_audio

    path = tmp_path / "float.wav"
    float_wav(path, tone(440.0, 2.0, 22_050), 22_050)
    said: list[str] = []
    decoded = np.concatenate(list(Recording(path, warn=said.append).blocks()))
    assert np.array_equal(decoded, decode_audio(str(path)))
    assert said == []


# ---- written block by block, onto a disk that fills ----


def test_a_wav_written_in_blocks_is_the_wav_written_whole(tmp_path) -> None:
    samples = tone(440.0, 3.0, 22_050)
    write_wav(tmp_path / "whole.wav", samples, 22_050)
    with WavWriter(tmp_path / "blocks.wav", 22_050) as out:
        for start in range(0, len(samples), 10_000):
            out.write(samples[start : start + 10_000])
        assert not (tmp_path / "blocks.wav").exists(), "in place only when whole"
        out.commit()
    assert (tmp_path / "blocks.wav").read_bytes() == (tmp_path / "whole.wav").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocks.wav", "whole.wav"]


def test_a_wav_left_uncommitted_leaves_nothing(tmp_path) -> None:
    with WavWriter(tmp_path / "out.wav", 16_000) as out:
        out.write(tone(440.0, 0.5, 16_000))
    assert list(tmp_path.iterdir()) == []


class FillingDisk(io.FileIO):
    """A file on a disk with `room` bytes left: past that, a write fails with ENOSPC."""

    room = 0

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.room:
            no_space()
        return super().write(data)


def disk_with_room(room: int) -> Callable[..., io.BufferedWriter]:
    """`os.fdopen` for the temp file: its writes go to a disk with `room` bytes left."""

    def fdopen(fd: int, mode: str = "r", *args: object, **kwargs: object) -> io.BufferedWriter:
        raw = FillingDisk(fd, "wb")
        raw.room = room
        return io.BufferedWriter(raw)

    return fdopen


@pytest.mark.parametrize(
    ("failing", "seconds"),
    [("writeframes", 1.0), ("midway", 5.0), ("flush", 0.1), ("rename", 1.0)],
)
def test_a_full_disk_is_one_line_naming_the_disk_and_nothing_is_left(
    tmp_path, monkeypatch, failing, seconds
) -> None:
    """ENOSPC simulated at each place a full disk shows: the wav module's write of the
    frames (monkeypatched to raise OSError(ENOSPC)), the file's own write once 50 kB
    are on the disk (a buffered write inside writeframes), the flush when the file is
    closed (nothing fits), the rename into place."""
    if failing == "writeframes":
        monkeypatch.setattr(wave.Wave_write, "writeframes", no_space)
    elif failing == "midway":
        monkeypatch.setattr(os, "fdopen", disk_with_room(50_000))
    elif failing == "flush":
        monkeypatch.setattr(os, "fdopen", disk_with_room(0))
    else:
        monkeypatch.setattr(os, "replace", no_space)
    path = tmp_path / "spoken.wav"
    with pytest.raises(InputError) as raised:
        write_wav(path, tone(440.0, seconds, 16_000), 16_000)
    message = str(raised.value)
    assert "\n" not in message
    assert f"the disk holding {str(tmp_path)!r}" in message and "is full" in message
    assert "free some space there or write to a folder on another disk" in message
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == [], "nothing half-written"


def test_another_write_failure_is_one_line_too(tmp_path, monkeypatch) -> None:
    def broken(*args: object) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(wave.Wave_write, "writeframes", broken)
    with pytest.raises(InputError, match=r"cannot write .*: Input/output error; choose a"):
        write_wav(tmp_path / "spoken.wav", tone(440.0, 0.1, 16_000), 16_000)
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []
