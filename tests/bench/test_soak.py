"""The soak's parts (benchmarks/soak*.py): the accounting of turns, latency windows and
memory on made-up runs; the service manager, the microphone's unplugging and the
log's disk on the real things (a process, PulseAudio, a tmpfs)."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.common.memory import machine_cpu_s, process_cpu_s
from benchmarks.roombed import Room, missing_packages
from benchmarks.soak import FAULTS, Fault, FaultKind, cpu_minutes, outages
from benchmarks.soak_faults import MIC_SOURCE, LogDisk, RoomMicrophone
from benchmarks.soak_page import ShownTurn
from benchmarks.soak_report import (
    Entry,
    SpokenTurn,
    account,
    error_lines,
    latency_windows,
    memory_runs,
    unsaved_entries,
)
from benchmarks.soak_service import Line, Run, Service
from interpreter.deals.records import LoggedTurn
from interpreter.kiosk.bridge import _not_saved_line

T0 = 1_800_000_000.0


def spoken(minute: float, room_ms: float | None, text: str = "你好") -> SpokenTurn:
    ended = T0 + 60.0 * minute
    return SpokenTurn(text, "merchant", ended - 2.0, ended, minute, room_ms, aligned=True)


def entry(minute: float, key: str, saved: bool = True, words: str = "你好") -> Entry:
    return Entry("s1", key, T0 + 60.0 * minute + 1.2, words, "hello", saved)


def shown(key: str, unsaved: bool = False, big: str = "hello") -> ShownTurn:
    return ShownTurn("s1", key, 1, big, "你好", unsaved)


def test_a_turn_answered_and_logged_and_shown_is_accounted_for() -> None:
    turns = account(
        [spoken(1.0, 600.0)], [entry(1.0, "turn-1")], {("s1", "turn-1"): shown("turn-1")}, []
    )
    assert (turns["spoken"], turns["answered_aloud"], turns["logged"], turns["shown"]) == (
        1,
        1,
        1,
        1,
    )
    assert turns["lost"] == turns["not_shown"] == turns["shown_wrong"] == []


def test_a_turn_answered_aloud_with_nothing_on_record_is_lost() -> None:
    turns = account([spoken(1.0, 600.0), spoken(2.0, 700.0)], [entry(2.0, "turn-1")], {}, [])
    assert turns["lost"] == [{"minute": 1.0, "text": "你好"}]
    assert [item["key"] for item in turns["not_shown"]] == ["turn-1"]


def test_a_turn_shown_with_other_words_or_as_saved_when_it_was_not_is_wrong() -> None:
    entries = [entry(1.0, "turn-1"), entry(2.0, "unsaved-1", saved=False)]
    page = {
        ("s1", "turn-1"): shown("turn-1", big="I want to order five"),
        ("s1", "unsaved-1"): shown("unsaved-1", unsaved=False),
    }
    turns = account([spoken(1.0, 600.0), spoken(2.0, 600.0)], entries, page, [])
    assert [item["key"] for item in turns["shown_wrong"]] == ["turn-1", "unsaved-1"]


def test_a_turn_into_an_outage_is_counted_apart_and_a_silent_one_outside_is_a_miss() -> None:
    down = [(T0 + 60.0 * 3.0 - 5.0, T0 + 60.0 * 3.0 + 5.0)]
    turns = account(
        [spoken(3.0, None), spoken(5.0, None)], [], {("s1", "turn-9"): shown("turn-9")}, down
    )
    assert turns["spoken_into_outage"] == 1
    assert turns["missed"] == [{"minute": 5.0, "text": "你好"}]
    assert [item["key"] for item in turns["shown_not_on_record"]] == ["turn-9"]


def test_latency_per_window_counts_a_miss_as_infinitely_slow_except_in_an_outage() -> None:
    down = [(T0 + 60.0 * 12.0 - 5.0, T0 + 60.0 * 12.0 + 5.0)]
    turns = [spoken(1.0, 500.0), spoken(2.0, 700.0), spoken(12.0, None), spoken(13.0, 600.0)]
    first, second = latency_windows(turns, down)
    assert first["minutes"] == [0.0, 10.0] and first["all_turns"]["p50"] == 600.0
    assert math.isinf(second["all_turns"]["p95"])
    assert second["outside_outages"]["p95"] == 600.0


def test_memory_is_judged_per_run_after_its_warm_up() -> None:
    runs = [Run(0, 11, T0, T0 + 5.0, T0 + 600.0, -9), Run(1, 12, T0 + 603.0, T0 + 610.0)]
    samples = [(T0 + 60.0 * m, 0, 300.0 + m) for m in range(10)]
    samples += [(T0 + 603.0 + 60.0 * m, 1, 400.0) for m in range(8)]
    first, second = memory_runs(samples, runs, warmup_s=120.0)
    assert (first["first_mb"], first["last_mb"], first["change_pct"]) == (302.0, 309.0, 2.32)
    assert first["returncode"] == -9
    assert second["spread_pct"] == 0.0 and second["samples_after_warmup"] == 6


def test_the_not_saved_warning_the_kiosk_prints_is_read_back_as_an_entry() -> None:
    turn = LoggedTurn(
        session_id="20261206-170000", turn_number=4, time_utc="2026-12-06T17:00:01.500+00:00",
        party="merchant", source_language="zh", target_language="en", transcript="三块零五分",
        translation="3.05 yuan", method="phrasebook", confidence=0.9,
    )  # fmt: skip
    line = _not_saved_line(turn, OSError("database or disk is full"))
    lines = [
        Line(
            T0, 0, "err", "kiosk page: http://127.0.0.1:1/  (session 20261206-170000, deal log x)"
        ),
        Line(T0 + 1.0, 0, "err", line),
    ]
    (found,) = unsaved_entries(lines)
    assert (found.session, found.key, found.saved) == ("20261206-170000", "unsaved-1", False)
    assert found.texts() == {"三块零五分", "3.05 yuan"}


def test_error_lines_are_every_unusual_stderr_line_grouped_and_counted() -> None:
    lines = [
        Line(T0, 0, "err", "listening for zh and en; '0' puts the last translation back"),
        Line(T0, 0, "err", "sound input 'stallmic' not available (x); retrying in 2 s"),
        Line(T0, 1, "err", "sound input 'stallmic' not available (x); retrying in 2 s"),
        Line(T0, 1, "out", "[zh] 你好"),
    ]
    assert error_lines(lines) == [
        {"count": 2, "runs": [0, 1], "example": lines[1].text},
    ]


def test_the_schedule_leaves_the_first_and_last_tenth_without_faults() -> None:
    spans = [fault.span_s(3600.0) for fault in FAULTS]
    assert min(start for start, _ in spans) >= 360.0
    assert max(end for _, end in spans) <= 3240.0
    assert {fault.kind for fault in FAULTS} == set(FaultKind)
    assert Fault(FaultKind.DISK_FULL, 0.5, length_fraction=0.1).span_s(600.0) == (300.0, 360.0)


def test_outages_run_from_a_death_to_the_next_start_listening_and_over_an_unplugging() -> None:
    runs = [Run(0, 1, T0, T0 + 5.0, T0 + 100.0, -9), Run(1, 2, T0 + 103.0, T0 + 110.0)]
    assert outages(runs, []) == [(T0 + 100.0, T0 + 110.0)]


def test_the_service_manager_restarts_a_killed_process_and_leaves_a_clean_exit_down(
    tmp_path: Path,
) -> None:
    script = "import sys, time; print('listening for', file=sys.stderr, flush=True); time.sleep(60)"
    service = Service([sys.executable, "-c", script], os.environ, cwd=str(tmp_path))
    service.start()
    try:
        deadline = time.monotonic() + 30
        while not service.ready() and time.monotonic() < deadline:
            time.sleep(0.05)
        first = service.pid
        service.kill()
        while len(service.log.runs) < 2 or not service.ready():
            assert time.monotonic() < deadline, "not restarted"
            time.sleep(0.05)
    finally:
        service.stop()
    assert service.log.runs[0].returncode == -9 and service.pid is None
    assert service.log.runs[1].pid != first
    died = service.log.runs[0].ended_unix_s
    assert died is not None and service.log.runs[1].started_unix_s - died >= 2.9


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting the log's own disk needs root")
def test_the_log_disk_fills_to_the_last_byte_and_frees(tmp_path: Path) -> None:
    with LogDisk(tmp_path / "disk", size_mb=1) as disk:
        assert disk.mounted, disk.skipped_why
        assert disk.fill() > 900_000
        assert disk.free_bytes() == 0
        with pytest.raises(OSError):
            (disk.folder / "more").write_bytes(b"x" * 8192)
        disk.free()
        assert disk.free_bytes() > 900_000


@pytest.mark.skipif(bool(missing_packages()), reason=f"the room needs {missing_packages()}")
def test_an_unplugged_microphone_ends_the_stream_and_cannot_be_opened_until_plugged_back(
    tmp_path: Path,
) -> None:
    with Room(tmp_path) as room:
        mic = RoomMicrophone(room, tmp_path)
        mic.install()
        record = ["parec", "-d", MIC_SOURCE, "--raw", "--rate=16000", "--channels=1"]
        listener = subprocess.Popen(record, stdout=subprocess.DEVNULL, env=room.environment())
        try:
            time.sleep(1.0)
            assert mic.unplug(listener.pid) == 1
            assert listener.wait(timeout=10) != 0  # its stream ended under it
            again = subprocess.run([*record, "--latency-msec=100"], env=room.environment(),
                                   capture_output=True, timeout=5)  # fmt: skip
            assert again.returncode != 0  # no such source
            mic.plug_in()
            sources = room.pactl("list", "short", "sources").stdout
            assert f"\t{MIC_SOURCE}\t" in sources
        finally:
            listener.kill()


def test_cpu_per_minute_is_what_each_used_and_the_rest_of_the_machine() -> None:
    samples = [
        {"minute": 0.0, "service_pid": 7.0, "service_s": 10.0, "chromium_s": 2.0,
         "harness_s": 1.0, "machine_busy_s": 100.0, "machine_idle_s": 50.0},
        {"minute": 1.0, "service_pid": 7.0, "service_s": 40.0, "chromium_s": 5.0,
         "harness_s": 2.0, "machine_busy_s": 180.0, "machine_idle_s": 90.0},
        {"minute": 2.0, "service_pid": 8.0, "service_s": 3.0, "chromium_s": 6.0,
         "harness_s": 3.0, "machine_busy_s": 200.0, "machine_idle_s": 190.0},
    ]  # fmt: skip
    first, second = cpu_minutes(samples)
    assert first == {
        "minute": 1.0, "service_s": 30.0, "chromium_s": 3.0, "harness_s": 1.0,
        "rest_s": 46.0, "idle_s": 40.0,
    }  # fmt: skip
    assert second["service_s"] is None and second["rest_s"] is None  # a new run began


def test_cpu_seconds_are_read_from_proc() -> None:
    busy, idle = machine_cpu_s()
    used = process_cpu_s(os.getpid())
    assert busy > 0 and idle >= 0 and used is not None and used > 0
    assert process_cpu_s(2**22 + 1) is None  # no such process
