"""Who may reach the kiosk: the guard in front of every route, and the keys it accepts.

By default the server listens on 127.0.0.1 only and answers only requests whose Host
is a loopback name (a web page elsewhere cannot reach it through a DNS name that
points at 127.0.0.1), and a WebSocket only from a page of its own origin. With
`lan=True` it listens on every interface and every request must carry the pairing
token, as `?token=` (the first time; a cookie is set then) or that cookie; anything
else is refused with 403. The token is shown on the merchant's half of the page. The
deal sheet's QR code carries, instead of the token, a key that opens that one
session's sheet and nothing else (an HMAC of the session id under the token,
`deal_key`), so a buyer who scans it cannot press the buttons or change the languages.
`AccessGuard` also sets the headers every answer carries (no sniffing, no referrer,
no caching).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_COOKIE = "kiosk_token"
# The last part of a deal sheet's address: the session id and, optionally, a format.
DEAL_NAME = re.compile(r"(?P<session>[^./]+)(?:\.(?P<format>html|csv|json))?")
_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
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


def _same_secret(given: str, expected: str) -> bool:
    """`given == expected` in constant time. As bytes: `compare_digest` raises on a
    str with non-ASCII characters, and what is given comes from the request."""
    return secrets.compare_digest(given.encode(), expected.encode())


def _host_name(host: str | None) -> str:
    """The name in a Host header, without its port ("[::1]:80" -> "::1")."""
    if not host:
        return ""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class AccessGuard:
    """Refuses, before any route runs, what the module docstring says is refused.

    `lan` and `token` are the app's (`KioskState.lan`, `KioskState.token`); with no
    token, only the loopback and same-origin checks apply."""

    def __init__(self, app: ASGIApp, *, lan: bool, token: str | None) -> None:
        self.app = app
        self.lan = lan
        self.token = token

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
        host = connection.headers.get("host")
        if not self.lan and _host_name(host) not in _LOOPBACK_NAMES:
            return _FOREIGN_HOST
        if connection.scope["type"] == "websocket":
            origin = connection.headers.get("origin")
            # Browsers always send Origin on a WebSocket; a page of another site must
            # not drive the buttons through the kiosk browser's cookie.
            if origin is not None and origin not in (f"http://{host}", f"https://{host}"):
                return "the kiosk's event stream is only for its own page"
        if self.token is None:
            return None
        if self._token_from_query(connection) or self._token_from_cookie(connection):
            return None
        if connection.scope["type"] == "http" and self._deal_key_fits(connection):
            return None
        return _REFUSED

    def _matches(self, given: str | None) -> bool:
        token = self.token
        if not given or token is None:
            return False
        return _same_secret(given, token)

    def _token_from_query(self, connection: HTTPConnection) -> bool:
        return self._matches(connection.query_params.get("token"))

    def _token_from_cookie(self, connection: HTTPConnection) -> bool:
        return self._matches(connection.cookies.get(TOKEN_COOKIE))

    def _deal_key_fits(self, connection: HTTPConnection) -> bool:
        """A deal sheet's own key (from its QR code) opens that sheet, in any format."""
        path = connection.url.path
        key = connection.query_params.get("key")
        if not path.startswith("/deal/") or not key or self.token is None:
            return False
        match = DEAL_NAME.fullmatch(path[len("/deal/") :])
        if match is None:
            return False
        return _same_secret(key, deal_key(self.token, match["session"]))

    def _with_headers(self, scope: Scope, send: Send, remember: bool) -> Send:
        token = self.token
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
