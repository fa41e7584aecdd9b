"""`interpreter models fetch/export/import` on a full disk: one line, nothing left.

The command runs in this process (`cli.main`) so the disk can be made full: writes
under the folder fail with ENOSPC once its room is used (tests/store/disks.py), the
overflowing write half done, as on a real disk. The model is Silero VAD, which
faster-whisper ships, so no network and no demo extra is needed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from interpreter.commands.cli import main
from interpreter.store.transfer import mount_point
from tests.store.disks import files_under, fill_disk

MODEL = "silero-vad-v6"


@pytest.fixture(autouse=True)
def offline(monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def interpreter(capsys, store: Path, *args: str) -> tuple[int, str]:
    code = main(["--models-dir", str(store), "models", *args])
    return code, capsys.readouterr().err


def assert_disk_full(code: int, err: str, action: str, folder: Path, fix: str) -> None:
    assert code != 0
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: cannot {action}: the disk at {mount_point(folder)} ")
    assert str(folder) in lines[0] and "No space left on device" in lines[0]
    assert fix in lines[0]


def test_fetch_onto_a_full_disk(tmp_path, monkeypatch, capsys) -> None:
    store = tmp_path / "store"
    fill_disk(monkeypatch, store, room_bytes=100_000)
    code, err = interpreter(capsys, store, "fetch", MODEL)
    assert_disk_full(code, err, f"install {MODEL}", store, "--models-dir")
    assert files_under(store) == []


def test_export_onto_a_full_stick(tmp_path, monkeypatch, capsys) -> None:
    home, usb = tmp_path / "home", tmp_path / "usb"
    usb.mkdir()
    assert interpreter(capsys, home, "fetch", MODEL)[0] == 0
    fill_disk(monkeypatch, usb, room_bytes=100_000)
    code, err = interpreter(capsys, home, "export", MODEL, str(usb))
    assert_disk_full(code, err, f"export {MODEL}", usb, "another disk")
    assert files_under(usb) == []


def test_import_onto_a_full_disk(tmp_path, monkeypatch, capsys) -> None:
    home, usb, stall = tmp_path / "home", tmp_path / "usb", tmp_path / "stall"
    usb.mkdir()
    assert interpreter(capsys, home, "fetch", MODEL)[0] == 0
    assert interpreter(capsys, home, "export", MODEL, str(usb))[0] == 0
    fill_disk(monkeypatch, stall, room_bytes=100_000)
    code, err = interpreter(capsys, stall, "import", str(usb))
    assert_disk_full(code, err, f"install {MODEL}", stall, "--models-dir")
    assert files_under(stall) == []
