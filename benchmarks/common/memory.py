"""Resident memory of a process, read from /proc: its peak (VmHWM) or now (VmRSS); and
CPU seconds used, by a process, by processes of a name, and by the whole machine."""

from __future__ import annotations

import os
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


def process_cpu_s(pid: int | str) -> float | None:
    """CPU seconds (user and system) the process has used; None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_s() -> tuple[float, float]:
    """CPU seconds the whole machine has been busy and idle (all cores), from /proc/stat."""
    first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(value) for value in first]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    hertz = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / hertz, idle / hertz


def named_cpu_s(fragment: bytes) -> float:
    """CPU seconds of every process whose command line holds `fragment` (chromium's)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if fragment not in (entry / "cmdline").read_bytes():
                continue
        except OSError:
            continue
        total += process_cpu_s(entry.name) or 0.0
    return total
