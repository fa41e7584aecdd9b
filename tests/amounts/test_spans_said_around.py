"""Ranges and approximate amounts said in more ways (issue 19, third dev split): the
unit said at both ends (五块到八块), "north of", 个把月, "a dozen pieces"; the words
for "some hundreds" and "about fifty" in the other languages; and a bound said with
"no" (no more than 2%), which is the exact number with its words, never "more than"."""

from __future__ import annotations

from decimal import Decimal

import pytest

from interpreter.amounts.amount import Approx
from interpreter.amounts.finder import AmountFinder


def read(finder: AmountFinder, text: str, language: str) -> list[tuple]:
    return [(a.kind, a.value, a.high, a.unit, a.approx) for a in finder.find(text, language)]


EXACT = Approx.EXACT


@pytest.mark.parametrize(
    ("said", "kind", "low", "high", "unit"),
    [
        ("这种五块到八块不等", "price", 5, 8, "yuan"),
        ("三天到五天能做好", "duration", 3, 5, "day"),
        ("200个到300个都可以", "qty", 200, 300, "piece"),
    ],
)
def test_a_chinese_range_with_its_unit_said_twice_is_one_range(
    finder, said, kind, low, high, unit
) -> None:
    assert read(finder, said, "zh") == [(kind, Decimal(low), Decimal(high), unit, EXACT)]


def test_two_amounts_in_different_units_are_no_range(finder) -> None:
    found = read(finder, "五块到八个", "zh")
    assert all(high is None for _, _, high, _, _ in found)


def test_north_of_a_number_is_more_than_it(finder) -> None:
    assert read(finder, "We're talking north of 5,000 pieces.", "en") == [
        ("qty", Decimal(5000), None, "piece", Approx.MORE)
    ]


@pytest.mark.parametrize(
    ("said", "language", "kind", "value"),
    [
        ("No more than two percent defects.", "en", "percent", 2),
        ("not more than 300 pieces", "en", "qty", 300),
        ("no más de 5 días", "es", "duration", 5),
        ("nicht mehr als 10 Kartons", "de", "qty", 10),
        ("не больше 3 дней", "ru", "duration", 3),
    ],
)
def test_a_bound_said_with_no_is_the_number_as_said_never_more_than_it(
    finder, said, language, kind, value
) -> None:
    ((found_kind, found_value, high, _, approx),) = read(finder, said, language)
    assert (found_kind, found_value, high, approx) == (kind, Decimal(value), None, EXACT)


def test_a_dozen_of_a_unit_is_twelve_of_it(finder) -> None:
    assert read(finder, "Give me a dozen pieces of each color.", "en") == [
        ("qty", Decimal(12), None, "piece", EXACT)
    ]
    assert read(finder, "two dozen boxes", "en") == [("qty", Decimal(24), None, "carton", EXACT)]
    assert read(finder, "Two dozen should do.", "en") == [("qty", Decimal(2), None, "dozen", EXACT)]


def test_ge_ba_before_a_unit_is_about_one(finder) -> None:
    assert read(finder, "个把月就能回本", "zh") == [
        ("duration", Decimal(1), None, "month", Approx.AROUND)
    ]
    assert read(finder, "个把小时就好", "zh") == [
        ("duration", Decimal(1), None, "hour", Approx.AROUND)
    ]


@pytest.mark.parametrize(
    ("said", "language", "kind", "value", "unit", "approx"),
    [
        ("Ein paar hundert Stück nehmen wir sicher.", "de", "qty", 100, "piece", Approx.SOME),
        ("Eso cuesta varios cientos de dólares.", "es", "price", 100, "usd", Approx.SOME),
        ("Ça coûte quelques centaines de dollars.", "fr", "price", 100, "usd", Approx.SOME),
        ("Это стоит несколько сотен долларов.", "ru", "price", 100, "usd", Approx.SOME),
        ("هذا يكلف بضع مئات من الدولارات.", "ar", "price", 100, "usd", Approx.SOME),
        ("Centenas de caixas por mês.", "pt", "qty", 100, "carton", Approx.SOME),
        ("Migliaia di pezzi.", "it", "qty", 1000, "piece", Approx.SOME),
        ("Une cinquantaine de pièces suffira.", "fr", "qty", 50, "piece", Approx.AROUND),
        ("Una ventina di cartoni bastano.", "it", "qty", 20, "carton", Approx.AROUND),
        ("Un centinaio di paia per taglia.", "it", "qty", 100, "pair", Approx.AROUND),
        ("Una decena de cajas.", "es", "qty", 10, "carton", Approx.AROUND),
        ("Une dizaine de jours.", "fr", "duration", 10, "day", Approx.AROUND),
    ],
)
def test_words_for_some_hundreds_or_about_fifty_are_approximate(
    finder, said, language, kind, value, unit, approx
) -> None:
    assert read(finder, said, language) == [(kind, Decimal(value), None, unit, approx)]


def test_a_vague_number_word_with_no_unit_is_a_vague_number(finder) -> None:
    assert read(finder, "Il y en a une vingtaine.", "fr") == [
        ("num", Decimal(20), None, "", Approx.AROUND)
    ]
    assert read(finder, "Il est en quarantaine.", "fr") == []  # quarantine, not forty


@pytest.mark.parametrize(
    ("said", "language", "low", "high", "unit"),
    [
        ("两块到三块五", "zh", "2", "3.5", "yuan"),  # never 2 to 3
        ("两到三块五", "zh", "2", "3.5", "yuan"),
        ("between 50 and 60 cents", "en", "0.5", "0.6", "usd"),  # never 50 to 60 dollars
    ],
)
def test_the_words_after_a_range_read_its_top_end_whole(finder, said, language, low, high, unit):
    assert read(finder, said, language) == [("price", Decimal(low), Decimal(high), unit, EXACT)]


@pytest.mark.parametrize(
    ("said", "language"), [("тысячи долларов", "ru"), ("آلاف الدولارات", "ar")]
)
def test_thousands_said_alone_are_some_thousands(finder, said, language) -> None:
    assert read(finder, said, language) == [("price", Decimal(1000), None, "usd", Approx.SOME)]
