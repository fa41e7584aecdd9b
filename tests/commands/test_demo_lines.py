"""The demo's merchant lines as recordings (`interpreter demo --merchant-audio DIR`):
what a folder must hold, and that a bad one is refused in one line before any model
loads. Small generated WAVs only; the natural voice's own run is in test_demo_voices.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from interpreter.audio.files import ASR_SAMPLE_RATE, write_wav
from interpreter.commands.demo import merchant_lines
from interpreter.commands.demo_lines import (
    MANIFEST,
    RecordedVoice,
    line_file,
    load_recorded_voice,
    save_recorded_lines,
)
from interpreter.core.errors import InputError

WANTED = [(2, "二十块一个。"), (4, "你要多少个？")]


def tone(seconds: float = 0.3, hz: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * ASR_SAMPLE_RATE)) / ASR_SAMPLE_RATE
    return (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    recordings = [(n, text, tone(hz=200.0 + n)) for n, text in WANTED]
    save_recorded_lines(tmp_path / "merchant", "a test tone", recordings)
    return tmp_path / "merchant"


def one_line(error: pytest.ExceptionInfo[InputError]) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


def test_a_good_folder_gives_a_voice_that_says_each_line(folder) -> None:
    voice = load_recorded_voice(folder, WANTED)
    assert isinstance(voice, RecordedVoice)
    assert voice.name == "a test tone" and voice.language == "zh"
    assert voice.sample_rate == ASR_SAMPLE_RATE
    (said,) = voice.speak("你要多少个？")
    assert said.dtype == np.float32 and len(said) == len(tone())
    assert np.abs(said - tone(hz=204.0)).max() < 1e-3  # 16-bit round trip


def test_the_folder_is_named_by_script_line_with_a_manifest(folder) -> None:
    assert sorted(p.name for p in folder.iterdir()) == ["02.wav", "04.wav", MANIFEST]
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    lines = {"02.wav": "二十块一个。", "04.wav": "你要多少个？"}
    assert manifest == {"voice": "a test tone", "lines": lines}


def test_the_demo_asks_for_every_merchant_line_of_its_script() -> None:
    numbers = [n for n, _ in merchant_lines()]
    assert numbers == [2, 4, 6, 8]
    assert [line_file(n) for n in numbers] == ["02.wav", "04.wav", "06.wav", "08.wav"]


def test_a_line_missing_from_the_folder_is_named_with_the_fix(folder) -> None:
    (folder / "04.wav").unlink()
    with pytest.raises(InputError) as error:
        load_recorded_voice(folder, WANTED)
    message = one_line(error)
    assert "04.wav" in message and "is missing" in message and "line 4" in message
    assert "interpreter demo --help" in message


def test_a_line_the_manifest_does_not_list_is_refused(folder) -> None:
    with pytest.raises(InputError) as error:
        load_recorded_voice(folder, [*WANTED, (6, "十二块一个。")])
    message = one_line(error)
    assert "has no 06.wav" in message and "line 6" in message and "十二块一个。" in message


def test_a_recording_made_for_another_line_is_refused(folder) -> None:
    with pytest.raises(InputError) as error:
        load_recorded_voice(folder, [(2, "三十块一个。"), WANTED[1]])
    message = one_line(error)
    assert "二十块一个" in message and "三十块一个" in message and "line 2" in message


def test_a_recording_at_another_rate_is_refused_with_the_format(folder) -> None:
    write_wav(folder / "02.wav", tone(), 24_000)
    with pytest.raises(InputError) as error:
        load_recorded_voice(folder, WANTED)
    message = one_line(error)
    assert "24000 Hz" in message and "16 kHz mono 16-bit PCM WAV" in message


def test_a_stereo_recording_is_refused(folder) -> None:
    with wave.open(str(folder / "02.wav"), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(ASR_SAMPLE_RATE)
        out.writeframes(np.zeros(200, dtype="<i2").tobytes())
    with pytest.raises(InputError) as error:
        load_recorded_voice(folder, WANTED)
    assert "2 channel(s)" in one_line(error)


def test_a_file_that_is_not_a_wav_is_refused(folder) -> None:
    (folder / "02.wav").write_bytes(b"ID3 this is an mp3, really")
    with pytest.raises(InputError) as error:
        load_recorded_voice(folder, WANTED)
    assert "as a WAV file" in one_line(error)


def test_a_silent_recording_is_refused(folder) -> None:
    write_wav(folder / "02.wav", np.zeros(1600, dtype=np.float32), ASR_SAMPLE_RATE)
    with pytest.raises(InputError) as error:
        load_recorded_voice(folder, WANTED)
    assert "holds no sound" in one_line(error)


@pytest.mark.parametrize(
    "manifest",
    [None, "not json {", '["02.wav"]', '{"voice": "", "lines": {}}', '{"voice": "x", "lines": 3}'],
)
def test_a_missing_or_malformed_manifest_is_refused(folder, manifest: str | None) -> None:
    path = folder / MANIFEST
    if manifest is None:
        path.unlink()
    else:
        path.write_text(manifest, encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_recorded_voice(folder, WANTED)
    assert MANIFEST in one_line(error)


def test_a_folder_that_does_not_exist_is_refused(tmp_path) -> None:
    with pytest.raises(InputError) as error:
        load_recorded_voice(tmp_path / "nowhere", WANTED)
    assert "does not exist" in one_line(error)


def test_the_cli_refuses_a_bad_folder_in_one_line_before_loading_models(tmp_path) -> None:
    recordings = [(n, text, tone()) for n, text in merchant_lines() if n != 6]
    save_recorded_lines(tmp_path / "merchant", "a test tone", recordings)
    env = {**os.environ, "INTERPRETER_MODELS_DIR": str(tmp_path / "no-store")}
    command = [sys.executable, "-m", "interpreter", "demo", "--out", str(tmp_path / "out")]
    result = subprocess.run(
        [*command, "--merchant-audio", str(tmp_path / "merchant")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "06.wav" in lines[0] and "line 6" in lines[0]
    assert not (tmp_path / "no-store").exists()  # refused before any model was installed


def test_the_product_never_imports_the_test_voices() -> None:
    """The natural test voice's licence is non-commercial: the product takes its lines
    only as recordings, so no module of the product may import benchmarks."""
    package = Path(__file__).resolve().parents[2] / "interpreter"
    importing = [
        str(path.relative_to(package.parent))
        for path in package.rglob("*.py")
        if re.search(r"^\s*(from|import)\s+benchmarks\b", path.read_text("utf-8"), re.M)
    ]
    assert importing == []
