"""The report: one line per check, the fix on the line of each warning and failure,
a summary, and one JSON document for a program; a failure makes it unusable."""

from __future__ import annotations

import json

from interpreter.core.text import terminal_json
from interpreter.core.vocabulary import CheckStatus
from interpreter.doctor.report import Report, fail, from_error, ok, warn
from interpreter.store.store import DiskFull


def test_each_check_is_one_line_and_a_failure_names_its_fix() -> None:
    assert ok("cpu", "2 cores").line() == "ok    cpu          2 cores"
    line = fail("sound", "no device", "plug one in").line()
    assert line == "FAIL  sound        no device; plug one in"
    tricky = warn("sound in", "'Mic\nName\x1b[31m'", "unmute it").line()
    assert "\n" not in tricky and "\x1b" not in tricky


def test_warnings_keep_it_usable_and_a_failure_does_not() -> None:
    fine = Report((ok("cpu", "2 cores"), warn("memory", "little", "stop programs")))
    assert fine.usable
    assert fine.summary() == "doctor: 1 ok, 1 warning, 0 failed: usable"
    broken = Report((*fine.checks, fail("sound", "no device", "plug one in")))
    assert not broken.usable and broken.count(CheckStatus.FAIL) == 1
    assert broken.lines()[-1].startswith("doctor: 1 ok, 1 warning, 1 failed: not usable")


def test_a_projects_one_line_error_splits_into_the_problem_and_its_fix() -> None:
    check = from_error("model", DiskFull("the disk is full; free some space"))
    assert (check.status, check.detail, check.fix) == (
        CheckStatus.FAIL,
        "the disk is full",
        "free some space",
    )


def test_the_json_document_has_every_check_with_its_facts() -> None:
    report = Report(
        (ok("sound in", "mic", level_dbfs=-48.5, sample_rate_hz=48_000),),
        recommended_asr_model="whisper-base",
    )
    document = json.loads(terminal_json(report.as_dict()))
    assert document == {
        "usable": True,
        "checks": [{"name": "sound in", "status": "ok", "detail": "mic", "fix": "",
                    "level_dbfs": -48.5, "sample_rate_hz": 48_000}],
        "recommended_asr_model": "whisper-base",
        "config_written": None,
    }  # fmt: skip
