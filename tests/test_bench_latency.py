"""The latency benchmark, run for real on a few utterances (`make bench` runs them all)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest
from conftest import needs_espeak

pytestmark = [pytest.mark.models, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[1]


@needs_espeak
def test_the_benchmark_writes_results_and_a_plot(model_store, tmp_path) -> None:
    # Two English and two Chinese utterances: the set's first two of each language.
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.latency", "--limit", "2", "--per-language",
         "--repeats", "1", "--out-dir", str(tmp_path), "--models-dir", str(model_store.root)],
        capture_output=True, text=True, timeout=600, check=False, cwd=REPO,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (json_path,) = tmp_path.glob("*.json")
    document = json.loads(json_path.read_text(encoding="utf-8"))
    summary = document["summary"]
    for side in ("ours", "stock"):
        assert summary[side]["first_audio_ms"]["p50"] > 0
        assert summary[side]["first_audio_ms"]["p95"] >= summary[side]["first_audio_ms"]["p50"]
        assert 100 < summary[side]["peak_rss_mb"] < 4000
        assert 0.0 <= summary[side]["wer"] <= 1.0
        assert summary[side]["cer"] is not None
    assert summary["ratio_p50"] > 0
    assert document["machine"]["cores"] >= 1 and document["machine"]["cpu"]
    assert {u["language"] for u in document["utterances"]} == {"en", "zh"}
    assert "random weights" in document["models"]["translator"]
    png = json_path.with_suffix(".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("flag", "value"), [("--draft-interval", "0"), ("--window-margin", "-1")])
def test_a_setting_that_cannot_be_timed_is_refused_in_one_line(flag, value, capsys) -> None:
    from benchmarks.latency import main

    with pytest.raises(SystemExit) as stopped:
        main([flag, value])
    assert stopped.value.code == 2
    (line,) = [text for text in capsys.readouterr().err.splitlines() if "error:" in text]
    assert flag in line and "give " in line


def test_second_passes_count_the_wider_windows_and_not_the_turns_without_text() -> None:
    from benchmarks.latency import Measurement, summarise
    from benchmarks.replay import Reference

    def row(speech_s: float, measured: Measurement) -> dict:
        return {"language": "zh", "speech_s": speech_s, "ours": asdict(measured)}

    rows = [
        row(2.0, Measurement("你好", "zh", "Hello", "nmt", 300.0, 0.0, 400.0, 5.0)),
        row(2.0, Measurement("好的", "zh", "Fine", "nmt", 2000.0, 0.0, 2100.0, 10.0)),
        row(2.0, Measurement("对", "zh", "Yes", "nmt", 3000.0, 0.0, 3100.0, 30.0)),
        row(2.0, Measurement("", "", "", "no-text", 0.0, 0.0, None, encoder_window_s=None)),
    ]
    references = [Reference("zh", text) for text in ("你好", "好的", "对", "是")]
    summary = summarise(rows, references, "ours")
    assert summary["second_passes"] == 2, "5 s is the first window of 2 s of speech"
    assert summary["full_window_fallbacks"] == 1
    assert summary["not_spoken"] == 1
