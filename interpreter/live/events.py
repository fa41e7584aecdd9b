"""What a session tells the world (its status, partial text, turns) and what the world
tells it (presses, a new language pair)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from interpreter.core.vocabulary import Party, State
from interpreter.live.parties import Parties
from interpreter.turn.pipeline import Turn
from interpreter.turn.trace import TurnTrace

if TYPE_CHECKING:
    from interpreter.translate.chain import TranslatorChain
    from interpreter.tts.synthesizer import Synthesizer


class SessionEvents:
    """What a session tells the world besides its console lines (the kiosk page, the
    deal log, the metrics); the defaults do nothing. Called from the session's
    threads, so an implementation must be quick and must not block."""

    def status(self, state: State, last_latency_ms: float | None = None) -> None:
        pass

    def partial(self, party: Party | None, language: str | None, text: str) -> None:
        pass

    def finished(self, turn: Turn, party: Party | None, trace: TurnTrace) -> None:
        """A turn is translated and its speech made (maybe still playing): the deal
        log records it here, before anything shows it as done."""

    def reported(self, trace: TurnTrace, audio_overflows: int) -> None:
        """The turn's trace is final (its first audio is out, or it never will be)."""


@dataclass(frozen=True)
class PairChange:
    """A new language pair (or voice) made ready off the worker thread, applied by the
    worker between two turns, so no turn is interpreted half in each."""

    parties: Parties
    translator: TranslatorChain
    synthesizer: Synthesizer | None


@dataclass(frozen=True)
class Press:
    """A push-to-talk control: a key, a GPIO button or the web page."""

    party: Party
    down: bool = True
    toggle: bool = False


class EventFanOut(SessionEvents):
    """Several listeners to one session, each told every event in turn (the kiosk's
    bridge and the stall's state lights)."""

    def __init__(self, *listeners: SessionEvents) -> None:
        self._listeners = listeners

    def status(self, state: State, last_latency_ms: float | None = None) -> None:
        for listener in self._listeners:
            listener.status(state, last_latency_ms)

    def partial(self, party: Party | None, language: str | None, text: str) -> None:
        for listener in self._listeners:
            listener.partial(party, language, text)

    def finished(self, turn: Turn, party: Party | None, trace: TurnTrace) -> None:
        for listener in self._listeners:
            listener.finished(turn, party, trace)

    def reported(self, trace: TurnTrace, audio_overflows: int) -> None:
        for listener in self._listeners:
            listener.reported(trace, audio_overflows)
