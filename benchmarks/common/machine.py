"""The machine a result was measured on: its description (in every result file) and
the slug that names the file."""

from __future__ import annotations

import os
import platform
import re
from collections.abc import Mapping
from pathlib import Path

# The instruction sets CTranslate2's and onnxruntime's int8 kernels run fastest on: two
# CPUs with the same name differ by a factor of three without them (benchmarks/README.md).
VECTOR_EXTENSIONS = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_int8", "asimddp")


def vector_extensions(cpuinfo: str) -> list[str]:
    """Which of `VECTOR_EXTENSIONS` the first CPU of a /proc/cpuinfo lists."""
    for line in cpuinfo.splitlines():
        name, _, value = line.partition(":")
        if name.strip() in ("flags", "Features"):
            listed = set(value.split())
            return [extension for extension in VECTOR_EXTENSIONS if extension in listed]
    return []


def machine() -> dict[str, object]:
    model = platform.processor() or platform.machine()
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        cpuinfo = ""
    for line in cpuinfo.splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    extensions = vector_extensions(cpuinfo)
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory_gb: float | None = round(pages / 1e9, 1)
    except (ValueError, OSError):
        memory_gb = None
    import ctranslate2
    import faster_whisper
    import onnxruntime

    return {
        "cpu": model,
        "cores": len(os.sched_getaffinity(0)),
        "vector_extensions": extensions,
        "logical_cpus": os.cpu_count(),
        "memory_gb": memory_gb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "ctranslate2": ctranslate2.__version__,
        "faster_whisper": faster_whisper.__version__,
        "onnxruntime": onnxruntime.__version__,
    }


def machine_slug(description: Mapping[str, object]) -> str:
    cpu = re.sub(r"\(r\)|\(tm\)|cpu|processor|@.*", "", str(description["cpu"]).lower())
    cpu = re.sub(r"[^a-z0-9]+", "-", cpu).strip("-") or "cpu"
    # Virtual machines often name only the vendor and family ("AMD EPYC").
    extensions = description.get("vector_extensions", ())
    if isinstance(extensions, list | tuple) and "avx512f" in extensions:
        cpu += "-avx512"
    return f"{cpu}-{description['cores']}c"
