"""The sentence-aware endpoint's judge: what the words heard so far say about the turn."""

from __future__ import annotations

import pytest

from interpreter.live.turn_end import Ending, TurnEndJudge, TurnEndOptions

judge = TurnEndJudge().judge


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("多少钱？", "zh"),
        ("How much is this?", "en"),
        ("我要订五百件。", "zh"),
        ("Thank you very much.", "en"),
        ("可以！", "zh"),
    ],
)
def test_a_question_or_a_full_stop_is_a_whole_turn(text: str, language: str) -> None:
    assert judge(text, language) is Ending.COMPLETE


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("我要订，嗯", "zh"),
        ("我要订，", "zh"),
        ("红色的和", "zh"),
        ("如果你要五百件的话", "zh"),
        ("价格是三，五，", "zh"),
        ("我的电话是一三八", "zh"),
        ("Can you...", "en"),
        ("I want red, blue and", "en"),
        ("Can you deliver it by the", "en"),
        ("The code is one five", "en"),
        ("So, um", "en"),
    ],
)
def test_words_left_hanging_wait_for_the_rest(text: str, language: str) -> None:
    assert judge(text, language) is Ending.UNFINISHED


@pytest.mark.parametrize(
    ("text", "language"),
    [("", "en"), ("我要五百件", "zh"), ("We need it in red", "en")],
)
def test_words_that_say_neither_wait_as_before(text: str, language: str) -> None:
    assert judge(text, language) is Ending.UNKNOWN


def test_a_sentence_the_phrasebook_holds_whole_is_a_whole_turn() -> None:
    knows = TurnEndJudge(lambda text, language: text == "我要五百件").judge
    assert knows("我要五百件", "zh") is Ending.COMPLETE
    assert knows("我要五百件，嗯", "zh") is Ending.UNFINISHED


def test_a_hanging_word_outweighs_the_full_stop_whisper_puts_after_it() -> None:
    """Whisper ends a reading of part of a sentence with a full stop all the same."""
    assert judge("I would like to order.", "en") is Ending.COMPLETE
    assert judge("I would like to order the.", "en") is Ending.UNFINISHED
    assert judge("我们可以，然后。", "zh") is Ending.UNFINISHED


def test_each_ending_has_its_wait_and_a_disabled_endpoint_waits_as_before() -> None:
    options = TurnEndOptions(enabled=True, complete_silence_ms=160, unfinished_silence_ms=800)
    assert options.silence_ms(Ending.COMPLETE) == 160
    assert options.silence_ms(Ending.UNFINISHED) == 800
    assert options.silence_ms(Ending.UNKNOWN) == 384
    off = TurnEndOptions(enabled=False)
    assert {off.silence_ms(e) for e in Ending} == {384}
