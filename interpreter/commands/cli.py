"""The `interpreter` command: the options every subcommand shares, then one module per
subcommand, each with `add_parser(subcommands)` and `run(args) -> exit code`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from interpreter import __version__
from interpreter.commands import (
    demo,
    devices,
    doctor,
    glossary,
    kiosk,
    live,
    log,
    models,
    translate,
    translate_text,
)
from interpreter.commands.common import whole_number
from interpreter.core.errors import InterpreterError

# In the order `interpreter --help` lists them.
SUBCOMMANDS = (
    translate,
    translate_text,
    demo,
    live,
    kiosk,
    devices,
    doctor,
    models,
    log,
    glossary,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interpreter",
        description="Offline speech interpreter for a market stall.",
    )
    parser.add_argument("--version", action="version", version=f"interpreter {__version__}")
    parser.add_argument(
        "--models-dir",
        type=Path,
        default=None,
        help="model store folder (default: models/store in a source checkout, "
        "else ~/.local/share/interpreter/models; env INTERPRETER_MODELS_DIR)",
    )
    parser.add_argument(
        "--glossary",
        type=Path,
        default=None,
        help="the stall's glossary file (default: ~/.local/share/interpreter/glossary.toml; "
        "env INTERPRETER_GLOSSARY)",
    )
    parser.add_argument(
        "--device", default="cpu", choices=("cpu", "cuda", "auto"), help="where models run"
    )
    parser.add_argument(
        "--threads", type=whole_number(0), default=0, help="CPU threads (0: all cores)"
    )
    parser.add_argument(
        "--beam-size", type=whole_number(1), default=None, help="Whisper beam size (default: 1)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show library logs")
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for subcommand in SUBCOMMANDS:
        subcommand.add_parser(subcommands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.run(args))
    except InterpreterError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (`| head`) left; say nothing more and let the shell move on.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
