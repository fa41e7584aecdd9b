"""The amount set's scorer (benchmarks/amount_set.py) and the set itself: how a phrase's
amounts are written, and how what the finder found is scored against them."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from benchmarks.amount_set import (
    CATEGORIES,
    DEV_SETS,
    TEST_SET,
    Approx,
    Phrase,
    Reading,
    Verdict,
    format_reading,
    load_set,
    parse_expect,
    reading_of,
    run,
    score,
)
from interpreter.amounts.finder import Amount, AmountFinder


def found(*notation: str) -> list[Reading]:
    """What a finder found, written in the set's notation."""
    return [parse_expect(text) for text in notation]


def verdict(expect: list[str], finder_said: list[str]) -> Verdict:
    return score(found(*expect), found(*finder_said)).verdict


# ---- the notation -----------------------------------------------------------------


def test_an_exact_amount_is_kind_value_unit() -> None:
    assert parse_expect("price 3.05 yuan") == Reading("price", Decimal("3.05"), unit="yuan")
    assert parse_expect("qty 20300 piece") == Reading("qty", Decimal(20300), unit="piece")
    assert parse_expect("percent 20") == Reading("percent", Decimal(20))
    assert parse_expect("date 15 3") == Reading("date", Decimal(15), unit="3"), "15 March"


def test_a_range_has_both_ends() -> None:
    two_three_hundred = parse_expect("range qty 200..300 piece")
    assert two_three_hundred == Reading("qty", Decimal(200), Decimal(300), "piece")
    assert not two_three_hundred.exact


@pytest.mark.parametrize(
    ("text", "low", "how"),
    [
        ("approx qty 500+ piece", 500, Approx.OVER),  # 500多个
        ("approx price 100.. yuan", 100, Approx.SOME),  # 几百块
        ("approx qty ~50 piece", 50, Approx.AROUND),  # 五十来个
    ],
)
def test_an_approximate_amount_says_how_it_is_vague(text: str, low: int, how: Approx) -> None:
    reading = parse_expect(text)
    assert (reading.low, reading.approx, reading.exact) == (Decimal(low), how, False)


def test_a_time_of_day_is_minutes_after_midnight() -> None:
    assert parse_expect("time 7:30").low == 7 * 60 + 30
    assert parse_expect("range time 9:00..17:00") == Reading("time", Decimal(540), Decimal(1020))


@pytest.mark.parametrize(
    "text",
    [
        "price 3.05 yuan",
        "range qty 200..300 piece",
        "approx price 100.. yuan",
        "approx qty 500+ piece",
        "approx duration ~10 day",
        "time 7:30",
        "range time 9:00..17:00",
        "num 0.75",
        "date 1 10",
    ],
)
def test_the_notation_reads_back_as_written(text: str) -> None:
    assert format_reading(parse_expect(text)) == text


@pytest.mark.parametrize(
    "text",
    [
        "price 3.05",  # a price needs its currency
        "num 5 piece",  # a bare number has no unit
        "range qty 300..200 piece",  # a range goes up
        "range qty 200 piece",  # a range has two ends
        "approx qty 500 piece",  # an approximate amount says how: 500+, 100.., ~50
        "time 7.30",
        "time 25:00",
        "weight 5 kilogram",
        "date 32 1",
    ],
)
def test_a_malformed_amount_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_expect(text)


# ---- scoring -----------------------------------------------------------------------


def test_every_amount_found_as_said_scores_right() -> None:
    assert verdict(["price 6.8 yuan", "qty 45 carton"], ["price 6.8 yuan", "qty 45 carton"]) is (
        Verdict.RIGHT
    )
    assert verdict([], []) is Verdict.RIGHT, "一个多少钱 says no amount, and none is found"


def test_a_value_written_with_another_precision_is_the_same_value() -> None:
    assert verdict(["price 3.5 yuan"], ["price 3.50 yuan"]) is Verdict.RIGHT


def test_an_amount_not_found_is_missed_which_is_safe() -> None:
    assert verdict(["price 0.25 yuan"], []) is Verdict.MISSED  # 两毛五, nothing found
    assert verdict(["num 7", "num 12"], []) is Verdict.MISSED  # "seven twelve" left alone


def test_a_bare_number_with_the_right_value_is_a_partial_reading_not_a_wrong_one() -> None:
    assert verdict(["qty 12 carton"], ["num 12"]) is Verdict.MISSED
    assert verdict(["time 17:00"], ["num 5"]) is Verdict.MISSED, "下午5点 read as its 5"


def test_an_exact_value_that_is_not_the_one_said_is_wrong() -> None:
    assert verdict(["price 3.05 yuan"], ["price 3 yuan", "num 5"]) is Verdict.WRONG
    assert verdict(["num 7", "num 12"], ["num 19"]) is Verdict.WRONG  # "seven twelve" added
    assert verdict(["time 7:30"], ["num 7"]) is Verdict.WRONG  # 7点半 read as 7


def test_the_right_value_in_the_wrong_unit_is_wrong() -> None:
    assert verdict(["price 12 yuan"], ["price 12 usd"]) is Verdict.WRONG
    assert verdict(["approx price ~100 yuan"], ["qty 100 piece"]) is Verdict.WRONG  # 百把块


def test_an_approximate_amount_read_as_exact_is_wrong() -> None:
    assert verdict(["approx qty 500+ piece"], ["num 500"]) is Verdict.WRONG  # 500多个
    assert verdict(["approx price 100.. yuan"], ["price 100 yuan"]) is Verdict.WRONG  # 几百块


def test_a_range_read_as_one_number_is_wrong() -> None:
    assert verdict(["range duration 3..4 day"], ["duration 34 day"]) is Verdict.WRONG  # 三四天
    assert verdict(["range duration 3..5 day"], ["duration 5 day"]) is Verdict.WRONG  # 三到五天


def test_a_range_or_approximate_amount_read_as_such_is_right() -> None:
    assert verdict(["range qty 200..300 piece"], ["range qty 200..300 piece"]) is Verdict.RIGHT
    assert verdict(["approx qty 500+ piece"], ["approx qty 500+ piece"]) is Verdict.RIGHT
    assert verdict(["approx qty 500+ piece"], ["approx qty 500.. piece"]) is Verdict.WRONG


def test_an_amount_found_where_none_was_said_is_extra() -> None:
    assert verdict([], ["qty 1 pair"]) is Verdict.EXTRA  # 一双多少钱
    assert verdict(["price 80 yuan"], ["price 80 yuan", "qty 1 pair"]) is Verdict.EXTRA


def test_a_phrase_scores_its_worst() -> None:
    scored = score(found("num 30", "duration 5 day"), found("num 30", "num 7", "num 8"))
    assert scored.verdict is Verdict.WRONG
    assert scored.wrong == ((parse_expect("duration 5 day"), parse_expect("num 7")),)
    assert scored.extra == (parse_expect("num 8"),)


def test_a_product_code_is_passed_on_as_written_and_not_scored() -> None:
    code = reading_of(Amount("code", None, "500-odd"))
    assert format_reading(code) == "code 500-odd"
    assert score(found("approx qty 500+ piece"), [code]).verdict is Verdict.MISSED


class FakeFinder:
    """Finds 500 pieces in every phrase."""

    def find(self, text: str, language: str) -> list[Amount]:
        return [Amount("qty", Decimal(500), "piece", "500件")]


def test_each_phrase_is_read_in_its_language_and_scored() -> None:
    phrases = [
        Phrase("zh", "我要订五百件", "plain-qty", tuple(found("qty 500 piece"))),
        Phrase("zh", "500多件", "approx", tuple(found("approx qty 500+ piece"))),
    ]
    outcomes = run(phrases, FakeFinder())
    assert [o.found for o in outcomes] == [tuple(found("qty 500 piece"))] * 2
    assert [o.scored.verdict for o in outcomes] == [Verdict.RIGHT, Verdict.WRONG]


# ---- the set -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def phrases() -> list[Phrase]:
    """The dev split, every file of it (each `expect` entry parses, or this raises)."""
    return [phrase for path in DEV_SETS for phrase in load_set(path)]


def test_every_dev_phrase_is_read_right(phrases: list[Phrase]) -> None:
    """The reader is tuned on the dev split until every amount in it is right; a change
    that breaks one of them breaks this."""
    outcomes = run(phrases, AmountFinder.load())
    wrong = [o.phrase.text for o in outcomes if o.scored.verdict is not Verdict.RIGHT]
    assert wrong == []


def test_the_held_out_split_parses_and_shares_no_phrase_with_dev(phrases: list[Phrase]) -> None:
    if not TEST_SET.is_file():
        pytest.skip("no held-out split written yet")
    held_out = load_set(TEST_SET)
    assert len(held_out) >= 400
    assert not {p.text for p in held_out} & {p.text for p in phrases}


def test_the_set_is_large_enough_in_chinese_and_english(phrases: list[Phrase]) -> None:
    languages = Counter(phrase.language for phrase in phrases)
    assert len(phrases) >= 400
    assert languages["zh"] >= 150 and languages["en"] >= 150


def test_the_set_has_every_language_and_category(phrases: list[Phrase]) -> None:
    from interpreter.core.languages import LANGUAGES

    assert {phrase.language for phrase in phrases} == set(LANGUAGES)
    assert {phrase.category for phrase in phrases} == set(CATEGORIES)


def test_no_phrase_is_in_the_set_twice(phrases: list[Phrase]) -> None:
    twice = [text for text, n in Counter(p.text for p in phrases).items() if n > 1]
    assert twice == []


def test_a_phrase_with_an_unknown_unit_or_field_is_refused(tmp_path) -> None:
    bad_unit = tmp_path / "unit.toml"
    bad_unit.write_text(
        's = [{ language = "zh", text = "五百件", category = "plain-qty", '
        'expect = ["qty 500 pieces"] }]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="unit"):
        load_set(bad_unit)
    no_category = tmp_path / "field.toml"
    no_category.write_text(
        's = [{ language = "zh", text = "五百件", expect = ["qty 500 piece"] }]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="fields"):
        load_set(no_category)
