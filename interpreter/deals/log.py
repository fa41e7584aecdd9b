"""The deal log: every finished turn, kept in SQLite before it is shown.

At a market counter the record of what was said is the point: a price or a quantity
on the screen that is not in the log afterwards is a dispute waiting to happen. So the
live runner calls `DealLog.record(turn)` *before* it shows the turn, and `record`
returns only once the turn is committed.

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

Threads. One connection per thread: the live runner's worker thread writes on its own
connection while a web server thread reads on another; WAL gives each reader a
consistent snapshot and never blocks the writer. Connections are opened on first use
in a thread and all closed by `close()`, which must be called after the other threads
have stopped using the log. Writers in other threads or processes (a second
`interpreter` on the same file) wait up to `busy_timeout_s` and then fail with a
one-line error.

Times. `LoggedTurn.time_utc` and `SessionInfo.started_utc` are ISO 8601 strings in
UTC with an explicit offset ("2026-12-03T06:25:01.123+00:00"): they sort as text and
mean the same on any machine. Session ids are a readable label in the stall's local
time ("20261203-142501"), with "-2", "-3", ... when a session already started in that
second; the id is a name, not a timestamp to compute with.

Safety. Every SQL statement is parameterised, and session ids (which reach here from
the command line and the web page) are checked against `SESSION_ID_PATTERN` before
any query, so an unknown or malformed id is a one-line `InputError`.
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from interpreter.core.errors import InputError, InterpreterError

if TYPE_CHECKING:
    from interpreter.turn.pipeline import Turn

DEAL_LOG_ENV = "INTERPRETER_DEAL_LOG"
SCHEMA_VERSION = 1
SESSION_ID_PATTERN = re.compile(r"\d{8}-\d{6}(?:-\d{1,3})?")
LATEST = "latest"
PARTIES = ("merchant", "buyer")
METHODS = ("phrasebook", "nmt", "whisper-translate", "none")
# Language codes as core/languages.py writes them (zh, en, yue), with an optional region.
_LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")
_MAX_SAME_SECOND = 999
_FIX = f"give another file with --log PATH (env {DEAL_LOG_ENV})"

_SCHEMA = (
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
_TURN_COLUMNS = (
    "session_id, turn_number, time_utc, party, source_language, target_language, "
    "transcript, translation, method, numbers_json, numbers_said_json, latency_ms, confidence"
)


class DealLogError(InterpreterError):
    """The deal log's file cannot be opened, written or read (damaged, locked, no room)."""


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


def utc_now() -> str:
    """Now, as `LoggedTurn.time_utc` wants it."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def check_session_id(session_id: object) -> str:
    """The id itself when it has the shape of one; a one-line InputError otherwise.

    Called before any query with an id from outside (command line, web page)."""
    if not isinstance(session_id, str) or not SESSION_ID_PATTERN.fullmatch(session_id):
        shown = repr(session_id)[:40]
        raise InputError(
            f"{shown} is not a session id; write one as `interpreter log list` shows it, "
            "e.g. 20261203-142501, or `latest`"
        )
    return session_id


def _check_language(code: object, what: str) -> str:
    if not isinstance(code, str) or not _LANGUAGE_PATTERN.fullmatch(code):
        raise InputError(f"{what} {str(code)[:20]!r} is not a language code; write it as zh or en")
    return code


def _plain(value: object) -> object:
    """An enum member (Method, Party) as its value, so both spellings are accepted."""
    return value.value if isinstance(value, Enum) else value


@dataclass(frozen=True)
class LoggedTurn:
    """One finished turn as the log keeps it.

    `numbers` are the turn's amounts as written in the translation (the listener's
    language), `numbers_said` the same amounts as the speaker said them, in the same
    order (empty when unknown). `latency_ms` runs from the end of speech (the last
    voiced sample) to the first translated audio, None when nothing was spoken. Enum
    members (`Method`, `Party`) are accepted and kept as their plain values.
    """

    session_id: str
    turn_number: int
    time_utc: str
    party: str | None
    source_language: str
    target_language: str
    transcript: str
    translation: str
    method: str
    confidence: float
    numbers: tuple[str, ...] = field(default=())
    numbers_said: tuple[str, ...] = field(default=())
    latency_ms: float | None = None

    def __post_init__(self) -> None:
        # Normalised here, once, so what is stored is exactly what is read back.
        object.__setattr__(self, "method", _plain(self.method))
        object.__setattr__(self, "party", _plain(self.party))
        object.__setattr__(self, "numbers", tuple(self.numbers))
        object.__setattr__(self, "numbers_said", tuple(self.numbers_said))
        check_session_id(self.session_id)
        if isinstance(self.turn_number, bool) or not isinstance(self.turn_number, int):
            raise InputError(f"turn number {self.turn_number!r} is not a whole number")
        if self.turn_number < 1:
            raise InputError(f"turn number {self.turn_number} is below 1; number turns from 1")
        _check_utc(self.time_utc)
        if self.party is not None and self.party not in PARTIES:
            raise InputError(f"party {self.party!r} is neither merchant nor buyer (nor None)")
        _check_language(self.source_language, "source language")
        _check_language(self.target_language, "target language")
        if self.method not in METHODS:
            raise InputError(f"method {self.method!r} is not one of {', '.join(METHODS)}")
        for name in ("transcript", "translation"):
            if not isinstance(getattr(self, name), str):
                raise InputError(f"{name} must be text, not {type(getattr(self, name)).__name__}")
        for name in ("numbers", "numbers_said"):
            if not all(isinstance(n, str) for n in getattr(self, name)):
                raise InputError(f"{name} must be a tuple of strings such as ('500 pieces',)")
        if not _finite(self.confidence):
            raise InputError(f"confidence {self.confidence!r} is not a finite number")
        if self.latency_ms is not None and not _finite(self.latency_ms):
            raise InputError(f"latency {self.latency_ms!r} ms is not a finite number (or None)")


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_utc(text: object) -> None:
    try:
        moment = datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None or moment.utcoffset().total_seconds() != 0:
        raise InputError(
            f"time {str(text)[:40]!r} is not an ISO 8601 UTC time; "
            "write it as deals.log.utc_now() does, e.g. 2026-12-03T06:25:01.123+00:00"
        )


def logged_turn(
    turn: Turn,
    *,
    session_id: str,
    turn_number: int,
    party: str | None,
    latency_ms: float | None,
    time_utc: str | None = None,
) -> LoggedTurn:
    """A pipeline `Turn` as the log keeps it: the one mapping the live runner needs."""
    translation = turn.translation
    return LoggedTurn(
        session_id=session_id,
        turn_number=turn_number,
        time_utc=time_utc or utc_now(),
        party=party,
        source_language=translation.source_language,
        target_language=translation.target_language,
        transcript=turn.transcript.text,
        translation=translation.text,
        method=translation.method,
        confidence=float(turn.transcript.confidence),
        numbers=translation.numbers,
        numbers_said=translation.numbers_said,
        latency_ms=latency_ms,
    )


@dataclass(frozen=True)
class SessionInfo:
    """A session as `sessions()` lists it. `pair` is (merchant's language, buyer's)."""

    id: str
    started_utc: str
    pair: tuple[str, str]
    note: str
    turn_count: int


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _failure(path: Path, error: sqlite3.Error | OSError) -> DealLogError:
    """A database or file error as one line naming the file and the fix."""
    detail = _one_line(error)
    text = detail.lower()
    if "locked" in text or "busy" in text:
        return DealLogError(
            f"deal log {path} is locked by another program ({detail}); stop the other "
            f"interpreter that is using it, or {_FIX}"
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DealLogError(
            f"deal log {path} is damaged ({detail}); move it aside (keep it for recovery) "
            f"and a new log is started, or {_FIX}"
        )
    if "full" in text or "no space" in text:
        return DealLogError(f"the disk holding deal log {path} is full; free some space or {_FIX}")
    if (
        "readonly" in text
        or "read-only" in text
        or "unable to open" in text
        or "permission" in text
        or "i/o" in text
        or isinstance(error, OSError)
    ):
        return DealLogError(
            f"cannot write the deal log {path} ({detail}); make it and its folder writable, "
            f"or {_FIX}"
        )
    return DealLogError(f"deal log {path} failed ({detail}); {_FIX}")


class DealLog:
    """The stall's deal log; open it with `DealLog.open(path)`.

    Sessions and turns go in, sessions and turns come out. Every method may be called
    from any thread (see the module docstring for how).
    """

    def __init__(
        self,
        path: Path,
        *,
        clock: Callable[[], datetime] | None = None,
        busy_timeout_s: float = 5.0,
    ) -> None:
        self.path = path
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._busy_timeout_s = busy_timeout_s
        self._lock = threading.Lock()
        self._connections: dict[int, sqlite3.Connection] = {}
        self._closed = False

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        create: bool = True,
        clock: Callable[[], datetime] | None = None,
        busy_timeout_s: float = 5.0,
    ) -> DealLog:
        """Open (and with `create`, make) the log at `path`, default `default_log_path()`.

        `clock` gives the current time as an aware datetime (tests fix it); a writer
        that finds the file locked waits `busy_timeout_s` before giving up."""
        path = Path(path).expanduser() if path is not None else default_log_path()
        if path.is_dir():
            raise DealLogError(f"deal log {path} is a folder; {_FIX}")
        if not path.exists():
            if not create:
                raise InputError(
                    f"no deal log at {path} yet: `interpreter live` writes it; or {_FIX}"
                )
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise _failure(path, error) from None
        log = cls(path, clock=clock, busy_timeout_s=busy_timeout_s)
        try:
            log._create_schema()
        except BaseException:
            log.close()
            raise
        return log

    def __enter__(self) -> DealLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------

    def start_session(self, pair: tuple[str, str], note: str = "") -> str:
        """A new session for (merchant's language, buyer's); its id.

        Ids are the local start time to the second; a session started in a second that
        already has one gets "-2", "-3", ... The insert itself decides, so two
        processes starting sessions at once cannot collide either."""
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise InputError(f"pair {pair!r} is not two languages; pass it as ('zh', 'en')")
        merchant = _check_language(pair[0], "merchant language")
        buyer = _check_language(pair[1], "buyer language")
        if not isinstance(note, str):
            raise InputError(f"note must be text, not {type(note).__name__}")
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the deal log's clock must return an aware datetime")
        started_utc = now.astimezone(timezone.utc).isoformat(timespec="milliseconds")
        base = now.astimezone().strftime("%Y%m%d-%H%M%S")
        with self._guard() as connection:
            for n in range(1, _MAX_SAME_SECOND + 1):
                session_id = base if n == 1 else f"{base}-{n}"
                try:
                    connection.execute(
                        "INSERT INTO sessions (id, started_utc, merchant_language, "
                        "buyer_language, note) VALUES (?, ?, ?, ?, ?)",
                        (session_id, started_utc, merchant, buyer, note),
                    )
                except sqlite3.IntegrityError:
                    continue
                return session_id
        raise DealLogError(f"deal log {self.path} has {_MAX_SAME_SECOND} sessions in {base}")

    def record(self, turn: LoggedTurn) -> None:
        """Write one finished turn; it is on disk (fsynced) when this returns."""
        with self._guard() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                self._require_session(connection, turn.session_id)
                try:
                    connection.execute(
                        f"INSERT INTO turns ({_TURN_COLUMNS}) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
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
                        ),
                    )
                except sqlite3.IntegrityError:
                    raise InputError(
                        f"turn {turn.turn_number} of session {turn.session_id} is already "
                        "logged; number a session's turns 1, 2, 3, ... (see next_turn_number)"
                    ) from None
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    with suppress(sqlite3.Error):
                        connection.execute("ROLLBACK")
                raise

    # -- reading ------------------------------------------------------------------

    def sessions(self) -> list[SessionInfo]:
        """Every session, oldest first."""
        with self._guard() as connection:
            rows = connection.execute(
                "SELECT s.id, s.started_utc, s.merchant_language, s.buyer_language, s.note, "
                "COUNT(t.turn_number) FROM sessions AS s "
                "LEFT JOIN turns AS t ON t.session_id = s.id "
                "GROUP BY s.id ORDER BY s.rowid"
            ).fetchall()
        return [_session(row) for row in rows]

    def session(self, session_id: str) -> SessionInfo:
        """One session; `latest` names the newest. Unknown or malformed: InputError."""
        session_id = self.resolve(session_id)
        with self._guard() as connection:
            row = connection.execute(
                "SELECT s.id, s.started_utc, s.merchant_language, s.buyer_language, s.note, "
                "(SELECT COUNT(*) FROM turns AS t WHERE t.session_id = s.id) "
                "FROM sessions AS s WHERE s.id = ?",
                (session_id,),
            ).fetchone()
        if row is None:
            raise self._unknown(session_id)
        return _session(row)

    def resolve(self, session_id: str) -> str:
        """`latest` as the newest session's id; any other id checked for shape only."""
        if session_id != LATEST:
            return check_session_id(session_id)
        with self._guard() as connection:
            row = connection.execute(
                "SELECT id FROM sessions ORDER BY rowid DESC LIMIT 1"
            ).fetchone()
        if row is None:
            raise InputError(
                f"deal log {self.path} has no sessions yet; `interpreter live` starts one"
            )
        return str(row[0])

    def turns(self, session_id: str, after_turn: int = 0) -> tuple[LoggedTurn, ...]:
        """A session's turns in order; with `after_turn`, only the later ones (a page
        reloaded mid-conversation catches up from the last turn it has)."""
        session_id = self.resolve(session_id)
        with self._guard() as connection:
            self._require_session(connection, session_id)
            rows = connection.execute(
                f"SELECT {_TURN_COLUMNS} FROM turns WHERE session_id = ? AND turn_number > ? "
                "ORDER BY turn_number",
                (session_id, int(after_turn)),
            ).fetchall()
        return tuple(_turn(row) for row in rows)

    def next_turn_number(self, session_id: str) -> int:
        """One past the session's last logged turn."""
        session_id = check_session_id(session_id)
        with self._guard() as connection:
            self._require_session(connection, session_id)
            (last,) = connection.execute(
                "SELECT COALESCE(MAX(turn_number), 0) FROM turns WHERE session_id = ?",
                (session_id,),
            ).fetchone()
        return int(last) + 1

    def close(self) -> None:
        """Close every thread's connection; call it once the other threads are done."""
        with self._lock:
            self._closed = True
            connections, self._connections = list(self._connections.values()), {}
        for connection in connections:
            with suppress(sqlite3.Error):
                connection.close()

    # -- internals ----------------------------------------------------------------

    def _create_schema(self) -> None:
        with self._guard() as connection:
            # Read first: opening a log that has its schema writes nothing, so a reader
            # (the CLI, the web page) opens it even while the worker holds a write.
            (version,) = connection.execute("PRAGMA user_version").fetchone()
            if version == SCHEMA_VERSION:
                return
            connection.execute("BEGIN IMMEDIATE")
            try:
                (version,) = connection.execute("PRAGMA user_version").fetchone()
                if version == 0:
                    for statement in _SCHEMA:
                        connection.execute(statement)
                    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")
                elif version > SCHEMA_VERSION:
                    raise DealLogError(
                        f"deal log {self.path} was written by a newer interpreter (schema "
                        f"{version}, this one reads {SCHEMA_VERSION}); upgrade interpreter"
                    )
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    with suppress(sqlite3.Error):
                        connection.execute("ROLLBACK")
                raise

    @contextmanager
    def _guard(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, with SQLite's errors turned into one-line ones."""
        try:
            yield self._connection()
        except sqlite3.Error as error:
            raise _failure(self.path, error) from None

    def _connection(self) -> sqlite3.Connection:
        ident = threading.get_ident()
        with self._lock:
            if self._closed:
                raise RuntimeError(f"deal log {self.path} is closed")
            connection = self._connections.get(ident)
            if connection is not None:
                return connection
            # Connections of threads that have ended are closed here; a thread id the
            # system hands out again gets a fresh connection.
            alive = {thread.ident for thread in threading.enumerate()}
            for gone in [i for i in self._connections if i not in alive]:
                with suppress(sqlite3.Error):
                    self._connections.pop(gone).close()
            connection = self._connect()
            self._connections[ident] = connection
            return connection

    def _connect(self) -> sqlite3.Connection:
        # Autocommit mode (isolation_level=None): transactions are begun explicitly,
        # so a commit happens exactly where `record` says. check_same_thread=False only
        # so that `close()` may close another thread's connection; each thread uses
        # its own.
        connection = sqlite3.connect(
            str(self.path),
            timeout=self._busy_timeout_s,
            isolation_level=None,
            check_same_thread=False,
        )
        try:
            (mode,) = connection.execute("PRAGMA journal_mode = WAL").fetchone()
            if str(mode).lower() != "wal":
                raise DealLogError(
                    f"deal log {self.path} cannot use write-ahead logging (journal mode "
                    f"{mode}); keep it on a local disk, not a network share, or {_FIX}"
                )
            connection.execute("PRAGMA synchronous = FULL")
            connection.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            connection.close()
            raise
        return connection

    def _require_session(self, connection: sqlite3.Connection, session_id: str) -> None:
        found = connection.execute(
            "SELECT 1 FROM sessions WHERE id = ?", (check_session_id(session_id),)
        ).fetchone()
        if found is None:
            raise self._unknown(session_id)

    def _unknown(self, session_id: str) -> InputError:
        return InputError(
            f"no session {session_id} in deal log {self.path}; "
            "`interpreter log list` shows the sessions there"
        )


def _session(row: tuple) -> SessionInfo:
    session_id, started_utc, merchant, buyer, note, count = row
    return SessionInfo(
        id=session_id,
        started_utc=started_utc,
        pair=(merchant, buyer),
        note=note,
        turn_count=int(count),
    )


def _turn(row: tuple) -> LoggedTurn:
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
