"""What the kiosk page and the live runner say to each other, and nothing more.

The live runner (live/session.py) knows nothing of HTTP; the web server (app.py) knows
nothing of audio. They meet here: the runner reports what happens through
`KioskEvents` (a status change, partial text, a finished turn), and the page acts
through `KioskControls` (a push-to-talk press, a new language pair or voice, applied
from the next turn on). Both sides are plain method calls made from any thread; the
server hands events to its asyncio loop itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from interpreter.core.vocabulary import Doubt, Mode, Party, State
from interpreter.deals.records import LoggedTurn


@dataclass(frozen=True)
class StallSettings:
    """The pair and voices in use, and what the merchant may choose from."""

    merchant_language: str
    buyer_language: str
    # Target language -> voice name in use ("espeak-ng" or a store name; "" for none).
    voices: dict[str, str] = field(default_factory=dict, hash=False)
    # Languages the installed models can serve, and voices installed per language.
    languages: tuple[str, ...] = ()
    voice_choices: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    mode: Mode = Mode.PUSH_TO_TALK


class KioskEvents(Protocol):
    """Told by the live runner, from its own threads; must never block."""

    def status(self, state: State, last_latency_ms: float | None = None) -> None:
        """What the status strip shows: listening (waiting for someone to speak),
        hearing (someone is speaking; partial text comes), thinking (recognising and
        translating a finished turn), speaking (the translation is playing)."""
        ...

    def partial(self, party: Party | None, language: str, text: str) -> None: ...

    def turn(self, turn: LoggedTurn, doubt: Doubt = Doubt.NONE, saved: bool = True) -> None:
        """A finished turn, already in the deal log; with `saved` False, one the log
        could not write (its disk full), shown all the same, marked not saved. Its
        `turn_number` is then the number the log's next turn will have."""
        ...

    def settings(self, settings: StallSettings) -> None: ...


class KioskControls(Protocol):
    """Asked by the web server, from its own thread."""

    def press(self, party: Party, down: bool) -> None:
        """A party's push-to-talk button: down starts their turn, up ends it."""
        ...

    def current_settings(self) -> StallSettings: ...

    def change_settings(
        self, pair: tuple[str, str] | None = None, voices: dict[str, str] | None = None
    ) -> StallSettings:
        """Validate and apply from the next turn on; a bad value is an InputError."""
        ...

    def session_id(self) -> str:
        """The deal-log session the screen shows."""
        ...
