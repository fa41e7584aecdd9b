"""What the kiosk's routes and its WebSocket share: one `KioskState` per app.

`app.build_app` makes it and keeps it as `app.state.kiosk`; a route or the socket
finds it with `kiosk_state(connection)`. It holds the runner's controls, the event
hub, the deal log, the metrics, whether the kiosk is on the LAN and its pairing token,
and makes the addresses a page or a phone is given (the deal sheet's, with its key
when there is a token; the pairing address).
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from interpreter.deals.log import DealLog
from interpreter.kiosk.access import deal_key
from interpreter.kiosk.backend import KioskControls
from interpreter.kiosk.hub import EventHub
from interpreter.kiosk.metrics import KioskMetrics


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


def kiosk_state(connection: HTTPConnection) -> KioskState:
    """The `KioskState` of the app that `connection` (a request or a socket) came to."""
    state: KioskState = connection.app.state.kiosk
    return state
