"""The long-recording memory benchmark's recording: a sentence every period, the
length asked for, written a period at a time."""

from __future__ import annotations

import wave

import numpy as np

from benchmarks.file_memory import periods, write_recording
from interpreter.audio.files import ASR_SAMPLE_RATE, read_recording


def test_the_recording_is_the_sentence_every_period_to_the_length_asked() -> None:
    speech = np.full(ASR_SAMPLE_RATE, 0.5, dtype=np.float32)
    blocks = list(periods(speech, minutes=1.0, every_s=25.0))
    assert sum(len(block) for block in blocks) == 60 * ASR_SAMPLE_RATE
    assert [len(block) for block in blocks] == [25 * ASR_SAMPLE_RATE] * 2 + [10 * ASR_SAMPLE_RATE]
    for block in blocks:
        voiced = np.flatnonzero(block)
        assert len(voiced) == ASR_SAMPLE_RATE and voiced[0] == ASR_SAMPLE_RATE // 2


def test_the_recording_is_written_in_each_format(tmp_path) -> None:
    speech = np.full(ASR_SAMPLE_RATE // 2, 0.25, dtype=np.float32)
    wav = write_recording(tmp_path / "short", speech, 0.1, 3.0, "wav")
    with wave.open(str(wav)) as handle:
        assert handle.getnframes() == 6 * ASR_SAMPLE_RATE
    flac = write_recording(tmp_path / "short", speech, 0.1, 3.0, "flac")
    assert flac.suffix == ".flac" and not wav.exists()
    assert len(read_recording(flac)) == 6 * ASR_SAMPLE_RATE
