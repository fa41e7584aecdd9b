"""The SQLite file under the deal log: where it is, its schema, how it is opened, its rows.

Durability. The database is in WAL mode with `synchronous=FULL`. In WAL mode a commit
appends the transaction to the `-wal` file; with FULL that file is fsynced before the
commit returns, so a turn `record` has returned for survives a crash of the program
*and* a power cut (the stall device's plug being pulled). `synchronous=NORMAL` would
fsync only at checkpoints: still safe against a crash of the program, but a power cut
could roll back the last few committed turns, which breaks "a crash or power cut loses
at most the turn being spoken". The price is one fsync per turn (a few ms, tens on a
slow SD card), paid once every few seconds after the turn's first audio, so nothing
the listener waits for. WAL (rather than a rollback journal) is what lets the web
page read the log while the worker thread writes it, without either waiting.

Safety. Every SQL statement is parameterised. Every failure of the file (locked,
damaged, full, read-only) becomes a one-line `DealLogError` naming the file and the fix.
A full disk does not always reach SQLite as "database or disk is full": a write into
the `-shm` or `-wal` file that runs out of room is a "disk I/O error". So an I/O error
on a disk with less than `LOW_SPACE_BYTES` free is called a full disk too, which is
what the merchant can fix.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from interpreter.core.errors import InterpreterError
from interpreter.deals.records import LoggedTurn, SessionInfo

DEAL_LOG_ENV = "INTERPRETER_DEAL_LOG"
SCHEMA_VERSION = 1
FIX = f"give another file with --log PATH (env {DEAL_LOG_ENV})"
# Less room than this on the log's disk, and an I/O error is the disk being full: a
# turn is a few hundred bytes, but SQLite grows its -wal and -shm files by pages.
LOW_SPACE_BYTES = 1 << 20

SCHEMA = (
    """
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        started_utc TEXT NOT NULL,
        merchant_language TEXT NOT NULL,
        buyer_language TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    )
    """,
    """
    CREATE TABLE turns (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        turn_number INTEGER NOT NULL CHECK (turn_number >= 1),
        time_utc TEXT NOT NULL,
        party TEXT CHECK (party IS NULL OR party IN ('merchant', 'buyer')),
        source_language TEXT NOT NULL,
        target_language TEXT NOT NULL,
        transcript TEXT NOT NULL,
        translation TEXT NOT NULL,
        method TEXT NOT NULL
            CHECK (method IN ('phrasebook', 'nmt', 'whisper-translate', 'none')),
        numbers_json TEXT NOT NULL DEFAULT '[]',
        numbers_said_json TEXT NOT NULL DEFAULT '[]',
        latency_ms REAL,
        confidence REAL NOT NULL,
        PRIMARY KEY (session_id, turn_number)
    )
    """,
)
TURN_COLUMNS = (
    "session_id, turn_number, time_utc, party, source_language, target_language, "
    "transcript, translation, method, numbers_json, numbers_said_json, latency_ms, confidence"
)


class DealLogError(InterpreterError):
    """The deal log's file cannot be opened, written or read (damaged, locked, no room).

    `full` is True when the cause is a disk with no room left."""

    def __init__(self, message: str, *, full: bool = False) -> None:
        super().__init__(message)
        self.full = full


def default_log_path() -> Path:
    """INTERPRETER_DEAL_LOG, else deals.sqlite in the user's data folder.

    Beside the installed models' default folder, but never inside a source checkout
    (where the model store goes): the log is the stall's business record, not a cache,
    and must survive the checkout being deleted or cleaned.
    """
    configured = os.environ.get(DEAL_LOG_ENV)
    if configured:
        return Path(configured).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "interpreter" / "deals.sqlite"


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _little_room(path: Path) -> bool:
    """Whether the disk holding `path` has less than `LOW_SPACE_BYTES` free."""
    try:
        return shutil.disk_usage(path.parent).free < LOW_SPACE_BYTES
    except OSError:
        return False


def failure(path: Path, error: sqlite3.Error | OSError) -> DealLogError:
    """A database or file error as one line naming the file and the fix."""
    detail = _one_line(error)
    text = detail.lower()
    io_error = "i/o" in text or isinstance(error, OSError)
    if "locked" in text or "busy" in text:
        return DealLogError(
            f"deal log {path} is locked by another program ({detail}); stop the other "
            f"interpreter that is using it, or {FIX}"
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DealLogError(
            f"deal log {path} is damaged ({detail}); move it aside (keep it for recovery) "
            f"and a new log is started, or {FIX}"
        )
    if "full" in text or "no space" in text or (io_error and _little_room(path)):
        return DealLogError(
            f"the disk holding deal log {path} is full; free some space or {FIX}", full=True
        )
    if (
        "readonly" in text
        or "read-only" in text
        or "unable to open" in text
        or "permission" in text
        or io_error
    ):
        return DealLogError(
            f"cannot write the deal log {path} ({detail}); make it and its folder writable, "
            f"or {FIX}"
        )
    return DealLogError(f"deal log {path} failed ({detail}); {FIX}")


def connect(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    """A new connection to the log at `path`, in WAL mode with full fsync.

    Writers that find the file locked wait `busy_timeout_s` before giving up."""
    # Autocommit mode (isolation_level=None): transactions are begun explicitly,
    # so a commit happens exactly where `record` says. check_same_thread=False only
    # so that `close()` may close another thread's connection; each thread uses
    # its own.
    connection = sqlite3.connect(
        str(path),
        timeout=busy_timeout_s,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        (mode,) = connection.execute("PRAGMA journal_mode = WAL").fetchone()
        if str(mode).lower() != "wal":
            raise DealLogError(
                f"deal log {path} cannot use write-ahead logging (journal mode "
                f"{mode}); keep it on a local disk, not a network share, or {FIX}"
            )
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        connection.close()
        raise
    return connection


def create_schema(connection: sqlite3.Connection, path: Path) -> None:
    """Give a new file the schema; refuse one a newer interpreter wrote."""
    # Read first: opening a log that has its schema writes nothing, so a reader
    # (the CLI, the web page) opens it even while the worker holds a write.
    (version,) = connection.execute("PRAGMA user_version").fetchone()
    if version == SCHEMA_VERSION:
        return
    with writing(connection):
        (version,) = connection.execute("PRAGMA user_version").fetchone()
        if version == 0:
            for statement in SCHEMA:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
        elif version > SCHEMA_VERSION:
            raise DealLogError(
                f"deal log {path} was written by a newer interpreter (schema "
                f"{version}, this one reads {SCHEMA_VERSION}); upgrade interpreter"
            )


@contextmanager
def writing(connection: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: taken at once (so two writers wait in turn rather than
    fail half-way), committed when the block ends, rolled back if anything in it
    fails, even an interrupt, so nothing is left half-written."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            with suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
        raise


def turn_values(turn: LoggedTurn) -> tuple:
    """A turn as the values of `TURN_COLUMNS`, in that order."""
    return (
        turn.session_id,
        turn.turn_number,
        turn.time_utc,
        turn.party,
        turn.source_language,
        turn.target_language,
        turn.transcript,
        turn.translation,
        turn.method,
        json.dumps(list(turn.numbers), ensure_ascii=False),
        json.dumps(list(turn.numbers_said), ensure_ascii=False),
        None if turn.latency_ms is None else float(turn.latency_ms),
        float(turn.confidence),
    )


def session_from_row(row: tuple) -> SessionInfo:
    session_id, started_utc, merchant, buyer, note, count = row
    return SessionInfo(
        id=session_id,
        started_utc=started_utc,
        pair=(merchant, buyer),
        note=note,
        turn_count=int(count),
    )


def turn_from_row(row: tuple) -> LoggedTurn:
    (
        session_id,
        turn_number,
        time_utc,
        party,
        source_language,
        target_language,
        transcript,
        translation,
        method,
        numbers_json,
        numbers_said_json,
        latency_ms,
        confidence,
    ) = row
    return LoggedTurn(
        session_id=session_id,
        turn_number=int(turn_number),
        time_utc=time_utc,
        party=party,
        source_language=source_language,
        target_language=target_language,
        transcript=transcript,
        translation=translation,
        method=method,
        confidence=float(confidence),
        numbers=tuple(json.loads(numbers_json)),
        numbers_said=tuple(json.loads(numbers_said_json)),
        latency_ms=None if latency_ms is None else float(latency_ms),
    )
