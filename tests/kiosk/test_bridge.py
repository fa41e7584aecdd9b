"""The live session joined to the kiosk: the deal log before the page, presses in, a
new pair made ready and switched between turns."""

from __future__ import annotations

from dataclasses import replace
from typing import cast

import pytest

from interpreter.core.clock import ManualClock
from interpreter.core.errors import InputError
from interpreter.core.vocabulary import Doubt, Mode, Party, State
from interpreter.deals.database import DealLogError
from interpreter.deals.log import DealLog
from interpreter.deals.records import LoggedTurn
from interpreter.kiosk.backend import KioskEvents, StallSettings
from interpreter.kiosk.bridge import KioskBridge, StallControls
from interpreter.kiosk.hub import EventHub
from interpreter.kiosk.metrics import KioskMetrics
from interpreter.live.parties import Parties
from interpreter.live.session import PairChange
from interpreter.store import ModelStore
from interpreter.translate.chain import TranslatorChain
from interpreter.turn.pipeline import Interpreter, Turn
from interpreter.turn.stages import StageOptions
from tests.deals.test_full_disk import full_disk_log
from tests.live.test_session import ScriptedInterpreter, next_job, session_with, utterance


class WatchingHub:
    """Records what the page is told, and what the deal log held at that moment."""

    def __init__(self, log: DealLog, session_id: str) -> None:
        self.log, self.session_id = log, session_id
        self.events: list[tuple] = []
        self.shown: list[tuple[LoggedTurn, bool]] = []  # each turn, and whether it was saved

    def status(self, state: State, last_latency_ms: float | None = None) -> None:
        self.events.append(("status", state))

    def partial(self, party: Party | None, language: str, text: str) -> None:
        self.events.append(("partial", party, text))

    def turn(self, turn: LoggedTurn, doubt: Doubt = Doubt.NONE, saved: bool = True) -> None:
        on_record = [t.turn_number for t in self.log.turns(self.session_id)]
        self.events.append(("turn", turn.turn_number, tuple(on_record)))
        self.shown.append((turn, saved))

    def settings(self, settings: StallSettings) -> None:
        self.events.append(("settings", settings.merchant_language, settings.buyer_language))


def page(hub: WatchingHub) -> EventHub:
    """The watching hub as the bridge's page: it has the hub's `KioskEvents`, all the
    bridge calls, but `KioskBridge` asks for the `EventHub` class."""
    events: KioskEvents = hub
    return cast(EventHub, events)


@pytest.fixture
def deal_log(tmp_path):
    log = DealLog.open(tmp_path / "deals.sqlite")
    yield log
    log.close()


def test_a_finished_turn_is_on_record_before_the_page_shows_it(deal_log) -> None:
    session_id = deal_log.start_session(("zh", "en"))
    hub = WatchingHub(deal_log, session_id)
    metrics = KioskMetrics()
    clock = ManualClock()
    bridge = KioskBridge(page(hub), deal_log, session_id, metrics)
    session, _, _ = session_with(clock, events=bridge)
    for number in (1, 2):
        session.listener.submit(utterance(number), None, Party.BUYER)
        session.worker.handle(next_job(session))

    turns = [event for event in hub.events if event[0] == "turn"]
    assert turns == [("turn", 1, (1,)), ("turn", 2, (1, 2))]
    assert ("status", "thinking") in hub.events
    logged = deal_log.turns(session_id)
    assert [(t.party, t.transcript, t.translation) for t in logged] == [
        ("buyer", "How much is this?", "这个多少钱？")
    ] * 2


def talking(interpreter: ScriptedInterpreter, monkeypatch) -> None:
    """The scripted interpreter, each utterance with words (and an amount) of its own."""
    scripted = interpreter.interpret

    def interpret(utterance, *args) -> Turn | None:
        turn = scripted(utterance, *args)
        if turn is None:
            return None
        n = utterance.id
        return replace(
            turn,
            transcript=replace(turn.transcript, text=f"I want {n}00 pieces."),
            translation=replace(
                turn.translation,
                source_text=f"I want {n}00 pieces.",
                text=f"我要{n}00件。",
                numbers=(f"{n}00件",),
                numbers_said=(f"{n}00 pieces",),
            ),
        )

    monkeypatch.setattr(interpreter, "interpret", interpret)


def test_a_turn_the_log_cannot_write_is_shown_as_itself_marked_not_saved_every_time(
    tmp_path, monkeypatch
) -> None:
    """Six turns, the disk full for the 3rd and 4th (a real SQLite file whose writes
    fail as SQLite's do on a full disk): each turn reaches the page as itself, the
    two unsaved ones marked; each is a warning line and a count; the log keeps the
    other four, numbered without a gap."""
    log = full_disk_log(tmp_path / "deals.sqlite")
    session_id = log.start_session(("zh", "en"))
    hub = WatchingHub(log, session_id)
    metrics = KioskMetrics()
    warnings: list[str] = []
    bridge = KioskBridge(page(hub), log, session_id, metrics, warnings.append)
    session, interpreter, _ = session_with(ManualClock(), events=bridge)
    talking(interpreter, monkeypatch)
    try:
        for number in range(1, 7):
            log.full = number in (3, 4)
            session.listener.submit(utterance(number), None, Party.BUYER)
            session.worker.handle(next_job(session))
        logged = [(t.turn_number, t.transcript) for t in log.turns(session_id)]
    finally:
        log.close()

    said = [f"I want {n}00 pieces." for n in range(1, 7)]
    assert [(turn.transcript, saved) for turn, saved in hub.shown] == [
        (text, n not in (3, 4)) for n, text in enumerate(said, 1)
    ]
    # An unsaved turn carries the number the log's next turn will have, never turn 1's.
    assert [turn.turn_number for turn, _ in hub.shown] == [1, 2, 3, 3, 3, 4]
    assert [turn.numbers for turn, _ in hub.shown][2:4] == [("300件",), ("400件",)]
    assert logged == [(1, said[0]), (2, said[1]), (3, said[4]), (4, said[5])]
    # Every unsaved turn is said, on one line, with what was said; and counted.
    not_saved = [w for w in warnings if w.startswith("warning: a turn was not saved")]
    assert len(not_saved) == 2
    for line, text in zip(not_saved, said[2:4], strict=True):
        assert "\n" not in line
        assert "deals.sqlite is full; free some space" in line
        assert "buyer at 20" in line and f'said "{text}" (en), shown as "我要' in line
    assert sum("saving turns again" in w for w in warnings) == 1
    assert metrics.registry.get_sample_value("interpreter_turns_not_saved_total") == 2


def test_a_log_that_cannot_even_be_read_still_shows_the_turn_in_its_place(
    tmp_path, monkeypatch
) -> None:
    """The log locked or damaged under a running stall: the next number cannot be
    read, so the unsaved turn takes the one the bridge last knew."""
    log = full_disk_log(tmp_path / "deals.sqlite")
    session_id = log.start_session(("zh", "en"))
    hub = WatchingHub(log, session_id)
    warnings: list[str] = []
    bridge = KioskBridge(page(hub), log, session_id, KioskMetrics(), warnings.append)
    session, _, _ = session_with(ManualClock(), events=bridge)
    session.listener.submit(utterance(1), None, Party.BUYER)
    session.worker.handle(next_job(session))

    def unreadable(session_id: str) -> int:
        raise DealLogError("deal log /stall/deals.sqlite is damaged (file is not a database)")

    monkeypatch.setattr(log, "next_turn_number", unreadable)
    session.listener.submit(utterance(2), None, Party.BUYER)
    session.worker.handle(next_job(session))
    log.close()

    assert [(turn.turn_number, saved) for turn, saved in hub.shown] == [(1, True), (2, False)]
    assert len(warnings) == 1 and "is damaged" in warnings[0]


class Transcriber:
    is_multilingual = True

    def check_languages(self, languages: tuple[str, ...]) -> None:
        pass


def controls_for(model_store, session) -> StallControls:
    interpreter = ScriptedInterpreter(ManualClock())
    interpreter.transcriber = Transcriber()
    interpreter.translator = TranslatorChain(None, [])
    return StallControls(
        session,
        cast(Interpreter, interpreter),  # a stand-in; there is no Protocol for it
        model_store,
        StageOptions(),
        ManualClock(),
        "20261203-080000",
        {"en": "piper-en_US-joe-medium", "zh": "espeak-ng:cmn-latn-pinyin"},
    )


@pytest.mark.models
def test_a_new_pair_is_made_ready_then_switched_between_turns(model_store) -> None:
    session, _, _ = session_with(ManualClock())
    controls = controls_for(model_store, session)
    assert controls.current_settings().voices == {"en": "piper-en_US-joe-medium", "zh": "espeak-ng"}
    assert "piper-en_US-joe-medium" in controls.current_settings().voice_choices["en"]

    settings = controls.change_settings(pair=("zh", "it"))
    assert (settings.merchant_language, settings.buyer_language) == ("zh", "it")
    assert session.parties == Parties("zh", "en"), "not before the next turn"
    session.worker.apply_change()
    assert session.parties == Parties("zh", "it")
    assert session.worker.directions.target("zh") == "it"


@pytest.mark.models
@pytest.mark.parametrize(
    ("pair", "voices", "message"),
    [
        (("zh", "zh"), None, "both speak zh"),
        (("zh", "xx"), None, "unknown language 'xx'"),
        (None, {"en": "piper-no-such-voice"}, "is not installed for en"),
    ],
)
def test_a_bad_change_is_refused_and_nothing_changes(model_store, pair, voices, message) -> None:
    session, _, _ = session_with(ManualClock())
    controls = controls_for(model_store, session)
    with pytest.raises(InputError, match=message):
        controls.change_settings(pair=pair, voices=voices)
    session.worker.apply_change()
    assert session.parties == Parties("zh", "en")


def test_a_press_on_the_page_is_a_push_to_talk_press() -> None:
    session, interpreter, _ = session_with(ManualClock())
    controls = StallControls(
        session,
        cast(Interpreter, interpreter),
        cast(ModelStore, None),  # a press loads nothing
        StageOptions(),
        ManualClock(),
        "x",
        {},
    )
    controls.press(Party.BUYER, True)
    controls.press(Party.BUYER, False)
    presses = [session.presses.get_nowait() for _ in range(2)]
    assert [(p.party, p.down) for p in presses] == [(Party.BUYER, True), (Party.BUYER, False)]


class EmptyStore:
    """A model store with nothing installed (espeak-ng is every language's voice)."""

    def installed(self) -> list[object]:
        return []


def test_the_page_is_told_the_sessions_own_way_of_taking_turns() -> None:
    session, interpreter, _ = session_with(ManualClock())  # hands-free, as the default
    controls = StallControls(
        session,
        cast(Interpreter, interpreter),
        cast(ModelStore, EmptyStore()),
        StageOptions(),
        ManualClock(),
        "x",
        {},
    )
    assert controls.current_settings().mode is Mode.CONVERSATION


def test_a_pair_change_is_applied_by_the_worker_between_turns() -> None:
    session, interpreter, _ = session_with(ManualClock())
    translator = cast(TranslatorChain, object())  # only its identity is looked at
    session.change_pair(PairChange(Parties("zh", "ru"), translator, None))
    session.listener.submit(utterance(1), None, Party.BUYER)
    session.worker.apply_change()
    assert interpreter.translator is translator
    assert session.parties.buyer_language == "ru"
