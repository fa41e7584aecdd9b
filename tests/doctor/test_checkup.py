"""The whole check-up with a stand-in for the sound card and an empty model store:
every check runs after a failure, lines arrive as they are found, the stall config is
read and written only as asked; and the command as a user runs it."""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from interpreter.core.vocabulary import CheckStatus
from interpreter.doctor.checkup import DoctorOptions, checkup, read_config, save_line
from interpreter.live.config import StallConfig
from interpreter.store import ModelStore, load_catalog
from tests.doctor.test_sound import FakePortAudio, sound_of

REPO = Path(__file__).resolve().parents[2]


def test_every_check_runs_and_the_empty_store_is_the_one_failure(tmp_path: Path) -> None:
    seen: list[str] = []
    options = DoctorOptions(log_path=tmp_path / "deals.sqlite", benchmark=False, record_s=0.1)
    report = checkup(
        options,
        lambda: ModelStore(tmp_path / "store", load_catalog()),
        lambda check: seen.append(check.name),
        sd=sound_of(FakePortAudio(level=300)),
    )
    names = [check.name for check in report.checks]
    assert names == seen
    assert names == ["config", "sound in", "sound out", "models", "cpu", "memory", "disk",
                     "deal log", "speed"]  # fmt: skip
    failed = [check for check in report.checks if check.status is CheckStatus.FAIL]
    assert [check.name for check in failed] == ["models"]
    assert "interpreter models fetch whisper-base" in failed[0].fix
    assert report.checks[-1].detail == "not measured (--quick)"
    assert not report.usable and report.recommended_asr_model is None


def test_a_store_that_cannot_be_opened_is_a_line_and_the_rest_still_runs(tmp_path: Path) -> None:
    from interpreter.core.errors import StoreError

    def broken() -> ModelStore:
        raise StoreError("model catalog 'x' is missing; reinstall interpreter")

    options = DoctorOptions(log_path=tmp_path / "deals.sqlite", benchmark=False, record_s=0.1)
    report = checkup(options, broken, sd=sound_of(FakePortAudio(level=300)))
    models = next(check for check in report.checks if check.name == "models")
    assert models.status is CheckStatus.FAIL and models.fix == "reinstall interpreter"
    assert [check.name for check in report.checks][-2:] == ["deal log", "speed"]


def test_the_config_is_read_with_the_flags_over_it(tmp_path: Path) -> None:
    path = tmp_path / "stall.toml"
    path.write_text('pair = "zh-en"\nasr_model = "whisper-base"\n[budget]\nasr_ms = 900\n')
    config, line = read_config(DoctorOptions(config_path=path, pair=("es", "en")))
    assert config.pair == ("es", "en") and config.asr_model == "whisper-base"
    assert line.status is CheckStatus.OK
    # Recognition's share is capped by what the total leaves: 1200 - 150 - 200.
    assert line.detail == f"{path}: es-en, conversation, recognition budget 850 ms, " + (
        "asr_model whisper-base"
    )
    path.write_text("pair = ")
    _, broken = read_config(DoctorOptions(config_path=path))
    assert broken.status is CheckStatus.FAIL and "is not valid TOML" in broken.detail


def test_the_recommendation_is_written_only_where_asked(tmp_path: Path) -> None:
    path = tmp_path / "stall.toml"
    path.write_text('pair = "zh-en"\n')
    dry, wrote = save_line(
        DoctorOptions(config_path=path, write_config=False), StallConfig(), "whisper-base"
    )
    assert "not saved (--no-write)" in dry.detail and not wrote
    assert path.read_text() == 'pair = "zh-en"\n'
    nowhere, _ = save_line(DoctorOptions(), StallConfig(), "whisper-base")
    assert "interpreter doctor --config stall.toml" in nowhere.detail
    same, wrote = save_line(
        DoctorOptions(config_path=path), StallConfig(asr_model="whisper-base"), "whisper-base"
    )
    assert "already has" in same.detail and not wrote
    assert path.read_text() == 'pair = "zh-en"\n'
    saved, wrote = save_line(DoctorOptions(config_path=path), StallConfig(), "whisper-base")
    assert wrote and saved.detail == f'wrote asr_model = "whisper-base" into {path}'
    assert path.read_text() == 'pair = "zh-en"\nasr_model = "whisper-base"\n'


@pytest.mark.skipif(ctypes.util.find_library("portaudio") is None, reason="no libportaudio2")
def test_the_command_prints_a_line_per_check_and_exits_1_when_unusable(tmp_path: Path) -> None:
    (tmp_path / ".asoundrc").write_text("\n")  # an ALSA with no device in it
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "INTERPRETER_MODELS_DIR": str(tmp_path / "store"),
        "INTERPRETER_DEAL_LOG": str(tmp_path / "deals.sqlite"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "interpreter", "doctor", "--quick"],
        capture_output=True, text=True, timeout=60, check=False, env=env, cwd=REPO,
    )  # fmt: skip
    assert result.returncode == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert all(line.split()[0] in ("ok", "warn", "FAIL", "doctor:") for line in lines)
    sound = next(line for line in lines if line.startswith("FAIL  sound"))
    assert "no sound device" in sound and "--input-file talk.wav" in sound
    assert lines[-1].startswith("doctor: ") and "2 failed: not usable" in lines[-1]
