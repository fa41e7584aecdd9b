"""The per-utterance trace line: the listener's wait, stage by stage, and the rungs."""

from __future__ import annotations

import json

import numpy as np

from interpreter.core.clock import ManualClock
from interpreter.core.types import Utterance
from interpreter.core.vocabulary import Party, Status
from interpreter.turn.budget import BudgetLadder, LatencyBudget
from interpreter.turn.trace import DroppedTrace, TurnTrace
from tests.turn.test_budget import FREE_SPEECH, PAIR, SlowTranscriber, interpreter_with, utterance


def test_a_trace_line_times_each_stage_from_the_end_of_speech() -> None:
    clock = ManualClock(start_s=3.4)  # the endpointer waited 400 ms after a 3 s utterance
    transcriber = SlowTranscriber(clock, FREE_SPEECH, full_ms_per_s=100, quick_ms_per_s=50)
    interpreter, _ = interpreter_with(transcriber, clock, mt_ms_per_char=2)
    turn = interpreter.interpret(utterance(3.0), PAIR, ladder=BudgetLadder(LatencyBudget()))
    assert turn is not None

    trace = TurnTrace.of(
        turn, endpoint_s=3.4, first_audio_out_s=clock.now() + 0.01, party=Party.BUYER
    )
    line = json.loads(trace.json_line())

    assert line["party"] == "buyer" and line["language"] == "en" and line["method"] == "nmt"
    assert line["rungs"] == {"asr": "configured", "mt": "full"}
    times = line["ms_after_speech_end"]
    assert times["endpoint"] == 400.0
    assert times["asr_done"] == 700.0  # 300 ms of recognition
    assert times["first_audio_out"] > times["first_audio_made"] >= times["asr_done"]
    assert line["wait_ms"] == round(times["first_audio_out"] - 400.0, 1)
    assert line["violations"] == []


def test_a_turn_line_says_whether_its_translation_was_spoken() -> None:
    clock = ManualClock(start_s=3.4)
    transcriber = SlowTranscriber(clock, FREE_SPEECH, full_ms_per_s=100, quick_ms_per_s=50)
    interpreter, _ = interpreter_with(transcriber, clock)
    turn = interpreter.interpret(utterance(3.0), PAIR)
    assert turn is not None and turn.speech

    line = json.loads(TurnTrace.of(turn, endpoint_s=3.4, party=Party.BUYER).json_line())
    assert line["status"] == "spoken"
    keys_before_status = {
        "utterance", "party", "language", "method", "rungs", "speech_s",
        "ms_after_speech_end", "wait_ms", "violations", "confidence", "numbers",
    }  # fmt: skip
    assert set(line) == keys_before_status | {"status"}
    interrupted = TurnTrace.of(turn, endpoint_s=3.4, status=Status.INTERRUPTED)
    assert json.loads(interrupted.json_line())["status"] == "interrupted"


def test_an_utterance_that_left_no_turn_still_leaves_a_line() -> None:
    cough = Utterance(7, np.zeros(8_000, np.float32), 16_000, 11.5, 12.0)
    trace = DroppedTrace.of(cough, endpoint_s=12.25, dropped_s=12.4, status=Status.SILENT)
    line = json.loads(trace.json_line())
    assert line == {
        "utterance": 7,
        "party": None,
        "status": "silent",
        "language": None,
        "speech_s": 0.5,
        "ms_after_speech_end": {"endpoint": 250.0, "dropped": 400.0},
        "wait_ms": None,
    }
