"""The machine: its cores and vector instructions, its memory, the room on its disks.

CTranslate2's and onnxruntime's int8 kernels are fast on AVX2 (x86) and NEON (Arm,
`asimd` in /proc/cpuinfo), and faster still with AVX-512 VNNI or Arm's dot product
(`asimddp`: a Raspberry Pi 5 has it, a Pi 4 does not); two CPUs with the same name
differ by a factor of three without them (benchmarks/README.md). The readers here take
the text of /proc/cpuinfo and /proc/meminfo, so they are tested on other machines'.
"""

from __future__ import annotations

import os
import platform
import shutil
from dataclasses import dataclass
from pathlib import Path

from interpreter.doctor.report import Check, fail, ok, warn
from interpreter.store.transfer import mount_point

# The vector instructions worth naming, in the order they are shown.
X86_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni")
ARM_FLAGS = ("neon", "asimd", "asimddp", "i8mm", "sve")


@dataclass(frozen=True)
class CpuFacts:
    model: str
    architecture: str
    cores: int
    # Those of X86_FLAGS and ARM_FLAGS the first CPU lists; aarch64's `asimd` is NEON.
    vector_flags: tuple[str, ...]
    # The run queue over the last minute: a busy machine benchmarks slow.
    load_1min: float | None = None

    @property
    def neon(self) -> bool:
        return "asimd" in self.vector_flags or "neon" in self.vector_flags


def cpu_model(cpuinfo: str) -> str:
    """The CPU's name: x86's `model name`, else Arm's `Model` (a Pi's board) or `Hardware`."""
    found: dict[str, str] = {}
    for line in cpuinfo.splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip() in ("model name", "Model", "Hardware", "cpu model"):
            found.setdefault(name.strip(), value.strip())
    for key in ("model name", "Model", "Hardware", "cpu model"):
        if found.get(key):
            return found[key]
    return ""


def vector_flags(cpuinfo: str) -> tuple[str, ...]:
    """Which of X86_FLAGS and ARM_FLAGS the first CPU of a /proc/cpuinfo lists
    (`flags` on x86, `Features` on Arm)."""
    for line in cpuinfo.splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip() in ("flags", "Features"):
            listed = set(value.split())
            return tuple(flag for flag in (*X86_FLAGS, *ARM_FLAGS) if flag in listed)
    return ()


def read_cpu(cpuinfo_path: Path = Path("/proc/cpuinfo")) -> CpuFacts:
    try:
        cpuinfo = cpuinfo_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        cpuinfo = ""
    try:
        load: float | None = round(os.getloadavg()[0], 2)
    except OSError:
        load = None
    return CpuFacts(
        model=cpu_model(cpuinfo) or platform.processor() or platform.machine(),
        architecture=platform.machine(),
        # The cores this process may use (a container's share), not the machine's.
        cores=len(os.sched_getaffinity(0)),
        vector_flags=vector_flags(cpuinfo),
        load_1min=load,
    )


def check_cpu(cpu: CpuFacts) -> Check:
    flags = " ".join(cpu.vector_flags) or "no vector flags listed"
    detail = f"{cpu.cores} cores, {cpu.model or 'unknown CPU'} ({cpu.architecture}): {flags}"
    if cpu.load_1min is not None:
        # A busy machine benchmarks slow: the load says how far to trust the speed lines.
        detail += f"; load {cpu.load_1min:g}"
    facts = {
        "cores": cpu.cores,
        "cpu_model": cpu.model,
        "architecture": cpu.architecture,
        "vector_flags": list(cpu.vector_flags),
        "load_1min": cpu.load_1min,
    }
    arm = cpu.architecture.lower() in ("aarch64", "arm64") or cpu.architecture.startswith("arm")
    if arm and not cpu.neon:
        return warn(
            "cpu",
            detail,
            "this CPU lists no NEON (asimd): Whisper runs several times slower; "
            "expect whisper-tiny at best",
            **facts,
        )
    if not arm and "avx2" not in cpu.vector_flags:
        return warn(
            "cpu",
            detail,
            "no AVX2: Whisper's int8 kernels run several times slower (a virtual machine "
            "may hide it: pass the host CPU through); expect whisper-tiny at best",
            **facts,
        )
    if cpu.cores < 2:
        return warn(
            "cpu",
            detail,
            "one core: listening, recognition and speech take turns; use a 2-4 core device",
            **facts,
        )
    return ok("cpu", detail, **facts)


@dataclass(frozen=True)
class MemoryFacts:
    total_mb: float
    available_mb: float


def parse_meminfo(meminfo: str) -> MemoryFacts | None:
    """MemTotal and MemAvailable of a /proc/meminfo (kB), or None without them."""
    values: dict[str, float] = {}
    for line in meminfo.splitlines():
        name, colon, value = line.partition(":")
        parts = value.split()
        if colon and parts and parts[0].isdigit():
            values[name.strip()] = int(parts[0]) / 1024.0
    if "MemTotal" not in values or "MemAvailable" not in values:
        return None
    return MemoryFacts(round(values["MemTotal"], 1), round(values["MemAvailable"], 1))


def read_memory(meminfo_path: Path = Path("/proc/meminfo")) -> MemoryFacts | None:
    try:
        return parse_meminfo(meminfo_path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None


def check_memory(memory: MemoryFacts | None, needed_mb: int, comfortable_mb: int) -> Check:
    if memory is None:
        return warn("memory", "cannot read /proc/meminfo", "check the memory with `free -m`")
    detail = f"{memory.available_mb:,.0f} MB available of {memory.total_mb:,.0f} MB"
    facts = {"memory_total_mb": memory.total_mb, "memory_available_mb": memory.available_mb}
    if memory.available_mb < needed_mb:
        return fail(
            "memory",
            f"{detail}, under the {needed_mb} MB a session with Whisper base needs",
            "stop other programs (or the browser's other tabs), add swap, or use whisper-tiny",
            **facts,
        )
    if memory.available_mb < comfortable_mb:
        return warn(
            "memory",
            f"{detail}, little room beside a session ({needed_mb} MB)",
            "stop other programs before the day starts",
            **facts,
        )
    return ok("memory", detail, **facts)


@dataclass(frozen=True)
class DiskFacts:
    # The folder asked about, and the mount point of the disk holding it.
    folder: str
    mount: str
    free_disk_mb: float
    total_disk_mb: float


def read_disk(folder: Path) -> DiskFacts | None:
    mount = mount_point(folder)
    try:
        usage = shutil.disk_usage(mount)
    except OSError:
        return None
    return DiskFacts(
        str(folder), str(mount), round(usage.free / 1e6, 1), round(usage.total / 1e6, 1)
    )


def check_disks(folders: dict[str, Path], needed_mb: int, comfortable_mb: int) -> list[Check]:
    """One line per disk holding the named folders ("model store", "deal log"): a deal
    log that cannot grow loses turns, and a model cannot be imported onto a full disk."""
    by_mount: dict[str, tuple[DiskFacts, list[str]]] = {}
    missing = []
    for role, folder in folders.items():
        disk = read_disk(folder)
        if disk is None:
            missing.append(role)
            continue
        by_mount.setdefault(disk.mount, (disk, []))[1].append(role)
    checks = [
        warn("disk", f"cannot read the free space for the {role}", "check it with `df -h`")
        for role in missing
    ]
    for mount, (disk, roles) in by_mount.items():
        detail = (
            f"{mount}: {disk.free_disk_mb:,.0f} MB free of {disk.total_disk_mb:,.0f} MB "
            f"({', '.join(roles)})"
        )
        facts = {
            "mount": mount,
            "holds": roles,
            "free_disk_mb": disk.free_disk_mb,
            "total_disk_mb": disk.total_disk_mb,
        }
        if disk.free_disk_mb < needed_mb:
            checks.append(
                fail(
                    "disk",
                    f"{detail}, under {needed_mb} MB",
                    "free some space (old exports, logs) or move the models with --models-dir",
                    **facts,
                )
            )
        elif disk.free_disk_mb < comfortable_mb:
            checks.append(
                warn(
                    "disk",
                    f"{detail}, little room for a model or a season of deals",
                    "free some space",
                    **facts,
                )
            )
        else:
            checks.append(ok("disk", detail, **facts))
    return checks
