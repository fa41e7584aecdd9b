"""Running the kiosk's app: uvicorn in a thread of its own; the live runner keeps the main one.

`serve` binds the socket itself (on 127.0.0.1, or every interface for an app built
with `lan=True`), so a port that is taken is a one-line InputError rather than a
traceback from inside uvicorn, fills in the address phones on the LAN use (for QR
codes) once the port is known, and returns once the server answers. The
`KioskServer` it returns says where the kiosk's own browser and other devices reach
it, and stops it (closing the pages' sockets) when the session ends.
"""

from __future__ import annotations

import logging
import socket
import threading
import time

import uvicorn
from starlette.applications import Starlette

from interpreter.core.errors import InputError, InterpreterError
from interpreter.kiosk.qr import lan_address
from interpreter.kiosk.state import KioskState

log = logging.getLogger(__name__)

DEFAULT_PORT = 8780


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
