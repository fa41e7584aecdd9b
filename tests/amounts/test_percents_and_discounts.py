"""Percentages and discounts in every language: "30 процентов" and "30 بالمئة" are 30%,
never a bare 30; "10 % de remise", "5 Prozent Rabatt", 优惠5% and "twenty percent off"
are 10%, 5%, 5% and 20% off, not a percentage of something; 三成 is 30%."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.amounts.helpers import kinds_and_values


@pytest.mark.parametrize(
    ("said", "language", "percent"),
    [
        ("Предоплата 30 процентов.", "ru", 30),
        ("العربون 30 بالمئة", "ar", 30),
        ("Chiediamo un anticipo del 30 per cento.", "it", 30),  # not 30 and 100
        ("Pagamos el veinte por ciento por adelantado.", "es", 20),
        ("Il faut verser 30 pour cent.", "fr", 30),
        ("Wir brauchen 30 Prozent Anzahlung.", "de", 30),
        ("Pagamos 40 por cento antes.", "pt", 40),
        ("定金付三成，尾款发货前付", "zh", 30),
        ("利润只有两成。", "zh", 20),
    ],
)
def test_a_percentage_is_read_in_every_language(finder, said, language, percent) -> None:
    assert kinds_and_values(finder, said, language) == [("percent", Decimal(percent))]


@pytest.mark.parametrize(
    ("said", "language", "off"),
    [
        ("How about twenty percent off?", "en", 20),
        ("We can give you a discount of 5%.", "en", 5),
        ("Je peux vous faire 10 % de remise.", "fr", 10),
        ("Posso dar 8% de desconto.", "pt", 8),
        ("Wir geben 5 Prozent Rabatt.", "de", 5),
        ("Te hago un descuento del 15%.", "es", 15),
        ("Le facciamo il 10% di sconto.", "it", 10),
        ("Даём скидку 7 процентов.", "ru", 7),
        ("نعطيك خصم 10 بالمئة", "ar", 10),
        ("现款再优惠5%", "zh", 5),
    ],
)
def test_a_percentage_taken_off_is_a_discount(finder, said, language, off) -> None:
    assert kinds_and_values(finder, said, language) == [("discount", Decimal(off))]


@pytest.mark.parametrize(
    "said",
    ["八成是假的", "他八成不来了", "这件衣服九成新", "这个一成不变"],  # likely; 90% new; unchanging
)
def test_cheng_that_is_no_share_of_money_is_no_percentage(finder, said) -> None:
    assert kinds_and_values(finder, said, "zh") == []


def test_two_figures_before_cheng_are_never_the_second_alone(finder) -> None:
    assert ("percent", Decimal(80)) not in kinds_and_values(finder, "七八成", "zh")


def test_how_about_is_no_hedge(finder) -> None:
    assert kinds_and_values(finder, "How about 20 pieces?", "en") == [("qty", Decimal(20))]
    assert kinds_and_values(finder, "What about twenty percent?", "en") == [
        ("percent", Decimal(20))
    ]


def test_a_discount_is_written_back_as_a_discount(finder) -> None:
    (amount,) = finder.find("Wir geben 5 Prozent Rabatt.", "de")
    assert finder.render(amount, "en") == "5% off"
    assert finder.render(amount, "zh") == "九五折"
