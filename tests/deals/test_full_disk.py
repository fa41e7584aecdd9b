"""The deal log on a full disk: a turn refused in one line while reads go on, written
again once there is room, and a new log that could not be made leaving no file behind.

Two kinds of full disk. `FullDiskLog` is a real deal log in a real SQLite file whose
writes raise `sqlite3.OperationalError('database or disk is full')` (SQLite's own
words for SQLITE_FULL) while `full` is set: the log's own error handling runs, and a
test can fill and free the disk between two turns; the kiosk's tests use it too. The
tests marked "real disk" mount a tmpfs of a few pages in a private mount namespace
(`unshare --map-root-user --mount`, no root needed where user namespaces are allowed;
skipped where they are not), fill it with a file, and let SQLite run out of room
itself, which is how a "disk I/O error" from the -shm file was found to mean a full
disk too.
"""

from __future__ import annotations

import functools
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Any, cast

import pytest

from interpreter.deals.database import DealLogError
from interpreter.deals.log import DealLog
from tests.deals.test_log import merchant_turn

REPO = Path(__file__).resolve().parents[2]
# A process of its own mount namespace (root in it, whoever runs the tests): what it
# mounts is gone when it ends, and nobody else sees it.
UNSHARE = ("unshare", "--map-root-user", "--mount")
# The statements that write (SQLite says "database or disk is full" at the first one
# that needs a page it cannot get).
_WRITES = ("INSERT", "UPDATE", "DELETE", "CREATE", "REPLACE")


class FullDiskLog(DealLog):
    """A deal log whose disk is full while `full` is set: every write fails as SQLite
    fails on a full disk, inside the log's own transaction and error handling; reads
    go on. `full` may be set on the class (a disk full before the log is opened) or
    on the log (filling and freeing between turns)."""

    full = False

    def _connection(self) -> sqlite3.Connection:
        return cast(sqlite3.Connection, _FillingConnection(super()._connection(), self))


class _FillingConnection:
    """A connection whose writes raise while its log's disk is full."""

    def __init__(self, real: sqlite3.Connection, log: FullDiskLog) -> None:
        self._real = real
        self._log = log

    def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        if self._log.full and sql.lstrip().upper().startswith(_WRITES):
            raise sqlite3.OperationalError("database or disk is full")
        return self._real.execute(sql, parameters)

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)


class FullBeforeOpening(FullDiskLog):
    full = True


def full_disk_log(path: Path) -> FullDiskLog:
    """`FullDiskLog.open(path)`, typed as what it is."""
    log = FullDiskLog.open(path)
    assert isinstance(log, FullDiskLog)
    return log


def test_a_turn_on_a_full_disk_is_refused_in_one_line_and_reads_go_on(tmp_path: Path) -> None:
    path = tmp_path / "deals.sqlite"
    with closing(full_disk_log(path)) as log:
        session = log.start_session(("zh", "en"))
        log.record(merchant_turn(session, 1))
        log.full = True
        with pytest.raises(DealLogError) as error:
            log.record(merchant_turn(session, 2))
        message = str(error.value)
        assert "\n" not in message
        assert f"the disk holding deal log {path} is full" in message
        assert "free some space" in message and "--log PATH" in message
        assert error.value.full
        # Nothing half-written, and the log still reads.
        assert [t.turn_number for t in log.turns(session)] == [1]
        assert log.next_turn_number(session) == 2
        log.full = False
        log.record(merchant_turn(session, 2))
        assert [t.turn_number for t in log.turns(session)] == [1, 2]


def test_a_new_log_on_a_full_disk_leaves_no_file_behind(tmp_path: Path) -> None:
    with pytest.raises(DealLogError) as error:
        FullBeforeOpening.open(tmp_path / "deals.sqlite")
    assert "is full" in str(error.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_log_that_already_exists_is_never_removed_when_the_disk_is_full(tmp_path: Path) -> None:
    path = tmp_path / "deals.sqlite"
    with DealLog.open(path) as log:
        session = log.start_session(("zh", "en"))
        log.record(merchant_turn(session, 1))
    with closing(full_disk_log(path)) as log:  # the schema is there: opening writes nothing
        log.full = True
        with pytest.raises(DealLogError):
            log.start_session(("zh", "en"))
    with DealLog.open(path) as log:
        assert [t.turn_number for t in log.turns(session)] == [1]


# -- a real disk that fills ---------------------------------------------------------------

# Run inside a private mount namespace: a tmpfs of `size` bytes at argv[1], filled with
# a file to `free` bytes short of full, then `steps` (a Python statement list) run with
# `disk` (the folder), `fill` (fill it up) and `free` (remove the filler) at hand.
# Prints one JSON object: what `steps` put in `found`.
ON_A_SMALL_DISK = r"""
import json, os, subprocess, sys, traceback
from pathlib import Path

disk, size, leave, steps = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(disk)], check=True)
filler_path = disk / "filler"
filler = None

def fill(leave=0):
    global filler
    filler = open(filler_path, "ab", buffering=0)
    room = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize - leave
    try:
        while room > 0:
            room -= filler.write(b"\0" * min(4096, room))
    except OSError:
        pass

def free():
    filler.close()
    filler_path.unlink()

found = {}
fill(leave)
try:
    exec(steps)
except Exception as error:
    found["unexpected"] = "".join(traceback.format_exception(error))
print(json.dumps(found))
"""


def on_a_small_disk(tmp_path: Path, steps: str, leave: int = 0, size: str = "256k") -> dict:
    if not _can_mount_a_small_disk():
        pytest.skip("cannot mount a small tmpfs here (unshare --map-root-user --mount refused)")
    disk = tmp_path / "disk"
    disk.mkdir()
    result = subprocess.run(
        [*UNSHARE, sys.executable, "-c", ON_A_SMALL_DISK, str(disk), size, str(leave), steps],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert "unexpected" not in found, found["unexpected"]
    return found


@functools.cache
def _can_mount_a_small_disk() -> bool:
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    with tempfile.TemporaryDirectory() as folder:
        try:
            probe = subprocess.run(
                [*UNSHARE, "mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder],
                capture_output=True,
                timeout=20,
            )
        except (OSError, subprocess.SubprocessError):
            return False
    return probe.returncode == 0


OPEN_A_NEW_LOG = """
from interpreter.deals.log import DealLog
from interpreter.deals.database import DealLogError
try:
    DealLog.open(disk / "deals.sqlite").close()
    found["error"] = None
except DealLogError as error:
    found["error"] = str(error)
found["left"] = sorted(p.name for p in disk.iterdir())
"""


@pytest.mark.parametrize("leave", [0, 8192, 32768], ids=["no-room", "2-pages", "8-pages"])
def test_on_a_real_full_disk_a_new_log_is_a_one_line_error_and_no_file(
    tmp_path: Path, leave: int
) -> None:
    """With no room SQLite fails at once, leaving a 0-byte file; with a few pages it
    gets as far as the -shm and -wal files and fails with "disk I/O error"."""
    found = on_a_small_disk(tmp_path, OPEN_A_NEW_LOG, leave=leave)
    error = found["error"]
    assert error is not None and "\n" not in error
    assert "/deals.sqlite is full; free some space" in error, error
    assert found["left"] == ["filler"]


FILL_THEN_FREE = """
from interpreter.deals.log import DealLog
from interpreter.deals.database import DealLogError
from interpreter.deals.records import LoggedTurn, utc_now
free()
log = DealLog.open(disk / "deals.sqlite")
session = log.start_session(("zh", "en"))

def turn(number):
    return LoggedTurn(session, number, utc_now(), "buyer", "en", "zh",
                      f"I want {number}00 pieces " + "." * 300, f"我要{number}00件",
                      "phrasebook", 0.9, numbers=(f"{number}00件",))

log.record(turn(1))
fill()
found["errors"] = []
for _ in range(3):
    try:
        log.record(turn(log.next_turn_number(session)))
    except DealLogError as error:
        found["errors"].append(str(error))
found["while_full"] = [t.turn_number for t in log.turns(session)]
free()
log.record(turn(log.next_turn_number(session)))
found["after"] = [t.turn_number for t in log.turns(session)]
log.close()
"""


def test_on_a_real_disk_that_fills_turns_are_refused_then_kept_once_there_is_room(
    tmp_path: Path,
) -> None:
    found = on_a_small_disk(tmp_path, FILL_THEN_FREE)
    assert len(found["errors"]) == 3
    assert all("/deals.sqlite is full; free some space" in e for e in found["errors"])
    assert found["while_full"] == [1]  # reads go on while the disk is full
    assert found["after"] == [1, 2]
