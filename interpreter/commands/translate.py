"""`interpreter translate`: a recording in, a bilingual transcript and speech out.

Input is read and checked before any model loads, so a wrong path fails in a
moment rather than after ten seconds of loading Whisper.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np

from interpreter.audio.files import read_recording, resample, write_wav
from interpreter.commands.common import Subcommands, model_store, stage_options
from interpreter.core.clock import Clock, MonotonicClock
from interpreter.core.errors import InputError
from interpreter.core.languages import language, parse_language_list
from interpreter.core.types import Translation
from interpreter.store import ModelStore
from interpreter.turn.pipeline import Directions, Turn, find_utterances, interpret_utterances
from interpreter.turn.report import back_json, back_line, turn_json, turn_lines
from interpreter.turn.stages import StageOptions, build_endpointer, build_interpreter, describe_gaps

GAP_BETWEEN_TURNS_S = 0.4


@dataclass(frozen=True)
class FileJob:
    input_path: Path
    directions: Directions
    out_path: Path | None = None
    as_json: bool = False
    stages: StageOptions = field(default_factory=StageOptions)
    # Each translation also put back into the speaker's language, to check it.
    back: bool = False


def check_output_path(path: Path | None) -> None:
    if path is None:
        return
    if path.is_dir():
        raise InputError(f"--out {str(path)!r} is a folder; name a file in it, like out.wav")
    if path.suffix.lower() != ".wav":
        raise InputError(f"--out {str(path)!r} must end in .wav")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"--out folder {str(parent)!r} does not exist; create it first")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"--out folder {str(parent)!r} is not writable; choose another folder")


def join_turn_audio(turns: list[Turn]) -> tuple[np.ndarray, int] | None:
    """All spoken translations in one track, with a short pause between turns."""
    pieces = [audio for audio in (turn.audio for turn in turns) if audio is not None]
    if not pieces:
        return None
    rate = pieces[0][1]
    gap = np.zeros(int(GAP_BETWEEN_TURNS_S * rate), dtype=np.float32)
    track: list[np.ndarray] = []
    for samples, sample_rate in pieces:
        if track:
            track.append(gap)
        track.append(resample(samples, sample_rate, rate))
    return np.concatenate(track), rate


def run_file(
    job: FileJob,
    store: ModelStore,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    clock: Clock | None = None,
) -> list[Turn]:
    check_output_path(job.out_path)
    samples = read_recording(job.input_path)
    name = repr(str(job.input_path))
    endpointer, vad_name = build_endpointer(store, job.stages.endpointer)
    utterances = find_utterances(samples, endpointer, name)
    clock = clock or MonotonicClock()
    interpreter, used = build_interpreter(store, job.directions, job.stages, clock, vad_name)
    voices = used.voices if job.stages.speak else {}
    for note in describe_gaps(interpreter.translator, job.directions, voices, store.catalog):
        print(f"note: {note}", file=err)

    backs: dict[int, Translation | None] = {}

    def show(turn: Turn) -> None:
        if job.back:
            backs[turn.utterance.id] = interpreter.translator.back_translate(turn.translation)
        if not job.as_json:
            print("\n".join(turn_lines(turn)), file=out, flush=True)
            if job.back:
                print(f"    {back_line(backs[turn.utterance.id])}", file=out, flush=True)

    turns = interpret_utterances(utterances, interpreter, job.directions, on_turn=show, name=name)
    written = False
    if job.out_path is not None:
        track = join_turn_audio(turns)
        if track is None:
            print("note: no speech was synthesised, so no audio was written", file=err)
        else:
            write_wav(job.out_path, *track)
            written = True
    if job.as_json:
        rows = []
        for turn in turns:
            row = turn_json(turn)
            if job.back:
                row["back_translation"] = back_json(backs.get(turn.utterance.id))
            rows.append(row)
        document = {"utterances": rows, "models": used.as_dict()}
        print(json.dumps(document, ensure_ascii=False, indent=2), file=out)
    elif written:
        print(f"spoken translation written to {job.out_path}", file=err)
    return turns


def add_parser(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("translate", help="translate a recording")
    parser.add_argument("input", help="recording: wav, flac, mp3 or ogg")
    parser.add_argument(
        "--from", dest="source", required=True, help="language(s) spoken, e.g. zh or zh,en"
    )
    parser.add_argument("--to", dest="target", required=True, help="language to translate into")
    parser.add_argument("--out", help="write the spoken translation to this .wav file")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--asr-model", help="Whisper model name (default: best installed)")
    parser.add_argument(
        "--no-speech", action="store_true", help="skip speech synthesis (text only)"
    )
    parser.add_argument(
        "--back", action="store_true", help="also translate each translation back, to check it"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    listen = parse_language_list(args.source)
    job = FileJob(
        input_path=Path(args.input),
        directions=Directions.into(listen, language(args.target).code),
        out_path=Path(args.out) if args.out else None,
        as_json=args.json,
        stages=stage_options(args, speak=not args.no_speech),
        back=args.back,
    )
    run_file(job, model_store(args))
    return 0
