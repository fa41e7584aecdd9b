"""Text Whisper invents is never passed on."""

from __future__ import annotations

import pytest

from interpreter.asr.hallucination import (
    cut_repetition,
    cut_runaway,
    is_invented,
    partial_text,
    read_once,
    restarts_itself,
)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for watching!",
        "Thank you for watching.",
        "字幕由Amara.org社群提供",
        "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目",
        "以下是普通话的句子。",
        "This is the end of this video.",
        "See you in the next video!",
        "",
        "...",
    ],
)
def test_caption_credits_and_empty_text_are_invented(text: str) -> None:
    assert is_invented(text, no_speech_prob=0.0, avg_logprob=-0.1)


def test_thank_you_is_kept_when_the_decoder_heard_speech() -> None:
    assert not is_invented("Thank you.", no_speech_prob=0.02, avg_logprob=-0.2)
    assert is_invented("Thank you.", no_speech_prob=0.5, avg_logprob=-0.2)


@pytest.mark.parametrize(
    ("looped", "cut"),
    [
        ("CirCirCirCirCirCirCir", "Cir"),
        ("me4me4me4me4me4me4", "me4"),
        ("你哦,欢迎,欢迎,你哦,欢迎,欢迎,你哦,欢迎,欢迎", "你哦,欢迎,欢迎"),
        ("Woo pay 3,4,5,5,5,5,5,5,5,5,5,5,5", "Woo pay 3,4,5"),
    ],
)
def test_loops_are_cut_to_one_copy(looped: str, cut: str) -> None:
    assert cut_repetition(looped) == cut


@pytest.mark.parametrize(
    "text",
    ["I want 10000 pieces", "1111 pieces", "3,3,3 cartons", "bye bye", "我们有红色和蓝色"],
)
def test_real_numbers_and_ordinary_text_are_untouched(text: str) -> None:
    assert cut_repetition(text) == text


@pytest.mark.parametrize(
    "said",
    ["Model A123 A123", "It is very very cheap.", "Hello. Hello.", "欢迎欢迎", "好的好的"],
)
def test_words_people_really_say_twice_are_kept(said: str) -> None:
    assert cut_repetition(said) == said


@pytest.mark.parametrize(
    ("text", "restarted"),
    [
        ("Hello. Hello.", True),
        ("We sell these in a small shop near the station in Milan. We sell these", True),
        ("這個多少錢?這個多少錢?", True),
        ("二十件可以消化二十件可以消化", True),
        ("很好很好", False),
        ("I need 1,200 pieces. I need them by May.", False),
        ("How much is this? It's 12 yuan.", False),
        ("我要订五百件。二十天可以交货。", False),
        ("Can the zipper be changed to metal?", False),
    ],
)
def test_a_sentence_that_starts_over_is_noticed(text: str, restarted: bool) -> None:
    assert restarts_itself(text) is restarted


@pytest.mark.parametrize(
    ("text", "first_reading"),
    [
        ("How much is this? How much is this? How much is this? How much is", "How much is this?"),
        ("Hello. Hello.", "Hello."),
        ("這個多少錢？這個多少錢？", "這個多少錢？"),
        ("我要订五百件。二十天可以交货。我要订五百件。", "我要订五百件。二十天可以交货。"),
        ("In a shop. In Milan. In a shop", "In a shop. In Milan."),
        ("Yes. Yes, it is.", None),  # the second sentence says more
        ("I need 1,200 pieces. I need them by May.", None),
        ("How much is this? It's 12 yuan.", None),
        ("二十件可以消化二十件可以消化", None),  # no sentence end: where the first ends is a guess
        ("Can the zipper be changed to metal?", None),
    ],
)
def test_an_utterance_read_twice_keeps_its_first_reading(
    text: str, first_reading: str | None
) -> None:
    assert read_once(text) == first_reading


@pytest.mark.parametrize(
    ("text", "avg_logprob", "invented"),
    [
        ("I'm very happy.", -1.25, True),  # read into a hall's babble
        ("Yeah.", -1.26, True),
        ("The", -2.6, True),
        ("I'm very happy.", -0.3, False),  # said clearly
        ("Hello.", -0.5, False),
        ("没问题", -0.52, False),
        ("我要订五百件，二十天交货", -1.3, False),  # a real sentence, badly heard: marked
    ],
)
def test_a_few_doubtful_words_are_noise_not_a_party(
    text: str, avg_logprob: float, invented: bool
) -> None:
    assert is_invented(text, no_speech_prob=0.35, avg_logprob=avg_logprob) is invented


def test_a_partial_shows_a_sentence_read_over_again_once() -> None:
    assert partial_text("你要多少?你要多少?你要多少?") == "你要多少?"
    assert partial_text("How much is this? How much is this? How much") == "How much is this?"


def test_a_partial_where_digits_loop_shows_nothing_but_a_real_number_shows() -> None:
    assert partial_text("12.2112211221122112") == ""
    assert partial_text("我要1000000个") == "我要1000000个"
    assert partial_text("1111 pieces, 3:30 to 5:30") == "1111 pieces, 3:30 to 5:30"


def test_a_decode_stopped_inside_a_loop_keeps_the_unit_once() -> None:
    cut_off = "这个材料不怕水 也不容易坏,也不容易坏,也不容易\ufffd"  # a broken last character
    assert cut_runaway(cut_off) == "这个材料不怕水 也不容易坏"
    assert cut_runaway("How much is this? How much is this? How much") == "How much is this?"


def test_what_is_not_a_runaway_loop_is_left_alone() -> None:
    assert cut_runaway("好的好的") == "好的好的"  # said twice, nothing cut off after
    assert cut_runaway("Yes, yes, it is.") == "Yes, yes, it is."
    assert cut_runaway("I need 1111111") == "I need 1111111"  # a number, not a loop
