"""What the deal log keeps: one finished turn (`LoggedTurn`) and one session (`SessionInfo`).

A record is checked when it is made, so what the log stores is exactly what it reads
back, and a wrong field is a one-line `InputError` naming it.

Times. `LoggedTurn.time_utc` and `SessionInfo.started_utc` are ISO 8601 strings in
UTC with an explicit offset ("2026-12-03T06:25:01.123+00:00"): they sort as text and
mean the same on any machine. Session ids are a readable label in the stall's local
time ("20261203-142501"), with "-2", "-3", ... when a session already started in that
second; the id is a name, not a timestamp to compute with.

Safety. Session ids (which reach the log from the command line and the web page) are
checked against `SESSION_ID_PATTERN` before any query, so an unknown or malformed id
is a one-line `InputError`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import TYPE_CHECKING

from interpreter.core.errors import InputError
from interpreter.core.vocabulary import Method, Party

if TYPE_CHECKING:
    from interpreter.turn.pipeline import Turn

SESSION_ID_PATTERN = re.compile(r"\d{8}-\d{6}(?:-\d{1,3})?")
LATEST = "latest"
# As the log stores them: the text of each `Party` and `Method`.
PARTIES = tuple(party.value for party in Party)
METHODS = tuple(method.value for method in Method)
# Language codes as core/languages.py writes them (zh, en, yue), with an optional region.
_LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")


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


def check_language(code: object, what: str) -> str:
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
        check_language(self.source_language, "source language")
        check_language(self.target_language, "target language")
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
    offset = None if moment is None else moment.utcoffset()
    if offset is None or offset.total_seconds() != 0:
        raise InputError(
            f"time {str(text)[:40]!r} is not an ISO 8601 UTC time; "
            "write it as deals.records.utc_now() does, e.g. 2026-12-03T06:25:01.123+00:00"
        )


def logged_turn(
    turn: Turn,
    *,
    session_id: str,
    turn_number: int,
    party: Party | None,
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
