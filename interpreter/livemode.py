"""`interpreter live`: the stall's microphone and speaker, until Ctrl-C.

A microphone or speaker that is missing, busy or unplugged is reported and retried
(StreamOptions.retries times, every retry_s) before the session gives up with a
one-line error; Ctrl-C stops the session cleanly: threads joined, streams closed, a
one-line summary of the turns.
"""

from __future__ import annotations

import signal
import sys
import threading
from dataclasses import dataclass, field, replace
from typing import TextIO

from interpreter.audio.devices import Microphone, Speaker, StreamOptions
from interpreter.clock import MonotonicClock
from interpreter.config import StallConfig
from interpreter.keys import KeyControl, cbreak
from interpreter.live import PUSH_TO_TALK, LiveOptions, LiveSession, SessionSummary
from interpreter.pipeline import Directions
from interpreter.stages import StageOptions, build_endpointer, build_interpreter, build_vad
from interpreter.store import ModelStore
from interpreter.turns import Parties, Party


@dataclass(frozen=True)
class LiveJob:
    config: StallConfig = field(default_factory=StallConfig)
    stages: StageOptions = field(default_factory=StageOptions)
    trace: bool = False
    streams: StreamOptions = field(default_factory=StreamOptions)


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

    config = job.config
    merchant, buyer = config.pair
    budget = config.budget
    clock = MonotonicClock()
    endpointer_options = replace(
        job.stages.endpointer,
        min_silence_ms=budget.endpoint_silence_ms,
        max_utterance_s=budget.max_utterance_s,
    )
    endpointer, vad_name = build_endpointer(store, endpointer_options)
    microphone = Microphone(config.input_device, clock, job.streams, say=warn)
    warn(f"loading models for {merchant}-{buyer} ...")
    stages = replace(job.stages, voices={**job.stages.voices, **config.voices})
    # A session has a latency budget: its last recognition rung is a smaller Whisper,
    # when one that knows both languages is installed.
    interpreter, used = build_interpreter(
        store, Directions.pair(merchant, buyer), stages, clock, vad_name, smaller_model=True
    )
    voices = ", ".join(f"{code} {name}" for code, name in used.voices.items()) or "none"
    smaller = interpreter.smaller_transcriber
    asr = used.asr + (f" (over budget: {smaller.name})" if smaller is not None else "")
    warn(f"models: {asr}; translation {', '.join(used.mt) or 'phrasebook'}; voices {voices}")
    options = LiveOptions(
        parties=Parties(merchant, buyer), mode=config.mode, budget=budget, trace=job.trace
    )
    session = LiveSession(
        interpreter, endpointer, microphone, options, say, clock, barge_vad=build_vad(store)
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
    stop = stop or threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        with cbreak(sys.stdin):
            if config.mode == PUSH_TO_TALK:
                keys = {config.merchant_key: Party.MERCHANT, config.buyer_key: Party.BUYER}
                KeyControl(session.presses, keys, stop).start()
                warn(
                    f"push-to-talk: press {config.merchant_key!r} (merchant, {merchant}) or "
                    f"{config.buyer_key!r} (buyer, {buyer}) to talk, again to finish; Ctrl-C stops"
                )
            else:
                warn(f"listening for {merchant} and {buyer}; Ctrl-C stops")
            summary = session.run(until=stop)
    finally:
        signal.signal(signal.SIGINT, previous)
    for stream in (microphone, speaker):
        if stream.error is not None:
            raise stream.error
    warn(summary.line())
    return summary
