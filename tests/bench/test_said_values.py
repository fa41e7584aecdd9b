"""The fidelity benchmark's own number reader, independent of the interpreter's."""

from __future__ import annotations

from decimal import Decimal

import pytest

from benchmarks.said_values import Said, said_values


def values(text: str, language: str) -> list[str]:
    """The values read, as plain numbers; a single one is marked "1 (single)"."""
    return [
        format(s.value, "f") + (" (single)" if s.single else "")
        for s in said_values(text, language)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I want 500 pieces.", ["500"]),
        ("two thousand five hundred units", ["2500"]),
        ("a thousand and twenty", ["1020"]),
        ("ninety-nine dollars", ["99"]),
        ("$3.50 each, 1,200 units", ["3.5", "1200"]),
        ("twenty percent", ["20"]),
        ("2 thousand pieces", ["2000"]),
        ("1.5 million", ["1500000"]),
    ],
)
def test_english_numbers_in_words_and_digits(text: str, expected: list[str]) -> None:
    assert values(text, "en") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我要五百件。", ["500"]),
        ("两千五", ["2500"]),
        ("一千二百个", ["1200"]),
        ("两万件", ["20000"]),
        ("两周", ["2"]),
        ("1万2", ["12000"]),
        ("3千件", ["3000"]),
        ("1.2万", ["12000"]),
        ("百分之二十", ["20"]),
        ("一点五公斤", ["1.5"]),
        ("12,000件", ["12000"]),
        ("兩塊", ["2"]),
    ],
)
def test_chinese_numerals_and_digits(text: str, expected: list[str]) -> None:
    assert values(text, "zh") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三块五", ["3.5"]),
        ("六块八一个", ["6.8", "1 (single)"]),
        ("三块五毛", ["3.5"]),
        ("3元5角", ["3.5"]),
        ("五毛", ["0.5"]),
        ("三块半一斤", ["3.5", "1 (single)"]),
        ("一个半月", ["1.5"]),
    ],
)
def test_a_colloquial_chinese_price_is_one_value(text: str, expected: list[str]) -> None:
    assert values(text, "zh") == expected


@pytest.mark.parametrize(
    ("text", "language", "share_off"),
    [
        ("打九折", "zh", "10"),
        ("八五折", "zh", "15"),
        ("8.5折", "zh", "15"),
        ("10% off", "en", "10"),
    ],
)
def test_a_discount_reads_as_the_share_taken_off(text: str, language: str, share_off: str) -> None:
    assert values(text, language) == [share_off]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("3月15号", "zh", ["3", "15"]),
        ("十月一号", "zh", ["10", "1"]),
        ("March 15th", "en", ["3", "15"]),
        ("the 1st of October", "en", ["1", "10"]),
        ("the first of May", "en", ["1", "5"]),
        ("twenty-second of June", "en", ["22", "6"]),
    ],
)
def test_a_date_gives_its_day_and_its_month(text: str, language: str, expected: list[str]) -> None:
    assert values(text, language) == expected


def test_a_month_alone_and_may_the_verb_are_no_numbers() -> None:
    assert values("The price has gone up since March.", "en") == []
    assert values("May I pay later?", "en") == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I want one piece", "en"),
        ("Delivery takes a week", "en"),
        ("for the first order", "en"),
        ("我要一个", "zh"),
        ("能不能便宜一点", "zh"),
        ("试一试", "zh"),
        ("第一次", "zh"),
    ],
)
def test_a_one_said_as_an_article_is_a_single_one(text: str, language: str) -> None:
    assert said_values(text, language) == (Said(Decimal(1), single=True),)


def test_a_digit_one_before_a_unit_is_a_single_one() -> None:
    """一米十二块 is translated "12 yuan per 1 meter" as often as "12 yuan a meter"."""
    assert values("1 meter 12 yuan", "en") == ["12", "1 (single)"]
    assert values("500元1个", "zh") == ["500", "1 (single)"]


def test_any_other_one_is_a_number() -> None:
    assert values("十月1号", "zh") == ["10", "1"]
    assert values("It costs $1.", "en") == ["1"]
    assert values("三十一个", "zh") == ["31"]
    assert values("one hundred pieces", "en") == ["100"]


def test_a_ling_that_is_not_zero_is_no_number() -> None:
    assert values("零售价的百分之六十", "zh") == ["60"]
    assert values("一百零五", "zh") == ["105"]


def test_the_known_blind_spots_stay_as_documented() -> None:
    """The set's items avoid these forms; if a library update changes them, the
    docstring of said_values must change too."""
    assert values("三四天", "zh") == ["34"]
    assert values("twelve fifty", "en") == ["12", "50"]


def test_only_the_stalls_two_languages_have_a_reader() -> None:
    with pytest.raises(ValueError, match="no reader"):
        said_values("cinq cents", "fr")
