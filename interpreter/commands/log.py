"""`interpreter log list | show SESSION | export SESSION`: the deal log, read back.

These commands only read the log (`interpreter live` writes it), so they never create
one: with no log yet, `list` says so and `show`/`export` fail with the fix. A sheet
written with `--out` goes to a temporary file in the same folder that is then renamed
over the target, so the file is either the old one or the whole new one, never half
written, even if the program is killed or the disk fills up.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from interpreter.commands.common import Subcommands
from interpreter.core.errors import InputError
from interpreter.core.text import counted, printable

if TYPE_CHECKING:
    from interpreter.deals.log import DealLog
    from interpreter.deals.records import LoggedTurn, SessionInfo

_LOG_HELP = (
    "the deal log (default: ~/.local/share/interpreter/deals.sqlite; env INTERPRETER_DEAL_LOG)"
)


def _log_path(args: argparse.Namespace) -> Path:
    from interpreter.deals.database import default_log_path

    return Path(args.log).expanduser() if getattr(args, "log", None) else default_log_path()


def _open(args: argparse.Namespace) -> DealLog:
    from interpreter.deals.log import DealLog

    return DealLog.open(_log_path(args), create=False)


def _local(time_utc: str) -> str:
    from datetime import datetime

    return datetime.fromisoformat(time_utc).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def run_list(args: argparse.Namespace) -> int:
    path = _log_path(args)
    if not path.exists():
        print(f"no sessions logged yet ({path}); `interpreter live` starts one")
        return 0
    with _open(args) as log:
        sessions = log.sessions()
    if not sessions:
        print(f"no sessions logged yet ({path}); `interpreter live` starts one")
        return 0
    print(f"{counted(len(sessions), 'session')} in {path}:")
    for session in sessions:
        note = f"  {session.note}" if session.note else ""
        turns = counted(session.turn_count, "turn")
        line = (
            f"  {session.id:<18} {_local(session.started_utc)}  "
            f"{session.pair[0]}-{session.pair[1]}  {turns:>9}{note}"
        )
        print(printable(line))
    return 0


def show_lines(session: SessionInfo, turns: Sequence[LoggedTurn]) -> list[str]:
    """The session as a bilingual transcript for the terminal, amounts first; what
    the parties said and the note are shown with their control characters escaped."""
    from interpreter.deals.sheet import agreed_numbers

    merchant, buyer = session.pair
    lines = [
        f"session {session.id} · started {_local(session.started_utc)} · "
        f"merchant {merchant}, buyer {buyer} · {counted(len(turns), 'turn')}"
    ]
    if session.note:
        lines.append(f"note: {session.note}")
    numbers = agreed_numbers(turns)
    lines.append("")
    if numbers:
        lines.append("numbers (every amount spoken, first mention; check them together):")
        for number in numbers:
            said = f"{number.said} = " if number.said else ""
            who = f", {number.party}" if number.party else ""
            lines.append(f"  {said}{number.text}   (turn {number.turn_number}{who})")
    else:
        lines.append("numbers: none spoken")
    for turn in turns:
        latency = "" if turn.latency_ms is None else f" · first audio {turn.latency_ms:.0f} ms"
        lines += [
            "",
            f"#{turn.turn_number}  {_local(turn.time_utc)[11:]}  {turn.party or '?'}  "
            f"{turn.source_language} → {turn.target_language}  {turn.method}{latency}",
            f"    {turn.source_language}  {turn.transcript}",
            f"    {turn.target_language}  {turn.translation}",
        ]
    return [printable(line) for line in lines]


def run_show(args: argparse.Namespace) -> int:
    with _open(args) as log:
        session = log.session(args.session)
        turns = log.turns(session.id)
    for line in show_lines(session, turns):
        print(line)
    return 0


def run_export(args: argparse.Namespace) -> int:
    from interpreter.deals.sheet import deal_sheet

    with _open(args) as log:
        session = log.session(args.session)
        turns = log.turns(session.id)
    text = deal_sheet(session, turns, args.format)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    out = Path(args.out).expanduser()
    write_atomically(out, text)
    count = counted(len(turns), "turn")
    print(f"wrote the {args.format} deal sheet of session {session.id} ({count}) to {out}")
    return 0


def write_atomically(path: Path, text: str) -> None:
    """`text` as UTF-8 at `path`: a temporary file beside it, synced, then renamed over."""
    if path.is_dir():
        raise InputError(f"{path} is a folder; give --out a file name such as deal.html")
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"folder {folder} does not exist; create it or choose another --out")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as error:
        raise InputError(
            f"cannot write in {folder} ({error.strerror}); choose another --out"
        ) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private (0600); a deal sheet is for sharing.
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise InputError(f"cannot write {path} ({error.strerror}); choose another --out") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def add_parser(subcommands: Subcommands) -> None:
    log = subcommands.add_parser(
        "log", help="the deal log: list sessions, show one, export a sheet"
    )
    log.add_argument("--log", type=Path, default=None, metavar="PATH", help=_LOG_HELP)
    actions = log.add_subparsers(dest="log_command", metavar="ACTION", required=True)

    def action(name: str, help: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=help)
        # Also accepted after the action; SUPPRESS keeps one given before it.
        parser.add_argument(
            "--log", type=Path, default=argparse.SUPPRESS, metavar="PATH", help=_LOG_HELP
        )
        return parser

    listing = action("list", "every session: id, start, language pair, turns")
    listing.set_defaults(run=run_list)

    show = action("show", "a session as a bilingual transcript, amounts first")
    show.add_argument("session", metavar="SESSION", help="a session id, or `latest`")
    show.set_defaults(run=run_show)

    export = action("export", "a session's deal sheet (html, csv or json)")
    export.add_argument("session", metavar="SESSION", help="a session id, or `latest`")
    export.add_argument(
        "--format", choices=("html", "csv", "json"), default="html", help="default: html"
    )
    export.add_argument("--out", metavar="FILE", help="write to this file (default: print)")
    export.set_defaults(run=run_export)
