"""Dates in every language: "el 15 de marzo", "il 3 aprile", "am 15. März", "15 марта"
are a day of a month, not a bare number; a month name alone or a number of something
else is no date."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.amounts.helpers import read


@pytest.mark.parametrize(
    ("said", "language", "day", "month"),
    [
        ("Lo necesito para el 15 de marzo.", "es", 15, 3),
        ("Ci vediamo il 3 aprile.", "it", 3, 4),
        ("Livraison le 1er juin.", "fr", 1, 6),
        ("Wir liefern am 15. März.", "de", 15, 3),
        ("Preciso até 20 de setembro.", "pt", 20, 9),
        ("Доставка к 15 марта.", "ru", 15, 3),
        ("التسليم يوم 10 مايو", "ar", 10, 5),
    ],
)
def test_a_day_of_a_month_is_a_date_in_every_language(finder, said, language, day, month) -> None:
    assert read(finder, said, language) == [("date", Decimal(day), str(month))]


@pytest.mark.parametrize(
    ("said", "language"),
    [("Hasta marzo.", "es"), ("Il 32 maggio.", "it"), ("Wir liefern im März.", "de")],
)
def test_a_month_without_a_day_of_it_is_no_date(finder, said, language) -> None:
    assert [kind for kind, _, _ in read(finder, said, language)] in ([], ["num"])


@pytest.mark.parametrize("language", ["es", "fr", "de", "it", "pt", "ru", "ar", "en", "zh"])
def test_a_date_is_written_in_the_listeners_words_and_reads_back(finder, language) -> None:
    (amount,) = finder.find("Lo necesito para el 15 de marzo.", "es")
    written = finder.render(amount, language)
    assert [a.key for a in finder.find(written, language)] == [amount.key], written
