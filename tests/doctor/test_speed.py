"""The self-benchmark: which models it measures, when it stops, which it recommends
against the latency budget; then real Whisper on this machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from interpreter.asr.transcriber import TranscriberOptions
from interpreter.core.vocabulary import CheckStatus
from interpreter.doctor.speed import (
    SpeedResult,
    candidates,
    measure,
    recommend,
    recommendation_line,
    run_benchmark,
    sentence_voice,
    spoken_sentence,
)
from interpreter.store import ModelStore, load_catalog

REPO = Path(__file__).resolve().parents[2]


def took(model: str, ms: float) -> SpeedResult:
    return SpeedResult(model, audio_s=3.0, transcribe_ms=ms, runs=3, load_ms=500.0)


def test_the_most_accurate_model_within_the_budget_is_recommended() -> None:
    results = [took("whisper-tiny", 200), took("whisper-base", 450), took("whisper-small", 1400)]
    assert recommend(results, 600) == ("whisper-base", True)
    assert recommend(results, 1500) == ("whisper-small", True)
    assert recommend(results, 450) == ("whisper-base", True)  # on the budget fits


def test_when_none_fits_the_fastest_is_recommended_and_said_not_to_fit() -> None:
    results = [took("whisper-tiny", 700), took("whisper-base", 1300)]
    assert recommend(results, 600) == ("whisper-tiny", False)
    assert recommend([], 600) == (None, False)


def test_the_benchmark_goes_up_from_the_fastest_and_stops_at_the_first_over_budget() -> None:
    asked: list[str] = []

    def measure_one(name: str) -> SpeedResult:
        asked.append(name)
        return took(name, {"whisper-tiny": 300, "whisper-base": 800}[name])

    names = ["whisper-tiny", "whisper-base", "whisper-small"]
    results, unmeasured = run_benchmark(names, measure_one, 600, deadline_s=1e12)
    assert asked == ["whisper-tiny", "whisper-base"]
    assert [r.model for r in results] == asked and unmeasured == ["whisper-small"]


def test_the_benchmark_stops_when_its_time_is_up_after_at_least_one_model() -> None:
    clock = [0.0]

    def measure_one(name: str) -> SpeedResult:
        clock[0] += 8.0  # a slow machine: loading and reading took 8 s
        return took(name, 100)

    names = ["whisper-tiny", "whisper-base"]
    results, unmeasured = run_benchmark(names, measure_one, 600, 5.0, now=lambda: clock[0])
    assert [r.model for r in results] == ["whisper-tiny"] and unmeasured == ["whisper-base"]


def test_speed_facts_carry_their_units() -> None:
    facts = took("whisper-base", 450).facts(600)
    assert facts["ms_per_audio_s"] == 150.0 and facts["real_time_factor"] == 0.15
    assert facts["fits_budget"] is True and facts["budget_asr_ms"] == 600


def test_over_budget_the_fix_names_the_smaller_model_to_fetch(tmp_path: Path) -> None:
    store = ModelStore(tmp_path, load_catalog())
    line, model = recommendation_line(store, ("zh", "en"), [took("whisper-base", 900)], 600)
    assert model == "whisper-base" and line.status is CheckStatus.WARN
    assert "still over the 600 ms recognition budget" in line.detail
    assert "`interpreter models fetch whisper-tiny`" in line.fix  # tiny.en knows no zh
    line, _ = recommendation_line(store, ("zh", "en"), [took("whisper-tiny", 900)], 600)
    assert "fetch" not in line.fix and "asr_ms" in line.fix
    line, _ = recommendation_line(store, ("zh", "en"), [took("whisper-base", 500)], 600)
    assert line.status is CheckStatus.OK
    assert line.detail == (
        "whisper-base: the most accurate installed model within the 600 ms recognition budget"
    )


@pytest.mark.models
def test_only_recognisers_that_know_both_languages_are_candidates(model_store) -> None:
    assert candidates(model_store, ("zh", "en")) == ["whisper-base"]
    assert candidates(model_store, ("en", "es")) == ["whisper-base"]


@pytest.mark.models
@pytest.mark.slow
def test_real_whisper_tiny_reads_the_spoken_sentence_faster_than_real_time(model_store) -> None:
    voice = sentence_voice(model_store)
    assert voice is not None and voice.name == "piper-en_US-joe-medium"
    samples = spoken_sentence(voice)
    assert 2.0 < len(samples) / 16_000 < 6.0
    name = "whisper-tiny.en"
    started = time.monotonic()
    result = measure(
        model_store.path(name), name, samples, ("en",), TranscriberOptions(), 2, started + 60
    )
    assert result.model == name and result.runs == 2
    assert 0 < result.transcribe_ms < 1000 * result.audio_s  # faster than real time
    assert result.real_time_factor == pytest.approx(result.transcribe_ms / 1000 / result.audio_s)


@pytest.mark.models
@pytest.mark.slow
def test_the_doctor_writes_the_recommended_model_into_the_stall_config(
    model_store, tmp_path: Path
) -> None:
    """The whole command on this machine's CPU: Whisper base is the one recogniser for
    zh-en in the test store, and a generous budget makes it fit on any machine."""
    (tmp_path / ".asoundrc").write_text("\n")  # no sound device: a failure, exit 1
    config = tmp_path / "stall.toml"
    config.write_text('# the stall\npair = "zh-en"  # merchant first\n\n[budget]\nasr_ms = 20000\n')
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "INTERPRETER_MODELS_DIR": str(model_store.root),
        "INTERPRETER_DEAL_LOG": str(tmp_path / "deals.sqlite"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "interpreter", "doctor", "--config", str(config), "--json"],
        capture_output=True, text=True, timeout=300, check=False, env=env, cwd=REPO,
    )  # fmt: skip
    report = json.loads(result.stdout)
    assert result.returncode == 1 and not report["usable"]
    failed = [check["name"] for check in report["checks"] if check["status"] == "fail"]
    assert failed == ["sound"]
    speed = next(check for check in report["checks"] if check["name"] == "speed")
    assert speed["model"] == "whisper-base" and speed["fits_budget"] is True
    assert speed["ms_per_audio_s"] > 0 and speed["audio_s"] > 2.0
    assert report["recommended_asr_model"] == "whisper-base"
    assert report["config_written"] == str(config)
    assert config.read_text() == (
        '# the stall\npair = "zh-en"  # merchant first\nasr_model = "whisper-base"\n\n'
        "[budget]\nasr_ms = 20000\n"
    )
