"""The kiosk's event stream: one WebSocket (`/ws`) per page, events out and presses in.

A page that connects first gets its starting state (hello, settings, status and
partial text, then the session so far: from the deal log, with the hub's turns the log
could not write in their places, so a page reloaded mid-conversation shows what it
showed before), then every event the hub fans out. What the page sends is parsed
and checked by `protocol.py` before anything acts on it; a bad message gets an
`error` event back and goes nowhere else. `KioskControls`
and the deal log are called in Starlette's worker threads, never on the event loop,
so a slow disk or a busy runner never stalls the other pages. A page that closes
with a button down releases it, and one that falls behind is closed (it reconnects
and catches up from the deal log).
"""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import suppress

from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocket, WebSocketDisconnect

from interpreter.core.errors import InputError, InterpreterError
from interpreter.core.vocabulary import Doubt, Party
from interpreter.deals.database import DealLogError
from interpreter.kiosk.hub import conversation_order, settings_message, turn_message
from interpreter.kiosk.protocol import (
    PROTOCOL_VERSION,
    SHOWN_TURNS,
    ClientMessageError,
    Ping,
    Press,
    check_settings_change,
    parse_client_message,
)
from interpreter.kiosk.state import KioskState, kiosk_state

log = logging.getLogger(__name__)


async def events(websocket: WebSocket) -> None:
    """One page's connection: its starting state, then events out and presses in."""
    kiosk = kiosk_state(websocket)
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
    held: set[Party] = set()  # parties whose button this page holds down
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
        "shown_turns": SHOWN_TURNS,
        "lan": kiosk.lan,
        "pairing": (
            {"token": kiosk.token, "url": kiosk.pairing_url(websocket)} if kiosk.token else None
        ),
    }
    messages = [hello, settings_message(settings)]
    messages += [m for m in kiosk.hub.snapshot() if m["type"] != "settings"]
    history: list[dict[str, object]] = []
    try:
        doubts = kiosk.hub.doubtful_turns(session_id)
        history = [
            turn_message(turn, doubts.get(turn.turn_number, Doubt.NONE))
            for turn in kiosk.deal_log.turns(session_id)
        ]
    except DealLogError as error:
        messages.append({"type": "error", "code": "log", "message": str(error)})
    except InputError:
        pass  # the session is not in the log yet: nothing said so far
    # The turns the log could not write are shown too, where they were said.
    history += kiosk.hub.unsaved_turns(session_id)
    history.sort(key=conversation_order)
    messages.append({"type": "history", "session": session_id, "turns": history[-SHOWN_TURNS:]})
    return messages


async def _act(kiosk: KioskState, text: str, held: set[Party]) -> dict[str, object] | None:
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
