"""Amounts said in parts the way the counter says them (issue 19, the second dev set):
一米五 is 1.5 metres and 一个半月 1.5 months, never 1; "four grand" is $4,000, "3 thousand
500 pairs" 3,500 pairs, "one yuan twenty" 1.20 yuan; 一千块出头 and "30-plus days" are
more than 1,000 yuan and 30 days, never exactly that."""

from __future__ import annotations

from decimal import Decimal

import pytest

from interpreter.amounts.amount import Approx
from tests.amounts.helpers import read_written


@pytest.mark.parametrize(
    ("said", "found_"),
    [
        ("门幅一米五", [("qty", "1.5", "meter")]),
        ("他一米八", [("qty", "1.8", "meter")]),
        ("2米3的布", [("qty", "2.3", "meter")]),
        ("十米五卷", [("qty", "10", "meter"), ("qty", "5", "roll")]),  # 五 starts 5 rolls
    ],
)
def test_a_digit_after_mi_counts_in_tenths_of_a_metre(finder, said, found_) -> None:
    assert read_written(finder, said, "zh") == found_


@pytest.mark.parametrize(
    ("said", "found_"),
    [
        ("开模要一个半月", [("duration", "1.5", "month")]),
        ("一个半小时就到", [("duration", "1.5", "hour")]),
        ("两天半就能发货", [("duration", "2.5", "day")]),
        ("三块半一个", [("price", "3.5", "yuan")]),
        ("称了一斤半", [("qty", "1.5", "jin")]),
        ("三件半价", [("qty", "3", "piece")]),  # 半价 is half price
        ("两箱半成品", [("qty", "2", "carton")]),  # 半成品: half-finished goods
    ],
)
def test_a_half_after_the_unit_is_one_half_more(finder, said, found_) -> None:
    assert read_written(finder, said, "zh") == found_


@pytest.mark.parametrize(
    ("said", "found_"),
    [
        ("The total is four grand.", [("price", "4000", "usd")]),
        ("It cost me a grand.", [("price", "1000", "usd")]),
        ("The grand total is 500 pieces.", [("qty", "500", "piece")]),
    ],
)
def test_grand_is_a_thousand_dollars(finder, said, found_) -> None:
    assert read_written(finder, said, "en") == found_


def test_digits_with_thousand_then_hundreds_are_one_number(finder) -> None:
    assert read_written(finder, "The order is 3 thousand 500 pairs.", "en") == [
        ("qty", "3500", "pair")
    ]
    assert read_written(finder, "2 thousand and 300 pieces", "en") == [("qty", "2300", "piece")]


def test_yuan_then_a_two_digit_number_is_fen(finder) -> None:
    assert read_written(finder, "One yuan twenty per piece.", "en") == [("price", "1.2", "yuan")]
    assert read_written(finder, "three yuan fifty", "en") == [("price", "3.5", "yuan")]
    assert read_written(finder, "three yuan five", "en") == [
        ("price", "3", "yuan"),
        ("num", "5", ""),
    ]


@pytest.mark.parametrize(
    ("said", "language", "value", "unit"),
    [
        ("运费一千块出头", "zh", "1000", "yuan"),
        ("我们有上百种款式", "zh", "100", "style"),
        ("上千件", "zh", "1000", "piece"),
        ("It'll be 30-plus days.", "en", "30", "day"),
    ],
)
def test_a_bit_over_or_upwards_of_is_more_than_the_number(
    finder, said, language, value, unit
) -> None:
    (amount,) = finder.find(said, language)
    assert (amount.approx, amount.value, amount.unit) == (Approx.MORE, Decimal(value), unit)


def test_grand_in_a_range_or_a_hedge_multiplies_both_ends(finder) -> None:
    (about,) = finder.find("about four grand", "en")
    assert (about.approx, about.value, about.unit) == (Approx.AROUND, Decimal(4000), "usd")
    (between,) = finder.find("two to three grand", "en")
    assert (between.value, between.high, between.unit) == (Decimal(2000), Decimal(3000), "usd")
