"""The scripts the stall's services run: sound-card.sh (the USB card as the sound
server's default, through a stand-in pactl that answers as PipeWire's does) and
deal-log-copy.sh (a consistent copy of a live SQLite deal log, old copies removed)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

DEVICE = Path(__file__).resolve().parents[2] / "device"

# `pactl list sinks` and `pactl list sources` on a Pi with HDMI and a USB card, cut short.
SINKS = """\
Sink #46
\tState: SUSPENDED
\tName: alsa_output.platform-107c701400.hdmi.hdmi-stereo
\tDescription: Built-in Audio Digital Stereo (HDMI)
\tDriver: PipeWire

Sink #59
\tState: SUSPENDED
\tName: alsa_output.usb-C-Media_Electronics_Inc._USB_Audio_Device-00.analog-stereo
\tDescription: USB Audio Device Analog Stereo
\tDriver: PipeWire
"""
SOURCES = """\
Source #47
\tState: SUSPENDED
\tName: alsa_output.usb-C-Media_Electronics_Inc._USB_Audio_Device-00.analog-stereo.monitor
\tDescription: Monitor of USB Audio Device Analog Stereo
\tDriver: PipeWire

Source #60
\tState: SUSPENDED
\tName: alsa_input.usb-C-Media_Electronics_Inc._USB_Audio_Device-00.mono-fallback
\tDescription: USB Audio Device Mono
\tDriver: PipeWire
"""


@pytest.fixture
def pactl(tmp_path: Path) -> Path:
    """A pactl on the PATH that lists SINKS and SOURCES and logs what it is told."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "sinks").write_text(SINKS)
    (tmp_path / "sources").write_text(SOURCES)
    script = bin_dir / "pactl"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = list ]; then cat "{tmp_path}/$2"; exit 0; fi\n'
        f'echo "$*" >> "{tmp_path}/told"\n'
    )
    script.chmod(0o755)
    return tmp_path


def sound_card(pactl: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{pactl / 'bin'}:{os.environ['PATH']}"}
    return subprocess.run(
        ["sh", str(DEVICE / "sound-card.sh"), *args],
        capture_output=True, text=True, timeout=30, env=env,
    )  # fmt: skip


def test_the_usb_card_becomes_the_default_sink_and_source_not_its_monitor(pactl: Path) -> None:
    result = sound_card(pactl, "usb audio", "0")
    assert result.returncode == 0, result.stderr
    card = "usb-C-Media_Electronics_Inc._USB_Audio_Device-00"
    assert (pactl / "told").read_text().splitlines() == [
        f"set-default-sink alsa_output.{card}.analog-stereo",
        f"set-default-source alsa_input.{card}.mono-fallback",
    ]


def test_a_card_that_never_appears_is_one_line_and_changes_nothing(pactl: Path) -> None:
    result = sound_card(pactl, "Behringer", "0")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "no sound card named like 'Behringer'" in result.stderr
    assert not (pactl / "told").exists()


def copy_deal_log(log: Path, copies: Path, keep_days: int = 7) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(DEVICE / "deal-log-copy.sh"), str(log), str(copies), str(keep_days)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_the_copy_of_a_live_deal_log_holds_every_committed_turn(tmp_path: Path) -> None:
    log, copies = tmp_path / "deals.sqlite", tmp_path / "copies"
    writer = sqlite3.connect(log)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # the turns stay in the WAL, as live
    writer.execute("CREATE TABLE turns (id INTEGER PRIMARY KEY, text TEXT)")
    with writer:
        writer.executemany("INSERT INTO turns (text) VALUES (?)", [("500 pieces",)] * 100)
    assert Path(f"{log}-wal").stat().st_size > 0
    stale = copies / "deals-2026-01-01.sqlite"
    copies.mkdir()
    stale.write_bytes(b"an old copy")
    old_s = time.time() - 30 * 86400
    os.utime(stale, (old_s, old_s))

    result = copy_deal_log(log, copies)
    writer.close()

    assert result.returncode == 0, result.stderr
    (copy,) = copies.glob("deals-*.sqlite")
    assert copy.name == f"deals-{time.strftime('%Y-%m-%d')}.sqlite"
    with sqlite3.connect(copy) as reader:
        assert reader.execute("SELECT count(*) FROM turns").fetchone() == (100,)
    assert f"removed old copy {stale}" in result.stdout
    assert sorted(path.name for path in copies.iterdir()) == [copy.name]  # no partial left


def test_no_deal_log_yet_is_nothing_to_copy(tmp_path: Path) -> None:
    result = copy_deal_log(tmp_path / "deals.sqlite", tmp_path / "copies")
    assert result.returncode == 0 and "nothing to copy" in result.stdout
    assert not (tmp_path / "copies").exists()
