"""Amounts said around their unit, and number words that are no amount (issue 19,
third dev split): a half after the unit (ثلاثة دولارات ونصف, dos horas y media),
cents of a named currency ("sixty euro cents"), "within a week", "July first"; and
idioms (一分钱一分货, 乱七八糟, "one by one", "cloud nine") that count nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.amounts.helpers import read


@pytest.mark.parametrize(
    ("said", "language", "kind", "value", "unit"),
    [
        ("السعر ثلاثة دولارات ونصف.", "ar", "price", "3.5", "usd"),
        ("ثلاث ساعات ونص", "ar", "duration", "3.5", "hour"),
        ("Tarda dos horas y media.", "es", "duration", "2.5", "hour"),
        ("Il faut trois kilos et demi.", "fr", "qty", "3.5", "kilogram"),
        ("It takes two hours and a half.", "en", "duration", "2.5", "hour"),
    ],
)
def test_a_half_said_after_the_unit_belongs_to_the_amount(
    finder, said, language, kind, value, unit
) -> None:
    assert read(finder, said, language) == [(kind, Decimal(value), unit)]


def test_cents_of_a_named_currency_are_hundredths_of_it(finder) -> None:
    assert read(finder, "Sixty euro cents per pair is too much.", "en") == [
        ("price", Decimal("0.60"), "eur")
    ]
    assert read(finder, "ninety dollar cents", "en") == [("price", Decimal("0.90"), "usd")]


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("Can you finish within a week?", [("duration", Decimal(1), "week")]),
        ("It will be ready in a month.", [("duration", Decimal(1), "month")]),
        ("We ship 500 pieces a day.", [("qty", Decimal(500), "piece")]),  # a rate
        ("Twice a week is fine.", []),
    ],
)
def test_a_single_period_said_with_a_is_a_duration_only_after_within_or_in(
    finder, said, found
) -> None:
    assert read(finder, said, "en") == found


@pytest.mark.parametrize(
    ("said", "day", "month"),
    [
        ("The fair starts July first.", 1, 7),
        ("Ship it by the twenty-first of March.", 21, 3),
        ("on May third", 3, 5),
    ],
)
def test_a_day_said_as_an_ordinal_word_is_a_date(finder, said, day, month) -> None:
    assert read(finder, said, "en") == [("date", Decimal(day), str(month))]


def test_may_the_verb_before_first_is_no_date(finder) -> None:
    assert read(finder, "We may first need a sample.", "en") == []


@pytest.mark.parametrize(
    ("said", "language"),
    [
        ("一分钱一分货嘛", "zh"),
        ("仓库里乱七八糟的", "zh"),
        ("他说话总是七上八下的", "zh"),
        ("Let's count them one by one.", "en"),
        ("I'm on cloud nine with this quality.", "en"),
    ],
)
def test_an_idiom_with_number_words_counts_nothing(finder, said, language) -> None:
    assert finder.find(said, language) == []


def test_an_amount_beside_an_idiom_is_still_found(finder) -> None:
    assert read(finder, "一分钱一分货，这个三块五", "zh") == [("price", Decimal("3.5"), "yuan")]
    assert read(finder, "Pack them one by one, 20 boxes.", "en") == [("qty", Decimal(20), "carton")]
