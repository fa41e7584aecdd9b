"""The live runner's events, fanned out to every page that is watching.

The runner calls `EventHub` (a `KioskEvents`) from its own threads, at its own pace,
and must never wait for a browser: a phone on a weak Wi-Fi or a tab in the background
can stop reading at any time. So each event is turned into JSON once, in the caller's
thread, and handed to the server's asyncio loop with `call_soon_threadsafe` (which
only appends to the loop's queue and wakes it); there it is put on each page's own
bounded queue. A page whose queue is full is dropped (its socket is closed, the page
reconnects and catches up from the deal log), rather than letting the queue grow or
holding the runner back.

The hub also remembers the latest status, settings and partial text, so a page that
connects in the middle of a turn starts in the right state, which turns were unsure
(the deal log keeps what was said, not how sure the recogniser was), so a reloaded
page still marks them, and the turns the deal log could not write (its disk full), so
a reloaded page still shows them, marked not saved.

Turns not saved. A turn's `turn_number` is its number in the deal log, and the page
keys turns by it. A turn the log could not write has no number of its own: it carries
the number the log's next turn will have (its place in the conversation) and, as
`unsaved`, its own count in the session (1, 2, 3, ...), with `saved` false; the page
keys it by that count, so it never takes the place of a logged turn, nor one unsaved
turn the place of another. `conversation_order` puts both kinds in the order they
were said.

Threads: the KioskEvents methods and `snapshot()` may be called from any thread;
`subscribe`, `unsubscribe` and `HubClient.next` belong to the loop given to `attach`.
Before `attach` (and after `detach`) events only update the remembered state.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import asdict
from typing import TypeVar

from interpreter.core.languages import LANGUAGES
from interpreter.core.vocabulary import Doubt, Party, State
from interpreter.deals.records import LoggedTurn
from interpreter.kiosk.backend import StallSettings

log = logging.getLogger(__name__)

DEFAULT_QUEUE_SIZE = 256
# Unsure marks and unsaved turns are kept for this many sessions (the current one is
# what matters).
_SESSIONS_KEPT = 8
# Unsaved turns kept per session: a day at a stall with the log's disk full.
UNSAVED_KEPT = 2000
_STATES = tuple(state.value for state in State)
_T = TypeVar("_T")


def turn_message(
    turn: LoggedTurn, doubt: Doubt = Doubt.NONE, unsaved: int | None = None
) -> dict[str, object]:
    """A turn as the page receives it (inside a `turn` or `history` event): a logged
    one, or with `unsaved` (its count among the session's turns the log could not
    write), one marked `"saved": false`."""
    data = asdict(turn)
    data["numbers"] = list(turn.numbers)
    data["numbers_said"] = list(turn.numbers_said)
    data["unsure"] = doubt is not Doubt.NONE
    data["doubt"] = doubt
    data["saved"] = unsaved is None
    if unsaved is not None:
        data["unsaved"] = int(unsaved)
    return data


def conversation_order(message: Mapping[str, object]) -> tuple[int, int, int]:
    """Where a `turn_message` goes in the conversation: by turn number, and an unsaved
    turn (which carries the number of the logged turn after it) before the logged turn
    of that number, unsaved ones in their own order. The page sorts the same way."""
    number = message.get("turn_number")
    unsaved = message.get("unsaved")
    return (
        number if isinstance(number, int) else 0,
        1 if message.get("saved", True) else 0,
        unsaved if isinstance(unsaved, int) else 0,
    )


class _Unsaved:
    """One session's turns that the deal log could not write, as the page gets them."""

    def __init__(self) -> None:
        self.count = 0
        self.turns: deque[dict[str, object]] = deque(maxlen=UNSAVED_KEPT)


def settings_message(settings: StallSettings) -> dict[str, object]:
    """The `settings` event: the pair and voices in use and what may be chosen.

    With no `languages` reported, every language the interpreter knows is offered
    (change_settings still has the last word)."""
    languages = list(settings.languages) or list(LANGUAGES)
    return {
        "type": "settings",
        "merchant_language": settings.merchant_language,
        "buyer_language": settings.buyer_language,
        "voices": dict(settings.voices),
        "languages": languages,
        "language_names": {
            code: LANGUAGES[code].native_name for code in languages if code in LANGUAGES
        },
        "voice_choices": {lang: list(names) for lang, names in settings.voice_choices.items()},
        "mode": settings.mode,
    }


class HubClient:
    """One page's queue of events (JSON text), read by the server's socket task."""

    def __init__(self, queue_size: int) -> None:
        self._queue: asyncio.Queue[str | None] = asyncio.Queue(queue_size)
        self.dropped = False
        self.closed = False

    async def next(self) -> str | None:
        """The next event's JSON; None once the client is closed or was dropped."""
        if self.closed and self._queue.empty():
            return None
        return await self._queue.get()

    def _offer(self, text: str) -> bool:
        """Queue `text`; False (and the client closed) when the queue is full."""
        if self.closed:
            return True
        try:
            self._queue.put_nowait(text)
            return True
        except asyncio.QueueFull:
            self.dropped = True
            self._close()
            return False

    def _close(self) -> None:
        """No more events: what is queued is thrown away and `next` returns None."""
        self.closed = True
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(None)


class EventHub:
    """A `KioskEvents` that fans events out to the connected pages.

    `queue_size` events may wait per page before it counts as too slow (a turn is one
    event, a partial text a few per second), so the default is minutes of events.
    """

    def __init__(self, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        if queue_size < 1:
            raise ValueError(f"queue_size must be at least 1, not {queue_size}")
        self.queue_size = queue_size
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._clients: set[HubClient] = set()  # touched on the loop only
        self._status: dict[str, object] = {
            "type": "status",
            "state": State.LISTENING,
            "last_latency_ms": None,
        }
        self._settings: dict[str, object] | None = None
        self._partial: dict[str, object] | None = None
        self._doubts: OrderedDict[str, dict[int, Doubt]] = OrderedDict()
        self._unsaved: OrderedDict[str, _Unsaved] = OrderedDict()

    # -- the server's side ------------------------------------------------------------

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver events on `loop` from now on (the server's, at its start-up)."""
        with self._lock:
            self._loop = loop

    def detach(self) -> None:
        """Stop delivering and close every client (the server is shutting down).
        Call it on the loop that was attached."""
        with self._lock:
            self._loop = None
        for client in list(self._clients):
            client._close()
        self._clients.clear()

    def subscribe(self) -> HubClient:
        """A new page's queue; call on the attached loop, then send it `snapshot()`."""
        client = HubClient(self.queue_size)
        self._clients.add(client)
        return client

    def unsubscribe(self, client: HubClient) -> None:
        self._clients.discard(client)
        if not client.closed:
            client._close()

    @property
    def client_count(self) -> int:
        return len(self._clients)

    def snapshot(self) -> list[dict[str, object]]:
        """What a page needs to start in the current state: the settings (once the
        runner has told them), the status, and the partial text of a turn under way."""
        with self._lock:
            found = [self._settings, dict(self._status), self._partial]
        return [dict(message) for message in found if message is not None]

    def doubtful_turns(self, session_id: str) -> dict[int, Doubt]:
        """The session's logged turns reported unsure (by number), and why."""
        with self._lock:
            return dict(self._doubts.get(session_id, {}))

    def unsaved_turns(self, session_id: str) -> list[dict[str, object]]:
        """The session's turns the deal log could not write, as `turn_message`s, in
        the order they were said (the latest `UNSAVED_KEPT`)."""
        with self._lock:
            kept = self._unsaved.get(session_id)
            return [dict(message) for message in kept.turns] if kept else []

    # -- KioskEvents: called by the live runner from any thread ----------------------

    def status(self, state: State, last_latency_ms: float | None = None) -> None:
        if state not in _STATES:
            log.warning("kiosk status %r ignored; it is none of %s", state, ", ".join(_STATES))
            return
        state = State(state)
        with self._lock:
            # The strip keeps showing the last turn's latency until a newer one comes.
            if last_latency_ms is None:
                latency = self._status["last_latency_ms"]
            else:
                latency = round(float(last_latency_ms), 1)
            message = {"type": "status", "state": state, "last_latency_ms": latency}
            self._status = message
            if state is State.LISTENING:
                self._partial = None
            self._publish_locked(message)

    def partial(self, party: Party | None, language: str, text: str) -> None:
        message: dict[str, object] = {
            "type": "partial",
            "party": party,
            "language": language,
            "text": text,
        }
        with self._lock:
            self._partial = message if text else None
            self._publish_locked(message)

    def turn(self, turn: LoggedTurn, doubt: Doubt = Doubt.NONE, saved: bool = True) -> None:
        with self._lock:
            self._partial = None
            if saved:
                data = turn_message(turn, doubt)
                if doubt is not Doubt.NONE:
                    _keep(self._doubts, turn.session_id, dict)[turn.turn_number] = doubt
            else:
                kept = _keep(self._unsaved, turn.session_id, _Unsaved)
                kept.count += 1
                data = turn_message(turn, doubt, unsaved=kept.count)
                kept.turns.append(data)
            self._publish_locked({"type": "turn", "turn": data})

    def settings(self, settings: StallSettings) -> None:
        message = settings_message(settings)
        with self._lock:
            self._settings = message
            self._publish_locked(message)

    # -- from the server itself --------------------------------------------------------

    def pressed(self, party: Party, down: bool) -> None:
        """A button went down or up on one page; every page shows it."""
        with self._lock:
            self._publish_locked({"type": "press", "party": party, "down": bool(down)})

    # -- internals ---------------------------------------------------------------------

    def _publish_locked(self, message: Mapping[str, object]) -> None:
        """Hand `message` to the loop. Under the lock, so that the order pages receive
        events in is the order they changed the remembered state."""
        loop = self._loop
        if loop is None:
            return
        text = json.dumps(message, ensure_ascii=False)
        with suppress(RuntimeError):  # the loop closed under us: nobody is listening
            loop.call_soon_threadsafe(self._fan_out, text)

    def _fan_out(self, text: str) -> None:
        for client in list(self._clients):
            if not client._offer(text):
                self._clients.discard(client)
                log.warning("a kiosk page fell %d events behind and was dropped", self.queue_size)


def _keep(by_session: OrderedDict[str, _T], session_id: str, make: Callable[[], _T]) -> _T:
    """The session's entry (made if new), kept as the newest; the oldest sessions'
    entries beyond `_SESSIONS_KEPT` are let go."""
    entry = by_session.get(session_id)
    if entry is None:
        entry = by_session[session_id] = make()
    by_session.move_to_end(session_id)
    while len(by_session) > _SESSIONS_KEPT:
        by_session.popitem(last=False)
    return entry
