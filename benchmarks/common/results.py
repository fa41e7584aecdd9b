"""Result files: `results/<date>-<machine>-<name>[-label].json`, written whole (a
temporary file renamed), with any infinite figure as the string "inf"."""

from __future__ import annotations

import datetime
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path

from benchmarks.common.machine import machine, machine_slug

RESULTS_DIR = Path(__file__).parents[1] / "results"


def json_ready(value: object) -> object:
    """JSON holds no infinity: an infinite figure (a percentile reaching a miss) is
    written as the string "inf"."""
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    return value


def write_json(document: Mapping[str, object], path: Path) -> None:
    tmp = path.with_suffix(".json.tmp")
    text = json.dumps(json_ready(dict(document)), ensure_ascii=False, indent=2, allow_nan=False)
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, path)


def result_path(
    out_dir: Path,
    day: datetime.date,
    description: Mapping[str, object],
    name: str = "",
    label: str = "",
) -> Path:
    """`<out_dir>/<day>-<machine>[-name][-label].json`, the folder made."""
    out_dir.mkdir(parents=True, exist_ok=True)
    parts = [f"{day:%Y-%m-%d}", machine_slug(description), name, label]
    return out_dir / ("-".join(part for part in parts if part) + ".json")


def save_result(
    name: str,
    benchmark: str,
    module_doc: str,
    fields: Mapping[str, object],
    out_dir: Path,
    label: str = "",
    description: Mapping[str, object] | None = None,
) -> Path:
    """A result file `<date>-<machine>[-name][-label].json`: what was measured, when, on
    which machine and how (the method: `module_doc` after its first paragraph), then
    `fields`. `description` is the machine's (`machine()` when not given)."""
    description = machine() if description is None else description
    now = datetime.datetime.now(datetime.timezone.utc)
    document = {
        "benchmark": benchmark,
        "created_at": now.isoformat(timespec="seconds"),
        "machine": dict(description),
        "method": module_doc.split("\n\n", 1)[1].strip(),
        **fields,
    }
    path = result_path(out_dir, now.date(), description, name, label)
    write_json(document, path)
    return path
