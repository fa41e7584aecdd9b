"""The deal log's folder: writable where the log will be, and an existing log that
opens; nothing is made that was not there."""

from __future__ import annotations

from pathlib import Path

from interpreter.core.vocabulary import CheckStatus
from interpreter.deals.log import DealLog
from interpreter.doctor.deal_log import check_deal_log


def test_a_log_not_started_yet_is_fine_when_its_folder_can_be_made(tmp_path: Path) -> None:
    path = tmp_path / "share" / "interpreter" / "deals.sqlite"
    check = check_deal_log(path)
    assert check.status is CheckStatus.OK
    assert "none yet, the first session starts it" in check.detail
    assert f"{tmp_path} is writable" in check.detail
    assert not (tmp_path / "share").exists() and list(tmp_path.iterdir()) == []


def test_an_existing_log_is_opened_and_its_sessions_counted(tmp_path: Path) -> None:
    path = tmp_path / "deals.sqlite"
    with DealLog.open(path) as log:
        log.start_session(("zh", "en"))
    check = check_deal_log(path)
    assert check.status is CheckStatus.OK and check.facts["sessions"] == 1
    assert "1 session," in check.detail
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".doctor")) == []


def test_a_damaged_log_fails_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "deals.sqlite"
    path.write_bytes(b"this is not a database, it was a photo once" * 100)
    check = check_deal_log(path)
    assert check.status is CheckStatus.FAIL and "is damaged" in check.detail
    assert "move it aside" in check.fix and "--log PATH" in check.fix


def test_a_log_that_cannot_be_where_it_should_be_fails(tmp_path: Path) -> None:
    (tmp_path / "deals.sqlite").mkdir()
    folder = check_deal_log(tmp_path / "deals.sqlite")
    assert folder.status is CheckStatus.FAIL and "is a folder" in folder.detail
    (tmp_path / "share").write_text("a file, not a folder")
    blocked = check_deal_log(tmp_path / "share" / "interpreter" / "deals.sqlite")
    assert blocked.status is CheckStatus.FAIL and "is a file where" in blocked.detail
    assert "--log PATH" in blocked.fix
