"""`interpreter devices`: the microphones and speakers PortAudio sees."""

from __future__ import annotations

import argparse

from interpreter.commands.common import Subcommands


def add_parser(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("devices", help="list microphones and speakers")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from interpreter.audio.devices import describe_devices, list_devices

    for line in describe_devices(list_devices()):
        print(line)
    return 0
