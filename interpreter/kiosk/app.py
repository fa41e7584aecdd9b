"""The kiosk's Starlette app: `build_app` and the HTTP routes.

Routes: `/` the two-sided page, with what its first paint needs written into it (each
party's language and how turns are taken, so neither half starts in the wrong language
nor shows a button a hands-free stall has no use for); `/static/...` its script and
style (nothing from the internet: the stall has no network, and a page that needed one
would be blank); `/ws` the WebSocket (`websocket.py`): events from the live runner
out, button presses and settings in; `/deal/{session}` (`.csv`, `.json`) the session's
deal sheet, `/qr/{session}.svg` a QR code of its address, `/link/{session}` that
address as JSON; `/metrics` Prometheus text. Every request passes
`access.AccessGuard` first, which wraps the whole app. Session ids go through
`deals.records.check_session_id`, and the deal log uses parameterised SQL only; the
routes that read it (and the page, which asks the controls) are plain functions, which
Starlette runs in its worker threads, never on the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape
from pathlib import Path
from string import Template

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from interpreter.core.errors import InputError
from interpreter.core.languages import LANGUAGES
from interpreter.core.vocabulary import Mode
from interpreter.deals.database import DealLogError
from interpreter.deals.log import DealLog
from interpreter.deals.records import check_session_id
from interpreter.deals.sheet import deal_sheet
from interpreter.kiosk.access import DEAL_NAME, AccessGuard, new_token
from interpreter.kiosk.backend import KioskControls, StallSettings
from interpreter.kiosk.hub import EventHub
from interpreter.kiosk.metrics import CONTENT_TYPE, KioskMetrics
from interpreter.kiosk.qr import qr_svg
from interpreter.kiosk.state import KioskState, kiosk_state
from interpreter.kiosk.websocket import events

PAGE_DIR = Path(__file__).resolve().parent / "page"
_PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


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
        WebSocketRoute("/ws", events),
        Route("/deal/{name}", _deal_sheet),
        Route("/link/{session}", _deal_link),
        Route("/qr/{name}", _qr),
        Route("/metrics", _metrics),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.kiosk = kiosk
    # The guard wraps everything, so no route (nor a 404) answers without it.
    app.add_middleware(AccessGuard, lan=kiosk.lan, token=kiosk.token)
    return app


def _page(request: Request) -> Response:
    """index.html, filled in from the controls' current settings. (A plain function:
    Starlette runs it in a worker thread, and the controls may block.)"""
    settings = kiosk_state(request).controls.current_settings()
    page = Template((PAGE_DIR / "index.html").read_text(encoding="utf-8"))
    response = HTMLResponse(page.substitute(_first_paint(settings)))
    response.headers["Content-Security-Policy"] = _PAGE_POLICY
    # It carries the settings of the moment: a reload asks again.
    response.headers["Cache-Control"] = "no-store"
    return response


def _first_paint(settings: StallSettings) -> dict[str, str]:
    """What the page shows before its WebSocket brings the settings: each party's
    language, its name, and how turns are taken; escaped for an attribute value."""
    fields = {
        "merchant_language": settings.merchant_language,
        "merchant_name": _native_name(settings.merchant_language),
        "buyer_language": settings.buyer_language,
        "buyer_name": _native_name(settings.buyer_language),
        "mode": Mode(settings.mode).value,
    }
    return {name: escape(value, quote=True) for name, value in fields.items()}


def _native_name(code: str) -> str:
    known = LANGUAGES.get(code)
    return known.native_name if known else code


def _deal_sheet(request: Request) -> Response:
    kiosk = kiosk_state(request)
    match = DEAL_NAME.fullmatch(request.path_params["name"])
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
    kiosk = kiosk_state(request)
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
    kiosk = kiosk_state(request)
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
    return Response(kiosk_state(request).metrics.render(), media_type=CONTENT_TYPE)
