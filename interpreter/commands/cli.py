"""The `interpreter` command: arguments in, option dataclasses out, one call each."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from interpreter import __version__
from interpreter.commands.glossary import add_glossary_parser
from interpreter.commands.log import add_log_parser
from interpreter.core.errors import InterpreterError


def _store(args: argparse.Namespace):  # -> ModelStore
    from interpreter.store import ModelStore, default_store_dir, load_catalog

    return ModelStore(args.models_dir or default_store_dir(), load_catalog())


def _stage_options(args: argparse.Namespace, speak: bool = True):  # -> StageOptions
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


def cmd_live(args: argparse.Namespace) -> int:
    from interpreter.commands.live import run_live

    run_live(_live_job(args), _store(args))
    return 0


def _live_job(args: argparse.Namespace):  # -> LiveJob
    from interpreter.commands.live import LiveJob
    from interpreter.live.config import StallConfig, load_config, parse_device, parse_pair

    config = load_config(Path(args.config)) if args.config else StallConfig()
    if args.pair:
        config = replace(config, pair=parse_pair(args.pair))
    if args.mode:
        config = replace(config, mode=args.mode)
    if args.input_device is not None:
        config = replace(config, input_device=parse_device(args.input_device, "--input-device"))
    if args.output_device is not None:
        config = replace(config, output_device=parse_device(args.output_device, "--output-device"))
    return LiveJob(config=config, stages=_stage_options(args), trace=args.trace)


def cmd_kiosk(args: argparse.Namespace) -> int:
    from interpreter.commands.kiosk import KioskJob, run_kiosk

    live = _live_job(args)
    job = KioskJob(
        live=live,
        port=args.port,
        lan=args.lan,
        log_path=args.log,
        mode=args.mode or "push-to-talk",
    )
    run_kiosk(job, _store(args))
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    from interpreter.audio.devices import describe_devices, list_devices

    for line in describe_devices(list_devices()):
        print(line)
    return 0


def cmd_translate(args: argparse.Namespace) -> int:
    from interpreter.commands.translate import FileJob, run_file
    from interpreter.core.languages import language, parse_language_list
    from interpreter.turn.pipeline import Directions

    listen = parse_language_list(args.source)
    job = FileJob(
        input_path=Path(args.input),
        directions=Directions.into(listen, language(args.target).code),
        out_path=Path(args.out) if args.out else None,
        as_json=args.json,
        stages=_stage_options(args, speak=not args.no_speech),
        back=args.back,
    )
    run_file(job, _store(args))
    return 0


def cmd_translate_text(args: argparse.Namespace) -> int:
    from interpreter.commands.translate_text import TextJob, run_text
    from interpreter.core.languages import language

    job = TextJob(
        text=args.text,
        source=language(args.source).code,
        target=language(args.target).code,
        speak=args.speak,
        out_path=Path(args.out) if args.out else None,
        as_json=args.json,
        stages=_stage_options(args),
        back=args.back,
    )
    run_text(job, _store(args))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from interpreter.commands.demo import DemoOptions, run_demo

    options = DemoOptions(
        out_dir=Path(args.out) if args.out else None,
        stages=_stage_options(args),
        merchant_audio=Path(args.merchant_audio) if args.merchant_audio else None,
    )
    run_demo(options, _store(args))
    return 0


def cmd_models_list(args: argparse.Namespace) -> int:
    from interpreter.commands.models import list_models

    return list_models(_store(args), sys.stdout)


def cmd_models_fetch(args: argparse.Namespace) -> int:
    from interpreter.commands.models import fetch_models

    from_dir = Path(args.from_dir) if args.from_dir else None
    return fetch_models(
        _store(args),
        args.names,
        from_dir,
        args.force,
        args.allow_unpinned,
        sys.stdout,
        sys.stderr,
    )


def cmd_models_verify(args: argparse.Namespace) -> int:
    from interpreter.commands.models import verify_models

    return verify_models(_store(args), args.names, sys.stdout, sys.stderr)


def cmd_models_import(args: argparse.Namespace) -> int:
    from interpreter.commands.models import import_models

    return import_models(_store(args), Path(args.folder), args.force, sys.stdout, sys.stderr)


def cmd_models_export(args: argparse.Namespace) -> int:
    from interpreter.commands.models import export_model

    return export_model(_store(args), args.name, Path(args.folder), sys.stdout, sys.stderr)


def add_models_parser(commands: argparse._SubParsersAction) -> None:
    models = commands.add_parser("models", help="list, fetch, verify, import and export models")
    actions = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every model in the catalog, installed or not")
    listing.set_defaults(handler=cmd_models_list)

    fetch = actions.add_parser("fetch", help="install models (packages first, then the network)")
    fetch.add_argument("names", nargs="+", metavar="NAME")
    fetch.add_argument("--from", dest="from_dir", metavar="DIR", help="install from this folder")
    fetch.add_argument("--force", action="store_true", help="install again even if present")
    fetch.add_argument(
        "--allow-unpinned",
        action="store_true",
        help="for a repository the catalog has not pinned yet: take its current main "
        "and record the commit and hashes",
    )
    fetch.set_defaults(handler=cmd_models_fetch)

    verify = actions.add_parser("verify", help="rehash installed models (all when none named)")
    verify.add_argument("names", nargs="*", metavar="NAME")
    verify.set_defaults(handler=cmd_models_verify)

    imports = actions.add_parser("import", help="install every model exported into a folder")
    imports.add_argument("folder", metavar="DIR")
    imports.add_argument("--force", action="store_true", help="replace models already installed")
    imports.set_defaults(handler=cmd_models_import)

    export = actions.add_parser("export", help="copy an installed model to a folder (USB stick)")
    export.add_argument("name", metavar="NAME")
    export.add_argument("folder", metavar="DIR")
    export.set_defaults(handler=cmd_models_export)


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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    translate = commands.add_parser("translate", help="translate a recording")
    translate.add_argument("input", help="recording: wav, flac, mp3 or ogg")
    translate.add_argument(
        "--from", dest="source", required=True, help="language(s) spoken, e.g. zh or zh,en"
    )
    translate.add_argument("--to", dest="target", required=True, help="language to translate into")
    translate.add_argument("--out", help="write the spoken translation to this .wav file")
    translate.add_argument("--json", action="store_true", help="print one JSON document")
    translate.add_argument("--asr-model", help="Whisper model name (default: best installed)")
    translate.add_argument(
        "--no-speech", action="store_true", help="skip speech synthesis (text only)"
    )
    translate.add_argument(
        "--back", action="store_true", help="also translate each translation back, to check it"
    )
    translate.set_defaults(handler=cmd_translate)

    text = commands.add_parser("translate-text", help="translate typed text")
    text.add_argument("text", help="the sentence, in quotes")
    text.add_argument("--from", dest="source", required=True, help="language of the text")
    text.add_argument("--to", dest="target", required=True, help="language to translate into")
    text.add_argument("--speak", action="store_true", help="speak the translation")
    text.add_argument("--out", help="write the spoken translation to this .wav file")
    text.add_argument("--json", action="store_true", help="print one JSON document")
    text.add_argument(
        "--back", action="store_true", help="also translate the translation back, to check it"
    )
    text.set_defaults(handler=cmd_translate_text)

    demo = commands.add_parser("demo", help="a scripted counter conversation, end to end")
    demo.add_argument("--out", help="folder for the audio (default: demo-output/<time>)")
    demo.add_argument(
        "--merchant-audio",
        metavar="DIR",
        help="play the merchant's lines from recordings instead of espeak-ng: in DIR, "
        "NN.wav for script line NN (16 kHz mono 16-bit PCM, the speech alone) and "
        'lines.json: {"voice": "who speaks", "lines": {"02.wav": "二十块一个。", ...}}, '
        "checked against the script (make demo renders them with the natural test voice "
        "when ../shared/voices/zh-baker is present)",
    )
    demo.set_defaults(handler=cmd_demo)

    live = commands.add_parser("live", help="listen and interpret at the counter until Ctrl-C")
    live.add_argument("--pair", help="the merchant's language and the buyer's, e.g. zh-en")
    live.add_argument("--config", help="stall config file (TOML); flags override it")
    live.add_argument("--mode", choices=("conversation", "push-to-talk"), help="turn taking")
    live.add_argument("--input-device", help="microphone: index or part of the name")
    live.add_argument("--output-device", help="speaker: index or part of the name")
    live.add_argument("--trace", action="store_true", help="one JSON line per utterance")
    live.add_argument("--asr-model", help="Whisper model name (default: best installed)")
    live.set_defaults(handler=cmd_live)

    kiosk = commands.add_parser(
        "kiosk", help="live, with the stall's two-sided web page and the deal log"
    )
    kiosk.add_argument("--pair", help="the merchant's language and the buyer's, e.g. zh-en")
    kiosk.add_argument("--config", help="stall config file (TOML); flags override it")
    kiosk.add_argument(
        "--mode",
        choices=("conversation", "push-to-talk"),
        help="turn taking (default: push-to-talk, the page's buttons)",
    )
    kiosk.add_argument("--input-device", help="microphone: index or part of the name")
    kiosk.add_argument("--output-device", help="speaker: index or part of the name")
    kiosk.add_argument("--trace", action="store_true", help="one JSON line per utterance")
    kiosk.add_argument("--asr-model", help="Whisper model name (default: best installed)")
    kiosk.add_argument("--port", type=whole_number(0), default=8780, help="web page port")
    kiosk.add_argument(
        "--lan",
        action="store_true",
        help="serve the page to the stall's network too, with a pairing token",
    )
    kiosk.add_argument(
        "--log",
        type=Path,
        default=None,
        help="deal log file (default: ~/.local/share/interpreter/deals.sqlite; "
        "env INTERPRETER_DEAL_LOG)",
    )
    kiosk.set_defaults(handler=cmd_kiosk)

    devices = commands.add_parser("devices", help="list microphones and speakers")
    devices.set_defaults(handler=cmd_devices)

    add_models_parser(commands)
    add_log_parser(commands)
    add_glossary_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.handler(args))
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
