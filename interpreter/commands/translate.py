"""`interpreter translate`: a recording in, a bilingual transcript and speech out.

Input is checked and its start decoded before any model loads, and Whisper loads
only once the first utterance is found, so a wrong path, a file that is not audio or
a silent one fails in a moment rather than after ten seconds of loading Whisper.

The recording is translated as it is decoded, one utterance at a time, and the
spoken translation goes to the wav as each turn is made: memory does not grow with
the recording's length (benchmarks/file_memory.py measures it).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from interpreter.audio.files import Recording, WavWriter, resample
from interpreter.commands.common import Subcommands, model_store, stage_options
from interpreter.core.clock import Clock, MonotonicClock
from interpreter.core.errors import InputError
from interpreter.core.languages import language, parse_language_list
from interpreter.core.text import terminal_json
from interpreter.store import ModelStore
from interpreter.turn.pipeline import Directions, RecordingCuts, Turn, interpret_each
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


def same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file: the same path once links are followed, or
    (when both exist) the same inode on the same device, as a hard link is."""
    if first.resolve() == second.resolve():
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def check_job(job: FileJob) -> None:
    """What the options ask for, refused before any work when it cannot be done."""
    check_output_path(job.out_path)
    if job.out_path is None:
        return
    if not job.stages.speak:
        raise InputError(
            "--out writes the spoken translation, and --no-speech turns speech off; "
            "drop one of the two"
        )
    if same_file(job.out_path, job.input_path):
        raise InputError(
            f"--out {str(job.out_path)!r} is the recording being translated, and writing "
            "it would destroy the recording; name another file for the spoken translation"
        )


class SpokenTrack:
    """All spoken translations in one track, with a short pause between turns, written
    to the wav as each turn is made (at the first turn's rate) rather than held."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._out: WavWriter | None = None

    def add(self, audio: tuple[np.ndarray, int] | None) -> None:
        if audio is None:
            return
        samples, rate = audio
        if self._out is None:
            self._out = WavWriter(self.path, rate)
        else:
            self._out.write(np.zeros(int(GAP_BETWEEN_TURNS_S * self._out.sample_rate), np.float32))
        self._out.write(resample(samples, rate, self._out.sample_rate))

    def commit(self) -> bool:
        """Put the wav in place; False when no turn was spoken (nothing is written)."""
        if self._out is None:
            return False
        self._out.commit()
        return True

    def abort(self) -> None:
        if self._out is not None:
            self._out.abort()


CUT_NOTE = "cut: the recording ends inside this utterance (the file is shorter than its header)"


def cut_line(turn: Turn) -> str:
    """The cut mark, under the turn's lines as `turn_lines` indents them."""
    span = f"[{turn.utterance.t_start_s:6.2f}-{turn.utterance.t_end_s:6.2f}]"
    return f"{' ' * (len(span) + 1)}    {CUT_NOTE}"


def run_file(
    job: FileJob,
    store: ModelStore,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    clock: Clock | None = None,
) -> int:
    """Translate the recording utterance by utterance as it is decoded; the number of
    turns. Models load once the first utterance is found, so a file that is not audio
    or holds no speech fails before any of them."""
    check_job(job)

    def warn(line: str) -> None:
        print(f"warning: {line}", file=err, flush=True)

    recording = Recording(job.input_path, warn=warn)
    name = recording.name
    blocks = recording.blocks()
    # The start decoded now: a file that is not audio fails before any model loads.
    first_block = next(blocks)
    shortfall = recording.shortfall
    if shortfall is not None:
        warn(
            f"recording {name} is shorter than its header says ({shortfall.present_s:.1f} s "
            f"of {shortfall.expected_s:.1f} s): it was cut short, and its last words may be "
            "missing"
        )
    endpointer, vad_name = build_endpointer(store, job.stages.endpointer)
    cuts = RecordingCuts(chain([first_block], blocks), endpointer, name)
    del first_block
    utterances = iter(cuts)
    # No speech anywhere: an error before Whisper loads.
    utterances = chain([next(utterances)], utterances)
    clock = clock or MonotonicClock()
    interpreter, used = build_interpreter(store, job.directions, job.stages, clock, vad_name)
    voices = used.voices if job.stages.speak else {}
    for note in describe_gaps(interpreter.translator, job.directions, voices, store.catalog):
        print(f"note: {note}", file=err)

    track = SpokenTrack(job.out_path) if job.out_path is not None else None
    rows: list[dict[str, Any]] = []
    count = 0
    try:
        for turn in interpret_each(utterances, interpreter, job.directions, name):
            count += 1
            cut = shortfall is not None and turn.utterance.id == cuts.ended_inside
            back = interpreter.translator.back_translate(turn.translation) if job.back else None
            if job.as_json:
                row = turn_json(turn)
                if job.back:
                    row["back_translation"] = back_json(back)
                row["cut"] = cut
                rows.append(row)
            else:
                print("\n".join(turn_lines(turn)), file=out, flush=True)
                if job.back:
                    print(f"    {back_line(back)}", file=out, flush=True)
                if cut:
                    print(cut_line(turn), file=out, flush=True)
            if track is not None:
                track.add(turn.audio)
        written = track.commit() if track is not None else False
    finally:
        if track is not None:
            track.abort()
    if track is not None and not written:
        print("note: no speech was synthesised, so no audio was written", file=err)
    if job.as_json:
        document = {"utterances": rows, "models": used.as_dict()}
        print(terminal_json(document, indent=2), file=out)
    elif written:
        print(f"spoken translation written to {job.out_path}", file=err)
    return count


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
