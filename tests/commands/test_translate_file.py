"""`interpreter translate` and `translate-text` on the faults issue 22 found: an output
that is the recording, a full disk, a wav cut short, samples that are not numbers,
`--no-speech` with `--out`, and a recording translated while it is still decoded."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from interpreter.audio.files import ASR_SAMPLE_RATE, Recording, read_recording, write_wav
from interpreter.commands.translate import CUT_NOTE, FileJob, run_file
from interpreter.turn.pipeline import Directions
from interpreter.turn.stages import StageOptions
from tests.audio.test_recording_stream import float_wav
from tests.commands.test_cli import assert_one_line_error, interpreter
from tests.conftest import needs_espeak

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def store(model_store) -> Path:
    return model_store.root


# ---- an output that is the recording ----


@pytest.mark.parametrize("named", ["itself", "symlink", "hard-link", "dot-dot"])
def test_an_output_that_is_the_recording_is_refused_and_the_recording_kept(
    store, english_recording, tmp_path, named
) -> None:
    """Issue 22, item 2: `translate IN.wav --out IN.wav` overwrote the recording."""
    recording = tmp_path / "counter.wav"
    recording.write_bytes(english_recording.read_bytes())
    out = recording
    if named == "symlink":
        out = tmp_path / "link.wav"
        out.symlink_to(recording)
    elif named == "hard-link":
        out = tmp_path / "hard.wav"
        os.link(recording, out)
    elif named == "dot-dot":
        (tmp_path / "sub").mkdir()
        out = tmp_path / "sub" / ".." / "counter.wav"
    before = recording.read_bytes()
    result = interpreter(
        "translate", str(recording), "--from", "en", "--to", "zh", "--out", str(out),
        store=store,
    )  # fmt: skip
    assert_one_line_error(result, "is the recording being translated", "name another file")
    assert result.returncode == 2
    assert recording.read_bytes() == before
    assert sorted(p.name for p in tmp_path.glob(".*.tmp")) == []


def test_no_speech_with_an_output_file_is_refused(store, english_recording, tmp_path) -> None:
    """Issue 22, item 9: the two were accepted and nothing was written."""
    out = tmp_path / "spoken.wav"
    result = interpreter(
        "translate", str(english_recording), "--from", "en", "--to", "zh", "--no-speech",
        "--out", str(out), store=store,
    )  # fmt: skip
    assert_one_line_error(result, "--out", "--no-speech", "drop one of the two")
    assert not out.exists()


# ---- a full disk ----

# The interpreter with the wav module's write of the frames failing as on a full disk
# (ENOSPC simulated by monkeypatching wave.Wave_write.writeframes).
FULL_DISK = """
import errno, os, sys, wave
def full(self, data):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
wave.Wave_write.writeframes = full
from interpreter.commands.cli import main
sys.exit(main(sys.argv[1:]))
"""


def assert_one_error_line(result: subprocess.CompletedProcess, *words: str) -> None:
    """The run's notes, then one line of error: no traceback."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ") and all(line.startswith("note: ") for line in lines[:-1])
    for word in words:
        assert word in lines[-1]


def on_a_full_disk(*args: str, store: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "INTERPRETER_MODELS_DIR": str(store), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-c", FULL_DISK, *args],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip


@needs_espeak
def test_translate_onto_a_full_disk_is_one_line_and_leaves_nothing(
    store, english_recording, tmp_path
) -> None:
    """Issue 22, item 5: `OSError: [Errno 28]` came out as a traceback."""
    out = tmp_path / "spoken.wav"
    result = on_a_full_disk(
        "translate", str(english_recording), "--from", "en", "--to", "zh", "--out", str(out),
        store=store,
    )  # fmt: skip
    assert_one_error_line(result, f"the disk holding {str(tmp_path)!r}", "is full", "free some")
    assert list(tmp_path.iterdir()) == [], "nothing half-written"


def test_translate_text_onto_a_full_disk_is_one_line_and_leaves_nothing(store, tmp_path) -> None:
    out = tmp_path / "said.wav"
    result = on_a_full_disk(
        "translate-text", "我要订五百件", "--from", "zh", "--to", "en", "--out", str(out),
        store=store,
    )  # fmt: skip
    assert_one_error_line(result, f"the disk holding {str(tmp_path)!r}", "is full", "free some")
    assert list(tmp_path.iterdir()) == [], "nothing half-written"


# ---- a wav cut short, samples that are not numbers ----


def cut_short(recording: Path, path: Path, before_end_s: float = 0.7) -> None:
    """`recording` cut inside its last sentence, its header still saying the full
    length, as a copy that stopped half-way leaves it."""
    data = recording.read_bytes()
    samples = np.frombuffer(data[44:], dtype="<i2")
    voiced = np.flatnonzero(np.abs(samples) > 0.02 * 32768)
    end = int(voiced[-1] - before_end_s * ASR_SAMPLE_RATE)
    path.write_bytes(data[: 44 + 2 * end])


def warnings(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("warning:")]


def test_a_wav_cut_short_is_warned_and_its_last_utterance_marked_cut(
    store, english_recording, tmp_path
) -> None:
    """Issue 22, item 8: half a file was translated with no word said about it."""
    path = tmp_path / "half.wav"
    cut_short(english_recording, path)
    result = interpreter(
        "translate", str(path), "--from", "en", "--to", "zh", "--no-speech", "--json",
        store=store,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    said = warnings(result)
    assert len(said) == 1, result.stderr
    assert "half.wav" in said[0] and "shorter than its header says" in said[0]
    utterances = json.loads(result.stdout)["utterances"]
    assert len(utterances) == 3
    assert [u["cut"] for u in utterances] == [False, False, True]

    shown = interpreter(
        "translate", str(path), "--from", "en", "--to", "zh", "--no-speech", store=store
    )
    assert shown.returncode == 0, shown.stderr
    assert len(warnings(shown)) == 1
    lines = shown.stdout.splitlines()
    marks = [index for index, line in enumerate(lines) if CUT_NOTE in line]
    assert len(marks) == 1
    assert lines[marks[0]].startswith(" " * 16 + "    cut: ")
    last_turn = max(i for i, line in enumerate(lines) if line.startswith("["))
    assert marks[0] > last_turn


def test_a_whole_wav_is_neither_warned_nor_cut(store, english_recording) -> None:
    result = interpreter(
        "translate", str(english_recording), "--from", "en", "--to", "zh", "--no-speech",
        "--json", store=store,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert warnings(result) == []
    assert [u["cut"] for u in json.loads(result.stdout)["utterances"]] == [False] * 3


def test_a_recording_of_nans_is_said_to_hold_no_numbers(store, tmp_path) -> None:
    """Issue 22, item 9: it was called "silent?"."""
    path = tmp_path / "nan.wav"
    float_wav(path, np.full(3 * ASR_SAMPLE_RATE, np.nan, dtype=np.float32), ASR_SAMPLE_RATE)
    result = interpreter("translate", str(path), "--from", "en", "--to", "zh", store=store)
    assert_one_line_error(result, "nan.wav", "are not numbers (NaN)", "damaged")
    assert "silent" not in result.stderr


# ---- translated while it is decoded ----


def test_the_first_turn_is_printed_before_the_recording_is_decoded_to_its_end(
    model_store, english_recording, tmp_path, monkeypatch
) -> None:
    """Issue 22, item 7: the whole recording was decoded, and held, before the first
    utterance was cut."""
    samples = read_recording(english_recording)
    pause = np.zeros(80 * ASR_SAMPLE_RATE, dtype=np.float32)
    long = np.concatenate([samples, pause, samples])
    path = tmp_path / "long.wav"
    write_wav(path, long, ASR_SAMPLE_RATE)
    decoded: list[int] = []
    blocks = Recording.blocks

    def counted(self: Recording) -> Iterator[np.ndarray]:
        for block in blocks(self):
            decoded.append(len(block))
            yield block

    monkeypatch.setattr(Recording, "blocks", counted)

    class Screen(io.StringIO):
        first_turn_at: int | None = None

        def write(self, text: str) -> int:
            if self.first_turn_at is None and text.strip():
                self.first_turn_at = sum(decoded)
            return super().write(text)

    screen = Screen()
    job = FileJob(path, Directions.into(("en",), "zh"), stages=StageOptions(speak=False))
    assert run_file(job, model_store, out=screen, err=io.StringIO()) == 6
    assert sum(decoded) == len(long)
    assert screen.first_turn_at is not None
    assert screen.first_turn_at < len(long) // 2
    assert screen.getvalue().count("I want to order 500") == 2
