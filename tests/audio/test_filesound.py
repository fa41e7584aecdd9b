"""A recording as the microphone and a wav as the speaker (audio/filesound.py), through
the same streams as a sound card: the microphone's pacer holds the file to real time,
the speaker's callback fills the wav, silence included."""

from __future__ import annotations

import time
import wave
from pathlib import Path

import numpy as np
import pytest

from interpreter.audio.files import ASR_SAMPLE_RATE, read_recording, write_wav
from interpreter.audio.filesound import FILE_RATE_HZ, FileSound
from interpreter.audio.speaker import Speaker
from interpreter.audio.streams import Microphone, StreamOptions
from interpreter.core.clock import MonotonicClock
from interpreter.core.errors import InputError
from interpreter.core.types import SpeechChunk


def tone(seconds: float, level: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * ASR_SAMPLE_RATE)) / ASR_SAMPLE_RATE
    return (level * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)


def test_the_recording_is_read_then_silence_and_its_end_is_told(tmp_path: Path) -> None:
    path = tmp_path / "talk.wav"
    write_wav(path, tone(0.5), ASR_SAMPLE_RATE)
    sound = FileSound(input_path=path, tail_s=0.25)
    first = sound.read(6000)
    assert np.abs(first).max() > 0.4 and not sound.ended.is_set()
    rest = sound.read(4000)
    assert np.abs(rest[:2000]).max() > 0.4 and not rest[2000:].any()  # the end, then silence
    assert not sound.ended.is_set()
    sound.read(2000)  # the tail's last samples
    assert sound.ended.is_set()
    assert not sound.read(1000).any()


def test_a_file_that_is_not_audio_is_one_line_before_the_session_starts(tmp_path: Path) -> None:
    path = tmp_path / "talk.wav"
    path.write_text("not a recording")
    with pytest.raises(InputError, match=r"cannot decode .*talk.wav.* as audio"):
        FileSound(input_path=path)


def test_an_output_file_in_a_missing_folder_is_one_line_at_once(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"folder .* does not exist"):
        FileSound(output_path=tmp_path / "nowhere" / "out.wav")


def test_the_microphone_on_a_file_delivers_its_samples_in_real_time(tmp_path: Path) -> None:
    path = tmp_path / "talk.wav"
    write_wav(path, tone(1.5), ASR_SAMPLE_RATE)
    sound = FileSound(input_path=path)
    microphone = Microphone(None, MonotonicClock(), StreamOptions(), say=print, sound=sound)
    started = time.monotonic()
    microphone.start()
    heard = 0
    while heard < int(1.5 * FILE_RATE_HZ):
        heard += len(microphone.frames.get(timeout=5).samples)
    took_s = time.monotonic() - started
    microphone.stop()
    assert microphone.error is None
    assert 1.0 < took_s < 3.0  # paced like a microphone, not read in a moment
    assert microphone.device_name == f"file {path}"


def test_the_speaker_on_a_file_writes_what_it_played_with_the_silence(tmp_path: Path) -> None:
    out = tmp_path / "out.wav"
    sound = FileSound(output_path=out)
    speaker = Speaker(None, MonotonicClock(), StreamOptions(), say=print, sound=sound)
    speaker.start()
    time.sleep(0.5)  # silence before the answer, as in a room
    speaker.say_chunk(SpeechChunk(1, tone(0.5), ASR_SAMPLE_RATE, is_last=True, t_done_s=0.0))
    deadline = time.monotonic() + 5
    while not speaker.idle and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    speaker.stop()
    sound.close()
    assert speaker.error is None
    with wave.open(str(out)) as wav:
        assert wav.getframerate() == FILE_RATE_HZ
    played = read_recording(out)
    loud = np.flatnonzero(np.abs(played) > 0.1)
    assert len(loud) and loud[0] > 0.3 * FILE_RATE_HZ  # the silence first
    assert (loud[-1] - loud[0]) / FILE_RATE_HZ == pytest.approx(0.5, abs=0.05)
