"""`interpreter live`: the stall's microphone and speaker, until Ctrl-C.

A microphone or speaker that is missing, busy or unplugged is reported and retried
(StreamOptions.retries times, every retry_s) before the session gives up with a
one-line error; Ctrl-C stops the session cleanly: threads joined, streams closed, a
one-line summary of the turns.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TextIO

from interpreter.audio.speaker import Speaker
from interpreter.audio.streams import Microphone, StreamOptions
from interpreter.commands.common import Subcommands, add_live_arguments, live_job, model_store
from interpreter.core.clock import MonotonicClock
from interpreter.core.vocabulary import Mode, Party
from interpreter.live.config import StallConfig
from interpreter.live.keys import KeyControl, cbreak
from interpreter.live.options import endpointer_options, stall_options
from interpreter.live.session import LiveSession, SessionEvents
from interpreter.live.summary import SessionSummary
from interpreter.store import ModelStore
from interpreter.turn.pipeline import Directions, Interpreter
from interpreter.turn.stages import (
    ModelsUsed,
    StageOptions,
    build_endpointer,
    build_interpreter,
    build_vad,
)


@dataclass(frozen=True)
class LiveJob:
    config: StallConfig = field(default_factory=StallConfig)
    stages: StageOptions = field(default_factory=StageOptions)
    trace: bool = False
    streams: StreamOptions = field(default_factory=StreamOptions)


@dataclass
class OpenSession:
    """A session with its models loaded and its devices chosen, not yet running."""

    session: LiveSession
    interpreter: Interpreter
    used: ModelsUsed
    microphone: Microphone
    speaker: Speaker
    clock: MonotonicClock
    stages: StageOptions
    load_s: float


def open_session(
    job: LiveJob,
    store: ModelStore,
    say: Callable[[str], None],
    warn: Callable[[str], None],
    events: SessionEvents | None = None,
) -> OpenSession:
    config = job.config
    merchant, buyer = config.pair
    budget = config.budget
    clock = MonotonicClock()
    endpointer, vad_name = build_endpointer(
        store, endpointer_options(job.stages.endpointer, budget)
    )
    microphone = Microphone(config.input_device, clock, job.streams, say=warn)
    warn(f"loading models for {merchant}-{buyer} ...")
    stages = replace(job.stages, voices={**job.stages.voices, **config.voices})
    started_s = clock.now()
    # A session has a latency budget: its last recognition rung is a smaller Whisper,
    # when one that knows both languages is installed.
    interpreter, used = build_interpreter(
        store, Directions.pair(merchant, buyer), stages, clock, vad_name, smaller_model=True
    )
    load_s = clock.now() - started_s
    voices = ", ".join(f"{code} {name}" for code, name in used.voices.items()) or "none"
    smaller = interpreter.smaller_transcriber
    asr = used.asr + (f" (over budget: {smaller.name})" if smaller is not None else "")
    warn(f"models: {asr}; translation {', '.join(used.mt) or 'phrasebook'}; voices {voices}")
    options = stall_options(config, trace=job.trace)
    session = LiveSession(
        interpreter,
        endpointer,
        microphone,
        options,
        say,
        clock,
        barge_vad=build_vad(store),
        events=events,
    )
    speaker = Speaker(
        config.output_device,
        clock,
        job.streams,
        say=warn,
        on_start=session.playback_started,
        on_stop=session.playback_stopped,
    )
    session.attach_speaker(speaker)
    return OpenSession(session, interpreter, used, microphone, speaker, clock, stages, load_s)


def run_session(
    opened: OpenSession,
    config: StallConfig,
    warn: Callable[[str], None],
    stop: threading.Event,
) -> SessionSummary:
    """Keys on the terminal, Ctrl-C to stop; until then the session runs."""
    session = opened.session
    merchant, buyer = config.pair
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        with cbreak(sys.stdin):
            back = {config.back_key: session.request_back_translation}
            back_note = f"; {config.back_key!r} puts the last translation back"
            if config.mode is Mode.PUSH_TO_TALK:
                keys = {config.merchant_key: Party.MERCHANT, config.buyer_key: Party.BUYER}
                KeyControl(session.presses, keys, stop, actions=back).start()
                warn(
                    f"push-to-talk: press {config.merchant_key!r} (merchant, {merchant}) or "
                    f"{config.buyer_key!r} (buyer, {buyer}) to talk, again to finish"
                    f"{back_note}; Ctrl-C stops"
                )
            else:
                if sys.stdin is not None and not sys.stdin.closed:
                    KeyControl(session.presses, {}, stop, actions=back).start()
                warn(f"listening for {merchant} and {buyer}{back_note}; Ctrl-C stops")
            summary = session.run(until=stop)
    finally:
        signal.signal(signal.SIGINT, previous)
    for stream in (opened.microphone, opened.speaker):
        if stream.error is not None:
            raise stream.error
    warn(summary.line())
    return summary


def run_live(
    job: LiveJob,
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

    opened = open_session(job, store, say, warn)
    return run_session(opened, job.config, warn, stop or threading.Event())


def add_parser(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("live", help="listen and interpret at the counter until Ctrl-C")
    add_live_arguments(parser, mode_help="turn taking")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    run_live(live_job(args), model_store(args))
    return 0
