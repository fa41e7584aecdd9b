"""`interpreter live`: the stall's microphone and speaker, until Ctrl-C.

With `--input-file talk.wav` the microphone is a recording, and with `--output-file
out.wav` the speaker a wav (audio/filesound.py), through the same streams as a sound
card, in real time: the whole session on a machine with no sound card. A session on
a recording stops by itself once the recording is over and its last answer spoken.

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
from pathlib import Path
from typing import TextIO

from interpreter.audio.filesound import FileSound
from interpreter.audio.speaker import Speaker
from interpreter.audio.streams import Microphone, StreamOptions
from interpreter.commands.common import Subcommands, add_live_arguments, live_job, model_store
from interpreter.core.clock import MonotonicClock
from interpreter.core.vocabulary import Mode, Party
from interpreter.live.config import StallConfig
from interpreter.live.gpio import StallBoard, open_board
from interpreter.live.keys import KeyControl, cbreak
from interpreter.live.options import endpointer_options, stall_options
from interpreter.live.service_notify import ServiceNotifier
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
    # A recording to listen to instead of a microphone, and a wav to speak into
    # instead of a speaker (None: the sound card's).
    input_file: Path | None = None
    output_file: Path | None = None


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
    # The recording and the wav standing in for the sound card, if any.
    files: FileSound | None = None


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
    files = None
    if job.input_file is not None or job.output_file is not None:
        files = FileSound(job.input_file, job.output_file, warn=warn)
    microphone = Microphone(
        config.input_device, clock, job.streams, say=warn,
        sound=files if job.input_file is not None else None,
    )  # fmt: skip
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
        # Under systemd (device/systemd/interpreter.service): READY, the watchdog, STOPPING.
        service=ServiceNotifier.from_environment(),
    )
    speaker = Speaker(
        config.output_device,
        clock,
        job.streams,
        say=warn,
        on_start=session.playback_started,
        on_stop=session.playback_stopped,
        sound=files if job.output_file is not None else None,
    )
    session.attach_speaker(speaker)
    return OpenSession(
        session, interpreter, used, microphone, speaker, clock, stages, load_s, files
    )


def run_session(
    opened: OpenSession,
    config: StallConfig,
    warn: Callable[[str], None],
    stop: threading.Event,
    stop_at_end: bool = True,
    board: StallBoard | None = None,
) -> SessionSummary:
    """Keys on the terminal (and the `board`'s buttons and lights), Ctrl-C to stop;
    until then the session runs (on a recording, until it is over and answered, or
    with `stop_at_end` False, until Ctrl-C all the same)."""
    session = opened.session
    merchant, buyer = config.pair
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    files = opened.files
    if files is not None and opened.microphone.portaudio() is files:
        watch = RecordingEnd(files, opened, warn, stop if stop_at_end else None)
        threading.Thread(target=watch.run, args=(stop,), name="recording-end", daemon=True).start()
    try:
        if board is not None:
            for line in board.lines(config.mode):
                warn(line)
            board.start(session.presses)
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
        if files is not None:
            if files.error is None and opened.speaker.error is None:
                files.close()
            else:
                files.abort()
    problems = [opened.microphone.error, opened.speaker.error, files.error if files else None]
    for problem in problems:
        if problem is not None:
            raise problem
    warn(summary.line())
    if files is not None and opened.speaker.portaudio() is files:
        warn(f"what the device said is in {job_output(files)}")
    return summary


def job_output(files: FileSound) -> str:
    return repr(str(files.output_path))


class RecordingEnd:
    """Watches a session on a recording: once the recording (and its tail of silence)
    is read and nothing is left to interpret or to play, it says so, and stops the
    session (`stop` given) or leaves it to Ctrl-C."""

    # Settled this many times in a row, 0.1 s apart: a turn between the listener and
    # the worker is in neither's hands for a moment.
    SETTLED_CHECKS = 5

    def __init__(
        self,
        files: FileSound,
        opened: OpenSession,
        warn: Callable[[str], None],
        stop: threading.Event | None,
    ) -> None:
        self._files = files
        self._opened = opened
        self._warn = warn
        self._stop = stop

    def settled(self) -> bool:
        return self._opened.session.settled() and self._opened.speaker.idle

    def run(self, stopping: threading.Event) -> None:
        def over() -> bool:
            return stopping.is_set() or self._opened.session.stopped

        while not over() and not self._files.ended.is_set():
            stopping.wait(0.1)
        calm = 0
        while not over() and calm < self.SETTLED_CHECKS:
            calm = calm + 1 if self.settled() else 0
            stopping.wait(0.1)
        if over():
            return
        if self._stop is not None:
            self._warn("the recording is over and every turn answered")
            self._stop.set()
        else:
            self._warn("the recording is over and every turn answered; Ctrl-C stops")


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

    # The buttons and lights first: a wiring mistake shows before the models load.
    with open_board(job.config.gpio, job.config.mode) as board:
        opened = open_session(job, store, say, warn, events=board.events())
        return run_session(opened, job.config, warn, stop or threading.Event(), board=board)


def add_parser(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("live", help="listen and interpret at the counter until Ctrl-C")
    add_live_arguments(parser, mode_help="turn taking")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    run_live(live_job(args), model_store(args))
    return 0
