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


def test_each_ending_has_its_wait() -> None:
    options = TurnEndOptions(enabled=True, complete_silence_ms=160, unfinished_silence_ms=800)
    assert options.silence_ms(Ending.COMPLETE) == 160
    assert options.silence_ms(Ending.UNFINISHED) == 800
    assert options.silence_ms(Ending.UNKNOWN) == 448


# Readings of the pause set's first segments as Whisper wrote them, the full stop
# included: part of a sentence, read as if it were whole.


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The last batch.", "en"),  # ", um, had some broken handles."
        ("We need 3000.", "en"),  # " five hundred pieces."
        ("My WhatsApp is 447.", "en"),  # " nine one two, three three six."
        ("The item number is 350.", "en"),
        ("Bye!", "en"),  # a word of a list misheard: too short to say anything
        ("总价是四万。", "zh"),  # "，六千八百块。"
    ],
)
def test_a_few_words_or_a_bare_number_are_not_taken_as_whole(text: str, language: str) -> None:
    if text == "Bye!":
        assert judge(text, language) is Ending.COMPLETE  # asked or exclaimed: whole
        assert judge("Bye.", language) is Ending.UNKNOWN
        return
    assert judge(text, language) is Ending.UNKNOWN


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Black, white, grey", "en"),
        ("Cups, lids, bags.", "en"),
        ("黑色，白色，粉色。", "zh"),
        ("If the quality is good.", "en"),
        ("如果质量好。", "zh"),
    ],
)
def test_an_open_list_or_a_condition_alone_waits_for_the_rest(text: str, language: str) -> None:
    assert judge(text, language) is Ending.UNFINISHED


def test_a_closed_list_and_a_condition_with_its_answer_are_whole() -> None:
    assert judge("Cups, lids, bags and straws.", "en") is Ending.COMPLETE
    assert judge("黑色，白色，粉色和灰色。", "zh") is Ending.COMPLETE
    assert judge("我要订，五百件。", "zh") is Ending.COMPLETE
    assert judge("If the quality is good, we will order again.", "en") is Ending.COMPLETE
    assert judge("Black, white or grey?", "en") is Ending.COMPLETE


def test_a_reading_caught_in_a_loop_says_nothing_of_the_end() -> None:
    """Whisper given too short a window reads the words again and again; the last
    copy breaks off anywhere ("We want" would hang, "How much is" too)."""
    assert judge("We want the cups. We want the cups. We want the cups. We want", "en") is (
        Ending.UNKNOWN
    )
    assert judge("How much is this? How much is this? How much is", "en") is Ending.UNKNOWN
    assert judge("你好你好你好你好你好你好", "zh") is Ending.UNKNOWN


def test_a_draft_made_just_before_the_stop_judges_the_pause_until_the_reading_does() -> None:
    """The reading as the voice stops takes longer than a whole sentence's pause on a
    small CPU; the last draft, made while the party spoke, stands in for it."""
    from interpreter.live.turn_end import TurnEnd

    early = object()
    options = TurnEndOptions(enabled=True, draft_reach_s=0.6, unread_silence_ms=448)
    turn_end = TurnEnd(options, TurnEndJudge())
    assert turn_end.silence_ms(early, 2.9) == 448  # nothing read yet
    turn_end.heard(early, 2.5, "How much is this?", "en", at_stop=False)
    assert turn_end.silence_ms(early, 2.9) == options.complete_silence_ms
    assert turn_end.silence_ms(early, 3.5) == 448  # the draft missed a second of speech
    turn_end.heard(early, 2.9, "How much is this? Um, and", "en")
    assert turn_end.silence_ms(early, 2.9) == options.unfinished_silence_ms


def test_without_a_reach_only_the_reading_as_the_voice_stops_judges() -> None:
    from interpreter.live.turn_end import TurnEnd

    early = object()
    options = TurnEndOptions(enabled=True, draft_reach_s=0.0, unread_silence_ms=1000)
    turn_end = TurnEnd(options, TurnEndJudge())
    turn_end.heard(early, 2.85, "How much is this?", "en", at_stop=False)
    assert turn_end.silence_ms(early, 2.9) == 1000
    turn_end.heard(early, 2.85, "How much is this?", "en")
    assert turn_end.silence_ms(early, 2.9) == options.complete_silence_ms
