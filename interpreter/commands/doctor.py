"""`interpreter doctor`: is this device ready for the stall? One line per check (sound
in and out, models and their hashes, CPU, memory, disks, the deal log, the speed of
Whisper here), each warning or failure with its fix; exit status 1 when anything is
unusable. The recogniser the self-benchmark recommends is written into the stall
config given with --config (see interpreter/doctor/)."""

from __future__ import annotations

import argparse
from pathlib import Path

from interpreter.commands.common import Subcommands, model_store, stage_options
from interpreter.core.text import terminal_json


def add_parser(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser(
        "doctor", help="check sound, models, CPU, memory, disk and deal log; pick the model"
    )
    parser.add_argument(
        "--config", type=Path, help="stall config (TOML) to check and to write asr_model into"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the recommended model, write nothing"
    )
    parser.add_argument(
        "--quick", action="store_true", help="skip the 10-second speed test of Whisper"
    )
    parser.add_argument("--pair", help="the merchant's language and the buyer's, e.g. zh-en")
    parser.add_argument("--input-device", help="microphone: index or part of the name")
    parser.add_argument("--output-device", help="speaker: index or part of the name")
    parser.add_argument(
        "--log",
        type=Path,
        metavar="PATH",
        help="deal log (default: ~/.local/share/interpreter/deals.sqlite; "
        "env INTERPRETER_DEAL_LOG)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from interpreter.doctor.checkup import DoctorOptions, checkup
    from interpreter.live.config import parse_device, parse_pair

    options = DoctorOptions(
        config_path=args.config,
        write_config=not args.no_write,
        pair=parse_pair(args.pair) if args.pair else None,
        input_device=parse_device(args.input_device, "--input-device"),
        output_device=parse_device(args.output_device, "--output-device"),
        log_path=args.log.expanduser() if args.log else None,
        benchmark=not args.quick,
        transcriber=stage_options(args, speak=False).transcriber,
    )
    if args.json:
        report = checkup(options, lambda: model_store(args))
        print(terminal_json(report.as_dict(), indent=2))
    else:
        report = checkup(
            options, lambda: model_store(args), lambda check: print(check.line(), flush=True)
        )
        print(report.summary())
    return 0 if report.usable else 1
