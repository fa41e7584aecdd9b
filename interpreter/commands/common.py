"""What several subcommands read from their arguments: the model store, the stage
options, the live session's flags (shared by `live` and `kiosk`), whole numbers."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from interpreter.core.vocabulary import Mode

if TYPE_CHECKING:
    from interpreter.commands.live import LiveJob
    from interpreter.store import ModelStore
    from interpreter.turn.stages import StageOptions

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

MODES = tuple(mode.value for mode in Mode)


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least `minimum`, else a one-line usage error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is below the minimum of {minimum}")
        return value

    return parse


def model_store(args: argparse.Namespace) -> ModelStore:
    from interpreter.store import ModelStore, default_store_dir, load_catalog

    return ModelStore(args.models_dir or default_store_dir(), load_catalog())


def stage_options(args: argparse.Namespace, speak: bool = True) -> StageOptions:
    from interpreter.asr.transcriber import TranscriberOptions
    from interpreter.translate.nmt import NmtOptions
    from interpreter.turn.stages import StageOptions

    transcriber = TranscriberOptions(device=args.device, cpu_threads=args.threads)
    if args.beam_size is not None:
        transcriber = replace(transcriber, beam_size=args.beam_size)
    return StageOptions(
        asr_model=getattr(args, "asr_model", None),
        transcriber=transcriber,
        nmt=NmtOptions(device=args.device, cpu_threads=args.threads),
        speak=speak,
        glossary_path=args.glossary,
    )


def add_live_arguments(parser: argparse.ArgumentParser, mode_help: str) -> None:
    """The flags of a live session at the counter, for `live` and `kiosk` alike."""
    parser.add_argument("--pair", help="the merchant's language and the buyer's, e.g. zh-en")
    parser.add_argument("--config", help="stall config file (TOML); flags override it")
    parser.add_argument("--mode", choices=MODES, help=mode_help)
    parser.add_argument("--input-device", help="microphone: index or part of the name")
    parser.add_argument("--output-device", help="speaker: index or part of the name")
    parser.add_argument(
        "--input-file", type=Path, help="listen to this recording instead of a microphone"
    )
    parser.add_argument("--output-file", type=Path, help="speak into this wav instead of a speaker")
    parser.add_argument("--trace", action="store_true", help="one JSON line per utterance")
    parser.add_argument("--asr-model", help="Whisper model name (default: best installed)")


def live_job(args: argparse.Namespace) -> LiveJob:
    """The stall config (file, then flags over it) and the stage options; the file's
    `asr_model` (which `interpreter doctor` writes) unless --asr-model names one."""
    from interpreter.commands.live import LiveJob
    from interpreter.live.config import StallConfig, load_config, parse_device, parse_pair

    config = load_config(Path(args.config)) if args.config else StallConfig()
    if args.pair:
        config = replace(config, pair=parse_pair(args.pair))
    if args.mode:
        config = replace(config, mode=Mode(args.mode))
    if args.input_device is not None:
        config = replace(config, input_device=parse_device(args.input_device, "--input-device"))
    if args.output_device is not None:
        config = replace(config, output_device=parse_device(args.output_device, "--output-device"))
    stages = stage_options(args)
    if stages.asr_model is None and config.asr_model is not None:
        stages = replace(stages, asr_model=config.asr_model)
    return LiveJob(
        config=config,
        stages=stages,
        trace=args.trace,
        input_file=args.input_file,
        output_file=args.output_file,
    )
