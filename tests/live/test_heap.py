"""The memory a turn frees goes back to the system once the worker is idle
(interpreter/live/heap.py): glibc's malloc_trim on the real heap, and the worker
calling it after a turn when no other waits."""

from __future__ import annotations

import os
import threading
import time

import pytest

from interpreter.core.clock import ManualClock
from interpreter.live.heap import HeapTrimmer
from tests.live.test_session import session_with, utterance


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


@pytest.mark.skipif(not HeapTrimmer().available, reason="the C library is not glibc")
def test_memory_freed_below_a_live_block_goes_back_after_a_trim() -> None:
    # 60 MB in blocks malloc keeps on its heap (too big for Python's own allocator,
    # too small for mmap), one block after them still in use: freeing the 60 MB
    # leaves them inside the heap, where malloc keeps them for later.
    blocks = [bytes(2048) + bytes(1) for _ in range(30_000)]
    pinned = bytes(2048) + bytes(1)
    del blocks
    held_mb = rss_mb()

    assert HeapTrimmer().trim()

    assert held_mb - rss_mb() > 30, "the freed blocks went back to the system"
    assert len(pinned) == 2049


class CountingHeap(HeapTrimmer):
    def __init__(self) -> None:
        super().__init__()
        self._trim = None

    def trim(self) -> bool:
        self.trims += 1
        return True


def test_the_worker_gives_memory_back_when_no_turn_is_waiting() -> None:
    session, _, _ = session_with(ManualClock(start_s=10.0))
    heap = session.worker.heap = CountingHeap()
    session.listener.submit(utterance(1, end_s=9.0), None, None)
    session.listener.submit(utterance(2, end_s=10.0), None, None)  # waiting behind the first
    worker = threading.Thread(target=session.worker.run)

    worker.start()
    deadline = time.monotonic() + 10
    while session.summary.turns + session.summary.silent < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    session.stop()
    worker.join(5)

    assert session.summary.turns == 2
    assert heap.trims == 1, "once, after the second: the first had a turn waiting behind it"
