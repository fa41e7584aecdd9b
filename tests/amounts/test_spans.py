"""Ranges and approximate amounts (amounts/spans.py, amounts/span_words.py): found
whole, never as one exact number, and written in every language in a form that is
read back as the same amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from interpreter.amounts.amount import Approx
from tests.amounts.helpers import only

LANGUAGES = ("en", "zh", "es", "fr", "de", "it", "pt", "ru", "ar")


@pytest.mark.parametrize(
    ("said", "language", "kind", "low", "high", "unit"),
    [
        ("两三百个", "zh", "qty", "200", "300", "piece"),  # never 23, never 300
        ("三到五天", "zh", "duration", "3", "5", "day"),
        ("三四天就到", "zh", "duration", "3", "4", "day"),  # not 34 days
        ("七八十个", "zh", "qty", "70", "80", "piece"),
        ("一两万件", "zh", "qty", "10000", "20000", "piece"),
        ("3到5万", "zh", "num", "30000", "50000", ""),
        ("between ten and twenty cartons", "en", "qty", "10", "20", "carton"),  # not 30
        ("two or three hundred pieces", "en", "qty", "200", "300", "piece"),
        ("$10 to $15", "en", "price", "10", "15", "usd"),
        ("a 20-30% deposit", "en", "percent", "20", "30", ""),
        ("Drei bis fünf Tage.", "de", "duration", "3", "5", "day"),
        ("От трёх до пяти дней.", "ru", "duration", "3", "5", "day"),
    ],
)
def test_a_range_is_one_amount_from_low_to_high(
    finder, said, language, kind, low, high, unit
) -> None:
    amount = only(finder, said, language)
    assert (amount.kind, amount.value, amount.high, amount.unit) == (
        kind, Decimal(low), Decimal(high), unit,
    )  # fmt: skip
    assert not amount.exact


@pytest.mark.parametrize(
    ("said", "language", "approx", "value", "unit"),
    [
        ("500多个", "zh", Approx.MORE, "500", "piece"),  # more than 500, not 500
        ("三个多月", "zh", Approx.MORE, "3", "month"),
        ("五块多", "zh", Approx.MORE, "5", "yuan"),
        ("十几天", "zh", Approx.MORE, "10", "day"),
        ("几百块", "zh", Approx.SOME, "100", "yuan"),
        ("五十来个", "zh", Approx.AROUND, "50", "piece"),
        ("over 3,000 pieces", "en", Approx.MORE, "3000", "piece"),
        ("500-odd pieces", "en", Approx.MORE, "500", "piece"),
        ("a few hundred dollars", "en", Approx.SOME, "100", "usd"),
        ("fifty-ish dollars", "en", Approx.AROUND, "50", "usd"),
        ("Más de mil piezas.", "es", Approx.MORE, "1000", "piece"),
    ],
)
def test_an_approximate_amount_says_how_it_is_approximate(
    finder, said, language, approx, value, unit
) -> None:
    amount = only(finder, said, language)
    assert (amount.approx, amount.value, amount.unit) == (approx, Decimal(value), unit)
    assert amount.high is None and not amount.exact


def test_hedges_are_written_in_the_listeners_words(finder) -> None:
    assert finder.render(only(finder, "两三百个", "zh"), "en") == "200 to 300 pieces"
    assert finder.render(only(finder, "500多个", "zh"), "en") == "over 500 pieces"
    assert finder.render(only(finder, "几百块", "zh"), "en") == "hundreds of yuan"
    assert finder.render(only(finder, "over 3,000 pieces", "en"), "zh") == "3000件以上"
    assert finder.render(only(finder, "fifty-ish dollars", "en"), "ru") == "около 50 долларов"


@pytest.mark.parametrize(
    ("said", "language"),
    [
        ("两三百个", "zh"), ("500多个", "zh"), ("几百块", "zh"), ("五十来个", "zh"),
        ("三到五天", "zh"), ("三个多月", "zh"), ("几十个", "zh"), ("over 3,000 pieces", "en"),
        ("a few hundred dollars", "en"), ("fifty-ish dollars", "en"), ("$10 to $15", "en"),
    ],
)  # fmt: skip
def test_what_is_written_in_any_language_reads_back_as_the_same_amount(
    finder, said, language
) -> None:
    amount = only(finder, said, language)
    for target in LANGUAGES:
        written = finder.render(amount, target)
        assert [a.key for a in finder.find(written, target)] == [amount.key], (target, written)


def test_an_exact_amount_and_a_lone_digit_pair_are_left_alone(finder) -> None:
    assert only(finder, "我要订五百件", "zh").exact
    assert only(finder, "I want 500 pieces", "en").exact
    assert [a.exact for a in finder.find("I have two or twenty", "en")] == [True, True]
