"""`interpreter translate-text`: typed text through the same translation ladder.

A merchant can type a price when the hall is too loud to speak; the translation and
its numbers come out exactly as they would for speech.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from interpreter.audio import devices
from interpreter.audio.files import write_wav
from interpreter.commands.common import Subcommands, model_store, stage_options
from interpreter.commands.translate import check_output_path
from interpreter.core.clock import Clock, MonotonicClock
from interpreter.core.errors import InputError
from interpreter.core.languages import language
from interpreter.core.text import terminal_json
from interpreter.core.types import Transcript, Translation
from interpreter.store import ModelStore
from interpreter.tts.synthesizer import speech_audio
from interpreter.turn.pipeline import Directions
from interpreter.turn.report import back_json, back_line, numbers_box, translation_text
from interpreter.turn.stages import (
    StageOptions,
    build_synthesizer,
    build_translator,
    describe_gaps,
    open_glossary,
)

MAX_TEXT_CHARS = 2000


@dataclass(frozen=True)
class TextJob:
    text: str
    source: str
    target: str
    speak: bool = False
    out_path: Path | None = None
    as_json: bool = False
    stages: StageOptions = field(default_factory=StageOptions)
    # Also put the translation back into the speaker's language, to check it.
    back: bool = False


def run_text(
    job: TextJob,
    store: ModelStore,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    clock: Clock | None = None,
) -> Translation:
    text = job.text.strip()
    if not text:
        raise InputError("no text to translate; pass the sentence in quotes")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"text is {len(text)} characters; split it below {MAX_TEXT_CHARS}")
    check_output_path(job.out_path)
    clock = clock or MonotonicClock()
    directions = Directions.into((job.source,), job.target)
    translator, mt_names, phrases = build_translator(
        store, directions, job.stages, clock, glossary=open_glossary(job.stages)
    )
    wants_audio = job.speak or job.out_path is not None
    synthesizer, voices = (
        build_synthesizer(store, directions, job.stages, clock) if wants_audio else (None, {})
    )
    for note in describe_gaps(translator, directions, voices, store.catalog):
        print(f"note: {note}", file=err)

    started_s = clock.now()
    transcript = Transcript(1, text, job.source, 1.0, started_s)
    translation = translator.translate(transcript, job.target)
    first_audio_ms = None
    audio = None
    if synthesizer is not None:
        chunks = list(synthesizer.synthesize(translation))
        if chunks:
            first_audio_ms = round(1000 * (chunks[0].t_done_s - translation.t_done_s), 1)
            audio = speech_audio(chunks)
            if job.out_path is not None:
                write_wav(job.out_path, *audio)
        if audio is None:
            print("note: no speech was synthesised, so nothing was spoken or written", file=err)
    mt_ms = round(1000 * (translation.t_done_s - started_s), 1)
    back = translator.back_translate(translation) if job.back else None
    if job.as_json:
        timings: dict[str, float | None] = {"mt": mt_ms, "total": mt_ms}
        if first_audio_ms is not None:
            timings["tts_first_audio"] = first_audio_ms
            timings["total"] = round(mt_ms + first_audio_ms, 1)
        document = {
            "utterances": [
                {
                    "language": job.source,
                    "transcript": text,
                    "translation": translation.text,
                    "target_language": job.target,
                    "method": translation.method.value,
                    "numbers": list(translation.numbers),
                    "numbers_said": list(translation.numbers_said),
                    "number_repairs": list(translation.number_repairs),
                    **({"back_translation": back_json(back)} if job.back else {}),
                    "timings_ms": timings,
                }
            ],
            "models": {"mt": list(mt_names), "tts": voices, "phrasebook_phrases": phrases},
        }
        print(terminal_json(document, indent=2), file=out)
    else:
        print(f"{job.target}  {translation_text(translation)}", file=out)
        print(f"    {translation.method.value} · mt {mt_ms:.0f} ms", file=out)
        for line in numbers_box(translation):
            print(f"    {line}", file=out)
        if job.back:
            print(f"    {back_line(back)}", file=out)
        out.flush()
    # Played last: the text is on screen before the speaker starts, and stays there
    # if there is no speaker at all.
    if audio is not None and job.speak and job.out_path is None:
        out.flush()
        devices.play(*audio)
    return translation


def add_parser(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("translate-text", help="translate typed text")
    parser.add_argument("text", help="the sentence, in quotes")
    parser.add_argument("--from", dest="source", required=True, help="language of the text")
    parser.add_argument("--to", dest="target", required=True, help="language to translate into")
    parser.add_argument("--speak", action="store_true", help="speak the translation")
    parser.add_argument("--out", help="write the spoken translation to this .wav file")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--back", action="store_true", help="also translate the translation back, to check it"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    job = TextJob(
        text=args.text,
        source=language(args.source).code,
        target=language(args.target).code,
        speak=args.speak,
        out_path=Path(args.out) if args.out else None,
        as_json=args.json,
        stages=stage_options(args),
        back=args.back,
    )
    run_text(job, model_store(args))
    return 0
