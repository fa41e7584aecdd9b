"""The kiosk's web server over HTTP and WebSocket, with a real deal log.

`StandInRunner` plays the live runner (which is connected and tested end to end
elsewhere): a button released makes it log a scripted turn in the real SQLite deal log
and then tell the hub, in that order, from the server's worker thread, as the runner
does from its own. `BridgedRunner` hands its turns to the real `KioskBridge` instead,
with a deal log whose disk a test can fill and free (`FullDiskLog`).
"""

from __future__ import annotations

import csv
import io
import ipaddress
import json
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import segno
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from interpreter.core.errors import InputError
from interpreter.core.types import Transcript, Translation, Utterance
from interpreter.core.vocabulary import Doubt, Method, Mode, Party, State
from interpreter.deals.log import DealLog
from interpreter.deals.records import LoggedTurn, utc_now
from interpreter.kiosk.access import deal_key
from interpreter.kiosk.app import build_app
from interpreter.kiosk.backend import StallSettings
from interpreter.kiosk.bridge import KioskBridge
from interpreter.kiosk.hub import EventHub
from interpreter.kiosk.metrics import KioskMetrics
from interpreter.kiosk.qr import lan_address
from interpreter.kiosk.serve import serve
from interpreter.turn.pipeline import StageTimings, Turn
from interpreter.turn.trace import TurnTrace
from tests.deals.test_full_disk import FullDiskLog, full_disk_log

LOCAL = "http://127.0.0.1:8780"
WS = "ws://127.0.0.1:8780/ws"
LAN = "http://192.168.1.20:8780"  # only a Host header here: nothing is sent anywhere
LAN_WS = "ws://192.168.1.20:8780/ws"

# What each party says, in order: (transcript, translation, numbers said, numbers
# translated, why it was not spoken). The buyer speaks English, the merchant Chinese.
SCRIPT = {
    "buyer": (
        (
            "I want to order 500 pieces at 3.50 each.",
            "我要订500件，每件3.50元。",
            ("500 pieces", "3.50"),
            ("500件", "3.50元"),
            Doubt.NONE,
        ),
        (
            "Can you deliver in twenty days?",
            "二十天能交货吗？",
            ("twenty days",),
            ("20天",),
            Doubt.NUMBER,
        ),
    ),
    "merchant": (
        (
            "最少一千件，三块五一件。",
            "The minimum is 1000 pieces, 3.50 yuan each.",
            ("一千件", "三块五"),
            ("1000 pieces", "3.50 yuan"),
            Doubt.NONE,
        ),
    ),
}


class StandInRunner:
    """A `KioskControls` that records what the page asked and answers a released
    button with the party's next scripted turn, logged before it is shown."""

    def __init__(self, deal_log: DealLog, hub: EventHub) -> None:
        self.deal_log = deal_log
        self.hub = hub
        self.presses: list[tuple[str, bool]] = []
        self.changes: list[tuple[tuple[str, str] | None, dict[str, str] | None]] = []
        self.settings = StallSettings(
            merchant_language="zh",
            buyer_language="en",
            voices={"en": "en_US-joe-medium", "zh": "espeak-ng"},
            languages=("zh", "en", "es", "ar"),
            voice_choices={
                "en": ("en_US-joe-medium", "espeak-ng"),
                "zh": ("espeak-ng",),
                "es": ("espeak-ng", ""),
                "ar": ("espeak-ng",),
            },
        )
        self.session = deal_log.start_session(("zh", "en"))
        self._said = {"merchant": 0, "buyer": 0}
        self._lock = threading.Lock()

    def press(self, party: Party, down: bool) -> None:
        self.presses.append((party, down))
        if down:
            self.hub.status(State.HEARING)
            line = SCRIPT[party][self._said[party] % len(SCRIPT[party])]
            self.hub.partial(party, self._language(party), line[0].split()[0])
            return
        self.hub.status(State.THINKING)
        turn, doubt = self.say(party)
        self.hub.turn(turn, doubt=doubt)
        self.hub.status(State.LISTENING, turn.latency_ms)

    def say(self, party: str) -> tuple[LoggedTurn, Doubt]:
        """Log the party's next scripted turn (as the runner does before showing it)."""
        with self._lock:
            line = SCRIPT[party][self._said[party] % len(SCRIPT[party])]
            self._said[party] += 1
            transcript, translation, said, numbers, doubt = line
            source = self._language(party)
            target = self._language("buyer" if party == "merchant" else "merchant")
            turn = LoggedTurn(
                session_id=self.session,
                turn_number=self.deal_log.next_turn_number(self.session),
                time_utc=utc_now(),
                party=party,
                source_language=source,
                target_language=target,
                transcript=transcript,
                translation=translation,
                method="phrasebook",
                confidence=0.93,
                numbers=numbers,
                numbers_said=said,
                latency_ms=412.0,
            )
            self.deal_log.record(turn)
        return turn, doubt

    def _language(self, party: str) -> str:
        return (
            self.settings.merchant_language if party == "merchant" else self.settings.buyer_language
        )

    def current_settings(self) -> StallSettings:
        return self.settings

    def change_settings(
        self, pair: tuple[str, str] | None = None, voices: dict[str, str] | None = None
    ) -> StallSettings:
        self.changes.append((pair, voices))
        if pair == ("ar", "es"):
            raise InputError("no Arabic-Spanish translator is installed; import one first")
        merchant, buyer = pair or (self.settings.merchant_language, self.settings.buyer_language)
        self.settings = replace(
            self.settings,
            merchant_language=merchant,
            buyer_language=buyer,
            voices={**self.settings.voices, **(voices or {})},
        )
        return self.settings

    def session_id(self) -> str:
        return self.session


class Stall:
    """Everything a kiosk test needs: the log, the hub, the metrics, the stand-in."""

    def __init__(self, tmp_path: Path) -> None:
        self.deal_log = DealLog.open(tmp_path / "deals.sqlite")
        self.hub = EventHub()
        self.metrics = KioskMetrics()
        self.runner = StandInRunner(self.deal_log, self.hub)

    def app(self, lan: bool = False, token: str | None = None, public_url: str | None = None):
        return build_app(
            self.runner, self.hub, self.deal_log, self.metrics, lan, token, public_url=public_url
        )


# The conversation a `BridgedRunner` plays, each party's lines in turn: (transcript,
# translation, numbers said, numbers translated).
BRIDGED_SCRIPT = {
    "buyer": (
        (
            "I want to order 500 pieces at 3.50 each.",
            "我要订500件，每件3.50元。",
            ("500 pieces", "3.50"),
            ("500件", "3.50元"),
        ),
        (
            "Then 800 pieces at 3.20.",
            "那就800件，每件3.20元。",
            ("800 pieces", "3.20"),
            ("800件", "3.20元"),
        ),
        ("And five boxes of samples.", "再要五箱样品。", ("five boxes",), ("5箱",)),
    ),
    "merchant": (
        (
            "最少一千件，三块五一件。",
            "The minimum is 1000 pieces, 3.50 yuan each.",
            ("一千件", "三块五"),
            ("1000 pieces", "3.50 yuan"),
        ),
        (
            "八百件可以，三块三。",
            "800 pieces is fine, 3.30 yuan each.",
            ("八百件", "三块三"),
            ("800 pieces", "3.30 yuan"),
        ),
        ("好，成交。", "Good, it's a deal.", (), ()),
    ),
}


class BridgedRunner(StandInRunner):
    """A stand-in runner whose finished turns go through the real `KioskBridge`, as
    the live session's do: the deal log first, then the page, whatever the log's disk
    does."""

    def __init__(
        self, deal_log: DealLog, hub: EventHub, metrics: KioskMetrics, warnings: list[str]
    ) -> None:
        super().__init__(deal_log, hub)
        self.bridge = KioskBridge(hub, deal_log, self.session, metrics, warnings.append)
        self.spoken: list[str] = []  # every transcript, in the order it was said

    def press(self, party: Party, down: bool) -> None:
        if down:
            super().press(party, down)
            return
        self.presses.append((party, down))
        self.bridge.status(State.THINKING)
        turn = self.next_turn(party)
        trace = TurnTrace.of(turn, endpoint_s=turn.utterance.t_end_s, party=Party(party))
        self.bridge.finished(turn, Party(party), trace)
        self.bridge.status(State.LISTENING, 412.0)

    def next_turn(self, party: str) -> Turn:
        """The party's next line as the pipeline hands it over."""
        with self._lock:
            lines = BRIDGED_SCRIPT[party]
            transcript, translation, said, numbers = lines[self._said[party] % len(lines)]
            self._said[party] += 1
            self.spoken.append(transcript)
            number = len(self.spoken)
        source = self._language(party)
        target = self._language("buyer" if party == "merchant" else "merchant")
        utterance = Utterance(number, np.zeros(1600, np.float32), 16_000, 0.0, 0.1)
        return Turn(
            utterance,
            Transcript(number, transcript, source, 0.93, 0.4),
            Translation(
                number,
                transcript,
                translation,
                source,
                target,
                Method.PHRASEBOOK,
                numbers=numbers,
                t_done_s=0.5,
                numbers_said=said,
            ),
            (),
            StageTimings(300.0, 100.0, None, 400.0),
        )


class BridgedStall(Stall):
    """A stall whose runner goes through the bridge, with a log whose disk can fill."""

    def __init__(self, tmp_path: Path) -> None:
        self.deal_log: FullDiskLog = full_disk_log(tmp_path / "deals.sqlite")
        self.hub = EventHub()
        self.metrics = KioskMetrics()
        self.warnings: list[str] = []
        self.runner: BridgedRunner = BridgedRunner(
            self.deal_log, self.hub, self.metrics, self.warnings
        )


@pytest.fixture
def stall(tmp_path: Path) -> Iterator[Stall]:
    stall = Stall(tmp_path)
    yield stall
    stall.deal_log.close()


@pytest.fixture
def client(stall: Stall) -> Iterator[TestClient]:
    with TestClient(stall.app(), base_url=LOCAL) as client:
        yield client


def opening(ws) -> dict[str, dict]:
    """The messages a page gets on connecting, by type, up to the history."""
    found: dict[str, dict] = {}
    while "history" not in found:
        message = ws.receive_json()
        found[message["type"]] = message
    return found


def until(ws, kind: str, limit: int = 20) -> list[dict]:
    """The messages received up to and including the first of type `kind`."""
    seen = []
    for _ in range(limit):
        seen.append(ws.receive_json())
        if seen[-1]["type"] == kind:
            return seen
    raise AssertionError(f"no {kind} event in {limit} messages: {seen}")


def next_of(ws, kind: str, limit: int = 20) -> dict:
    return until(ws, kind, limit)[-1]


# -- the page -----------------------------------------------------------------------------


def test_the_page_and_its_files_come_from_the_stall_itself(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    # Every resource the page names is one of ours: no CDN, no web font.
    linked = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert linked and all(url.startswith(("/static/", "data:")) for url in linked), linked
    for name in ("kiosk.js", "kiosk.css"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
        assert "http://" not in response.text and "https://" not in response.text


class _MainTag(HTMLParser):
    """The attributes of a page's <main>, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.attributes: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.attributes = dict(attrs)


def main_attributes(html: str) -> dict[str, str | None]:
    parser = _MainTag()
    parser.feed(html)
    return parser.attributes


def test_the_page_comes_in_the_parties_languages_and_the_stalls_mode(
    stall: Stall, client: TestClient
) -> None:
    stall.runner.settings = replace(
        stall.runner.settings, buyer_language="ar", mode=Mode.CONVERSATION
    )

    main = main_attributes(client.get("/").text)

    # What the page paints before its WebSocket brings the settings.
    assert main["data-merchant-language"] == "zh"
    assert main["data-merchant-name"] == "中文"
    assert main["data-buyer-language"] == "ar"
    assert main["data-buyer-name"] == "العربية"
    assert main["data-mode"] == "conversation"


def test_what_the_page_is_given_is_escaped(stall: Stall, client: TestClient) -> None:
    hostile = '"><script>alert(1)</script>'
    stall.runner.settings = replace(stall.runner.settings, merchant_language=hostile)

    html = client.get("/").text

    assert "<script>alert" not in html
    assert main_attributes(html)["data-merchant-language"] == hostile


# -- the event stream ---------------------------------------------------------------------


def test_a_page_that_connects_gets_the_state_and_the_session_so_far(
    stall: Stall, client: TestClient
) -> None:
    earlier, _ = stall.runner.say("merchant")
    stall.hub.status(State.LISTENING, 380.0)

    with client.websocket_connect(WS) as ws:
        first = opening(ws)

    assert first["hello"]["session"] == stall.runner.session
    assert first["hello"]["pairing"] is None
    assert first["settings"]["merchant_language"] == "zh"
    assert first["settings"]["buyer_language"] == "en"
    assert first["settings"]["language_names"]["zh"] == "中文"
    assert first["status"] == {"type": "status", "state": "listening", "last_latency_ms": 380.0}
    (turn,) = first["history"]["turns"]
    assert turn["transcript"] == earlier.transcript
    assert turn["numbers"] == ["1000 pieces", "3.50 yuan"]
    assert turn["numbers_said"] == ["一千件", "三块五"]


def test_a_long_session_sends_a_page_only_the_turns_it_shows(
    stall: Stall, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A day at the stall is thousands of turns; the page shows the newest, the deal
    # sheet all of them. Five stands in for the two hundred a page keeps.
    monkeypatch.setattr("interpreter.kiosk.websocket.SHOWN_TURNS", 5)
    said = [stall.runner.say(party)[0] for _ in range(4) for party in ("buyer", "merchant")]

    with client.websocket_connect(WS) as ws:
        first = opening(ws)

    assert first["hello"]["shown_turns"] == 5
    sent = [turn["turn_number"] for turn in first["history"]["turns"]]
    assert sent == [turn.turn_number for turn in said[-5:]]
    assert len(stall.deal_log.turns(stall.runner.session)) == 8


def test_a_released_button_gives_a_logged_turn_on_every_page(
    stall: Stall, client: TestClient
) -> None:
    with client.websocket_connect(WS) as buyer, client.websocket_connect(WS) as other:
        opening(buyer)
        opening(other)
        buyer.send_json({"type": "press", "party": "buyer", "down": True})
        told = until(other, "press")
        assert told[-1] == {"type": "press", "party": "buyer", "down": True}
        assert {"type": "status", "state": "hearing", "last_latency_ms": None} in told
        assert {"type": "partial", "party": "buyer", "language": "en", "text": "I"} in told
        buyer.send_json({"type": "press", "party": "buyer", "down": False})

        seen = [next_of(ws, "turn") for ws in (buyer, other)]

    assert stall.runner.presses == [("buyer", True), ("buyer", False)]
    for message in seen:
        turn = message["turn"]
        assert turn["party"] == "buyer"
        assert (turn["source_language"], turn["target_language"]) == ("en", "zh")
        assert turn["translation"] == "我要订500件，每件3.50元。"
        assert turn["numbers"] == ["500件", "3.50元"]
        assert turn["unsure"] is False
    # It was in the log before it was shown.
    (logged,) = stall.deal_log.turns(stall.runner.session)
    assert logged.transcript == "I want to order 500 pieces at 3.50 each."


def test_an_unsure_turn_stays_marked_after_a_reload(stall: Stall, client: TestClient) -> None:
    stall.runner.say("buyer")
    turn, doubt = stall.runner.say("buyer")
    stall.hub.turn(turn, doubt=doubt)

    with client.websocket_connect(WS) as ws:
        history = opening(ws)["history"]["turns"]

    assert [t["unsure"] for t in history] == [False, True]
    assert [t["doubt"] for t in history] == ["none", "number"]


BAD_MESSAGES = [
    ("not json", "bad-json"),
    ('["press", "buyer"]', "bad-message"),
    ('{"type": "reboot"}', "unknown-type"),
    ('{"type": "press", "party": "admin", "down": true}', "bad-party"),
    ('{"type": "press", "party": "buyer", "down": "yes"}', "bad-press"),
    ('{"type": "press", "party": "buyer; rm -rf /", "down": true}', "bad-party"),
    ('{"type": "settings"}', "bad-message"),
    ('{"type": "settings", "pair": ["zh", "xx"]}', "bad-language"),
    ('{"type": "settings", "pair": ["zh", "fr"]}', "bad-language"),  # known, not installed
    ('{"type": "settings", "pair": ["zh", "zh"]}', "bad-language"),
    ('{"type": "settings", "pair": ["zh", "en\'); DROP TABLE turns; --"]}', "bad-language"),
    ('{"type": "settings", "pair": "zh-en"}', "bad-language"),
    ('{"type": "settings", "voices": {"en": "../../etc/passwd"}}', "bad-voice"),
    ('{"type": "settings", "voices": {"es": "espeak-ng"}}', "bad-voice"),  # es not in pair
    ('{"type": "settings", "voices": ["en"]}', "bad-voice"),
    ('{"type": "press", "party": "buyer", "down": true, "pad": "' + "x" * 5000 + '"}', "too-long"),
]


def test_bad_messages_get_an_error_and_reach_nothing(stall: Stall, client: TestClient) -> None:
    stall.runner.say("merchant")
    with client.websocket_connect(WS) as ws:
        opening(ws)
        for text, code in BAD_MESSAGES:
            ws.send_text(text)
            reply = ws.receive_json()
            assert reply["type"] == "error", text
            assert reply["code"] == code, text
        # The connection survives them all.
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}

    assert stall.runner.presses == []
    assert stall.runner.changes == []
    assert len(stall.deal_log.turns(stall.runner.session)) == 1


def test_a_settings_change_is_applied_and_every_page_is_told(
    stall: Stall, client: TestClient
) -> None:
    with client.websocket_connect(WS) as ws, client.websocket_connect(WS) as other:
        opening(ws)
        opening(other)
        ws.send_json({"type": "settings", "pair": ["zh", "es"], "voices": {"es": "espeak-ng"}})
        told = next_of(other, "settings")
        # The runner's own refusal comes back as an error, not a dropped connection.
        ws.send_json({"type": "settings", "pair": ["ar", "es"]})
        refused = next_of(ws, "error")

    assert stall.runner.changes[0] == (("zh", "es"), {"es": "espeak-ng"})
    assert told["buyer_language"] == "es"
    assert told["voices"]["es"] == "espeak-ng"
    assert refused["code"] == "rejected"
    assert "Arabic-Spanish" in refused["message"]


def test_a_page_closed_while_holding_the_button_releases_it(
    stall: Stall, client: TestClient
) -> None:
    with client.websocket_connect(WS) as ws:
        opening(ws)
        ws.send_json({"type": "press", "party": "merchant", "down": True})
        next_of(ws, "press")

    with client.websocket_connect(WS) as ws:  # the next page sees the turn it made
        history = opening(ws)["history"]["turns"]

    assert stall.runner.presses == [("merchant", True), ("merchant", False)]
    assert [t["party"] for t in history] == ["merchant"]


# -- a deal log that cannot write ----------------------------------------------------------

# Who speaks each turn, and whether the log's disk is full when they finish.
OUTAGE = (
    ("buyer", False),
    ("merchant", False),
    ("buyer", True),
    ("merchant", True),
    ("buyer", False),
    ("merchant", False),
)


def speak(ws, party: str) -> dict:
    """Press and release a party's button on the page; the turn the page is sent."""
    ws.send_json({"type": "press", "party": party, "down": True})
    ws.send_json({"type": "press", "party": party, "down": False})
    return next_of(ws, "turn")["turn"]


def test_turns_the_log_cannot_write_reach_every_page_as_themselves_marked_not_saved(
    tmp_path: Path,
) -> None:
    stall = BridgedStall(tmp_path)
    try:
        with TestClient(stall.app(), base_url=LOCAL) as client:
            with client.websocket_connect(WS) as ws:
                opening(ws)
                shown = []
                for party, full in OUTAGE:
                    stall.deal_log.full = full
                    shown.append(speak(ws, party))
            with client.websocket_connect(WS) as ws:  # a reloaded page
                history = opening(ws)["history"]["turns"]
            scraped = client.get("/metrics").text
        logged = stall.deal_log.turns(stall.runner.session)
    finally:
        stall.deal_log.close()

    said = stall.runner.spoken
    # Every turn reached the page as itself, the two said on a full disk marked.
    assert [t["transcript"] for t in shown] == said
    assert [t["saved"] for t in shown] == [True, True, False, False, True, True]
    assert [t.get("unsaved") for t in shown] == [None, None, 1, 2, None, None]
    # The page's keys (a logged turn's number, an unsaved turn's own count) never meet.
    keys = [
        ("unsaved", t["unsaved"]) if not t["saved"] else ("turn", t["turn_number"]) for t in shown
    ]
    assert len(set(keys)) == len(keys)
    # The log kept the other four, numbered without a gap; turn 1 is still turn 1.
    assert [(t.turn_number, t.transcript) for t in logged] == [
        (1, said[0]),
        (2, said[1]),
        (3, said[4]),
        (4, said[5]),
    ]
    # A page that connects later shows all six, in the order they were said.
    assert [t["transcript"] for t in history] == said
    assert [t["saved"] for t in history] == [True, True, False, False, True, True]
    assert history[3]["numbers"] == ["800 pieces", "3.30 yuan"]
    # Each one is a warning line of its own, with what was said; and it is counted.
    not_saved = [w for w in stall.warnings if w.startswith("warning: a turn was not saved")]
    assert len(not_saved) == 2
    for line, transcript in zip(not_saved, said[2:4], strict=True):
        assert "\n" not in line
        assert "deals.sqlite is full; free some space" in line
        assert json.dumps(transcript, ensure_ascii=False) in line
    assert any("saving turns again; 2 turn(s)" in w for w in stall.warnings)
    assert "interpreter_turns_not_saved_total 2.0" in scraped


# -- the deal sheet and its QR code ---------------------------------------------------------


def test_the_deal_sheet_in_three_formats(stall: Stall, client: TestClient) -> None:
    stall.runner.say("buyer")
    stall.runner.say("merchant")
    session = stall.runner.session

    sheet = client.get(f"/deal/{session}")
    assert sheet.status_code == 200
    assert sheet.headers["content-type"].startswith("text/html")
    assert "我要订500件，每件3.50元。" in sheet.text and "1000 pieces" in sheet.text

    rows = list(csv.DictReader(io.StringIO(client.get(f"/deal/{session}.csv").text)))
    assert [row["party"] for row in rows] == ["buyer", "merchant"]

    document = client.get(f"/deal/{session}.json").json()
    assert [n["text"] for n in document["numbers"]] == [
        "500件",
        "3.50元",
        "1000 pieces",
        "3.50 yuan",
    ]

    assert client.get("/deal/20991231-235959").status_code == 404  # well-formed, unknown
    for bad in ("latest", "1;DROP TABLE turns", "%2e%2e%2fetc", "20261203-142501.exe"):
        assert client.get(f"/deal/{bad}").status_code in (400, 404), bad
    assert client.get("/qr/not-a-session.svg").status_code == 400


def qr_modules(svg: str) -> list[list[bool]]:
    """The dark modules of a segno SVG, read back from its path (one row per y)."""
    root = ET.fromstring(svg)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    path = root.find(".//svg:path[@class='qrline']", ns)
    assert path is not None
    scale = re.search(r"scale\((\d+)\)", svg)
    assert scale is not None
    size = int(root.attrib["width"]) // int(scale.group(1))
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path.attrib["d"]):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for dx in range(int(a)):
                grid[int(y)][int(x) + dx] = True
            x += float(a)
    return grid


def test_the_qr_code_holds_the_deal_sheet_address_on_the_lan(stall: Stall) -> None:
    stall.runner.say("buyer")
    session = stall.runner.session
    app = stall.app(lan=True, token="pairing-token", public_url="http://192.168.1.20:8780")
    with TestClient(app, base_url=LOCAL) as client:
        client.cookies.set("kiosk_token", "pairing-token")
        link = client.get(f"/link/{session}").json()
        svg = client.get(f"/qr/{session}.svg")

    expected = f"http://192.168.1.20:8780/deal/{session}?key={deal_key('pairing-token', session)}"
    assert link["url"] == expected
    assert svg.headers["content-type"].startswith("image/svg+xml")
    code = segno.make_qr(expected, error="m")
    border = 4
    drawn = qr_modules(svg.text)
    inner = [row[border:-border] for row in drawn[border:-border]]
    assert inner == [[bool(v) for v in row] for row in code.matrix]


# -- access --------------------------------------------------------------------------------


def test_the_address_put_in_qr_codes_is_one_a_phone_could_reach() -> None:
    address = lan_address()  # read from the interfaces; nothing is sent
    assert address is None or not ipaddress.ip_address(address).is_loopback


def test_with_lan_every_request_needs_the_pairing_token(stall: Stall) -> None:
    stall.runner.say("merchant")
    session = stall.runner.session
    app = stall.app(lan=True, token="s3cret-token")
    with TestClient(app, base_url=LAN) as client:
        for path in ("/", "/static/kiosk.js", "/metrics", f"/deal/{session}", "/nowhere"):
            assert client.get(path).status_code == 403, path
        assert client.get("/?token=wrong").status_code == 403
        with pytest.raises(WebSocketDisconnect), client.websocket_connect(LAN_WS) as ws:
            ws.receive_json()

        first = client.get("/?token=s3cret-token")
        assert first.status_code == 200
        assert "kiosk_token=s3cret-token" in first.headers["set-cookie"]
        assert "HttpOnly" in first.headers["set-cookie"]
        # From then on the cookie is enough, for pages, files and the event stream.
        assert client.get("/static/kiosk.css").status_code == 200
        with client.websocket_connect(LAN_WS) as ws:
            hello = opening(ws)["hello"]
        assert hello["pairing"]["token"] == "s3cret-token"
        assert hello["pairing"]["url"].endswith("/?token=s3cret-token")

    # A deal sheet's own key opens that sheet, and nothing else.
    key = deal_key("s3cret-token", session)
    with TestClient(app, base_url=LAN) as phone:
        assert phone.get(f"/deal/{session}?key={key}").status_code == 200
        assert phone.get(f"/deal/{session}.csv?key={key}").status_code == 200
        assert phone.get(f"/?key={key}").status_code == 403
        assert phone.get(f"/qr/{session}.svg?key={key}").status_code == 403
        other = deal_key("s3cret-token", "20991231-235959")
        assert phone.get(f"/deal/{session}?key={other}").status_code == 403


def test_a_token_or_key_with_non_ascii_characters_is_refused_not_an_error(
    stall: Stall,
) -> None:
    session = stall.runner.session
    app = stall.app(lan=True, token="s3cret-token")
    with TestClient(app, base_url=LAN) as client:
        assert client.get("/?token=s3cr%C3%A9t-token").status_code == 403
        assert client.get(f"/deal/{session}?key=%C3%A9%C3%A9").status_code == 403


def test_lan_mode_makes_a_token_when_none_is_given(stall: Stall) -> None:
    app = stall.app(lan=True)
    token = app.state.kiosk.token
    assert token and len(token) >= 20
    with TestClient(app, base_url=LAN) as client:
        assert client.get("/").status_code == 403
        assert client.get(f"/?token={token}").status_code == 200


def test_without_lan_only_this_device_and_its_own_page_get_in(stall: Stall) -> None:
    app = stall.app()
    with TestClient(app, base_url="http://evil.example") as client:
        assert client.get("/").status_code == 403  # a DNS name rebound to 127.0.0.1
    with TestClient(app, base_url=LOCAL) as client:
        assert client.get("/").status_code == 200
        # Another site's page in the kiosk browser cannot drive the buttons.
        foreign = {"origin": "http://evil.example"}
        with pytest.raises(WebSocketDisconnect), client.websocket_connect(WS, headers=foreign):
            pass
        with client.websocket_connect(WS, headers={"origin": LOCAL}) as ws:
            assert ws.receive_json()["type"] == "hello"


# -- metrics -------------------------------------------------------------------------------


def test_metrics_in_prometheus_text_format(stall: Stall, client: TestClient) -> None:
    metrics = stall.metrics
    metrics.observe_turn(
        "buyer", "phrasebook", asr_ms=240, mt_ms=3, first_audio_ms=390, total_ms=900
    )
    metrics.observe_turn(
        "merchant",
        "nmt",
        asr_ms=700,
        mt_ms=180,
        first_audio_ms=None,
        total_ms=1500,
        asr_rung="greedy-short",
        mt_rung="phrasebook-only",
        violations=("asr", "mt", "total"),
    )
    metrics.set_audio_overflows(3)
    metrics.set_audio_overflows(3)  # told again after the next turn: not counted twice
    metrics.set_audio_overflows(5)
    metrics.model_loaded("whisper-base", 1.25)

    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }

    def value(name: str, **labels: str) -> float:
        return samples[(name, tuple(sorted(labels.items())))]

    assert value("interpreter_turns_total", party="buyer", method="phrasebook") == 1
    assert value("interpreter_turns_total", party="merchant", method="nmt") == 1
    assert value("interpreter_stage_latency_seconds_count", stage="asr") == 2
    assert value("interpreter_stage_latency_seconds_sum", stage="asr") == pytest.approx(0.94)
    assert value("interpreter_stage_latency_seconds_count", stage="first_audio") == 1
    assert value("interpreter_stage_latency_seconds_bucket", stage="total", le="1.0") == 1
    assert value("interpreter_budget_violations_total", stage="mt") == 1
    assert value("interpreter_budget_violations_total", stage="first_audio") == 0
    assert value("interpreter_fallbacks_total", stage="asr", rung="greedy-short") == 1
    assert value("interpreter_fallbacks_total", stage="mt", rung="phrasebook-only") == 1
    assert value("interpreter_audio_overflows_total") == 5
    assert value("interpreter_model_load_seconds", model="whisper-base") == 1.25
    assert value("interpreter_kiosk_clients") == 0
    assert value("interpreter_turns_not_saved_total") == 0


def test_each_kiosk_counts_in_its_own_registry() -> None:
    first, second = KioskMetrics(), KioskMetrics()
    first.observe_turn("buyer", "nmt", asr_ms=1, mt_ms=1, first_audio_ms=1, total_ms=1)
    assert b'party="buyer"' in first.render()
    assert b'party="buyer"' not in second.render()


def test_hello_is_json_a_browser_can_read(client: TestClient) -> None:
    with client.websocket_connect(WS) as ws:
        raw = ws.receive_text()
    assert json.loads(raw)["protocol"] == 1


# -- serving -------------------------------------------------------------------------------


def test_serve_runs_beside_the_runner_and_stops_with_a_page_connected(stall: Stall) -> None:
    server = serve(stall.app(), port=0)
    try:
        assert server.running and threading.current_thread() is threading.main_thread()
        with connect(f"ws://127.0.0.1:{server.port}/ws", open_timeout=5) as page:
            assert json.loads(page.recv(timeout=5))["type"] == "hello"
            started = time.monotonic()
            server.stop()
            assert time.monotonic() - started < 5
            assert not server.running
            with pytest.raises(ConnectionClosed):
                while True:
                    page.recv(timeout=5)
    finally:
        server.stop()
    # The port is free again at once.
    again = serve(stall.app(), port=server.port)
    again.stop()


def test_a_port_in_use_is_a_one_line_error(stall: Stall) -> None:
    server = serve(stall.app(), port=0)
    try:
        with pytest.raises(InputError, match=f"127.0.0.1:{server.port}.*--port"):
            serve(stall.app(), port=server.port)
    finally:
        server.stop()
