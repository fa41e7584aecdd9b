"""The latency budget's "smaller model" rung with the real store: a live session
loads a smaller Whisper when one that knows the languages is installed; a file
translation never pays for it. The test store holds whisper-base and the
English-only whisper-tiny.en."""

from __future__ import annotations

import pytest

from interpreter.asr.vad import Endpointer
from interpreter.core.clock import MonotonicClock
from interpreter.live.parties import Parties
from interpreter.live.session import LiveOptions, LiveSession
from interpreter.turn.pipeline import Directions
from interpreter.turn.stages import StageOptions, build_interpreter, choose_smaller_asr
from tests.asr.test_endpointer import ScriptedVad
from tests.live.test_session import QuietMicrophone

pytestmark = pytest.mark.models

TEXT_ONLY = StageOptions(speak=False)


def test_english_only_tiny_is_the_smaller_model_only_where_only_english_is_heard(
    model_store,
) -> None:
    base = model_store.catalog.get("whisper-base")
    assert choose_smaller_asr(model_store, ("zh", "en"), base) is None
    smaller = choose_smaller_asr(model_store, ("en",), base)
    assert smaller is not None and smaller.name == "whisper-tiny.en"
    # Nothing installed is smaller than tiny.en itself.
    assert choose_smaller_asr(model_store, ("en",), smaller) is None


def test_a_live_session_gets_the_smaller_rung_and_a_file_does_not(model_store) -> None:
    clock = MonotonicClock()
    english = Directions.into(("en",), "zh")
    live, used = build_interpreter(
        model_store, english, TEXT_ONLY, clock, "vad", smaller_model=True
    )
    assert used.asr == "whisper-base"
    assert live.smaller_transcriber is not None
    assert live.smaller_transcriber.name == "whisper-tiny.en"
    options = LiveOptions(parties=Parties("zh", "en"))
    # Neither the endpointer nor the microphone is started: the session is only built.
    session = LiveSession(
        live, Endpointer(ScriptedVad([])), QuietMicrophone(), options, clock=clock
    )
    assert session.worker.ladder.has_smaller_model

    file_mode, _ = build_interpreter(model_store, english, TEXT_ONLY, clock, "vad")
    assert file_mode.smaller_transcriber is None


def test_a_chinese_english_counter_never_gets_an_english_only_model(model_store) -> None:
    pair, _ = build_interpreter(
        model_store, Directions.pair("zh", "en"), TEXT_ONLY, MonotonicClock(), "vad",
        smaller_model=True,
    )  # fmt: skip
    assert pair.smaller_transcriber is None
