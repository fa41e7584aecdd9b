"""Resident memory of a process, read from /proc: its peak (VmHWM) or now (VmRSS)."""

from __future__ import annotations

import resource
from pathlib import Path


def memory_mb(pid: int | str, field: str = "VmHWM") -> float | None:
    """The process's peak (VmHWM) or current (VmRSS) resident memory; None when it
    cannot be read (the process is gone, or there is no /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    line = next((line for line in status.splitlines() if line.startswith(f"{field}:")), None)
    return round(int(line.split()[1]) / 1024.0, 1) if line else None


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the address space that
    exec made; ru_maxrss would carry over the parent's peak from before the fork."""
    peak = memory_mb("self")
    if peak is not None:
        return peak
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)
