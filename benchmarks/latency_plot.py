"""The latency benchmark's plot: first audio per item, and the medians by stage."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common.models import PAIR

# Issue 3's targets on a 2-core x86 CPU, drawn on the plot.
TARGET_P50_MS = 350
TARGET_P95_MS = 600
PIPELINES = ("ours", "stock")


def plot(rows: list[dict[str, Any]], summary: dict[str, Any], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    series = []
    labels = []
    for pipeline in PIPELINES:
        for language in PAIR:
            values = [  # the misses are counted in the summary, not drawn
                r[pipeline]["first_audio_ms"]
                for r in rows
                if r["language"] == language and r[pipeline]["first_audio_ms"] is not None
            ]
            series.append(values or [0.0])
            labels.append(f"{pipeline}\n{language}")
    left.boxplot(series, showfliers=True)
    left.set_xticks(range(1, len(labels) + 1), labels)
    for value, label in ((TARGET_P50_MS, "target p50"), (TARGET_P95_MS, "target p95")):
        left.axhline(value, linestyle="--", linewidth=0.8, color="grey")
        left.annotate(label, (0.5, value), fontsize=7, color="grey", va="bottom")
    left.set_ylabel("last voiced sample to first audio (ms)")
    left.set_title("first translated audio, per utterance")
    left.grid(axis="y", alpha=0.3)

    def drawn(value: float | None) -> float:
        return value if value is not None and math.isfinite(value) else 0.0

    names = list(PIPELINES)
    wait = drawn(summary["endpoint_wait_ms"]["p50"])
    right.bar(names, [wait, wait], label="endpoint wait")
    bottoms = np.full(2, wait)
    for stage in ("asr_ms", "mt_ms"):
        heights = [drawn(summary[p][stage]["p50"]) for p in PIPELINES]
        right.bar(names, heights, bottom=bottoms, label=stage.replace("_ms", ""))
        bottoms += heights
    first = [drawn(summary[p]["first_audio_ms"]["p50"]) for p in PIPELINES]
    right.bar(names, np.maximum(0, np.array(first) - bottoms), bottom=bottoms, label="tts")
    right.set_title("p50 by stage (ms)")
    right.legend()
    right.grid(axis="y", alpha=0.3)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    tmp = path.with_suffix(".png.tmp")
    figure.savefig(tmp, format="png", dpi=110)
    plt.close(figure)
    os.replace(tmp, path)
