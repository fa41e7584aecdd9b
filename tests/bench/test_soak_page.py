"""The soak's reader at the counter (benchmarks/soak_page.py) on the real kiosk page in
Debian's chromium, served by the real server with the stand-in runner of
tests/kiosk/test_server.py: it sees each turn the buyer's half adds, with the session
it was shown in, and reads nothing twice that it has already taken."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.soak_page import CHROMIUM, PageWatcher
from interpreter.kiosk.serve import KioskServer, serve
from tests.kiosk.test_server import Stall

pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra")

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium: `make system-deps`"),
    pytest.mark.realtime,
]


@pytest.fixture
def stall(tmp_path: Path) -> Iterator[Stall]:
    stall = Stall(tmp_path)
    yield stall
    stall.deal_log.close()


@pytest.fixture
def kiosk(stall: Stall) -> Iterator[KioskServer]:
    server = serve(stall.app(), port=0)
    yield server
    server.stop()


def look_until(page: PageWatcher, count: int) -> None:
    for _ in range(100):
        page.look()
        if len(page.shown) >= count:
            return
        page._page.wait_for_timeout(50)
    raise AssertionError(f"the page showed {len(page.shown)} turns, not {count}")


def test_the_watcher_sees_each_turn_the_buyers_half_adds(kiosk: KioskServer, stall: Stall) -> None:
    earlier, _ = stall.runner.say("merchant")  # in the log before the page opens

    with PageWatcher(kiosk.url) as page:
        look_until(page, 1)
        later = [stall.runner.say(party)[0] for party in ("buyer", "merchant")]
        for turn in later:
            stall.hub.turn(turn)
        look_until(page, 3)
        page.look()  # nothing new: nothing read again
        page.look()

    session = stall.runner.session
    assert sorted(page.shown) == [(session, f"turn-{n}") for n in (1, 2, 3)]
    first = page.shown[(session, "turn-1")]
    assert earlier.transcript in first.texts() and first.number == 1
    assert (page.failed_looks, page.disconnected_looks) == (0, 0)
    assert page.turns_read == 3, "each turn read once"
