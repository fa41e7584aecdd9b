"""How `interpreter kiosk` takes turns: the flag, else the stall config, else its own
default (the page's buttons; a recording has nobody to press them)."""

from __future__ import annotations

from pathlib import Path

from interpreter.commands.cli import build_parser
from interpreter.commands.kiosk import kiosk_job
from interpreter.core.vocabulary import Mode


def job_for(*argv: str):
    return kiosk_job(build_parser().parse_args(["kiosk", *argv]))


def test_the_stall_configs_mode_is_the_kiosks(tmp_path: Path) -> None:
    config = tmp_path / "stall.toml"
    config.write_text('pair = "zh-en"\nmode = "conversation"\n', encoding="utf-8")

    assert job_for("--config", str(config)).mode is Mode.CONVERSATION


def test_the_flag_wins_over_the_config(tmp_path: Path) -> None:
    config = tmp_path / "stall.toml"
    config.write_text('mode = "conversation"\n', encoding="utf-8")

    assert job_for("--config", str(config), "--mode", "push-to-talk").mode is Mode.PUSH_TO_TALK


def test_without_a_mode_anywhere_the_page_has_buttons_and_a_recording_none(
    tmp_path: Path,
) -> None:
    config = tmp_path / "stall.toml"
    config.write_text('pair = "zh-en"\n', encoding="utf-8")
    talk = tmp_path / "talk.wav"

    assert job_for("--config", str(config)).mode is Mode.PUSH_TO_TALK
    assert job_for("--input-file", str(talk)).mode is Mode.CONVERSATION
