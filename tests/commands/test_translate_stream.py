"""`interpreter translate`'s file path without models: utterances cut as the blocks
arrive, turns made one at a time, the options refused before any work, the spoken
track written as it is made."""

from __future__ import annotations

import errno
import os
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import numpy as np
import pytest

from interpreter.asr.vad import Endpointer, EndpointerOptions, split_utterances
from interpreter.audio.files import write_wav
from interpreter.commands.translate import FileJob, SpokenTrack, check_job, same_file
from interpreter.core.errors import InputError
from interpreter.core.types import Transcript, Translation, Utterance
from interpreter.core.vocabulary import Method
from interpreter.turn.pipeline import (
    Directions,
    Interpreter,
    RecordingCuts,
    StageTimings,
    Turn,
    interpret_each,
)
from interpreter.turn.stages import StageOptions
from tests.asr.test_endpointer import WINDOW, ScriptedVad, numbered_audio, script

RATE = 16_000
OPTIONS = EndpointerOptions()
# Speech, a pause, speech, a long pause, speech to the very end.
SPEECH = script((0.0, 1.0), (0.9, 2.0), (0.0, 1.0), (0.9, 1.5), (0.0, 3.0), (0.9, 1.2))


def cut(blocks: list[np.ndarray], probabilities: list[float]) -> RecordingCuts:
    return RecordingCuts(blocks, Endpointer(ScriptedVad(probabilities), OPTIONS))


def pieces(audio: np.ndarray, sizes: list[int]) -> Iterator[np.ndarray]:
    start = 0
    index = 0
    while start < len(audio):
        size = sizes[index % len(sizes)]
        yield audio[start : start + size]
        start += size
        index += 1


# ---- utterances cut as the blocks arrive ----


@pytest.mark.parametrize("sizes", [[16_000], [7_000], [33_333, 100, 0, 250_000], [1]])
def test_blocks_of_any_size_cut_as_the_whole_recording_did(sizes) -> None:
    audio = numbered_audio(len(SPEECH))
    whole = split_utterances(audio, Endpointer(ScriptedVad(SPEECH), OPTIONS))
    streamed = list(cut(list(pieces(audio, sizes)), SPEECH))
    assert len(whole) == len(streamed) == 3
    for before, now in zip(whole, streamed, strict=True):
        assert (now.id, now.t_start_s, now.t_end_s, now.voice_end_s) == (
            before.id,
            before.t_start_s,
            before.t_end_s,
            before.voice_end_s,
        )
        assert np.array_equal(now.samples, before.samples)


def test_an_utterance_is_handed_on_before_the_later_blocks_are_read() -> None:
    audio = numbered_audio(len(SPEECH))
    read: list[int] = []

    def blocks() -> Iterator[np.ndarray]:
        for index, block in enumerate(pieces(audio, [RATE])):
            read.append(index)
            yield block

    utterances = iter(RecordingCuts(blocks(), Endpointer(ScriptedVad(SPEECH), OPTIONS)))
    first = next(utterances)
    assert first.id == 1
    assert len(read) <= 5, "cut within a second of its end (1 s of pause ends it)"
    assert len(read) < len(audio) // RATE


def test_the_recording_ending_inside_speech_names_that_utterance() -> None:
    audio = numbered_audio(len(SPEECH))
    cuts = cut([audio], SPEECH)
    utterances = list(cuts)
    assert cuts.ended_inside == utterances[-1].id == 3
    assert cuts.count == 3
    assert cuts.duration_s == pytest.approx(len(audio) / RATE)


def test_a_recording_ending_in_a_pause_ends_inside_nothing() -> None:
    quiet_end = [*SPEECH, *script((0.0, 2.0))]
    cuts = cut([numbered_audio(len(quiet_end))], quiet_end)
    assert len(list(cuts)) == 3
    assert cuts.ended_inside is None


def test_no_speech_at_all_is_refused_at_the_end() -> None:
    silence = script((0.0, 5.0))
    cuts = RecordingCuts(
        [np.zeros(len(silence) * WINDOW)], Endpointer(ScriptedVad(silence)), "'x.wav'"
    )
    with pytest.raises(InputError, match=r"no speech found in 'x.wav' \(silent\?\)"):
        list(cuts)


# ---- turns made one at a time ----


def turn_for(utterance: Utterance) -> Turn:
    transcript = Transcript(utterance.id, "hello", "en", 0.9, 0.0)
    translation = Translation(utterance.id, "hello", "你好", "en", "zh", Method.PHRASEBOOK)
    return Turn(utterance, transcript, translation, (), StageTimings(1.0, 1.0, None, 2.0))


class Hears:
    """An interpreter that hears words in the utterances whose ids it is given."""

    def __init__(self, words_in: set[int]) -> None:
        self.words_in = words_in
        self.asked: list[int] = []

    def interpret(self, utterance: Utterance, directions: Directions) -> Turn | None:
        self.asked.append(utterance.id)
        return turn_for(utterance) if utterance.id in self.words_in else None


def utterance(number: int) -> Utterance:
    return Utterance(number, np.zeros(RATE, np.float32), RATE, number, number + 1.0)


def test_each_turn_is_made_when_asked_for() -> None:
    hears = Hears({1, 2, 3})
    turns = interpret_each(
        (utterance(n) for n in (1, 2, 3)), cast(Interpreter, hears), Directions.into(("en",), "zh")
    )
    assert next(turns).utterance.id == 1
    assert hears.asked == [1]
    assert [turn.utterance.id for turn in turns] == [2, 3]


def test_one_stretch_of_sound_with_no_words_is_said_in_the_singular() -> None:
    """Issue 22, item 9: "1 stretches"."""
    hears = cast(Interpreter, Hears(set()))
    directions = Directions.into(("en",), "zh")
    with pytest.raises(InputError, match=r"\(1 stretch of sound, none clearly in en\)"):
        list(interpret_each([utterance(1)], hears, directions))
    with pytest.raises(InputError, match=r"\(2 stretches of sound, none clearly in en\)"):
        list(interpret_each([utterance(1), utterance(2)], hears, directions))


# ---- options refused before any work ----


def job(recording: Path, out: Path | None, speak: bool = True) -> FileJob:
    return FileJob(recording, Directions.into(("en",), "zh"), out, stages=StageOptions(speak=speak))


@pytest.fixture
def recording(tmp_path) -> Path:
    path = tmp_path / "counter.wav"
    write_wav(path, np.zeros(RATE, np.float32), RATE)
    return path


def test_an_output_that_is_the_recording_is_refused_however_it_is_named(
    recording, tmp_path, monkeypatch
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.wav").symlink_to(recording)
    os.link(recording, tmp_path / "hard.wav")
    monkeypatch.chdir(tmp_path)
    names = [
        recording,
        Path("counter.wav"),
        Path("sub/../counter.wav"),
        tmp_path / "link.wav",
        tmp_path / "hard.wav",
    ]
    for name in names:
        with pytest.raises(InputError, match="is the recording being translated"):
            check_job(job(recording, name))
        with pytest.raises(InputError, match="is the recording being translated"):
            check_job(job(tmp_path / "link.wav", name))
    assert same_file(tmp_path / "hard.wav", recording)
    check_job(job(recording, tmp_path / "spoken.wav"))
    check_job(job(recording, None))


def test_an_output_with_speech_turned_off_is_refused(recording, tmp_path) -> None:
    with pytest.raises(InputError, match="--no-speech turns speech off; drop one of the two"):
        check_job(job(recording, tmp_path / "spoken.wav", speak=False))
    check_job(job(recording, None, speak=False))


# ---- the spoken track, written as it is made ----


def test_the_track_is_every_turn_with_a_pause_between_at_the_first_rate(tmp_path) -> None:
    first = np.full(22_050, 0.25, np.float32)
    second = np.full(16_000, -0.25, np.float32)
    track = SpokenTrack(tmp_path / "spoken.wav")
    track.add((first, 22_050))
    track.add(None)
    track.add((second, 16_000))
    assert not (tmp_path / "spoken.wav").exists()
    assert track.commit()
    with wave.open(str(tmp_path / "spoken.wav")) as written:
        assert written.getframerate() == 22_050
        frames = np.frombuffer(written.readframes(written.getnframes()), "<i2") / 32768.0
    gap = int(0.4 * 22_050)
    assert len(frames) == 22_050 + gap + 22_050
    assert np.allclose(frames[:22_050], 0.25, atol=1e-3)
    assert np.all(frames[22_050 : 22_050 + gap] == 0)
    assert np.allclose(frames[22_050 + gap + 100 : -100], -0.25, atol=2e-3)


def test_a_track_with_no_speech_writes_nothing(tmp_path) -> None:
    track = SpokenTrack(tmp_path / "spoken.wav")
    track.add(None)
    assert not track.commit()
    assert list(tmp_path.iterdir()) == []


def test_a_track_that_fills_the_disk_leaves_nothing(tmp_path, monkeypatch) -> None:
    """ENOSPC simulated: the wav module's write of the second turn raises OSError."""
    track = SpokenTrack(tmp_path / "spoken.wav")
    track.add((np.zeros(1000, np.float32), 16_000))

    def full(self: wave.Wave_write, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(wave.Wave_write, "writeframes", full)
    with pytest.raises(InputError, match="is full"):
        track.add((np.zeros(1000, np.float32), 16_000))
    track.abort()
    assert list(tmp_path.iterdir()) == []
