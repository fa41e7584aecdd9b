"""When the session reads a party's growing utterance (`ReadingPolicy`), and the one
builder of a session's options that `interpreter live` and the benchmark share."""

from __future__ import annotations

from typing import cast

import numpy as np

from interpreter.asr.early import EarlyOptions, EarlyRecognizer
from interpreter.asr.transcriber import Transcriber
from interpreter.asr.vad import EndpointerOptions
from interpreter.core.vocabulary import Mode
from interpreter.live.config import StallConfig
from interpreter.live.options import LiveOptions, endpointer_options, stall_options
from interpreter.live.parties import GateOptions, Parties
from interpreter.live.reading import Reading, ReadingPolicy
from interpreter.turn.budget import LatencyBudget

RATE = 16_000


def reading(early: EarlyRecognizer, seconds: float, sequence: int, now: bool = False) -> Reading:
    return Reading(early, np.zeros(int(seconds * RATE), np.float32), RATE, sequence, now=now)


def recognizer(policy: ReadingPolicy) -> EarlyRecognizer:
    # The policy never asks it to read: no Whisper stands behind it.
    return EarlyRecognizer(cast(Transcriber, None), ("zh", "en"), policy.early)


def test_the_policy_reads_at_the_partial_interval_and_prepares_only_in_a_conversation() -> None:
    options = LiveOptions(Parties("zh", "en"), partial_interval_s=0.7, early=EarlyOptions())
    policy = ReadingPolicy.of(options)
    assert policy.interval_s == 0.7 and policy.early.min_audio_s == EarlyOptions().min_audio_s
    assert policy.behind(0.2) and not policy.behind(0.1)
    assert policy.voice_just_stopped(True, False) and not policy.voice_just_stopped(True, True)
    assert policy.prepares(now=True) and not policy.prepares(now=False)
    push_to_talk = ReadingPolicy.of(LiveOptions(Parties("zh", "en"), mode=Mode.PUSH_TO_TALK))
    assert not push_to_talk.prepares(now=True)
    unprepared = LiveOptions(Parties("zh", "en"), prepare_during_silence=False)
    assert not ReadingPolicy.of(unprepared).prepares(now=True)


def test_the_reading_as_the_voice_stopped_waits_in_place_of_a_newer_draft() -> None:
    policy = ReadingPolicy.of(LiveOptions(Parties("zh", "en")))
    early, other = recognizer(policy), recognizer(policy)
    stopped = reading(early, 2.0, 1, now=True)
    assert policy.keeps_waiting(stopped, reading(early, 2.1, 2))
    assert not policy.keeps_waiting(stopped, reading(early, 2.1, 2, now=True))
    assert not policy.keeps_waiting(stopped, reading(other, 0.1, 2)), "another utterance"
    assert not policy.keeps_waiting(reading(early, 1.0, 1), reading(early, 1.5, 2))


def test_a_draft_gives_up_unless_nothing_newer_waits_or_it_read_nearly_all() -> None:
    policy = ReadingPolicy.of(LiveOptions(Parties("zh", "en")))
    early = recognizer(policy)
    assert policy.goes_on(reading(early, 1.0, 3), give_up_through=2, stopped_s=float("inf"))
    assert not policy.goes_on(reading(early, 1.0, 2), give_up_through=2, stopped_s=2.0)
    assert policy.goes_on(reading(early, 1.9, 2), give_up_through=2, stopped_s=2.0)


def test_live_and_the_benchmark_build_the_session_from_the_stall_config() -> None:
    budget = LatencyBudget(endpoint_silence_ms=350, max_utterance_s=12.0)
    config = StallConfig(pair=("zh", "it"), mode=Mode.PUSH_TO_TALK, budget=budget)
    options = stall_options(config, trace=True)
    assert options == LiveOptions(
        Parties("zh", "it"), mode=Mode.PUSH_TO_TALK, budget=budget, trace=True
    )
    replay = stall_options(StallConfig(pair=("zh", "en")), trace=True, echo_gate=False)
    assert replay.gate == GateOptions(enabled=False) and replay.mode is Mode.CONVERSATION
    endpointer = endpointer_options(EndpointerOptions(), budget)
    assert (endpointer.min_silence_ms, endpointer.max_utterance_s) == (350, 12.0)
