"""Telling systemd how the stall's service is doing: the sd_notify protocol.

The stall runs `interpreter kiosk` as a `Type=notify` unit with a watchdog
(device/systemd/interpreter.service). The service says `READY=1` once its page is up
and its session listens (systemd starts the kiosk browser only then), `WATCHDOG=1` at
least every `WatchdogSec` while the loop that takes the microphone's frames keeps
taking them (a loop stuck, or a microphone that delivers nothing, stops the feeding
and systemd restarts the service), and `STOPPING=1` as it stops.

Each message is one datagram to the AF_UNIX socket named by $NOTIFY_SOCKET: a path,
or a name in the abstract namespace when it starts with '@'. Without that variable
(not under systemd: a terminal, the tests, the benchmarks) nothing is sent. The
watchdog is meant for this process when $WATCHDOG_USEC is set and $WATCHDOG_PID is
unset or this process's id.

Our own few lines rather than PyPI's `sdnotify`: the protocol is one `sendto`, and
that package (0.3.2 of 2017, an sdist built with distutils) swallows every error with
a bare `except` and reads neither WATCHDOG_USEC nor WATCHDOG_PID, the two things the
feeding needs; a dependency would save nothing.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass

from interpreter.core.clock import Clock, MonotonicClock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServiceNotifier:
    """Where systemd listens (None: nowhere, every message is dropped) and the
    watchdog's timeout for this process (None: no watchdog)."""

    address: str | None = None
    watchdog_s: float | None = None

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, pid: int | None = None
    ) -> ServiceNotifier:
        """What systemd put in the environment of the service's main process."""
        environ = os.environ if environ is None else environ
        address = environ.get("NOTIFY_SOCKET", "")
        if not address.startswith(("/", "@")):
            return cls()
        watchdog_s = None
        watchdog_pid = environ.get("WATCHDOG_PID", "")
        for_us = not watchdog_pid or watchdog_pid == str(os.getpid() if pid is None else pid)
        usec = environ.get("WATCHDOG_USEC", "")
        if for_us and usec.isdigit() and int(usec) > 0:
            watchdog_s = int(usec) / 1e6
        return cls(address, watchdog_s)

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def notify(self, *assignments: str) -> bool:
        """Send `READY=1`, `STATUS=...` and the like in one datagram; False when there
        is no socket to send to or it cannot be reached (never an exception: the
        stall goes on interpreting whatever its service manager hears)."""
        if self.address is None:
            return False
        target = "\0" + self.address[1:] if self.address.startswith("@") else self.address
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.sendto("\n".join(assignments).encode("utf-8"), target)
        except OSError as error:
            log.warning("cannot tell the service manager %s (%s)", assignments, error)
            return False
        return True

    def ready(self, status: str) -> bool:
        return self.notify("READY=1", f"STATUS={status}")

    def stopping(self) -> bool:
        return self.notify("STOPPING=1")

    def watchdog(self) -> bool:
        return self.notify("WATCHDOG=1")


class Watchdog:
    """Feeds systemd's watchdog from a loop that calls `beat()` each time it gets on
    with its work: `WATCHDOG=1` goes out at most every half of the timeout (as
    systemd's manual advises), so a loop that stops beating for the timeout is
    restarted. Called from one thread only; a beat costs a clock read when no
    message is due."""

    def __init__(self, notifier: ServiceNotifier, clock: Clock | None = None) -> None:
        self._notifier = notifier
        self._interval_s = None if notifier.watchdog_s is None else notifier.watchdog_s / 2
        self._clock = clock or MonotonicClock()
        self._last_s: float | None = None
        # How many times it has been fed, for the curious (and the tests).
        self.fed = 0

    @property
    def interval_s(self) -> float | None:
        return self._interval_s

    def beat(self) -> None:
        if self._interval_s is None:
            return
        now_s = self._clock.now()
        if self._last_s is not None and now_s - self._last_s < self._interval_s:
            return
        self._last_s = now_s
        if self._notifier.watchdog():
            self.fed += 1
