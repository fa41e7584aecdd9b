"""English numbers with scale words said around digits or halves (issue 19, third
dev split): "4 hundred 50" is 450, never 4, 100 and 50; "6 and a half thousand" is
6,500; "half a million" 500,000; "five k" 5,000; "2 point 5" 2.5. A run that does not
read as one number is left alone rather than cut into wrong ones."""

from __future__ import annotations

from decimal import Decimal

import pytest

from interpreter.amounts.finder import AmountFinder
from interpreter.amounts.numbers import parse_en_number


def amounts(finder: AmountFinder, text: str) -> list[tuple[str, Decimal | None, str]]:
    return [(a.kind, a.value, a.unit) for a in finder.find(text, "en")]


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("4 hundred 50", "450"),
        ("5 thousand 5 hundred", "5500"),
        ("1 hundred and 20", "120"),
        ("12 hundred", "1200"),
        ("10 thousand 5 hundred", "10500"),
        ("3 million 200 thousand", "3200000"),
        ("2 thousand three hundred", "2300"),
    ],
)
def test_digits_with_english_scale_words_make_one_number(said: str, value: str) -> None:
    assert parse_en_number(said) == Decimal(value)


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("6 and a half thousand", "6500"),
        ("three and a half thousand", "3500"),
        ("6 and a half", "6.5"),
        ("half a million", "500000"),
        ("half a thousand", "500"),
        ("five k", "5000"),
        ("ten k", "10000"),
        ("2 point 5", "2.5"),
    ],
)
def test_halves_thousands_said_k_and_a_spoken_point_are_one_number(said: str, value: str) -> None:
    assert parse_en_number(said) == Decimal(value)


@pytest.mark.parametrize(
    "said",
    [
        "2 hundred 350",  # the 350 does not fit below a hundred
        "2 thousand 3 thousand",  # scales never climb back up
        "two thousand and three thousand",
        "twenty 5",  # digits never follow a word's tens
        "50 five",
        "hundred hundred",
    ],
)
def test_words_and_digits_that_are_not_one_number_are_none(said: str) -> None:
    assert parse_en_number(said) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pack 4 hundred 50 cartons.", [("qty", Decimal(450), "carton")]),
        ("That's 5 thousand 5 hundred dollars.", [("price", Decimal(5500), "usd")]),
        ("Send 1 hundred and 20 pairs.", [("qty", Decimal(120), "pair")]),
        ("12 hundred sets, mixed colors.", [("qty", Decimal(1200), "set")]),
        ("The invoice says 6 and a half thousand.", [("num", Decimal(6500), "")]),
        ("Three and a half thousand meters.", [("qty", Decimal(3500), "meter")]),
        ("Half a million pieces a year.", [("qty", Decimal(500000), "piece")]),
        ("We sold five k units.", [("qty", Decimal(5000), "piece")]),
        ("Ten K pieces is our minimum.", [("qty", Decimal(10000), "piece")]),
        ("Cut it to 2 point 5 meters.", [("qty", Decimal("2.5"), "meter")]),
    ],
)
def test_a_number_said_with_scale_words_is_found_whole(finder, text, expected) -> None:
    assert amounts(finder, text) == expected


def test_a_run_of_scales_that_is_not_one_number_is_left_alone(finder) -> None:
    assert amounts(finder, "We need 2 hundred 350 boxes.") == []
    assert amounts(finder, "two thousand and three thousand pieces") == []
