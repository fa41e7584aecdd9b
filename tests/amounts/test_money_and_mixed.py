"""Amounts said in parts: Chinese money below the yuan (块, 毛/角, 分), digits mixed with
Chinese units (2万300), and dollars or euros with their cents. Each was read as two
numbers or a wrong one before (issue 19); never again a wrong value."""

from __future__ import annotations

from decimal import Decimal

import pytest

from interpreter.amounts.numbers import parse_zh_number
from tests.amounts.helpers import read_written


@pytest.mark.parametrize(
    ("said", "yuan"),
    [
        ("三块零五分", "3.05"),  # 分 is a cent, not a jiao
        ("两毛五", "0.25"),  # the digit after 毛 is the fen
        ("这个五角", "0.5"),
        ("一共十二块三毛四", "12.34"),
        ("每个便宜2角", "0.2"),
        ("一块零五", "1.05"),  # after 零 the digit is the fen
        ("九毛九", "0.99"),
        ("一个扣子八分钱", "0.08"),
        ("三元五角六分", "3.56"),
        ("3块2毛5", "3.25"),
        ("二十块零八分", "20.08"),
    ],
)
def test_money_below_the_yuan_is_one_exact_price(finder, said: str, yuan: str) -> None:
    assert read_written(finder, said, "zh") == [("price", yuan, "yuan")]


def test_the_digit_after_mao_is_the_next_things_article_when_a_unit_follows(finder) -> None:
    assert read_written(finder, "五毛一个", "zh") == [("price", "0.5", "yuan")]
    assert read_written(finder, "七毛五一斤", "zh") == [("price", "0.75", "yuan")]


def test_fen_that_is_not_money_stays_what_it_is(finder) -> None:
    assert "price" not in {kind for kind, _, _ in read_written(finder, "五分钟就好", "zh")}
    assert read_written(finder, "十分好看", "zh") == []


def test_the_colloquial_price_is_unchanged(finder) -> None:
    assert read_written(finder, "三块五", "zh") == [("price", "3.5", "yuan")]
    assert read_written(finder, "六块八一个", "zh") == [("price", "6.8", "yuan")]


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("2万300", "20300"),
        ("30万五千", "305000"),
        ("一百点25", "100.25"),
        ("七千8", "7800"),  # a lone digit after a unit counts in the unit below, as 七千八
        ("2万5", "25000"),
        ("1亿2千万", "120000000"),
        ("3点5万", "35000"),
        ("10万零500", "100500"),
        ("1千2百5十", "1250"),
        ("6百零8", "608"),
        ("100点5", "100.5"),
    ],
)
def test_digits_mixed_with_chinese_units_are_one_number(said: str, value: str) -> None:
    assert parse_zh_number(said) == Decimal(value)


def test_mixed_units_out_of_order_are_not_a_number() -> None:
    assert parse_zh_number("5百2千") is None


def test_a_mixed_quantity_is_found_whole(finder) -> None:
    assert read_written(finder, "2万300个", "zh") == [("qty", "20300", "piece")]
    assert read_written(finder, "2万5一吨", "zh")[0] == ("num", "25000", "")


@pytest.mark.parametrize(
    ("said", "language", "price"),
    [
        ("two dollars and fifty cents", "en", ("price", "2.5", "usd")),
        ("It's a dollar fifty.", "en", ("price", "1.5", "usd")),
        ("five euros fifty", "en", ("price", "5.5", "eur")),
        ("ninety-nine cents", "en", ("price", "0.99", "usd")),
        ("three kuai five", "en", ("price", "3.5", "yuan")),
        ("three yuan and five jiao", "en", ("price", "3.5", "yuan")),
        ("Das kostet zwölf Euro fünfzig.", "de", ("price", "12.5", "eur")),
        ("Tre euro e cinquanta.", "it", ("price", "3.5", "eur")),
    ],
)
def test_a_price_and_its_cents_are_one_price(finder, said, language, price) -> None:
    assert read_written(finder, said, language) == [price]


def test_a_single_digit_after_dollars_without_cents_is_left_alone(finder) -> None:
    # "two dollars five": five of what? Not 2.05 unless cents are said.
    assert read_written(finder, "two dollars five", "en") == [
        ("price", "2", "usd"),
        ("num", "5", ""),
    ]
