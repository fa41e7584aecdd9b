"""The kiosk page in a real headless Chromium against the real server.

Debian's chromium (apt package `chromium`, installed by `make system-deps` as root)
driven by Playwright for Python with that executable; Playwright's own browser
downloads are never used. The server is the real one, served by uvicorn on a free
localhost port in a thread; the live runner is `StandInRunner` from
tests/kiosk/test_server.py, which logs a scripted turn in a real deal log when a button is
released (or `BridgedRunner`, which hands its turns to the real `KioskBridge` with a
deal log whose disk a test fills and frees). Screenshots are kept in test-artifacts/ at
the repository root.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from interpreter.core.vocabulary import Mode, State
from interpreter.kiosk.serve import KioskServer, serve
from tests.kiosk.test_server import BRIDGED_SCRIPT, OUTAGE, BridgedStall, Stall

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra")
expect = sync_api.expect

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
KIOSK = {"width": 1024, "height": 600}
PHONE = {"width": 390, "height": 844}
# A WebSocket that never opens: the page as it is first painted, before the server's
# settings come over the socket.
NO_SOCKET = """
window.WebSocket = class {
  constructor() { this.readyState = 0; }
  addEventListener() {}
  send() {}
};
"""

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="no /usr/bin/chromium: `make system-deps` as root installs Debian's chromium",
    ),
    pytest.mark.realtime,
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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


@pytest.fixture
def lan_kiosk(stall: Stall) -> Iterator[KioskServer]:
    # Listens on every interface, as --lan does; the test only ever talks to 127.0.0.1.
    server = serve(stall.app(lan=True), port=0, public_host="127.0.0.1")
    yield server
    server.stop()


def open_page(browser, url: str, viewport: dict, **options):
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-connected", "1")
    return page


def first_paint(browser, url: str, viewport: dict):
    """The page as it looks before its WebSocket connects (one that never does)."""
    context = browser.new_context(viewport=viewport)
    context.add_init_script(NO_SOCKET)
    page = context.new_page()
    page.goto(url)
    expect(page.locator("#half-buyer [data-role=talk]")).to_have_count(1)  # built
    expect(page.locator("body")).to_have_attribute("data-connected", "0")
    return page


def half(page, party: str):
    return page.locator(f"#half-{party}")


def wait_until(check: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def hold(page, button, ms: int = 500) -> None:
    """Press the button with the mouse, hold it (someone speaking), let go."""
    box = button.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(ms)
    page.mouse.up()


def font_px(locator) -> float:
    return float(locator.evaluate("node => parseFloat(getComputedStyle(node).fontSize)"))


def assert_usable(page, viewport: dict) -> None:
    """Both halves on screen, each with its whole button in view and big enough to hit."""
    for party in ("merchant", "buyer"):
        box = half(page, party).bounding_box()
        assert box["width"] >= 300 and box["height"] >= 250, (party, box)
        button = half(page, party).locator("[data-role=talk]").bounding_box()
        assert button["height"] >= 56 and button["width"] >= 200, (party, button)
        assert button["y"] >= 0 and button["y"] + button["height"] <= viewport["height"]
        assert button["x"] >= 0 and button["x"] + button["width"] <= viewport["width"]


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def test_each_half_faces_its_party_in_its_language(browser, kiosk: KioskServer) -> None:
    page = open_page(browser, kiosk.url, KIOSK)

    merchant, buyer = half(page, "merchant"), half(page, "buyer")
    expect(merchant).to_have_attribute("lang", "zh")
    expect(buyer).to_have_attribute("lang", "en")
    expect(merchant.locator("[data-role=talk-label]")).to_have_text("按住说话")
    expect(buyer.locator("[data-role=talk-label]")).to_have_text("Hold to talk")
    expect(merchant.locator("[data-role=state-text]")).to_have_text("待命")
    expect(buyer.locator("[data-role=state-text]")).to_have_text("Listening")
    expect(buyer.locator("[data-role=pair]")).to_have_text("中文 ⇄ English")
    # Side by side on the landscape kiosk screen.
    m, b = merchant.bounding_box(), buyer.bounding_box()
    assert m["x"] + m["width"] <= b["x"] + 1 and abs(m["y"] - b["y"]) < 1
    assert_usable(page, KIOSK)
    page.context.close()


def test_each_half_is_in_its_partys_language_from_the_first_paint(
    browser, kiosk: KioskServer
) -> None:
    page = first_paint(browser, kiosk.url, KIOSK)

    merchant, buyer = half(page, "merchant"), half(page, "buyer")
    expect(merchant).to_have_attribute("lang", "zh")
    expect(buyer).to_have_attribute("lang", "en")
    expect(merchant.locator("[data-role=talk-label]")).to_have_text("按住说话")
    expect(buyer.locator("[data-role=talk-label]")).to_have_text("Hold to talk")
    expect(merchant.locator("[data-role=offline-text]")).to_have_text("正在重新连接…")
    expect(buyer.locator("[data-role=offline-text]")).to_have_text("Reconnecting…")
    expect(merchant.locator("[data-role=pair]")).to_have_text("中文 ⇄ English")
    page.context.close()


def test_in_conversation_mode_there_is_no_button_to_hold(
    browser, kiosk: KioskServer, stall: Stall
) -> None:
    """Hands-free (`interpreter kiosk --mode conversation`): the parties just speak, so
    neither half shows a button, before the socket connects or after."""
    stall.runner.settings = replace(stall.runner.settings, mode=Mode.CONVERSATION)

    for page in (first_paint(browser, kiosk.url, KIOSK), open_page(browser, kiosk.url, KIOSK)):
        merchant, buyer = half(page, "merchant"), half(page, "buyer")
        for side in (merchant, buyer):
            expect(side.locator("[data-role=talk]")).to_be_hidden()
        expect(merchant.locator(".empty")).to_have_text("请直接说话。")
        expect(buyer.locator(".empty")).to_have_text("Just speak.")
        page.context.close()

    page = open_page(browser, kiosk.url, KIOSK)
    stall.hub.turn(stall.runner.say("buyer")[0])
    expect(half(page, "merchant").locator(".turn .big")).to_have_text(["我要订500件，每件3.50元。"])
    screenshot(page, "kiosk-conversation-1024x600.png")
    page.context.close()


def test_a_held_button_gives_a_turn_both_halves_read(
    browser, kiosk: KioskServer, stall: Stall
) -> None:
    page = open_page(browser, kiosk.url, KIOSK)
    merchant, buyer = half(page, "merchant"), half(page, "buyer")

    hold(page, buyer.locator("[data-role=talk]"))

    wait_until(lambda: stall.runner.presses == [("buyer", True), ("buyer", False)])
    # The merchant reads the buyer's words in Chinese, big; the English original small.
    turn = merchant.locator(".turn").first
    expect(turn.locator(".big")).to_have_text("我要订500件，每件3.50元。")
    expect(turn.locator(".small")).to_have_text("I want to order 500 pieces at 3.50 each.")
    expect(turn.locator(".who")).to_contain_text("买家")
    # The buyer reads what they said, and the amounts as they said them.
    mine = buyer.locator(".turn").first
    expect(mine).to_have_class("turn own")
    expect(mine.locator(".big")).to_have_text("I want to order 500 pieces at 3.50 each.")
    expect(mine.locator(".num b")).to_have_text(["500 pieces", "3.50"])
    # Numbers large on both halves, in each reader's language, the other form beside.
    expect(turn.locator(".num b")).to_have_text(["500件", "3.50元"])
    expect(turn.locator(".num small")).to_have_text(["500 pieces", "3.50"])
    expect(merchant.locator("[data-role=band] .num b")).to_have_text(["500件", "3.50元"])
    expect(buyer.locator("[data-role=band] .num b")).to_have_text(["500 pieces", "3.50"])
    assert font_px(turn.locator(".num b").first) >= 26
    assert font_px(turn.locator(".num b").first) > font_px(turn.locator(".big"))
    assert font_px(merchant.locator("[data-role=band] .num b").first) >= 30
    expect(merchant.locator("[data-role=latency]")).to_have_text("上次响应 0.4 秒")

    # The buyer's next line comes back with a doubtful number: marked, and each side
    # is asked for the number again.
    hold(page, buyer.locator("[data-role=talk]"))
    expect(merchant.locator(".turn.unsure .again")).to_have_text("⚠ 数字没听清，请再说一遍数字")
    expect(buyer.locator(".turn.unsure .again")).to_have_text("⚠ Please say the number again")
    # And the merchant answers.
    hold(page, merchant.locator("[data-role=talk]"))
    expect(buyer.locator(".turn")).to_have_count(3)
    expect(buyer.locator(".turn").last.locator(".big")).to_have_text(
        "The minimum is 1000 pieces, 3.50 yuan each."
    )
    expect(merchant.locator(".turn").last.locator(".big")).to_have_text("最少一千件，三块五一件。")
    screenshot(page, "kiosk-1024x600.png")
    page.context.close()


def test_a_reloaded_page_catches_up_from_the_log(browser, kiosk: KioskServer, stall: Stall) -> None:
    page = open_page(browser, kiosk.url, KIOSK)
    hold(page, half(page, "buyer").locator("[data-role=talk]"))
    expect(half(page, "merchant").locator(".turn")).to_have_count(1)
    page.context.close()

    # A turn said while no page was open reaches the log only.
    stall.runner.say("merchant")

    page = open_page(browser, kiosk.url, KIOSK)
    for party in ("merchant", "buyer"):
        expect(half(page, party).locator(".turn")).to_have_count(2)
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-connected", "1")
    expect(half(page, "buyer").locator(".turn .big")).to_have_text(
        ["I want to order 500 pieces at 3.50 each.", "The minimum is 1000 pieces, 3.50 yuan each."]
    )
    page.context.close()


def shows_newest(side) -> bool:
    """Whether a half's conversation shows its newest turn whole."""
    return bool(
        side.locator("[data-role=conversation]").evaluate(
            """box => {
              const view = box.getBoundingClientRect();
              const last = box.lastElementChild.getBoundingClientRect();
              return last.top >= view.top - 1 && last.bottom <= view.bottom + 1;
            }"""
        )
    )


def twelve_turns(stall: Stall) -> None:
    """More turns than the kiosk screen holds, in the log before the page opens."""
    for _ in range(6):
        stall.runner.say("buyer")
        stall.runner.say("merchant")


def test_a_reloaded_page_shows_the_newest_turn(browser, kiosk: KioskServer, stall: Stall) -> None:
    twelve_turns(stall)

    page = open_page(browser, kiosk.url, KIOSK)
    for reload in (False, True):
        if reload:
            page.reload()
            expect(page.locator("body")).to_have_attribute("data-connected", "1")
        for party in ("merchant", "buyer"):
            side = half(page, party)
            expect(side.locator(".turn")).to_have_count(12)
            expect(side.locator("[data-role=band]")).to_be_visible()
            page.wait_for_timeout(200)  # a frame or two for the layout to settle
            assert shows_newest(side), (party, "reloaded" if reload else "opened")
    page.context.close()


def test_the_newest_turn_stays_in_view_when_the_screen_turns(
    browser, kiosk: KioskServer, stall: Stall
) -> None:
    twelve_turns(stall)
    page = open_page(browser, kiosk.url, KIOSK)
    merchant, buyer = half(page, "merchant"), half(page, "buyer")
    expect(buyer.locator(".turn")).to_have_count(12)

    page.set_viewport_size({"width": 600, "height": 1024})  # a tablet turned upright

    wait_until(lambda: shows_newest(merchant) and shows_newest(buyer), timeout_s=3)
    page.context.close()


def test_a_reader_who_scrolled_back_stays_there_while_turns_come(
    browser, kiosk: KioskServer, stall: Stall
) -> None:
    twelve_turns(stall)
    page = open_page(browser, kiosk.url, KIOSK)
    merchant, buyer = half(page, "merchant"), half(page, "buyer")
    expect(merchant.locator(".turn")).to_have_count(12)

    # The merchant scrolls back to the first turns to check a price.
    merchant.locator(".turn").first.hover()
    page.mouse.wheel(0, -5000)
    box = merchant.locator("[data-role=conversation]")
    wait_until(lambda: box.evaluate("box => box.scrollTop") == 0)
    stall.hub.status(State.HEARING)
    stall.hub.turn(stall.runner.say("buyer")[0])
    stall.hub.status(State.LISTENING, 380.0)

    expect(buyer.locator(".turn")).to_have_count(13)
    expect(merchant.locator("[data-role=latency]")).to_have_text("上次响应 0.4 秒")
    assert box.evaluate("box => box.scrollTop") == 0, "the merchant is where they were"
    assert shows_newest(buyer), "the buyer, who did not scroll, sees the new turn"

    # Back at the end, the merchant follows the conversation again.
    page.mouse.wheel(0, 5000)
    wait_until(lambda: shows_newest(merchant))
    stall.hub.turn(stall.runner.say("merchant")[0])
    expect(merchant.locator(".turn")).to_have_count(14)
    wait_until(lambda: shows_newest(merchant), timeout_s=2)
    page.context.close()


def test_a_new_turn_is_added_and_the_turns_shown_are_left_as_they_were(
    browser, kiosk: KioskServer, stall: Stall
) -> None:
    # What an event costs the page must not grow with the conversation: the turns on
    # screen are not built again for a new turn, a status or a partial reading.
    twelve_turns(stall)
    page = open_page(browser, kiosk.url, KIOSK)
    buyer = half(page, "buyer")
    expect(buyer.locator(".turn")).to_have_count(12)
    page.evaluate("() => document.querySelectorAll('.turn').forEach((n) => { n.dataset.old = 1; })")

    stall.hub.status(State.HEARING)
    stall.hub.partial(None, "en", "How much for")
    stall.hub.turn(stall.runner.say("buyer")[0])
    stall.hub.status(State.LISTENING, 380.0)

    expect(buyer.locator(".turn")).to_have_count(13)
    expect(buyer.locator("[data-role=latency]")).to_have_text("Last reply 0.4 s")
    for party in ("merchant", "buyer"):
        turns = half(page, party).locator(".turn")
        expect(turns.locator("xpath=self::*[@data-old]")).to_have_count(12)
        expect(turns.last).not_to_have_attribute("data-old", "1")
    wait_until(lambda: shows_newest(buyer), timeout_s=2)
    page.context.close()


def test_a_long_day_shows_its_newest_turns(
    browser, kiosk: KioskServer, stall: Stall, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ten stands in for the two hundred a page keeps (the hello tells the page).
    monkeypatch.setattr("interpreter.kiosk.websocket.SHOWN_TURNS", 10)
    twelve_turns(stall)
    page = open_page(browser, kiosk.url, KIOSK)
    buyer = half(page, "buyer")
    expect(buyer.locator(".turn")).to_have_count(10)
    expect(buyer.locator(".turn").first).to_have_attribute("data-turn", "3")

    newest, _ = stall.runner.say("merchant")
    stall.hub.turn(newest)

    expect(buyer.locator(".turn").last).to_have_attribute("data-turn", str(newest.turn_number))
    expect(buyer.locator(".turn")).to_have_count(10)
    expect(buyer.locator(".turn").first).to_have_attribute("data-turn", "4")
    wait_until(lambda: shows_newest(buyer), timeout_s=2)
    page.context.close()


def test_with_lan_the_page_needs_the_pairing_token(browser, lan_kiosk: KioskServer) -> None:
    token = lan_kiosk.kiosk.token
    context = browser.new_context(viewport=KIOSK)
    page = context.new_page()

    refused = page.goto(f"http://127.0.0.1:{lan_kiosk.port}/")
    assert refused.status == 403
    assert "pairing token" in page.content()
    assert page.goto(f"http://127.0.0.1:{lan_kiosk.port}/?token=wrong").status == 403

    assert page.goto(lan_kiosk.url).status == 200
    expect(page.locator("body")).to_have_attribute("data-connected", "1")
    # The merchant's half shows the token and the address for another device.
    pairing = half(page, "merchant").locator("[data-role=pairing]")
    expect(pairing).to_contain_text(token)
    expect(pairing).to_contain_text(f"http://127.0.0.1:{lan_kiosk.port}/?token={token}")
    # The token is taken off the address bar; a reload gets in with the cookie.
    assert "token=" not in page.url
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-connected", "1")
    context.close()


def test_the_page_fetches_nothing_off_host(browser, kiosk: KioskServer, stall: Stall) -> None:
    origin = f"127.0.0.1:{kiosk.port}"
    context = browser.new_context(viewport=KIOSK)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("websocket", lambda socket: requested.append(socket.url))
    page.goto(kiosk.url)
    expect(page.locator("body")).to_have_attribute("data-connected", "1")

    hold(page, half(page, "buyer").locator("[data-role=talk]"))
    expect(half(page, "merchant").locator(".turn")).to_have_count(1)
    merchant = half(page, "merchant")
    merchant.locator("[data-role=open-deal]").click()
    qr = merchant.locator("[data-role=deal-qr]")
    expect(qr).to_have_attribute("src", f"/qr/{stall.runner.session}.svg")
    wait_until(lambda: qr.evaluate("img => img.complete && img.naturalWidth > 0"))
    expect(merchant.locator("[data-role=deal-url]")).to_have_text(
        f"http://127.0.0.1:{kiosk.port}/deal/{stall.runner.session}"
    )
    screenshot(page, "kiosk-deal-sheet-1024x600.png")

    assert requested
    off_host = [url for url in requested if urlsplit(url).netloc != origin]
    assert off_host == []
    context.close()


def test_on_a_phone_the_halves_stack_and_a_tap_starts_and_ends_a_turn(
    browser, kiosk: KioskServer, stall: Stall
) -> None:
    page = open_page(browser, kiosk.url, PHONE, has_touch=True, is_mobile=True)
    merchant, buyer = half(page, "merchant"), half(page, "buyer")
    # Stacked: the buyer's half on top (across the table when the phone lies flat).
    assert buyer.bounding_box()["y"] + buyer.bounding_box()["height"] <= (
        merchant.bounding_box()["y"] + 1
    )
    assert_usable(page, PHONE)

    talk = buyer.locator("[data-role=talk]")
    talk.tap()
    expect(buyer.locator("[data-role=talk-label]")).to_have_text("Speak now")
    expect(buyer.locator("[data-role=talk-hint]")).to_have_text("tap to finish")
    expect(merchant.locator("[data-role=talk-hint]")).to_have_text("对方正在说话")
    wait_until(lambda: stall.runner.presses == [("buyer", True)])
    talk.tap()
    wait_until(lambda: stall.runner.presses == [("buyer", True), ("buyer", False)])
    expect(merchant.locator(".turn .big")).to_have_text(["我要订500件，每件3.50元。"])
    expect(buyer.locator(".turn .big")).to_have_text(["I want to order 500 pieces at 3.50 each."])
    screenshot(page, "kiosk-phone-390x844.png")
    page.context.close()


def test_the_merchant_changes_the_pair_and_the_buyers_half_follows(
    browser, kiosk: KioskServer, stall: Stall
) -> None:
    page = open_page(browser, kiosk.url, KIOSK)
    merchant, buyer = half(page, "merchant"), half(page, "buyer")

    merchant.locator("[data-role=open-settings]").click()
    panel = merchant.locator("[data-role=settings-panel]")
    expect(panel).to_be_visible()
    panel.locator("[data-role=buyer-language]").select_option("ar")
    expect(panel.locator("select[data-language=ar]")).to_have_value("espeak-ng")
    panel.locator("[data-role=apply]").click()

    wait_until(
        lambda: stall.runner.changes == [(("zh", "ar"), {"zh": "espeak-ng", "ar": "espeak-ng"})]
    )
    expect(buyer).to_have_attribute("lang", "ar")
    expect(buyer).to_have_attribute("dir", "rtl")
    expect(buyer.locator("[data-role=talk-label]")).to_have_text("اضغط مع الاستمرار للتحدث")
    expect(merchant).to_have_attribute("dir", "ltr")
    expect(merchant.locator("[data-role=pair]")).to_have_text("中文 ⇄ العربية")
    page.context.close()


def test_the_buyers_half_turns_around_and_stays_turned(browser, kiosk: KioskServer) -> None:
    page = open_page(browser, kiosk.url, KIOSK)
    buyer = half(page, "buyer")
    buyer.locator("[data-role=flip]").click()
    expect(buyer).to_have_class("half flipped")
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-connected", "1")
    expect(buyer).to_have_class("half flipped")
    expect(half(page, "merchant")).to_have_class("half")
    page.context.close()


def test_turns_the_log_cannot_write_are_shown_marked_and_overwrite_nothing(
    browser, tmp_path: Path
) -> None:
    """Six turns, the deal log's disk full for the 3rd and 4th: the page shows all six
    in the order they were said (turn 1 stays turn 1), the two marked not saved in
    each reader's language; the number band shows the newest amount, marked; a reload
    shows the same."""
    stall = BridgedStall(tmp_path)
    server = serve(stall.app(), port=0)
    try:
        page = open_page(browser, server.url, KIOSK)
        merchant, buyer = half(page, "merchant"), half(page, "buyer")
        for count, (party, full) in enumerate(OUTAGE, 1):
            stall.deal_log.full = full
            hold(page, half(page, party).locator("[data-role=talk]"))
            for side in (merchant, buyer):
                expect(side.locator(".turn")).to_have_count(count)
            if count == 4:
                expect(buyer.locator("[data-role=band] .num b")).to_have_text(
                    ["800 pieces", "3.30 yuan"]
                )
                expect(buyer.locator("[data-role=band] .not-saved")).to_have_text(
                    "⚠ Not saved in the deal log"
                )
                expect(merchant.locator("[data-role=band] .num b")).to_have_text(
                    ["八百件", "三块三"]
                )
                expect(merchant.locator("[data-role=band] .not-saved")).to_have_text(
                    "⚠ 未保存到交易记录"
                )
                screenshot(page, "kiosk-not-saved-1024x600.png")

        def check(page) -> None:
            merchant, buyer = half(page, "merchant"), half(page, "buyer")
            lines = [BRIDGED_SCRIPT[party][i // 2] for i, (party, _) in enumerate(OUTAGE)]
            english = [
                line[0] if party == "buyer" else line[1]
                for line, (party, _) in zip(lines, OUTAGE, strict=True)
            ]
            chinese = [
                line[1] if party == "buyer" else line[0]
                for line, (party, _) in zip(lines, OUTAGE, strict=True)
            ]
            expect(buyer.locator(".turn .big")).to_have_text(english)
            expect(merchant.locator(".turn .big")).to_have_text(chinese)
            expect(buyer.locator(".turn").first).to_have_attribute("data-turn", "1")
            for side, words in (
                (buyer, "⚠ Not saved in the deal log"),
                (merchant, "⚠ 未保存到交易记录"),
            ):
                expect(side.locator(".turn.unsaved .not-saved")).to_have_text([words, words])
                marked = side.locator(".turn").evaluate_all(
                    "nodes => nodes.map(n => n.classList.contains('unsaved'))"
                )
                assert marked == [False, False, True, True, False, False]

        check(page)
        page.reload()
        expect(page.locator("body")).to_have_attribute("data-connected", "1")
        check(page)
        page.context.close()
    finally:
        server.stop()
        stall.deal_log.close()
