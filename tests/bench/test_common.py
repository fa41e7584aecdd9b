"""What the benchmarks share (benchmarks/common): result files, memory readings, the
stock recogniser's reading, matching turns to trace lines; and the latency
benchmark's replay of its longest items for the memory probes."""

from __future__ import annotations

import datetime
import json
import os
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from benchmarks.common.exchange import EXCHANGE, match_traces
from benchmarks.common.liveproc import console_lines, traces_in
from benchmarks.common.memory import memory_mb, peak_rss_mb
from benchmarks.common.models import stock_transcribe
from benchmarks.common.results import result_path, save_result
from benchmarks.latency_memory import load_replay, save_replay
from benchmarks.replay import Reference, ReplayItem, select
from interpreter.core.types import Utterance

MACHINE = {"cpu": "AMD EPYC", "cores": 2, "vector_extensions": ["avx2"]}


def test_a_result_file_is_named_by_day_machine_name_and_label(tmp_path) -> None:
    day = datetime.date(2026, 12, 6)
    folder = tmp_path / "results"
    assert result_path(folder, day, MACHINE).name == "2026-12-06-amd-epyc-2c.json"
    assert result_path(folder, day, MACHINE, label="36").name == "2026-12-06-amd-epyc-2c-36.json"
    named = result_path(folder, day, MACHINE, "room", "final")
    assert named.name == "2026-12-06-amd-epyc-2c-room-final.json"
    assert folder.is_dir(), "the folder is made"


def test_a_result_says_what_when_where_and_how_before_its_fields(tmp_path) -> None:
    doc = "What it measures.\n\nHow: the method,\nin two lines.\n"
    path = save_result("live", "a benchmark", doc, {"p95": float("inf")}, tmp_path, "x", MACHINE)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert list(document) == ["benchmark", "created_at", "machine", "method", "p95"]
    assert document["method"] == "How: the method,\nin two lines."
    assert document["machine"] == MACHINE and document["p95"] == "inf"
    assert path.name.endswith("-amd-epyc-2c-live-x.json")


def test_memory_is_read_from_proc() -> None:
    peak = peak_rss_mb()
    assert peak > 1.0
    now = memory_mb(os.getpid(), "VmRSS")
    high = memory_mb(os.getpid())
    assert now is not None and high is not None and now <= high <= peak + 1.0
    assert memory_mb(2**30) is None, "no such process"


def test_stock_reads_all_of_the_lazy_segments() -> None:
    segments = iter([SimpleNamespace(text=" Hello,"), SimpleNamespace(text=" how much?")])
    info = SimpleNamespace(language="en")
    model = SimpleNamespace(transcribe=lambda samples, vad_filter: (segments, info))
    assert stock_transcribe(model, np.zeros(16, np.float32)) == ("Hello, how much?", "en")


@dataclass(frozen=True)
class Turn:
    utterance_s: float


def test_each_turn_finds_the_next_trace_line_of_its_length() -> None:
    traces = [{"speech_s": 2.0}, {"speech_s": 0.4}, {"speech_s": 3.1}, {"speech_s": 9.0}]
    matched = match_traces([Turn(2.1), Turn(3.0), Turn(5.0)], traces)
    assert matched == [traces[0], traces[2], None], "the cough (0.4 s) is skipped over"
    assert len(EXCHANGE) == 6 and {party for party, _, _ in EXCHANGE} == {"buyer", "merchant"}


def test_trace_and_console_lines_are_told_apart() -> None:
    lines = ['{"speech_s": 1.5}\n', "[buyer en] How much?\n", "    -> 多少钱？\n", "listening\n"]
    assert traces_in(lines) == [{"speech_s": 1.5}]
    assert console_lines(lines) == ["[buyer en] How much?", "    -> 多少钱？"]


def test_the_longest_items_replay_as_saved(tmp_path) -> None:
    items = []
    for index, length in enumerate((800, 1200), start=1):
        recording = np.arange(length + 400, dtype=np.float32) / 1e4
        cut = Utterance(index, recording[200 : 200 + length], 16_000, 200 / 16_000, 0.1)
        items.append(ReplayItem(Reference("en", "x"), cut, 384.0, recording))
    path = tmp_path / "longest.npz"
    save_replay(items, path)
    utterances, recordings = load_replay(path)
    assert [len(u.samples) for u in utterances] == [800, 1200]
    assert [u.id for u in utterances] == [1, 2]
    for item, utterance, recording in zip(items, utterances, recordings, strict=True):
        assert np.array_equal(utterance.samples, item.utterance.samples)
        assert np.array_equal(recording, item.recording)


def test_a_quick_run_takes_the_first_items_of_the_set_or_of_each_language() -> None:
    languages = ("zh", "zh", "en", "zh", "en")
    references = [Reference(language, str(i)) for i, language in enumerate(languages)]
    assert select(references, None, per_language=True) == references
    assert [r.text for r in select(references, 2, per_language=False)] == ["0", "1"]
    assert [r.text for r in select(references, 1, per_language=True)] == ["0", "2"]
