"""Push-to-talk from a keyboard or keypad: one key per party.

A terminal reports key presses but not releases (a held key repeats), so each press
toggles its party's turn: press to start talking, press again to finish. The terminal
is put in cbreak mode (keys arrive without Enter) and restored on the way out; a pipe
works too, which is how the tests press keys.
"""

from __future__ import annotations

import contextlib
import os
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TextIO

from interpreter.core.vocabulary import Party
from interpreter.live.events import Press


@contextlib.contextmanager
def cbreak(stream: TextIO) -> Iterator[None]:
    if not stream.isatty():
        yield
        return
    import termios
    import tty

    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


class KeyControl:
    """Reads keys on a daemon thread (a blocked read cannot be joined) and posts
    presses; stops at the end of input or when the session stops."""

    def __init__(
        self,
        presses: queue.Queue[Press],
        keys: dict[str, Party],
        stop: threading.Event,
        stream: TextIO | None = None,
        actions: dict[str, Callable[[], None]] | None = None,
    ) -> None:
        """`actions`: other keys and what they do (the back-translation key)."""
        self._presses = presses
        self._keys = {key.lower(): party for key, party in keys.items()}
        self._actions = {key.lower(): act for key, act in (actions or {}).items()}
        self._stop = stop
        self._stream = stream or sys.stdin
        self.thread = threading.Thread(target=self._run, name="keys", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        fd = self._stream.fileno()
        while not self._stop.is_set():
            data = os.read(fd, 1)
            if not data:
                return
            key = data.decode("utf-8", "replace").lower()
            if key in self._actions:
                self._actions[key]()
                continue
            party = self._keys.get(key)
            if party is None:
                continue
            with contextlib.suppress(queue.Full):  # a full queue: the key was mashed
                self._presses.put_nowait(Press(party, down=True, toggle=True))
