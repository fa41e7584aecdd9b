"""The latency benchmark, run for real on a few utterances (`make bench` runs them all)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

import numpy as np
import pytest

from benchmarks.zhbaker import baker_available, baker_folder
from interpreter.core.vocabulary import Method, Party, Status
from tests.conftest import ENGLISH_SENTENCES, needs_espeak

if TYPE_CHECKING:
    from piper import PiperVoice
    from sentencepiece import SentencePieceProcessor

    from benchmarks.session import Heard, Played

pytestmark = [pytest.mark.models, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.realtime
@needs_espeak
@pytest.mark.skipif(not baker_available(), reason=f"no natural Mandarin voice at {baker_folder()}")
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
    assert summary["clock"] == "last voiced sample to first audio out, endpoint wait included"
    wait_ms = summary["endpoint_wait_ms"]["p50"]
    assert 300 < wait_ms < 500, "the endpointer waits about 400 ms of quiet"

    def ms(figure: float | str) -> float:  # a figure that reaches a miss is written "inf"
        if isinstance(figure, str):
            assert figure == "inf", figure
            return math.inf
        return figure

    for side in ("ours", "stock"):
        spread = summary[side]["first_audio_ms"]
        assert wait_ms <= ms(spread["p50"]) <= ms(spread["p95"])
        missed = [u for u in document["utterances"] if u[side]["first_audio_ms"] is None]
        assert summary[side]["misses"] == len(missed)
        assert 100 < summary[side]["peak_rss_mb"] < 4000
        assert 0.0 <= summary[side]["wer"] <= 1.0
        assert summary[side]["cer"] is not None
    assert ms(summary["ratio_of_p50"]) > 0
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


def test_the_sentence_aware_endpoint_and_one_split_are_chosen_on_the_command_line() -> None:
    from benchmarks.latency import argument_parser, options_of

    options = options_of(argument_parser().parse_args(["--split", "test", "--endpoint", "words"]))
    assert options.split == "test" and options.live.turn_end.enabled
    plain = options_of(argument_parser().parse_args([]))
    assert plain.split is None and not plain.live.turn_end.enabled


def test_second_passes_count_the_wider_windows_and_not_the_turns_without_text() -> None:
    from benchmarks.latency_pipelines import Measurement
    from benchmarks.latency_summary import summarise
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
    assert summary["misses"] == 1
    assert summary["first_audio_ms"]["count"] == 4, "a miss is never dropped"
    assert summary["first_audio_ms"]["p95"] == math.inf


WINDOW = 512  # one VAD window, 32 ms at 16 kHz


class ScriptedVad:
    """Speech probabilities read from a list, one per window."""

    window_samples = WINDOW

    def __init__(self, *parts: tuple[float, int]) -> None:
        self.script = [probability for probability, count in parts for _ in range(count)]

    def probabilities(self, samples: np.ndarray) -> np.ndarray:
        count = len(samples) // WINDOW
        taken, self.script = self.script[:count], self.script[count:]
        return np.array(taken + [0.0] * (count - len(taken)), dtype=np.float32)

    def reset(self) -> None:
        pass


def cut_scripted(*parts: tuple[float, int]):
    from benchmarks.replay import cut
    from interpreter.asr.vad import EndpointerOptions

    recording = np.zeros(sum(count for _, count in parts) * WINDOW, dtype=np.float32)
    return cut(recording, 1, EndpointerOptions(), ScriptedVad(*parts))


def test_the_endpoint_wait_runs_from_the_last_voiced_sample_to_the_decision() -> None:
    # 0.32 s quiet, 1.6 s of voice, then quiet: the endpointer decides after 12 quiet
    # windows (400 ms in whole 32 ms windows) and keeps 5 of them (160 ms post-roll).
    utterance, wait_ms = cut_scripted((0.0, 10), (0.9, 50), (0.0, 30))
    assert wait_ms == 384.0
    voice_end_s = (10 + 50) * 0.032
    assert utterance.t_end_s == pytest.approx(voice_end_s + 0.160), "the kept trailing silence"
    # So the decision comes 224 ms after the utterance's last sample.
    assert voice_end_s + wait_ms / 1000 - utterance.t_end_s == pytest.approx(0.224)


def test_a_fading_syllable_is_still_voice_and_a_pause_inside_the_sentence_is_not_the_end() -> None:
    # Between the thresholds (0.35 to 0.5) the voice goes on: the wait starts after it.
    utterance, wait_ms = cut_scripted((0.0, 10), (0.9, 50), (0.4, 3), (0.0, 30))
    assert wait_ms == 384.0
    assert utterance.t_end_s == pytest.approx((10 + 53) * 0.032 + 0.160)
    # A comma pause cuts the sentence in two live; it is kept whole, waiting for its end.
    utterance, wait_ms = cut_scripted((0.0, 10), (0.9, 30), (0.0, 20), (0.9, 20), (0.0, 30))
    assert wait_ms == 384.0
    assert utterance.duration_s == pytest.approx((30 + 20 + 20) * 0.032 + 0.160 + 0.320)


def heard(
    utterance_id: int, text: str, status: Status = Status.SPOKEN, out_ms: float = 450.0
) -> Heard:
    """An utterance the live session cut from an item, with its turn and its trace: its
    endpoint 390 ms after the last voiced sample, its transcript 30 ms later."""
    from benchmarks.session import Heard
    from interpreter.turn.pipeline import Turn
    from interpreter.turn.trace import TurnTrace

    # Only what the benchmark reads of a turn.
    turn = SimpleNamespace(
        transcript=SimpleNamespace(text=text, language="en", encoder_window_s=5.0),
        translation=SimpleNamespace(text=f"<{text}>"),
        timings=SimpleNamespace(mt_ms=12.0),
    )
    first_ms = out_ms if status is Status.SPOKEN else None
    trace = TurnTrace(
        utterance_id, Party.BUYER, "en", Method.NMT, "configured", "full", 2.0,
        endpoint_ms=390.0, asr_done_ms=420.0, mt_done_ms=432.0,
        first_audio_made_ms=first_ms, first_audio_out_ms=first_ms, violations=(),
        status=status,
    )  # fmt: skip
    return Heard(utterance_id, status, cast(Turn, turn), trace)


def played(*pieces: Heard) -> Played:
    from benchmarks.session import Played, Playing

    return Played(Playing(10.0, 13.0), tuple(pieces), timed_out=False)


def test_ours_is_the_sessions_own_trace_from_the_last_voiced_sample() -> None:
    from benchmarks.latency_pipelines import ours_measurement

    measured = ours_measurement(played(heard(1, "How much is this?")))
    assert measured.first_audio_ms == 450.0, "first audio out, its endpoint wait included"
    assert measured.endpoint_ms == 390.0, "the session's own wait"
    assert measured.asr_ms == 30.0, "the transcript past the endpoint"
    assert measured.transcript == "How much is this?"
    assert measured.translation == "<How much is this?>"
    assert (measured.method, measured.status, measured.utterances) == ("nmt", "spoken", 1)


def test_an_item_the_session_cut_in_two_is_timed_by_its_last_piece() -> None:
    from benchmarks.latency_pipelines import ours_measurement

    measured = ours_measurement(played(heard(1, "Hello,", out_ms=300.0), heard(2, "how much?")))
    assert measured.first_audio_ms == 450.0
    assert measured.utterances == 2, "said, not hidden"
    assert measured.transcript == "Hello, how much?"


def test_whatever_the_session_did_not_speak_after_the_voice_stopped_is_a_miss() -> None:
    from benchmarks.latency_pipelines import ours_measurement
    from benchmarks.session import Heard

    shown = ours_measurement(played(heard(1, "How much?", status=Status.SHOWN)))
    silent = ours_measurement(played(heard(1, "Hello,"), Heard(2, "silent")))
    late = ours_measurement(played(Heard(1, "unreported")))
    unheard = ours_measurement(played())
    for missed in (shown, silent, late, unheard):
        assert missed.first_audio_ms is None and missed.total_ms == math.inf
    assert silent.transcript == "Hello," and silent.utterances == 2
    assert (silent.method, late.method, unheard.method) == ("silent", "unreported", "unheard")
    assert unheard.utterances == 0


@pytest.mark.realtime
@needs_espeak
def test_ours_is_the_live_session_hearing_real_recordings(
    model_store, tiny_translator_dir, joe_voice
) -> None:
    """Two English items, each heard whole in real time by the product's session."""
    from benchmarks.latency_pipelines import BenchOptions, OursPipeline, ours_measurement
    from benchmarks.replay import Reference, build_replay

    # Whisper base hears Piper's "Please send a sample." as Chinese (in English words).
    references = [Reference("en", ENGLISH_SENTENCES[0]), Reference("en", ENGLISH_SENTENCES[2])]
    options = BenchOptions(threads=2)
    items = build_replay(references, joe_voice, options.endpointer_options)
    recordings = [item.recording for item in items]
    ours = OursPipeline(model_store, tiny_translator_dir, options)
    with ours.session() as session:
        measured = [ours_measurement(session.play(recording)) for recording in recordings]

    assert session.summary is not None and session.summary.turns == 2
    assert session.summary.frames_dropped == 0 and session.stray_utterances == 0
    assert "much" in measured[0].transcript.lower()
    assert "deliver" in measured[1].transcript.lower()
    for item, ours_m in zip(items, measured, strict=True):
        assert (ours_m.status, ours_m.utterances, ours_m.language) == ("spoken", 1, "en")
        # The endpointer decides 12 quiet windows after the voice, live as offline.
        endpoint_ms, first_audio_ms = ours_m.endpoint_ms, ours_m.first_audio_ms
        assert endpoint_ms is not None and first_audio_ms is not None
        assert endpoint_ms >= item.endpoint_wait_ms == 384.0
        assert endpoint_ms <= first_audio_ms < 10_000


class SteppedClock:
    """A clock each fake stage moves on by the milliseconds it takes."""

    def __init__(self) -> None:
        self.s = 100.0

    def now(self) -> float:
        return self.s

    def takes(self, ms: float, result):
        self.s += ms / 1000
        return result


def test_stock_starts_at_the_endpoint_so_it_pays_the_whole_wait() -> None:
    from benchmarks.latency_pipelines import StockPipeline
    from interpreter.core.clock import MonotonicClock
    from interpreter.core.types import Utterance

    clock = SteppedClock()
    stock = StockPipeline.__new__(StockPipeline)
    # Stand-ins for the models, moving the clock on; the pipeline asks for their classes.
    stock.clock = cast(MonotonicClock, clock)
    segment = SimpleNamespace(text="你好")
    info = SimpleNamespace(language="zh")
    stock.whisper = SimpleNamespace(transcribe=lambda *_, **__: clock.takes(300, ([segment], info)))
    stock.spm = cast(
        "SentencePieceProcessor",
        SimpleNamespace(
            encode=lambda text, out_type: ["▁你好"], decode_pieces=lambda pieces: "Hello"
        ),
    )
    hypotheses = SimpleNamespace(hypotheses=[["▁Hello"]])
    stock.translator = SimpleNamespace(
        translate_batch=lambda *_, **__: clock.takes(100, [hypotheses])
    )
    chunk = SimpleNamespace(audio_float_array=np.ones(100, np.float32))
    stock.piper = cast(
        "PiperVoice", SimpleNamespace(synthesize=lambda text: clock.takes(50, [chunk]))
    )

    utterance = Utterance(1, np.zeros(16_000, np.float32), 16_000, 0.0, 1.0)
    timed = stock.run(utterance, 384.0)
    assert (timed.asr_ms, timed.mt_ms) == pytest.approx((300.0, 100.0))
    assert timed.first_audio_ms == pytest.approx(384.0 + 300.0 + 100.0 + 50.0)


def measured(first_audio_ms: float | None) -> dict:
    from benchmarks.latency_pipelines import Measurement

    method = "nmt" if first_audio_ms is not None else "no-text"
    return asdict(Measurement("", "en", "", method, 0.0, 0.0, first_audio_ms, 5.0))


def compared(ours: list[float | None], stock: list[float | None]) -> dict:
    from benchmarks.latency_summary import compare
    from benchmarks.replay import Reference

    rows = [
        {"language": "en", "speech_s": 2.0, "endpoint_wait_ms": 384.0,
         "ours": measured(o), "stock": measured(s)}
        for o, s in zip(ours, stock, strict=True)
    ]  # fmt: skip
    return compare(rows, [Reference("en", "")] * len(rows))


def test_the_headline_ratio_is_the_ratio_of_the_medians() -> None:
    summary = compared(ours=[100.0, 200.0, 400.0], stock=[300.0, 2000.0, 800.0])
    assert summary["clock"] == "last voiced sample to first audio out, endpoint wait included"
    assert summary["endpoint_wait_ms"]["p50"] == 384.0
    # 800 / 200, where the median of the ratios per utterance (3, 10 and 2) would be 3.
    assert summary["ratio_of_p50"] == 4.0


def test_a_turn_without_audio_is_a_miss_and_infinitely_slow() -> None:
    summary = compared(ours=[100.0, 200.0, None], stock=[300.0, 400.0, 500.0])
    ours = summary["ours"]
    assert ours["misses"] == 1 and summary["stock"]["misses"] == 0
    assert ours["first_audio_ms"]["count"] == 3, "never dropped"
    assert ours["first_audio_ms"]["p50"] == 200.0
    assert ours["first_audio_ms"]["p95"] == math.inf
    assert summary["ratio_of_p50"] == 2.0
    assert summary["ratio_p95_latency"] == 0.0, "stock's p95 over ours', a miss"


def test_the_results_write_an_infinite_figure_as_the_string_inf(tmp_path) -> None:
    from benchmarks.common.results import write_json

    path = tmp_path / "run.json"
    write_json({"summary": {"p50": 300.0, "p95": math.inf}, "first_audio_ms": None}, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document == {"summary": {"p50": 300.0, "p95": "inf"}, "first_audio_ms": None}
