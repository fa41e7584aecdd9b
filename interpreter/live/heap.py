"""Giving the memory freed after a turn back to the system.

glibc's malloc keeps what a thread frees in that thread's arena for the next request;
with a listener, a reader, a worker, a playback and the kiosk's server each
allocating, a day at the counter leaves the process holding the high-water mark of
every arena: the soak's hour saw the service's memory climb in steps (+8% after
warm-up) and stay there. `malloc_trim(0)` hands the free pages of every arena back.
The worker calls it when a turn is done and no other is waiting (a few milliseconds,
never on a turn's path). Where the C library is not glibc (musl, macOS) it does
nothing.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable


class HeapTrimmer:
    """`trim()`: the free pages of every malloc arena back to the system."""

    def __init__(self) -> None:
        self._trim: Callable[[int], int] | None = None
        if sys.platform.startswith("linux"):
            try:
                self._trim = ctypes.CDLL("libc.so.6").malloc_trim
            except (OSError, AttributeError):  # not glibc
                self._trim = None
        # How many times it has trimmed, for the tests and the curious.
        self.trims = 0

    @property
    def available(self) -> bool:
        return self._trim is not None

    def trim(self) -> bool:
        """Whether any memory went back (False where there is no malloc_trim)."""
        if self._trim is None:
            return False
        self.trims += 1
        return bool(self._trim(0))
