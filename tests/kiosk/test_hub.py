"""The event hub: the live runner's threads on one side, the pages' queues on the other."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import cast

import pytest

from interpreter.core.vocabulary import Doubt, Party, State
from interpreter.deals.records import LoggedTurn
from interpreter.kiosk.backend import StallSettings
from interpreter.kiosk.hub import UNSAVED_KEPT, EventHub, conversation_order, turn_message

SESSION = "20261203-142501"


def turn(number: int) -> LoggedTurn:
    return LoggedTurn(
        session_id=SESSION,
        turn_number=number,
        time_utc="2026-12-03T06:25:04.250+00:00",
        party="merchant",
        source_language="zh",
        target_language="en",
        transcript="我要订五百件",
        translation="I want to order 500 pieces.",
        method="phrasebook",
        confidence=0.9,
        numbers=("500 pieces",),
        numbers_said=("五百件",),
        latency_ms=320.0,
    )


async def drain(client, count: int) -> list[dict]:
    return [json.loads(await asyncio.wait_for(client.next(), 5)) for _ in range(count)]


def test_events_from_many_threads_reach_every_page_in_order() -> None:
    async def scenario() -> tuple[list[dict], list[dict]]:
        hub = EventHub()
        hub.attach(asyncio.get_running_loop())
        first, second = hub.subscribe(), hub.subscribe()

        def runner_thread(name: str) -> None:
            for i in range(50):
                hub.partial(Party.BUYER, "en", f"{name} {i}")

        threads = [threading.Thread(target=runner_thread, args=(f"t{n}",)) for n in range(4)]
        for thread in threads:
            thread.start()

        def join_all() -> None:
            for thread in threads:
                thread.join()

        await asyncio.to_thread(join_all)
        return await drain(first, 200), await drain(second, 200)

    first, second = asyncio.run(scenario())

    assert first == second
    for name in ("t0", "t1", "t2", "t3"):
        said = [m["text"] for m in first if m["text"].startswith(name + " ")]
        assert said == [f"{name} {i}" for i in range(50)]


def test_a_page_that_stops_reading_is_dropped_and_never_holds_the_runner_back() -> None:
    async def scenario() -> tuple[object, list[dict], bool]:
        hub = EventHub(queue_size=16)
        hub.attach(asyncio.get_running_loop())
        stuck, reading = hub.subscribe(), hub.subscribe()
        received: list[dict] = []

        async def read() -> None:
            while len(received) < 100:
                message = await reading.next()
                assert message is not None, "a page that reads keeps its queue"
                received.append(json.loads(message))

        reader = asyncio.create_task(read())

        def runner() -> None:
            """A hundred partial texts, each once the reading page has the one before:
            the stuck page falls behind by all of them, the reading page by none."""
            for i in range(100):
                hub.partial(Party.MERCHANT, "zh", str(i))
                deadline = time.monotonic() + 5.0
                while len(received) <= i:
                    assert time.monotonic() < deadline, f"the reading page never got {i}"
                    time.sleep(0.001)

        # A runner held back by the stuck page would never finish.
        await asyncio.wait_for(asyncio.to_thread(runner), 30)
        await asyncio.wait_for(reader, 5)
        after = await asyncio.wait_for(stuck.next(), 5)
        return after, received, stuck.dropped

    after, received, dropped = asyncio.run(scenario())

    assert dropped and after is None  # the stuck page is closed (it will reconnect)
    assert [m["text"] for m in received] == [str(i) for i in range(100)]


def test_a_new_page_starts_in_the_current_state() -> None:
    hub = EventHub()  # no loop yet: events only update what a page will start with
    settings = StallSettings("zh", "en", voices={"en": "en_US-joe-medium"})
    hub.settings(settings)
    hub.status(State.SPEAKING, 512.34)
    hub.status(State.HEARING)
    hub.partial(Party.BUYER, "en", "How much for")

    by_type = {m["type"]: m for m in hub.snapshot()}

    assert by_type["settings"]["buyer_language"] == "en"
    assert by_type["settings"]["voices"] == {"en": "en_US-joe-medium"}
    # No languages reported: every language the interpreter knows is offered.
    languages = by_type["settings"]["languages"]
    assert isinstance(languages, list) and {"zh", "en", "ar"} <= set(languages)
    # The last turn's latency stays on the strip while the next one is heard.
    assert by_type["status"] == {"type": "status", "state": "hearing", "last_latency_ms": 512.3}
    assert by_type["partial"]["text"] == "How much for"

    hub.status(State.THINKING)
    hub.turn(turn(1))
    assert "partial" not in {m["type"] for m in hub.snapshot()}
    hub.partial(Party.MERCHANT, "zh", "五")
    hub.status(State.LISTENING, 280)
    assert [m["type"] for m in hub.snapshot()] == ["settings", "status"]


def test_unsure_turns_are_remembered_for_a_page_that_reloads() -> None:
    hub = EventHub()
    hub.turn(turn(1))
    hub.turn(turn(2), doubt=Doubt.NUMBER)
    hub.turn(turn(3))
    assert hub.doubtful_turns(SESSION) == {2: Doubt.NUMBER}
    assert hub.doubtful_turns("20261203-150000") == {}


def test_a_turn_the_log_could_not_write_gets_a_key_of_its_own_and_its_place() -> None:
    """Two turns said while the disk was full carry the number of the logged turn
    after them (2); each gets its own count, and every page and every reload puts
    them between logged turns 1 and 2, never in the place of either."""

    async def scenario() -> list[dict]:
        hub = EventHub()
        hub.attach(asyncio.get_running_loop())
        page = hub.subscribe()
        hub.turn(turn(1))
        hub.turn(turn(2), saved=False)
        hub.turn(turn(2), doubt=Doubt.WORDS, saved=False)
        hub.turn(turn(2))
        return [m["turn"] for m in await drain(page, 4)]

    sent = asyncio.run(scenario())

    assert [(t["turn_number"], t["saved"], t.get("unsaved")) for t in sent] == [
        (1, True, None),
        (2, False, 1),
        (2, False, 2),
        (2, True, None),
    ]
    assert [t["unsure"] for t in sent] == [False, False, True, False]
    # A reloaded page gets the unsaved ones from the hub (the log has only 1 and 2),
    # and an unsure unsaved turn marks no logged turn unsure.
    hub = EventHub()
    for number, saved in ((1, True), (2, False), (2, False), (2, True)):
        hub.turn(turn(number), doubt=Doubt.NONE if saved else Doubt.WORDS, saved=saved)
    assert hub.doubtful_turns(SESSION) == {}
    unsaved = hub.unsaved_turns(SESSION)
    assert [(t["unsaved"], t["unsure"]) for t in unsaved] == [(1, True), (2, True)]
    history = [turn_message(turn(2)), turn_message(turn(1)), *unsaved]
    history.sort(key=conversation_order)
    assert [(t["turn_number"], t["saved"]) for t in history] == [
        (1, True),
        (2, False),
        (2, False),
        (2, True),
    ]
    assert hub.unsaved_turns("20261203-150000") == []


def test_unsaved_turns_kept_for_a_reload_are_bounded() -> None:
    hub = EventHub()
    for _ in range(UNSAVED_KEPT + 5):
        hub.turn(turn(1), saved=False)
    kept = hub.unsaved_turns(SESSION)
    assert len(kept) == UNSAVED_KEPT
    assert kept[-1]["unsaved"] == UNSAVED_KEPT + 5  # counted on; the oldest let go


def test_a_status_the_page_does_not_know_is_not_passed_on() -> None:
    hub = EventHub()
    hub.status(cast(State, "exploding"))  # what an untyped caller could pass
    assert hub.snapshot() == [{"type": "status", "state": State.LISTENING, "last_latency_ms": None}]


def test_shutting_down_closes_every_page() -> None:
    async def scenario() -> list[object]:
        hub = EventHub()
        hub.attach(asyncio.get_running_loop())
        clients = [hub.subscribe() for _ in range(3)]
        assert hub.client_count == 3
        hub.detach()
        assert hub.client_count == 0
        hub.status(State.HEARING)  # after detach: remembered, sent to nobody
        return [await asyncio.wait_for(c.next(), 5) for c in clients]

    assert asyncio.run(scenario()) == [None, None, None]


def test_queue_size_must_hold_at_least_one_event() -> None:
    with pytest.raises(ValueError):
        EventHub(queue_size=0)
