"""The deal log's folder: that the log can be written where it will be, and that an
existing log opens (not damaged, not from a newer interpreter).

Nothing is made that was not there: a folder that does not exist yet is judged by the
nearest one above it that does (a session makes the rest), and the write test is a
temporary file, fsynced and removed. An existing log is opened as `interpreter log`
opens it, which writes nothing to a log that has its schema.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from interpreter.core.errors import InterpreterError
from interpreter.core.text import counted
from interpreter.deals.database import FIX
from interpreter.deals.log import DealLog
from interpreter.doctor.report import Check, fail, from_error, ok


def nearest_existing(folder: Path) -> Path:
    current = Path(os.path.abspath(folder))
    while not current.exists() and current != current.parent:
        current = current.parent
    return current


def write_probe(folder: Path) -> OSError | None:
    """Write, fsync and remove a small file in `folder`: None when that worked."""
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-", suffix=".tmp") as probe:
            probe.write(b"x" * 4096)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as error:
        return error
    return None


def check_deal_log(path: Path) -> Check:
    folder = path.parent
    facts: dict[str, object] = {"deal_log": str(path)}
    if path.is_dir():
        return fail("deal log", f"{path} is a folder", FIX, **facts)
    existing = nearest_existing(folder)
    if not existing.is_dir():
        return fail(
            "deal log", f"{existing} is a file where the log's folder should be", FIX, **facts
        )
    problem = write_probe(existing)
    if problem is not None:
        return fail(
            "deal log",
            f"cannot write in {existing} ({problem.strerror or problem})",
            f"make it writable for this user, or {FIX}",
            **facts,
        )
    if not path.exists():
        where = "its folder is writable" if existing == folder else f"{existing} is writable"
        return ok("deal log", f"{path}: none yet, the first session starts it; {where}", **facts)
    try:
        with DealLog.open(path, create=False) as log:
            sessions = len(log.sessions())
    except InterpreterError as error:
        return from_error("deal log", error, **facts)
    size_mb = round(path.stat().st_size / 1e6, 2)
    return ok(
        "deal log",
        f"{path}: {counted(sessions, 'session')}, {size_mb:g} MB; its folder is writable",
        sessions=sessions,
        deal_log_mb=size_mb,
        **facts,
    )
