"""The live session joined to the kiosk: the deal log before the page, presses in, a
new pair made ready and switched between turns."""

from __future__ import annotations

from typing import cast

import pytest

from interpreter.core.clock import ManualClock
from interpreter.core.errors import InputError
from interpreter.core.vocabulary import Party, State
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
from interpreter.turn.pipeline import Interpreter
from interpreter.turn.stages import StageOptions
from tests.live.test_session import ScriptedInterpreter, next_job, session_with, utterance


class WatchingHub:
    """Records what the page is told, and what the deal log held at that moment."""

    def __init__(self, log: DealLog, session_id: str) -> None:
        self.log, self.session_id = log, session_id
        self.events: list[tuple] = []

    def status(self, state: State, last_latency_ms: float | None = None) -> None:
        self.events.append(("status", state))

    def partial(self, party: Party | None, language: str, text: str) -> None:
        self.events.append(("partial", party, text))

    def turn(self, turn: LoggedTurn, unsure: bool = False) -> None:
        on_record = [t.turn_number for t in self.log.turns(self.session_id)]
        self.events.append(("turn", turn.turn_number, tuple(on_record)))

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


class FullDisk:
    """A deal log whose every write fails, as on a full SD card."""

    def next_turn_number(self, session_id: str) -> int:
        return 1

    def record(self, turn: LoggedTurn) -> None:
        raise DealLogError("deal log /stall/deals.sqlite: database or disk is full")

    def turns(self, session_id: str) -> tuple[LoggedTurn, ...]:
        return ()


def test_a_deal_log_that_fails_is_said_once_and_the_page_still_shows_the_turns() -> None:
    full = cast(DealLog, FullDisk())  # a stand-in; there is no Protocol for the deal log
    hub = WatchingHub(full, "20261203-080000")
    warnings: list[str] = []
    bridge = KioskBridge(page(hub), full, "20261203-080000", KioskMetrics(), warnings.append)
    session, _, _ = session_with(ManualClock(), events=bridge)
    for number in (1, 2):
        session.listener.submit(utterance(number), None, Party.BUYER)
        session.worker.handle(next_job(session))
    assert len([e for e in hub.events if e[0] == "turn"]) == 2
    assert len(warnings) == 1 and "disk is full" in warnings[0]


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


def test_a_pair_change_is_applied_by_the_worker_between_turns() -> None:
    session, interpreter, _ = session_with(ManualClock())
    translator = cast(TranslatorChain, object())  # only its identity is looked at
    session.change_pair(PairChange(Parties("zh", "ru"), translator, None))
    session.listener.submit(utterance(1), None, Party.BUYER)
    session.worker.apply_change()
    assert interpreter.translator is translator
    assert session.parties.buyer_language == "ru"
