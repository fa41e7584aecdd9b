"""When a turn is sure enough to speak: its words as a whole, and each number in them."""

from __future__ import annotations

import pytest

from interpreter.amounts.finder import AmountFinder
from interpreter.core.types import Heard, Transcript
from interpreter.core.vocabulary import Doubt
from interpreter.turn.doubt import DoubtCheck, DoubtOptions, is_digit_run, number_probabilities


@pytest.fixture(scope="module")
def check() -> DoubtCheck:
    return DoubtCheck(AmountFinder.load(), DoubtOptions(min_number_probability=0.2))


def heard(*pieces: tuple[str, float]) -> tuple[Heard, ...]:
    return tuple(Heard(text, probability) for text, probability in pieces)


def transcript(pieces: tuple[Heard, ...], language: str, confidence: float = 0.8) -> Transcript:
    text = "".join(piece.text for piece in pieces).strip()
    return Transcript(1, text, language, confidence, 0.0, heard=pieces)


def test_a_price_with_one_doubtful_digit_is_asked_again(check: DoubtCheck) -> None:
    order = heard(("我要", 0.9), ("五", 0.12), ("百", 0.93), ("件", 0.95))
    assert check.of(transcript(order, "zh")) is Doubt.NUMBER


def test_the_same_price_heard_clearly_is_spoken(check: DoubtCheck) -> None:
    order = heard(("我要", 0.9), ("五", 0.55), ("百", 0.93), ("件", 0.95))
    assert check.of(transcript(order, "zh")) is Doubt.NONE


def test_a_doubtful_word_that_is_no_number_does_not_hold_the_turn(check: DoubtCheck) -> None:
    """Whisper often doubts a particle and is sure of the price."""
    price = heard(("三", 0.9), ("块", 0.95), ("五", 0.88), ("吧", 0.05))
    assert check.of(transcript(price, "zh")) is Doubt.NONE


def test_a_number_character_that_is_no_amount_is_not_judged(check: DoubtCheck) -> None:
    """一 in 一下 is not a number anybody said."""
    look = heard(("我", 0.9), ("看", 0.9), ("一", 0.1), ("下", 0.9))
    assert check.of(transcript(look, "zh")) is Doubt.NONE


def test_english_digits_are_judged_by_their_own_piece(check: DoubtCheck) -> None:
    price = heard(("It", 0.9), ("'s", 0.9), (" $", 0.8), ("3", 0.15), (".", 0.9), ("50", 0.9))
    assert number_probabilities(price, "en", check.finder) == [0.8, 0.15, 0.9, 0.9]
    assert check.of(transcript(price, "en")) is Doubt.NUMBER


def test_a_run_of_digits_is_confirmed_whatever_its_confidence(check: DoubtCheck) -> None:
    """A decoder loop heard from a noisy hall at confidence 0.61, not a price."""
    loop = heard(("4-4-4-4-4-3-4-4-1-2-1-2-1-2-5", 0.9))
    assert check.of(transcript(loop, "en", confidence=0.61)) is Doubt.NUMBER


@pytest.mark.parametrize(
    ("text", "run"),
    [
        ("4-4-4-4-4-3-4-4-1-2-1-2-1-2-5", True),
        ("138 1234 5678", True),
        ("12345", False),  # five digits: a quantity said alone
        ("I want 123456 pieces", False),  # words around it: judged digit by digit
        ("", False),
    ],
)
def test_a_run_of_digits_is_digits_and_separators_only(text: str, run: bool) -> None:
    assert is_digit_run(text, 6) is run


def test_words_heard_without_confidence_are_unsure_before_any_number(check: DoubtCheck) -> None:
    order = heard(("我要", 0.9), ("五", 0.12), ("百", 0.93), ("件", 0.95))
    assert check.of(transcript(order, "zh", confidence=0.3)) is Doubt.WORDS


def test_a_transcript_not_measured_is_judged_by_its_confidence_alone(check: DoubtCheck) -> None:
    said = Transcript(1, "我要五百件", "zh", 0.8, 0.0)
    assert check.of(said) is Doubt.NONE
