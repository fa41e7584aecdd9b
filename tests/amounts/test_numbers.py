"""Numbers as people say them, read exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from interpreter.amounts.numbers import format_number, parse_en_number, parse_zh_number


@pytest.mark.parametrize(
    ("spoken", "value"),
    [
        ("五百", "500"),
        ("五千", "5000"),
        ("一千二", "1200"),
        ("一千二百", "1200"),
        ("一千零二", "1002"),
        ("两万", "20000"),
        ("两万五", "25000"),
        ("三万二千", "32000"),
        ("十五", "15"),
        ("十八", "18"),
        ("二十", "20"),
        ("一百零五", "105"),
        ("三百五", "350"),
        ("三点五", "3.5"),
        ("零点五", "0.5"),
        ("一百万", "1000000"),
        ("一亿", "100000000"),
        ("500", "500"),
        ("1,200", "1200"),
        ("3.50", "3.50"),
        ("1.2万", "12000"),
        ("5千", "5000"),
        ("二零二五", "2025"),
    ],
)
def test_chinese_numbers(spoken: str, value: str) -> None:
    assert parse_zh_number(spoken) == Decimal(value)


def test_five_hundred_is_never_five_thousand() -> None:
    assert parse_zh_number("五百") != parse_zh_number("五千")
    assert parse_zh_number("五百") == 500


@pytest.mark.parametrize("nonsense", ["", "百百", "五五百", "abc", "十十"])
def test_chinese_nonsense_is_not_a_number(nonsense: str) -> None:
    assert parse_zh_number(nonsense) is None


@pytest.mark.parametrize(
    ("spoken", "value"),
    [
        ("five hundred", "500"),
        ("twelve", "12"),
        ("twenty-five", "25"),
        ("one hundred and five", "105"),
        ("a thousand", "1000"),
        ("one thousand two hundred", "1200"),
        ("fifteen thousand five hundred", "15500"),
        ("three point five", "3.5"),
        ("1,200", "1200"),
        ("3.50", "3.50"),
        ("2k", "2000"),
    ],
)
def test_english_numbers(spoken: str, value: str) -> None:
    assert parse_en_number(spoken) == Decimal(value)


def test_english_nonsense_is_not_a_number() -> None:
    assert parse_en_number("pieces") is None
    assert parse_en_number("a") is None


@pytest.mark.parametrize(
    ("value", "language", "money", "written"),
    [
        ("1200", "en", False, "1,200"),
        ("1200", "zh", False, "1200"),
        ("3.5", "en", True, "3.50"),
        ("3.5", "zh", True, "3.50"),
        ("12000.0", "en", False, "12,000"),
        ("0.5", "en", False, "0.5"),
        ("1234567.25", "en", True, "1,234,567.25"),
    ],
)
def test_numbers_are_written_in_the_listener_convention(
    value: str, language: str, money: bool, written: str
) -> None:
    assert format_number(Decimal(value), language, money=money) == written


def test_a_number_longer_than_decimal_precision_is_still_written() -> None:
    """Whisper may read a run of digits said one by one as one 37-digit number; writing
    it must not raise (it took the live worker's thread down with decimal's
    InvalidOperation, and every later turn with it)."""
    digits = "4444444444444444444444444444441212125"
    assert format_number(Decimal(digits), "zh") == digits
    assert format_number(Decimal(digits), "en").replace(",", "") == digits
    assert format_number(Decimal(digits + ".5"), "en", money=True).endswith(".50")
