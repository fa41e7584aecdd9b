"""The live runner and the kiosk page, joined: events out to the page, presses in.

`KioskBridge` is the session's `SessionEvents`: every finished turn goes into the deal
log first and only then to the page (so what a party reads is already on record), and
each turn's timings go to the metrics. A turn the log cannot write (its disk full, the
file locked or damaged) is still shown, as itself, marked not saved on the page; each
such turn is a warning line on stderr, with what was said, and is counted in the
metrics, for as long as the log fails. `StallControls` is the page's `KioskControls`:
a button press becomes a push-to-talk press of the session, and a new language pair
or voice is made ready here (its translator and voices loaded on the web server's
worker thread, the recogniser kept) and handed to the session, which switches between
two turns.
"""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
from collections.abc import Callable
from dataclasses import replace

from interpreter.core.clock import Clock
from interpreter.core.errors import InputError, InterpreterError
from interpreter.core.languages import LANGUAGES, language
from interpreter.core.text import terminal_json
from interpreter.core.vocabulary import Party, State
from interpreter.deals.log import DealLog
from interpreter.deals.records import LoggedTurn, logged_turn
from interpreter.kiosk.backend import StallSettings
from interpreter.kiosk.hub import EventHub
from interpreter.kiosk.metrics import KioskMetrics
from interpreter.live.parties import Parties
from interpreter.live.session import LiveSession, PairChange, Press, SessionEvents
from interpreter.store import ModelStore
from interpreter.turn.pipeline import Directions, Interpreter, Turn
from interpreter.turn.stages import (
    ESPEAK_VOICE,
    StageOptions,
    build_synthesizer,
    build_translator,
    describe_gaps,
    open_glossary,
)
from interpreter.turn.trace import TurnTrace


class KioskBridge(SessionEvents):
    def __init__(
        self,
        hub: EventHub,
        deal_log: DealLog,
        session_id: str,
        metrics: KioskMetrics,
        warn: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
    ) -> None:
        self._hub = hub
        self._log = deal_log
        self.session_id = session_id
        self._metrics = metrics
        self._warn = warn
        self._last_latency_ms: float | None = None
        # The number the log's next turn will have, as last read from it (an unsaved
        # turn carries it when the log cannot even be read).
        self._next_number = 1
        self._unsaved_run = 0  # turns not saved since the log last wrote one

    def status(self, state: State, last_latency_ms: float | None = None) -> None:
        if last_latency_ms is not None:
            self._last_latency_ms = last_latency_ms
        self._hub.status(state, self._last_latency_ms)

    def partial(self, party: Party | None, language: str | None, text: str) -> None:
        self._hub.partial(party, language or "", text)

    def finished(self, turn: Turn, party: Party | None, trace: TurnTrace) -> None:
        problem: InterpreterError | None = None
        try:
            self._next_number = self._log.next_turn_number(self.session_id)
        except InterpreterError as error:  # DealLogError, or the session gone from it
            problem = error
        logged = logged_turn(
            turn,
            session_id=self.session_id,
            turn_number=self._next_number,
            party=party,
            latency_ms=trace.first_audio_made_ms,
        )
        if problem is None:
            try:
                self._log.record(logged)
            except InterpreterError as error:
                problem = error
        if problem is not None:
            # The stall keeps interpreting, and the page shows the turn as itself,
            # marked not saved; every such turn is said, with what was said in it.
            self._unsaved_run += 1
            self._metrics.turn_not_saved()
            self._warn(_not_saved_line(logged, problem))
            self._hub.turn(logged, doubt=turn.doubt, saved=False)
            return
        self._next_number += 1
        if self._unsaved_run:
            self._warn(
                f"note: the deal log {self._log.path} is saving turns again; "
                f"{self._unsaved_run} turn(s) before this one were not saved"
            )
            self._unsaved_run = 0
        self._hub.turn(logged, doubt=turn.doubt)

    def reported(self, trace: TurnTrace, audio_overflows: int) -> None:
        asr_ms = max(0.0, trace.asr_done_ms - trace.endpoint_ms)
        mt_ms = max(0.0, trace.mt_done_ms - trace.asr_done_ms)
        self._metrics.observe_turn(
            trace.party,
            trace.method,
            asr_ms=asr_ms,
            mt_ms=mt_ms,
            first_audio_ms=trace.heard_ms,
            total_ms=trace.mt_done_ms,
            asr_rung=trace.asr_rung,
            mt_rung=trace.mt_rung,
            violations=trace.violations,
        )
        self._metrics.set_audio_overflows(audio_overflows)
        if trace.heard_ms is not None:
            self._last_latency_ms = trace.heard_ms


def _not_saved_line(turn: LoggedTurn, problem: Exception) -> str:
    """The one warning line for a turn the deal log could not write: why, and what
    was said (quoted as JSON, so a line break or a control character in a transcript
    stays on the line and never reaches the terminal raw)."""
    reason = " ".join(str(problem).split())
    said = terminal_json(turn.transcript)
    meant = terminal_json(turn.translation)
    return (
        f"warning: a turn was not saved in the deal log ({reason}); the page shows it "
        f"marked not saved: {turn.party or 'someone'} at {turn.time_utc} said {said} "
        f"({turn.source_language}), shown as {meant} ({turn.target_language})"
    )


def _choice(voice_name: str) -> str:
    """A voice as the page offers it: espeak-ng's voices are one choice, "espeak-ng";
    no voice at all is ""."""
    if voice_name.startswith(ESPEAK_VOICE):
        return ESPEAK_VOICE
    return "" if voice_name.startswith("none") else voice_name


class StallControls:
    """What the page may do to the running session."""

    def __init__(
        self,
        session: LiveSession,
        interpreter: Interpreter,
        store: ModelStore,
        stages: StageOptions,
        clock: Clock,
        session_id: str,
        voices: dict[str, str],
        hub: EventHub | None = None,
        warn: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
    ) -> None:
        self._session = session
        self._interpreter = interpreter
        self._store = store
        self._stages = stages
        self._clock = clock
        self._session_id = session_id
        self._voices = {code: _choice(name) for code, name in voices.items()}
        self._hub = hub
        self._warn = warn
        self._lock = threading.Lock()
        # The pair the page sees: a change shows at once, and the session switches to
        # it at its next turn.
        parties = session.parties
        self._pair = (parties.merchant_language, parties.buyer_language)

    def press(self, party: Party, down: bool) -> None:
        # A full queue: the button was mashed faster than the listener reads.
        with contextlib.suppress(queue.Full):
            self._session.presses.put_nowait(Press(Party(party), down=down))

    def session_id(self) -> str:
        return self._session_id

    def current_settings(self) -> StallSettings:
        """The pair the page sees, the voices, what may be chosen, and the session's
        way of taking turns (hands-free or buttons), fixed when it was opened."""
        merchant, buyer = self._pair
        return StallSettings(
            merchant_language=merchant,
            buyer_language=buyer,
            voices=dict(self._voices),
            languages=tuple(LANGUAGES),
            voice_choices=self._voice_choices(),
            mode=self._session.mode,
        )

    def change_settings(
        self, pair: tuple[str, str] | None = None, voices: dict[str, str] | None = None
    ) -> StallSettings:
        with self._lock:
            merchant, buyer = pair or self._pair
            merchant, buyer = language(merchant).code, language(buyer).code
            if merchant == buyer:
                raise InputError(f"the merchant and the buyer both speak {merchant}; pick two")
            self._interpreter.transcriber.check_languages((merchant, buyer))
            chosen = {**self._chosen_voices(), **(voices or {})}
            choices = self._voice_choices()
            for code, voice in chosen.items():
                if voice not in choices.get(code, ()):
                    raise InputError(f"voice {voice!r} is not installed for {code}")
            directions = Directions.pair(merchant, buyer)
            stages = replace(self._stages, voices=chosen)
            speech = self._interpreter.transcriber
            translator, _, _ = build_translator(
                self._store,
                directions,
                stages,
                self._clock,
                speech_translator=speech if speech.is_multilingual else None,
                glossary=open_glossary(stages),
            )
            synthesizer, names = build_synthesizer(self._store, directions, stages, self._clock)
            for note in describe_gaps(translator, directions, names, self._store.catalog):
                self._warn(f"note: {note}")
            self._session.change_pair(PairChange(Parties(merchant, buyer), translator, synthesizer))
            self._voices = {code: _choice(name) for code, name in names.items()}
            self._pair = (merchant, buyer)
            settings = self.current_settings()
        if self._hub is not None:
            self._hub.settings(settings)
        return settings

    def _chosen_voices(self) -> dict[str, str]:
        """The voices picked so far, as store names or espeak-ng (not the display
        names of voices the synthesizer fell back to)."""
        return {
            code: name
            for code, name in self._voices.items()
            if name == ESPEAK_VOICE or self._store.is_installed(name)
        }

    def _voice_choices(self) -> dict[str, tuple[str, ...]]:
        choices: dict[str, list[str]] = {code: [] for code in LANGUAGES}
        for entry in self._store.installed():
            if entry.kind == "tts" and len(entry.languages) == 1:
                choices.setdefault(entry.languages[0], []).append(entry.name)
        for code in choices:
            choices[code].append(ESPEAK_VOICE)
        return {code: tuple(names) for code, names in choices.items()}
