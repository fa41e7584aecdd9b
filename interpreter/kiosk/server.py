"""The stall's web page and its event stream, served by Starlette on uvicorn.

Routes:
- `/` the two-sided page, `/static/...` its script and style (nothing from the
  internet: the stall has no network, and a page that needed one would be blank);
- `/ws` the WebSocket: events from the live runner out, button presses and settings in;
- `/deal/{session}` (`.csv`, `.json`) the session's deal sheet, `/qr/{session}.svg`
  a QR code of its address, `/link/{session}` that address as JSON;
- `/metrics` Prometheus text.

Access. By default the server listens on 127.0.0.1 only and answers only requests
whose Host is a loopback name (a web page elsewhere cannot reach it through a DNS
name that points at 127.0.0.1), and a WebSocket only from a page of its own origin.
With `lan=True` it listens on every interface and every request must carry the
pairing token, as `?token=` (the first time; a cookie is set then) or that cookie;
anything else is refused with 403. The token is shown on the merchant's half of the
page. The deal sheet's QR code carries, instead of the token, a key that opens that
one session's sheet and nothing else (an HMAC of the session id under the token), so
a buyer who scans it cannot press the buttons or change the languages.

Input. What comes in over the socket is parsed by `parse_client_message` against
fixed sets (party, language codes from `interpreter.core.languages`, the voices the
runner offers) before anything acts on it; a bad message gets an `error` event back
and goes nowhere else. Session ids go through `deals.log.check_session_id`, and the deal
log uses parameterised SQL only.

Threads. uvicorn runs in a thread of its own (`serve`), so the live runner keeps the
main thread. `KioskControls` and the deal log are called in Starlette's worker
threads, never on the event loop, so a slow disk or a busy runner never stalls the
other pages.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from interpreter.core.errors import InputError, InterpreterError
from interpreter.core.languages import LANGUAGES
from interpreter.deals.log import DealLog, DealLogError, check_session_id
from interpreter.deals.sheet import deal_sheet
from interpreter.kiosk.backend import KioskControls, StallSettings
from interpreter.kiosk.hub import EventHub, settings_message, turn_message
from interpreter.kiosk.metrics import CONTENT_TYPE, KioskMetrics
from interpreter.kiosk.qr import lan_address, qr_svg

log = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
DEFAULT_PORT = 8780
PARTIES = ("merchant", "buyer")
TOKEN_COOKIE = "kiosk_token"
PAGE_DIR = Path(__file__).resolve().parent / "page"
# A press or a settings change is a few dozen characters; anything far longer is not
# the page talking.
MAX_MESSAGE_CHARS = 4096
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
_DEAL_NAME = re.compile(r"(?P<session>[^./]+)(?:\.(?P<format>html|csv|json))?")
_PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_REFUSED = (
    "this kiosk needs its pairing token: open the address shown on the merchant's screen "
    "(it ends in ?token=...)"
)
_FOREIGN_HOST = "the kiosk answers only on this device's own address (127.0.0.1); use --lan"


def new_token() -> str:
    """A fresh pairing token: 128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


def deal_key(token: str, session_id: str) -> str:
    """The key that opens `session_id`'s deal sheet (and nothing else) in LAN mode."""
    digest = hmac.new(token.encode(), session_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


# -- what the page may send -------------------------------------------------------------


class ClientMessageError(InputError):
    """A message from the page that is not one the server accepts; `code` says which
    kind of wrong (the page shows it in its own language), the text says exactly."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Press:
    party: str
    down: bool


@dataclass(frozen=True)
class SettingsChange:
    pair: tuple[str, str] | None
    voices: dict[str, str] | None = field(default=None, hash=False)


@dataclass(frozen=True)
class Ping:
    pass


ClientMessage = Press | SettingsChange | Ping


def parse_client_message(text: str) -> ClientMessage:
    """One WebSocket message from the page, checked for shape.

    Accepted (JSON objects):
      {"type": "press", "party": "merchant"|"buyer", "down": true|false}
      {"type": "settings", "pair": ["zh", "en"], "voices": {"en": "<voice>", ...}}
        (either key may be left out; then `check_settings_change` against what is
        offered now)
      {"type": "ping"}
    Anything else raises ClientMessageError."""
    if len(text) > MAX_MESSAGE_CHARS:
        raise ClientMessageError(
            "too-long", f"message of {len(text)} characters; the limit is {MAX_MESSAGE_CHARS}"
        )
    try:
        data = json.loads(text)
    except ValueError:
        raise ClientMessageError("bad-json", "message is not JSON") from None
    if not isinstance(data, dict):
        raise ClientMessageError("bad-message", "message must be a JSON object")
    kind = data.get("type")
    if kind == "ping":
        return Ping()
    if kind == "press":
        party, down = data.get("party"), data.get("down")
        if party not in PARTIES:
            raise ClientMessageError(
                "bad-party", f"party {str(party)[:20]!r} is not merchant or buyer"
            )
        if not isinstance(down, bool):
            raise ClientMessageError("bad-press", "down must be true or false")
        return Press(party, down)
    if kind == "settings":
        return _parse_settings(data)
    raise ClientMessageError("unknown-type", f"unknown message type {str(kind)[:20]!r}")


def _parse_settings(data: dict[str, Any]) -> SettingsChange:
    pair: tuple[str, str] | None = None
    if data.get("pair") is not None:
        raw = data["pair"]
        if not isinstance(raw, list) or len(raw) != 2 or not all(isinstance(c, str) for c in raw):
            raise ClientMessageError("bad-language", "pair must be two language codes")
        pair = (raw[0], raw[1])
    voices: dict[str, str] | None = None
    if data.get("voices") is not None:
        raw_voices = data["voices"]
        if (
            not isinstance(raw_voices, dict)
            or len(raw_voices) > len(LANGUAGES)
            or not all(isinstance(v, str) for v in raw_voices.values())
        ):
            raise ClientMessageError("bad-voice", "voices must map a language code to a voice")
        voices = dict(raw_voices)
    if pair is None and voices is None:
        raise ClientMessageError("bad-message", "settings need a pair or voices")
    return SettingsChange(pair, voices)


def check_settings_change(change: SettingsChange, settings: StallSettings) -> SettingsChange:
    """`change` when every language is one `interpreter.core.languages` knows and the runner
    offers, the two differ, and every voice is one offered for its language."""
    offered = settings.languages or tuple(LANGUAGES)
    if change.pair is not None:
        for code in change.pair:
            if code not in LANGUAGES or code not in offered:
                raise ClientMessageError(
                    "bad-language",
                    f"language {code[:20]!r} is not offered; choose one of " + ", ".join(offered),
                )
        if change.pair[0] == change.pair[1]:
            raise ClientMessageError("bad-language", "the two parties need different languages")
    if change.voices is not None:
        languages = change.pair or (settings.merchant_language, settings.buyer_language)
        for code, voice in change.voices.items():
            if code not in languages:
                raise ClientMessageError(
                    "bad-voice", f"{code[:20]!r} is not a language of the pair"
                )
            if voice not in settings.voice_choices.get(code, ()):
                raise ClientMessageError(
                    "bad-voice", f"voice {voice[:40]!r} is not installed for {code}"
                )
    return change


# -- the app ----------------------------------------------------------------------------


class KioskState:
    """What the routes share; `app.state.kiosk`. `public_url` (where phones on the LAN
    reach the server) is set by `serve` once the port is known, unless given."""

    def __init__(
        self,
        controls: KioskControls,
        hub: EventHub,
        deal_log: DealLog,
        metrics: KioskMetrics,
        lan: bool,
        token: str | None,
        public_url: str | None,
    ) -> None:
        self.controls = controls
        self.hub = hub
        self.deal_log = deal_log
        self.metrics = metrics
        self.lan = lan
        self.token = token
        self.public_url = public_url

    def base_url(self, connection: HTTPConnection) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        return f"{connection.url.scheme}://{connection.url.netloc}"

    def deal_url(self, connection: HTTPConnection, session_id: str) -> str:
        url = f"{self.base_url(connection)}/deal/{session_id}"
        return f"{url}?key={deal_key(self.token, session_id)}" if self.token else url

    def pairing_url(self, connection: HTTPConnection) -> str | None:
        return f"{self.base_url(connection)}/?token={self.token}" if self.token else None


def build_app(
    controls: KioskControls,
    hub: EventHub,
    deal_log: DealLog,
    metrics: KioskMetrics,
    lan: bool = False,
    token: str | None = None,
    *,
    public_url: str | None = None,
) -> Starlette:
    """The kiosk's ASGI app.

    `lan` means the server will listen on the local network: a pairing token is then
    required on every request (one is made when `token` is None; read it back from
    `app.state.kiosk.token`). A token given without `lan` is required all the same.
    `public_url` is the address phones use (http://192.168.1.20:8780); `serve` fills
    it in."""
    if lan and not token:
        token = new_token()
    kiosk = KioskState(controls, hub, deal_log, metrics, lan, token, public_url)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        hub.attach(asyncio.get_running_loop())
        try:
            yield
        finally:
            hub.detach()

    routes = [
        Route("/", _page),
        Mount("/static", StaticFiles(directory=PAGE_DIR), name="static"),
        WebSocketRoute("/ws", _events),
        Route("/deal/{name}", _deal_sheet),
        Route("/link/{session}", _deal_link),
        Route("/qr/{name}", _qr),
        Route("/metrics", _metrics),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.kiosk = kiosk
    # The guard wraps everything, so no route (nor a 404) answers without it.
    app.add_middleware(_AccessGuard, kiosk=kiosk)
    return app


def _kiosk(connection: HTTPConnection) -> KioskState:
    return connection.app.state.kiosk


async def _page(request: Request) -> Response:
    response = FileResponse(PAGE_DIR / "index.html", media_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = _PAGE_POLICY
    return response


def _deal_sheet(request: Request) -> Response:
    kiosk = _kiosk(request)
    match = _DEAL_NAME.fullmatch(request.path_params["name"])
    if match is None:
        return PlainTextResponse("not a deal sheet address", status_code=404)
    session_id, format = match["session"], match["format"] or "html"
    try:
        check_session_id(session_id)
    except InputError as error:
        return PlainTextResponse(str(error), status_code=400)
    try:
        session = kiosk.deal_log.session(session_id)
        text = deal_sheet(session, kiosk.deal_log.turns(session_id), format)
    except DealLogError as error:
        return PlainTextResponse(str(error), status_code=503)
    except InputError as error:
        return PlainTextResponse(str(error), status_code=404)
    if format == "csv":
        return Response(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="deal-{session_id}.csv"'},
        )
    if format == "json":
        return Response(text, media_type="application/json")
    return Response(text, media_type="text/html; charset=utf-8")


def _known_session(kiosk: KioskState, session_id: str) -> Response | None:
    """None when the session is in the log, else the refusal to send."""
    try:
        check_session_id(session_id)
    except InputError as error:
        return PlainTextResponse(str(error), status_code=400)
    try:
        kiosk.deal_log.session(session_id)
    except DealLogError as error:
        return PlainTextResponse(str(error), status_code=503)
    except InputError as error:
        return PlainTextResponse(str(error), status_code=404)
    return None


def _deal_link(request: Request) -> Response:
    kiosk = _kiosk(request)
    session_id = request.path_params["session"]
    refused = _known_session(kiosk, session_id)
    if refused is not None:
        return refused
    return JSONResponse(
        {
            "session": session_id,
            "url": kiosk.deal_url(request, session_id),
            "qr": f"/qr/{session_id}.svg",
            "lan": kiosk.lan,
        }
    )


def _qr(request: Request) -> Response:
    kiosk = _kiosk(request)
    name = request.path_params["name"]
    if not name.endswith(".svg"):
        return PlainTextResponse("QR codes are served as /qr/SESSION.svg", status_code=404)
    session_id = name[: -len(".svg")]
    refused = _known_session(kiosk, session_id)
    if refused is not None:
        return refused
    svg = qr_svg(kiosk.deal_url(request, session_id), title=f"deal sheet {session_id}")
    return Response(svg, media_type="image/svg+xml")


def _metrics(request: Request) -> Response:
    return Response(_kiosk(request).metrics.render(), media_type=CONTENT_TYPE)


# -- the event stream -------------------------------------------------------------------


async def _events(websocket: WebSocket) -> None:
    """One page's connection: its starting state, then events out and presses in."""
    kiosk = _kiosk(websocket)
    await websocket.accept()
    client = kiosk.hub.subscribe()
    kiosk.metrics.client_connected()
    send_lock = asyncio.Lock()

    async def send(message: dict[str, object] | str) -> None:
        text = message if isinstance(message, str) else json.dumps(message, ensure_ascii=False)
        async with send_lock:
            await websocket.send_text(text)

    async def pump() -> None:
        while (text := await client.next()) is not None:
            await send(text)
        if client.dropped:
            # The page fell behind: it reconnects and catches up from the deal log.
            with suppress(RuntimeError, WebSocketDisconnect):
                await websocket.close(code=1013, reason="too slow; reconnect")

    pump_task: asyncio.Task[None] | None = None
    held: set[str] = set()  # parties whose button this page holds down
    try:
        for message in await run_in_threadpool(_opening, kiosk, websocket):
            await send(message)
        pump_task = asyncio.create_task(pump())
        while True:
            text = await websocket.receive_text()
            reply = await _act(kiosk, text, held)
            if reply is not None:
                await send(reply)
    except (WebSocketDisconnect, RuntimeError):
        pass  # the page went away, or the server closed the socket
    finally:
        kiosk.hub.unsubscribe(client)
        # A page closed (or reloaded) while a button was down must not leave the
        # runner recording that party for ever.
        for party in sorted(held):
            with suppress(Exception):
                await run_in_threadpool(kiosk.controls.press, party, False)
                kiosk.hub.pressed(party, False)
        if pump_task is not None:
            pump_task.cancel()
            with suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await pump_task
        kiosk.metrics.client_disconnected(dropped=client.dropped)


def _opening(kiosk: KioskState, websocket: WebSocket) -> list[dict[str, object]]:
    """hello, settings, status (and partial text), then the session so far: a page
    that is reloaded mid-conversation shows what it showed before. (Run in a worker
    thread: the controls and the log may block.)"""
    session_id = kiosk.controls.session_id()
    settings = kiosk.controls.current_settings()
    hello: dict[str, object] = {
        "type": "hello",
        "protocol": PROTOCOL_VERSION,
        "session": session_id,
        "lan": kiosk.lan,
        "pairing": (
            {"token": kiosk.token, "url": kiosk.pairing_url(websocket)} if kiosk.token else None
        ),
    }
    messages = [hello, settings_message(settings)]
    messages += [m for m in kiosk.hub.snapshot() if m["type"] != "settings"]
    history: list[dict[str, object]] = []
    try:
        unsure = kiosk.hub.unsure_turns(session_id)
        history = [
            turn_message(turn, turn.turn_number in unsure)
            for turn in kiosk.deal_log.turns(session_id)
        ]
    except DealLogError as error:
        messages.append({"type": "error", "code": "log", "message": str(error)})
    except InputError:
        pass  # the session is not in the log yet: nothing said so far
    messages.append({"type": "history", "session": session_id, "turns": history})
    return messages


async def _act(kiosk: KioskState, text: str, held: set[str]) -> dict[str, object] | None:
    """Carry out one message from the page; the reply to send back, if any. `held`
    keeps the parties whose button this page has down."""
    try:
        message = parse_client_message(text)
        if isinstance(message, Ping):
            return {"type": "pong"}
        if isinstance(message, Press):
            await run_in_threadpool(kiosk.controls.press, message.party, message.down)
            (held.add if message.down else held.discard)(message.party)
            kiosk.hub.pressed(message.party, message.down)
            return None
        settings = await run_in_threadpool(kiosk.controls.current_settings)
        change = check_settings_change(message, settings)
        changed = await run_in_threadpool(
            kiosk.controls.change_settings, change.pair, change.voices
        )
        kiosk.hub.settings(changed)
        return None
    except ClientMessageError as error:
        return {"type": "error", "code": error.code, "message": str(error)}
    except InterpreterError as error:
        return {"type": "error", "code": "rejected", "message": str(error)}
    except Exception:
        log.exception("the kiosk could not carry out a message from the page")
        return {"type": "error", "code": "failed", "message": "the interpreter could not do that"}


# -- access -----------------------------------------------------------------------------


def _host_name(host: str | None) -> str:
    """The name in a Host header, without its port ("[::1]:80" -> "::1")."""
    if not host:
        return ""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class _AccessGuard:
    """Refuses, before any route runs, what the module docstring says is refused."""

    def __init__(self, app: ASGIApp, kiosk: KioskState) -> None:
        self.app = app
        self.kiosk = kiosk

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        refusal = self._refusal(connection)
        if refusal is not None:
            if scope["type"] == "websocket":
                # Closing before accepting is answered with HTTP 403.
                await send({"type": "websocket.close", "code": 1008, "reason": ""})
            else:
                await PlainTextResponse(refusal, status_code=403)(scope, receive, send)
            return
        remember = self._token_from_query(connection) and not self._token_from_cookie(connection)
        await self.app(scope, receive, self._with_headers(scope, send, remember))

    def _refusal(self, connection: HTTPConnection) -> str | None:
        kiosk = self.kiosk
        host = connection.headers.get("host")
        if not kiosk.lan and _host_name(host) not in _LOOPBACK_NAMES:
            return _FOREIGN_HOST
        if connection.scope["type"] == "websocket":
            origin = connection.headers.get("origin")
            # Browsers always send Origin on a WebSocket; a page of another site must
            # not drive the buttons through the kiosk browser's cookie.
            if origin is not None and origin not in (f"http://{host}", f"https://{host}"):
                return "the kiosk's event stream is only for its own page"
        if kiosk.token is None:
            return None
        if self._token_from_query(connection) or self._token_from_cookie(connection):
            return None
        if connection.scope["type"] == "http" and self._deal_key_fits(connection):
            return None
        return _REFUSED

    def _matches(self, given: str | None) -> bool:
        token = self.kiosk.token
        return bool(given) and token is not None and secrets.compare_digest(given, token)

    def _token_from_query(self, connection: HTTPConnection) -> bool:
        return self._matches(connection.query_params.get("token"))

    def _token_from_cookie(self, connection: HTTPConnection) -> bool:
        return self._matches(connection.cookies.get(TOKEN_COOKIE))

    def _deal_key_fits(self, connection: HTTPConnection) -> bool:
        """A deal sheet's own key (from its QR code) opens that sheet, in any format."""
        path = connection.url.path
        key = connection.query_params.get("key")
        if not path.startswith("/deal/") or not key or self.kiosk.token is None:
            return False
        match = _DEAL_NAME.fullmatch(path[len("/deal/") :])
        if match is None:
            return False
        expected = deal_key(self.kiosk.token, match["session"])
        return secrets.compare_digest(key, expected)

    def _with_headers(self, scope: Scope, send: Send, remember: bool) -> Send:
        token = self.kiosk.token
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                # The kiosk runs for weeks: never keep a page or script from before an update.
                headers["Cache-Control"] = "no-cache" if static else "no-store"
                if remember and token:
                    headers.append(
                        "Set-Cookie",
                        f"{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict",
                    )
            await send(message)

        return send_with_headers


# -- running it -------------------------------------------------------------------------


class KioskServer:
    """A kiosk app being served by uvicorn in a background thread (see `serve`)."""

    def __init__(
        self, server: uvicorn.Server, thread: threading.Thread, kiosk: KioskState, port: int
    ) -> None:
        self._server = server
        self._thread = thread
        self.kiosk = kiosk
        self.port = port

    @property
    def url(self) -> str:
        """What the kiosk's own browser opens (with the token, when there is one)."""
        base = f"http://127.0.0.1:{self.port}/"
        return f"{base}?token={self.kiosk.token}" if self.kiosk.token else base

    @property
    def public_url(self) -> str:
        """Where another device on the LAN reaches the server (without the token)."""
        return self.kiosk.public_url or f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Close the pages' sockets and stop serving; returns once the thread is done."""
        self._server.should_exit = True
        self._thread.join(timeout_s / 2)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout_s / 2)

    def __enter__(self) -> KioskServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(
    app: Starlette,
    *,
    port: int = DEFAULT_PORT,
    public_host: str | None = None,
    log_level: str = "warning",
    ready_timeout_s: float = 10.0,
) -> KioskServer:
    """Serve `app` (from `build_app`) in a background thread; returns once it answers.

    It listens on 127.0.0.1, or on every interface when the app was built with
    `lan=True`. `port=0` takes a free one (`KioskServer.port` says which);
    `public_host` is the address put in QR codes (default: `qr.lan_address()`).
    A port that is taken is a one-line InputError."""
    kiosk: KioskState = app.state.kiosk
    host = "0.0.0.0" if kiosk.lan else "127.0.0.1"
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise InputError(
            f"the kiosk cannot listen on {host}:{port} ({error.strerror or error}); "
            "stop what uses that port or choose another with --port"
        ) from None
    port = sock.getsockname()[1]
    if kiosk.public_url is None:
        address = public_host or (lan_address() if kiosk.lan else None) or "127.0.0.1"
        kiosk.public_url = f"http://{address}:{port}"
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        ws_max_size=64 * 1024,
        timeout_graceful_shutdown=3,
    )
    server = uvicorn.Server(config)

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException:
            log.exception("the kiosk's web server stopped")
        finally:
            sock.close()

    thread = threading.Thread(target=run, name="kiosk-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + ready_timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            thread.join(2.0)
            raise InterpreterError(
                f"the kiosk's web server did not start on {host}:{port}; see the log above"
            )
        time.sleep(0.02)
    return KioskServer(server, thread, kiosk, port)
