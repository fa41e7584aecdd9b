"""`interpreter kiosk`: the live session with the stall's screen and the deal log.

The same session as `interpreter live` (push-to-talk by default: the stall's two
buttons say who speaks), plus: a local web page for a full-screen browser facing both
parties (kiosk/app.py, kiosk/websocket.py), every finished turn written to the deal log
before the page shows it, and metrics at /metrics. The web server runs on its own
thread; the session keeps the main one, and Ctrl-C stops both cleanly.
"""

from __future__ import annotations

import argparse
import sys
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from interpreter.commands.common import (
    Subcommands,
    add_live_arguments,
    live_job,
    model_store,
    whole_number,
)
from interpreter.commands.live import LiveJob, open_session, run_session
from interpreter.core.vocabulary import Mode
from interpreter.deals.database import default_log_path
from interpreter.deals.log import DealLog
from interpreter.kiosk.app import build_app
from interpreter.kiosk.bridge import KioskBridge, StallControls
from interpreter.kiosk.hub import EventHub
from interpreter.kiosk.metrics import KioskMetrics
from interpreter.kiosk.serve import DEFAULT_PORT, serve
from interpreter.live.gpio import open_board
from interpreter.live.summary import SessionSummary
from interpreter.store import ModelStore


@dataclass(frozen=True)
class KioskJob:
    live: LiveJob = field(default_factory=LiveJob)
    port: int = DEFAULT_PORT
    lan: bool = False
    log_path: Path | None = None
    # A party's button is pressed on the page (or a key, or a GPIO button) by default.
    mode: Mode = Mode.PUSH_TO_TALK


def run_kiosk(
    job: KioskJob,
    store: ModelStore,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stop: threading.Event | None = None,
) -> SessionSummary:
    out = out or sys.stdout
    err = err or sys.stderr

    def say(line: str) -> None:
        print(line, file=out, flush=True)

    def warn(line: str) -> None:
        print(line, file=err, flush=True)

    config = replace(job.live.config, mode=job.mode)
    live = replace(job.live, config=config)
    # The buttons and lights first: a wiring mistake shows before the models load.
    with open_board(config.gpio, config.mode) as board:
        deal_log = DealLog.open(job.log_path or default_log_path())
        try:
            session_id = deal_log.start_session(config.pair)
            hub = EventHub()
            metrics = KioskMetrics()
            bridge = KioskBridge(hub, deal_log, session_id, metrics, warn)
            opened = open_session(live, store, say, warn, events=board.events(bridge))
            metrics.model_loaded(opened.used.asr, opened.load_s)
            controls = StallControls(
                opened.session,
                opened.interpreter,
                store,
                opened.stages,
                opened.clock,
                session_id,
                opened.used.voices,
                hub,
                warn,
            )
            hub.settings(controls.current_settings())
            app = build_app(controls, hub, deal_log, metrics, lan=job.lan)
            with serve(app, port=job.port) as server:
                warn(f"kiosk page: {server.url}  (session {session_id}, deal log {deal_log.path})")
                if job.lan:
                    warn(f"on the stall's network: {server.public_url} (the page shows the token)")
                # On a recording the page stays up after it, until Ctrl-C.
                stop = stop or threading.Event()
                return run_session(opened, config, warn, stop, stop_at_end=False, board=board)
        finally:
            deal_log.close()


def add_parser(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser(
        "kiosk", help="live, with the stall's two-sided web page and the deal log"
    )
    add_live_arguments(parser, mode_help="turn taking (default: push-to-talk, the page's buttons)")
    parser.add_argument("--port", type=whole_number(0), default=DEFAULT_PORT, help="web page port")
    parser.add_argument(
        "--lan",
        action="store_true",
        help="serve the page to the stall's network too, with a pairing token",
    )
    parser.add_argument(
        "--log",
        type=Path,
        default=None,
        help="deal log file (default: ~/.local/share/interpreter/deals.sqlite; "
        "env INTERPRETER_DEAL_LOG)",
    )
    parser.set_defaults(run=run)


def default_mode(input_file: Path | None) -> Mode:
    """The page's buttons say who speaks; a recording has nobody to press them."""
    return Mode.PUSH_TO_TALK if input_file is None else Mode.CONVERSATION


def kiosk_job(args: argparse.Namespace) -> KioskJob:
    """The turn taking: --mode, else the stall config's mode, else `default_mode`."""
    live = live_job(args)
    if args.mode:
        mode = Mode(args.mode)
    elif live.config.mode_given:
        mode = live.config.mode
    else:
        mode = default_mode(args.input_file)
    return KioskJob(live=live, port=args.port, lan=args.lan, log_path=args.log, mode=mode)


def run(args: argparse.Namespace) -> int:
    run_kiosk(kiosk_job(args), model_store(args))
    return 0
