"""The deal log: turns kept in a real SQLite file, read back, exported, and surviving a kill."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from interpreter.commands.log import write_atomically
from interpreter.core.errors import InputError
from interpreter.core.types import Transcript, Translation, Utterance
from interpreter.core.vocabulary import Method, Party
from interpreter.deals.database import SCHEMA, DealLogError, default_log_path
from interpreter.deals.log import DealLog
from interpreter.deals.records import LoggedTurn, SessionInfo, logged_turn
from interpreter.deals.sheet import agreed_numbers, deal_sheet
from interpreter.turn.pipeline import StageTimings, Turn

REPO = Path(__file__).resolve().parents[2]
NOON = datetime(2026, 12, 3, 6, 25, 1, tzinfo=timezone.utc)


def merchant_turn(session: str, number: int = 1, **changes) -> LoggedTurn:
    fields = dict(
        session_id=session,
        turn_number=number,
        time_utc="2026-12-03T06:25:04.250+00:00",
        party="merchant",
        source_language="zh",
        target_language="en",
        transcript="我要订五百件，三块五一件",
        translation="I want to order 500 pieces, 3.50 yuan each.",
        method="phrasebook",
        confidence=0.93,
        numbers=("500 pieces", "3.50 yuan"),
        numbers_said=("五百件", "三块五"),
        latency_ms=312.5,
    )
    return LoggedTurn(**{**fields, **changes})


def buyer_turn(session: str, number: int = 2, **changes) -> LoggedTurn:
    fields = dict(
        session_id=session,
        turn_number=number,
        time_utc="2026-12-03T06:25:09.000+00:00",
        party="buyer",
        source_language="en",
        target_language="zh",
        transcript="Can you do 3 yuan for 500 pieces?",
        translation="500件能不能3元？",
        method="nmt",
        confidence=0.81,
        numbers=("3元", "500件"),
        numbers_said=("3 yuan", "500 pieces"),
        latency_ms=None,
    )
    return LoggedTurn(**{**fields, **changes})


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "deals.sqlite"


@pytest.fixture
def conversation(log_path: Path) -> str:
    """A session of two turns in a closed log at `log_path`; its id."""
    with DealLog.open(log_path, clock=lambda: NOON) as log:
        session = log.start_session(("zh", "en"), note="Stall 5-12, Futian market")
        log.record(merchant_turn(session))
        log.record(buyer_turn(session))
    return session


def assert_one_line(error: pytest.ExceptionInfo, *words: str) -> None:
    message = str(error.value)
    assert "\n" not in message
    for word in words:
        assert word in message, message


# -- the log ---------------------------------------------------------------------------


def test_turns_are_read_back_after_the_log_is_reopened(log_path: Path) -> None:
    with DealLog.open(log_path) as log:
        session = log.start_session(("zh", "en"))
        first = merchant_turn(session)
        # The live runner hands over the pipeline's enums; the log keeps their values.
        second = buyer_turn(session, party=Party.BUYER, method=Method.NMT, numbers=["3元"])
        log.record(first)
        log.record(second)

    with DealLog.open(log_path, create=False) as log:
        turns = log.turns(session)
        sessions = log.sessions()
    assert turns == (first, second)
    assert turns[1].party == "buyer" and turns[1].method == "nmt"
    assert turns[1].numbers == ("3元",)
    assert turns[0].numbers == ("500 pieces", "3.50 yuan")
    assert [(s.id, s.pair, s.turn_count) for s in sessions] == [(session, ("zh", "en"), 2)]


def test_the_log_uses_wal_and_syncs_every_commit(log_path: Path) -> None:
    with DealLog.open(log_path) as log:
        log.start_session(("zh", "en"))
        # FULL (2): a commit's WAL frames are fsynced before record() returns.
        assert log._connection().execute("PRAGMA synchronous").fetchone()[0] == 2
    raw = sqlite3.connect(log_path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    finally:
        raw.close()


def test_sessions_started_in_the_same_second_get_different_ids(log_path: Path) -> None:
    with DealLog.open(log_path, clock=lambda: NOON) as log:
        ids = [log.start_session(("zh", "en")) for _ in range(3)]
        listed = [s.id for s in log.sessions()]
    assert len(set(ids)) == 3
    assert ids[1] == f"{ids[0]}-2" and ids[2] == f"{ids[0]}-3"
    assert ids[0] == NOON.astimezone().strftime("%Y%m%d-%H%M%S")
    assert listed == ids


def test_latest_is_the_session_started_last(log_path: Path) -> None:
    with DealLog.open(log_path, clock=lambda: NOON) as log:
        with pytest.raises(InputError) as error:
            log.resolve("latest")
        assert_one_line(error, "no sessions yet", str(log_path))
        log.start_session(("zh", "en"))
        newest = log.start_session(("en", "es"))
        assert log.session("latest") == SessionInfo(
            newest, "2026-12-03T06:25:01.000+00:00", ("en", "es"), "", 0
        )


@pytest.mark.parametrize(
    "session_id",
    ["", "latest; DROP TABLE turns", "20261203-142501' OR '1'='1", "../../etc/passwd", "2026"],
)
def test_a_malformed_session_id_is_a_one_line_error(conversation, log_path, session_id) -> None:
    with DealLog.open(log_path) as log:
        with pytest.raises(InputError) as error:
            log.turns(session_id)
        assert_one_line(error, "is not a session id", "interpreter log list")
        assert log.turns(conversation)  # nothing was dropped


def test_an_unknown_session_is_a_one_line_error(conversation, log_path) -> None:
    with DealLog.open(log_path) as log:
        for call in (log.turns, log.session, log.next_turn_number):
            with pytest.raises(InputError) as error:
                call("20200101-000000")
            assert_one_line(error, "no session 20200101-000000", str(log_path))
        with pytest.raises(InputError) as error:
            log.record(merchant_turn("20200101-000000"))
        assert_one_line(error, "no session 20200101-000000")


def test_a_turn_number_is_logged_once_and_the_next_one_is_known(conversation, log_path) -> None:
    with DealLog.open(log_path) as log:
        assert log.next_turn_number(conversation) == 3
        with pytest.raises(InputError) as error:
            log.record(merchant_turn(conversation, number=2))
        assert_one_line(error, "turn 2", "already logged")
        assert len(log.turns(conversation)) == 2
        assert [t.turn_number for t in log.turns(conversation, after_turn=1)] == [2]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"party": "stranger"}, "neither merchant nor buyer"),
        ({"method": "guess"}, "is not one of phrasebook"),
        ({"time_utc": "2026-12-03 14:25:01"}, "not an ISO 8601 UTC time"),
        ({"time_utc": "2026-12-03T14:25:01+08:00"}, "not an ISO 8601 UTC time"),
        ({"turn_number": 0}, "below 1"),
        ({"source_language": "zh'); --"}, "not a language code"),
        ({"numbers": (500,)}, "tuple of strings"),
        ({"confidence": float("nan")}, "not a finite number"),
    ],
)
def test_a_turn_that_cannot_be_kept_is_refused_before_the_database(changes, words) -> None:
    with pytest.raises(InputError) as error:
        merchant_turn("20261203-142501", **changes)
    assert_one_line(error, words)


def test_a_pipeline_turn_becomes_a_logged_turn() -> None:
    turn = Turn(
        utterance=Utterance(7, np.zeros(1600, np.float32), 16_000, 10.0, 10.1, Party.MERCHANT),
        transcript=Transcript(7, "我要订五百件", "zh", 0.88, 10.4),
        translation=Translation(
            7,
            "我要订五百件",
            "I want to order 500 pieces.",
            "zh",
            "en",
            Method.PHRASEBOOK,
            numbers=("500 pieces",),
            numbers_said=("五百件",),
        ),
        speech=(),
        timings=StageTimings(asr_ms=300.0, mt_ms=2.0, tts_first_audio_ms=None, total_ms=302.0),
    )
    logged = logged_turn(
        turn, session_id="20261203-142501", turn_number=4, party=Party.MERCHANT, latency_ms=None
    )
    assert (logged.transcript, logged.translation) == (
        "我要订五百件",
        "I want to order 500 pieces.",
    )
    assert (logged.source_language, logged.target_language, logged.method) == (
        "zh",
        "en",
        "phrasebook",
    )
    assert (logged.numbers, logged.numbers_said) == (("500 pieces",), ("五百件",))
    assert logged.confidence == pytest.approx(0.88)
    assert datetime.fromisoformat(logged.time_utc).utcoffset() == timedelta(0)


def test_the_log_schema_accepts_every_party_and_method() -> None:
    """The table's CHECKs are written out (a database keeps them as created); a party
    or method added to the vocabulary needs them changed, and a schema version."""
    schema = " ".join(SCHEMA)
    parties = ", ".join(f"'{party.value}'" for party in Party)
    methods = ", ".join(f"'{method.value}'" for method in Method)
    assert f"party IN ({parties})" in schema
    assert f"method IN ({methods})" in schema


def test_the_web_thread_reads_while_the_worker_writes(log_path: Path) -> None:
    with DealLog.open(log_path) as log:
        session = log.start_session(("zh", "en"))
        seen: list[int] = []
        failures: list[BaseException] = []
        done = threading.Event()

        def read() -> None:
            try:
                while not done.is_set():
                    seen.append(len(log.turns(session)))
            except BaseException as error:
                failures.append(error)

        reader = threading.Thread(target=read)
        reader.start()

        def write() -> None:
            try:
                for number in range(1, 41):
                    log.record(merchant_turn(session, number=number))
            except BaseException as error:
                failures.append(error)

        writer = threading.Thread(target=write)
        writer.start()
        writer.join()
        done.set()
        reader.join()
        assert failures == []
        assert seen == sorted(seen)  # each read is a consistent snapshot, never going back
        assert len(log.turns(session)) == 40


def test_a_damaged_log_names_the_file_and_the_fix(log_path: Path) -> None:
    log_path.write_bytes(b"this is the merchant's shopping list, not a database\n" * 100)
    with pytest.raises(DealLogError) as error:
        DealLog.open(log_path)
    assert_one_line(error, str(log_path), "damaged", "move it aside", "--log PATH")


def test_a_log_locked_by_another_program_names_the_file(conversation, log_path) -> None:
    other = sqlite3.connect(log_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with DealLog.open(log_path, busy_timeout_s=0.2) as log:
            with pytest.raises(DealLogError) as error:
                log.record(merchant_turn(conversation, number=3))
            assert_one_line(error, str(log_path), "locked", "stop the other interpreter")
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_log_in_an_unwritable_place_names_the_file(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "usb-stick"
    not_a_folder.write_text("a file where a folder should be")
    with pytest.raises(DealLogError) as error:
        DealLog.open(not_a_folder / "deals.sqlite")
    assert_one_line(error, str(not_a_folder / "deals.sqlite"), "cannot write", "--log PATH")


def test_a_log_from_a_newer_interpreter_is_refused(log_path: Path) -> None:
    DealLog.open(log_path).close()
    raw = sqlite3.connect(log_path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(DealLogError) as error:
        DealLog.open(log_path)
    assert_one_line(error, "newer interpreter", "upgrade")


def test_the_default_log_is_in_the_users_data_folder(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("INTERPRETER_DEAL_LOG", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_log_path() == tmp_path / "data" / "interpreter" / "deals.sqlite"
    monkeypatch.setenv("INTERPRETER_DEAL_LOG", str(tmp_path / "stall.sqlite"))
    assert default_log_path() == tmp_path / "stall.sqlite"


# -- durability ------------------------------------------------------------------------

KILLED_MID_TURN = """
import os, signal, sys
from interpreter.deals.log import DealLog
from interpreter.deals.records import LoggedTurn, utc_now

def turn(session, number):
    return LoggedTurn(session, number, utc_now(), "merchant", "zh", "en",
                      f"第{number}句", f"sentence {number}", "phrasebook", 0.9,
                      numbers=(f"{number}00 pieces",))

log = DealLog.open(sys.argv[1])
session = log.start_session(("zh", "en"))
for number in (1, 2, 3):
    log.record(turn(session, number))
print(session, flush=True)

def die_before_commit(statement):
    if statement.startswith("INSERT INTO turns"):
        print("turn 4 inserted", flush=True)
    if statement.strip().upper() == "COMMIT":
        os.kill(os.getpid(), signal.SIGKILL)

log._connection().set_trace_callback(die_before_commit)
log.record(turn(session, 4))
print("still alive", flush=True)
"""


def test_a_kill_mid_turn_keeps_every_finished_turn(log_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", KILLED_MID_TURN, str(log_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr
    session, inserted = result.stdout.split()[0], " ".join(result.stdout.split()[1:])
    assert inserted == "turn 4 inserted"  # killed inside record(), between insert and commit
    assert Path(f"{log_path}-wal").exists()  # the turns are in the WAL, not yet checkpointed

    with DealLog.open(log_path, create=False) as log:
        turns = log.turns(session)
        assert [t.turn_number for t in turns] == [1, 2, 3]
        assert [t.translation for t in turns] == ["sentence 1", "sentence 2", "sentence 3"]
        assert log.next_turn_number(session) == 4
        log.record(turns[0].__class__(**{**turns[0].__dict__, "turn_number": 4}))
        assert len(log.turns(session)) == 4  # and the log goes on where it stopped


# -- the deal sheet --------------------------------------------------------------------


def test_agreed_numbers_are_every_amount_in_order_first_mention_kept(log_path) -> None:
    session = "20261203-142501"
    turns = (
        merchant_turn(session, 1),
        buyer_turn(session, 2),
        merchant_turn(session, 3, numbers=("500 pieces", "3.20 yuan"), numbers_said=("五百件",)),
    )
    numbers = agreed_numbers(turns)
    assert [(n.text, n.said, n.turn_number, n.party) for n in numbers] == [
        ("500 pieces", "五百件", 1, "merchant"),
        ("3.50 yuan", "三块五", 1, "merchant"),
        ("3元", "3 yuan", 2, "buyer"),
        ("500件", "500 pieces", 2, "buyer"),
        # turn 3's said and translated amounts do not pair up: only the translation's
        ("3.20 yuan", None, 3, "merchant"),
    ]


def read_sheet(log_path: Path, session: str, format: str) -> str:
    with DealLog.open(log_path) as log:
        return deal_sheet(log.session(session), log.turns(session), format)


def test_the_html_sheet_lists_the_numbers_then_both_languages(conversation, log_path) -> None:
    with DealLog.open(log_path) as log:
        log.record(buyer_turn(conversation, 3, transcript="<script>alert('deal')</script> & more"))
    page = read_sheet(log_path, conversation, "html")

    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    numbers_at = page.index("500 pieces")
    conversation_at = page.index("Conversation")
    assert numbers_at < conversation_at
    for amount in ("五百件", "三块五", "3.50 yuan", "3元", "3 yuan"):
        assert page.index(amount) < conversation_at
    # both languages of each turn, in the conversation
    tail = page[conversation_at:]
    for text in ("我要订五百件，三块五一件", "I want to order 500 pieces, 3.50 yuan each.",
                 "500件能不能3元？", "Can you do 3 yuan for 500 pieces?"):  # fmt: skip
        assert text in tail
    assert "Stall 5-12, Futian market" in page
    # what was said is text, never markup
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;deal&#x27;)&lt;/script&gt; &amp; more" in page
    # self-contained: nothing is fetched from anywhere
    for fetch in ("<link", "<script", "<img", "src=", "href=", "url(", "@import", "://"):
        assert fetch not in page.lower()


def test_the_csv_sheet_has_a_header_and_one_row_per_turn(conversation, log_path) -> None:
    with DealLog.open(log_path) as log:
        log.record(buyer_turn(conversation, 3, transcript='=HYPERLINK("x")', numbers=()))
    rows = list(csv.DictReader(io.StringIO(read_sheet(log_path, conversation, "csv"))))
    assert [row["turn_number"] for row in rows] == ["1", "2", "3"]
    assert rows[0]["transcript"] == "我要订五百件，三块五一件"
    assert rows[0]["translation"] == "I want to order 500 pieces, 3.50 yuan each."
    assert rows[0]["numbers"] == "500 pieces; 3.50 yuan"
    assert rows[0]["party"] == "merchant" and rows[1]["party"] == "buyer"
    assert rows[0]["latency_ms"] == "312" and rows[1]["latency_ms"] == ""
    assert rows[2]["transcript"] == '\'=HYPERLINK("x")'  # a spreadsheet shows it, never runs it


def test_the_json_sheet_is_one_document(conversation, log_path) -> None:
    document = json.loads(read_sheet(log_path, conversation, "json"))
    assert document["session"]["id"] == conversation
    assert document["session"]["merchant_language"] == "zh"
    assert document["numbers"][0] == {
        "text": "500 pieces",
        "text_language": "en",
        "said": "五百件",
        "said_language": "zh",
        "turn_number": 1,
        "party": "merchant",
    }
    assert [t["turn_number"] for t in document["turns"]] == [1, 2]
    assert document["turns"][1]["translation"] == "500件能不能3元？"
    assert document["turns"][1]["latency_ms"] is None


def test_a_sheet_written_to_a_file_is_never_half_written(tmp_path, monkeypatch) -> None:
    out = tmp_path / "deal.html"
    out.write_text("the sheet from this morning")

    def power_cut(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(InputError) as error:
        write_atomically(out, "<!DOCTYPE html> the new sheet")
    assert_one_line(error, str(out), "No space left on device")
    assert out.read_text() == "the sheet from this morning"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deal.html"]


# -- the command line ------------------------------------------------------------------


def interpreter(*args: str, log: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "INTERPRETER_DEAL_LOG": str(log) if log else "/nonexistent/deals.sqlite"}
    return subprocess.run(
        [sys.executable, "-m", "interpreter", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0]


def test_log_list_shows_each_session(conversation, log_path, tmp_path) -> None:
    result = interpreter("log", "list", log=log_path)
    assert result.returncode == 0, result.stderr
    assert f"1 session in {log_path}" in result.stdout
    line = result.stdout.splitlines()[1]
    assert line.split()[0] == conversation
    assert "zh-en" in line and "2 turns" in line and "Futian market" in line

    missing = tmp_path / "never-written.sqlite"
    result = interpreter("log", "--log", str(missing), "list", log=log_path)
    assert result.returncode == 0 and "no sessions logged yet" in result.stdout
    assert not missing.exists()  # reading never creates a log


def test_log_show_prints_the_bilingual_transcript(conversation, log_path) -> None:
    result = interpreter("log", "show", "latest", log=log_path)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith(f"session {conversation}")
    assert text.index("五百件 = 500 pieces") < text.index("#1")
    assert "    zh  我要订五百件，三块五一件" in text
    assert "    en  I want to order 500 pieces, 3.50 yuan each." in text
    assert "#2" in text and "buyer  en → zh  nmt" in text


def test_log_show_refuses_a_bad_or_unknown_session(conversation, log_path, tmp_path) -> None:
    assert_one_line_error(interpreter("log", "show", "1;drop", log=log_path), "not a session id")
    assert_one_line_error(
        interpreter("log", "show", "20200101-000000", log=log_path), "no session 20200101-000000"
    )
    assert_one_line_error(
        interpreter("log", "show", "latest", "--log", str(tmp_path / "none.sqlite")),
        "no deal log at",
        "none.sqlite",
    )


def test_log_export_writes_each_format(conversation, log_path, tmp_path) -> None:
    out = tmp_path / "sheets" / "deal.html"
    out.parent.mkdir()
    result = interpreter(
        "log", "export", conversation, "--out", str(out), "--log", str(log_path), log=None
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in out.parent.iterdir()) == ["deal.html"]  # no temp file left
    assert f"to {out}" in result.stdout

    result = interpreter("log", "export", "latest", "--format", "csv", log=log_path)
    assert result.returncode == 0, result.stderr
    assert next(csv.reader(io.StringIO(result.stdout)))[:2] == ["session_id", "turn_number"]

    result = interpreter("log", "export", "latest", "--format", "json", log=log_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["session"]["id"] == conversation

    result = interpreter("log", "export", "latest", "--format", "pdf", log=log_path)
    assert result.returncode == 2 and "invalid choice" in result.stderr

    missing = tmp_path / "no-such-folder" / "deal.html"
    result = interpreter("log", "export", "latest", "--out", str(missing), log=log_path)
    assert_one_line_error(result, "does not exist", "--out")
    assert not missing.parent.exists()
