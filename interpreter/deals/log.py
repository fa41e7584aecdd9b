"""The deal log: every finished turn, kept in SQLite before it is shown.

At a market counter the record of what was said is the point: a price or a quantity
on the screen that is not in the log afterwards is a dispute waiting to happen. So the
live runner calls `DealLog.record(turn)` *before* it shows the turn, and `record`
returns only once the turn is committed (fsynced: see `database` for how that
survives a power cut). What a turn and a session are: `records`.

Threads. One connection per thread: the live runner's worker thread writes on its own
connection while a web server thread reads on another; WAL gives each reader a
consistent snapshot and never blocks the writer. Connections are opened on first use
in a thread and all closed by `close()`, which must be called after the other threads
have stopped using the log. Writers in other threads or processes (a second
`interpreter` on the same file) wait up to `busy_timeout_s` and then fail with a
one-line error.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from pathlib import Path

from interpreter.core.errors import InputError
from interpreter.deals.database import (
    FIX,
    TURN_COLUMNS,
    DealLogError,
    connect,
    create_schema,
    default_log_path,
    failure,
    session_from_row,
    turn_from_row,
    turn_values,
    writing,
)
from interpreter.deals.records import (
    LATEST,
    LoggedTurn,
    SessionInfo,
    check_language,
    check_session_id,
)

_MAX_SAME_SECOND = 999
# The files SQLite keeps beside the log (WAL mode; a rollback journal, never used here,
# named in case).
_SIDE_FILES = ("-wal", "-shm", "-journal")


def _remove_unborn(path: Path) -> None:
    """Remove a log this process began on a disk that filled before the schema was in.

    SQLite creates the file (0 bytes) when it connects, and the -wal and -shm files as
    far as the room goes; none of them holds anything, and a 0-byte file left behind
    would be taken for a log on the next start. Only called for a file that did not
    exist before `open`, and only when the disk was full: any other process opening it
    at the same moment could not have written to it either."""
    for name in (path.name, *(path.name + side for side in _SIDE_FILES)):
        with suppress(OSError):
            (path.parent / name).unlink()


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
        that finds the file locked waits `busy_timeout_s` before giving up. A new log
        that a full disk stops before it is made leaves no file behind."""
        path = Path(path).expanduser() if path is not None else default_log_path()
        if path.is_dir():
            raise DealLogError(f"deal log {path} is a folder; {FIX}")
        new = not path.exists()
        if new:
            if not create:
                raise InputError(
                    f"no deal log at {path} yet: `interpreter live` writes it; or {FIX}"
                )
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise failure(path, error) from None
        log = cls(path, clock=clock, busy_timeout_s=busy_timeout_s)
        try:
            log._create_schema()
        except BaseException as error:
            log.close()
            if new and isinstance(error, DealLogError) and error.full:
                _remove_unborn(path)
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
        merchant = check_language(pair[0], "merchant language")
        buyer = check_language(pair[1], "buyer language")
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
        with self._guard() as connection, writing(connection):
            self._require_session(connection, turn.session_id)
            try:
                connection.execute(
                    f"INSERT INTO turns ({TURN_COLUMNS}) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    turn_values(turn),
                )
            except sqlite3.IntegrityError:
                raise InputError(
                    f"turn {turn.turn_number} of session {turn.session_id} is already "
                    "logged; number a session's turns 1, 2, 3, ... (see next_turn_number)"
                ) from None

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
        return [session_from_row(row) for row in rows]

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
        return session_from_row(row)

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
                f"SELECT {TURN_COLUMNS} FROM turns WHERE session_id = ? AND turn_number > ? "
                "ORDER BY turn_number",
                (session_id, int(after_turn)),
            ).fetchall()
        return tuple(turn_from_row(row) for row in rows)

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
            create_schema(connection, self.path)

    @contextmanager
    def _guard(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, with SQLite's errors turned into one-line ones."""
        try:
            yield self._connection()
        except sqlite3.Error as error:
            raise failure(self.path, error) from None

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
            connection = connect(self.path, self._busy_timeout_s)
            self._connections[ident] = connection
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
