"""English numbers the way buyers say them (issue 19): hundreds without "hundred",
digits one by one, plural scales after a number, "point seven five", "and a half";
and words that are not one number are never added up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from interpreter.amounts.finder import AmountFinder
from interpreter.amounts.numbers import parse_en_number


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("one fifty five", "155"),  # a price or a count, not 56
        ("seven fifty", "750"),
        ("three twenty five", "325"),
        ("one five five", "155"),  # digit by digit
        ("two oh two", "202"),  # "oh" is zero
        ("two thousands", "2000"),
        ("ten thousands", "10000"),
        ("point seven five", "0.75"),
        ("four and a half", "4.5"),
        ("twenty-five hundred", "2500"),
        ("two thousand and five", "2005"),
        ("nine hundred and ninety nine", "999"),
        ("one point two million", "1200000"),
    ],
)
def test_english_as_buyers_say_it_is_one_exact_number(said: str, value: str) -> None:
    assert parse_en_number(said) == Decimal(value)


@pytest.mark.parametrize("said", ["seven twelve", "eight ten twelve", "twenty twelve", "one five"])
def test_words_that_are_not_one_number_are_never_added_up(said: str) -> None:
    assert parse_en_number(said) is None


def test_thousands_alone_is_not_a_thousand(finder: AmountFinder) -> None:
    assert parse_en_number("thousands") is None
    (amount,) = finder.find("thousands of dollars", "en")
    assert not amount.exact and (amount.value, amount.unit) == (Decimal(1000), "usd")


def test_a_quantity_said_the_short_way_keeps_its_unit(finder: AmountFinder) -> None:
    found = [(a.kind, a.value, a.unit) for a in finder.find("I need one fifty five pieces.", "en")]
    assert found == [("qty", Decimal(155), "piece")]


def test_words_that_are_not_one_number_are_found_one_by_one(finder: AmountFinder) -> None:
    found = [(a.kind, a.value) for a in finder.find("I want sizes eight ten and twelve.", "en")]
    assert found == [("num", Decimal(8)), ("num", Decimal(10)), ("num", Decimal(12))]


def test_half_a_dozen_is_six_and_half_a_dollar_fifty_cents(finder: AmountFinder) -> None:
    (boxes,) = finder.find("half a dozen boxes", "en")
    assert (boxes.kind, boxes.value, boxes.unit) == ("qty", Decimal(6), "carton")
    (money,) = finder.find("half a dollar more", "en")
    assert (money.kind, money.value, money.unit) == ("price", Decimal("0.5"), "usd")
