"""Every number a turn carries, found and written in the other party's language."""

from __future__ import annotations

from decimal import Decimal

import pytest

from interpreter.amounts.finder import AmountFinder


def found(finder: AmountFinder, text: str, language: str) -> list[tuple[str, str, str]]:
    return [
        (a.kind, "" if a.value is None else f"{a.value.normalize():f}", a.unit)
        for a in finder.find(text, language)
    ]


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("我要订五百件", [("qty", "500", "piece")]),
        ("一千二百件", [("qty", "1200", "piece")]),
        ("一千二", [("num", "1200", "")]),
        ("两万个", [("qty", "20000", "piece")]),
        ("三块五一个", [("price", "3.5", "yuan")]),
        ("十八天交货", [("duration", "18", "day")]),
        ("每件12元", [("price", "12", "yuan")]),
        ("￥８．５", [("price", "8.5", "yuan")]),
        ("打九折", [("discount", "10", "")]),
        ("八五折", [("discount", "15", "")]),
        ("百分之三十定金", [("percent", "30", "")]),
        ("3月15号交货", [("date", "15", "3")]),
        ("１２００件", [("qty", "1200", "piece")]),
        ("要五箱", [("qty", "5", "carton")]),
        ("两打", [("qty", "2", "dozen")]),
        ("二十公斤", [("qty", "20", "kilogram")]),
        ("一百米", [("qty", "100", "meter")]),
        ("五十美元", [("price", "50", "usd")]),
        ("型号KT-500", [("code", "", "KT-500")]),
    ],
)
def test_chinese_amounts(finder: AmountFinder, text: str, amounts: list) -> None:
    assert found(finder, text, "zh") == amounts


@pytest.mark.parametrize(
    "text", ["看一下", "十分好看", "万一不行呢", "千万别忘了", "一样的", "一起发货", "一一检查"]
)
def test_chinese_words_that_only_look_like_numbers(finder: AmountFinder, text: str) -> None:
    assert found(finder, text, "zh") == []


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("I want to order 500 pieces.", [("qty", "500", "piece")]),
        ("five hundred pieces", [("qty", "500", "piece")]),
        ("It is $3.50 each", [("price", "3.5", "usd")]),
        ("twelve dollars", [("price", "12", "usd")]),
        ("20 euros", [("price", "20", "eur")]),
        ("15 RMB", [("price", "15", "yuan")]),
        ("USD 1,200", [("price", "1200", "usd")]),
        ("a dozen", [("qty", "1", "dozen")]),
        ("100 cartons", [("qty", "100", "carton")]),
        ("in 20 days", [("duration", "20", "day")]),
        ("give me 10% off", [("discount", "10", "")]),
        ("30% deposit", [("percent", "30", "")]),
        ("by March 15th", [("date", "15", "3")]),
        ("on the 3rd of April", [("date", "3", "4")]),
        ("1,200", [("num", "1200", "")]),
        ("twenty-five", [("num", "25", "")]),
        ("size 2XL, model A123", [("code", "", "2XL"), ("code", "", "A123")]),
    ],
)
def test_english_amounts(finder: AmountFinder, text: str, amounts: list) -> None:
    assert found(finder, text, "en") == amounts


@pytest.mark.parametrize(
    "text", ["I like this one.", "Oh, that is nice.", "May I see it?", "Someone said so."]
)
def test_english_words_that_only_look_like_numbers(finder: AmountFinder, text: str) -> None:
    assert found(finder, text, "en") == []


@pytest.mark.parametrize(
    ("text", "source", "target", "written"),
    [
        ("我要订五百件", "zh", "en", ["500 pieces"]),
        ("三块五", "zh", "en", ["3.50 yuan"]),
        ("两万个", "zh", "en", ["20,000 pieces"]),
        ("十八天", "zh", "en", ["18 days"]),
        ("打九折", "zh", "en", ["10% off"]),
        ("3月15号", "zh", "en", ["March 15"]),
        ("500 pieces", "en", "zh", ["500件"]),
        ("$3.50", "en", "zh", ["3.50美元"]),
        ("a 15% discount", "en", "zh", ["八五折"]),
        ("1 day", "en", "zh", ["1天"]),
        ("one carton", "en", "en", ["1 carton"]),
        ("March 1st", "en", "zh", ["3月1日"]),
    ],
)
def test_amounts_are_written_from_their_exact_value(
    finder: AmountFinder, text: str, source: str, target: str, written: list[str]
) -> None:
    assert [finder.render(a, target) for a in finder.find(text, source)] == written


def test_spans_point_into_the_text_as_it_was_written(finder: AmountFinder) -> None:
    text = "OK, ５００件 and $3.50"
    spans = [text[a.start : a.end] for a in finder.find(text, "zh")]
    assert spans == ["５００件", "$3.50"]


def test_five_hundred_and_five_thousand_never_mean_the_same(finder: AmountFinder) -> None:
    five_hundred = finder.find("五百件", "zh")[0]
    five_thousand = finder.find("五千件", "zh")[0]
    assert five_hundred.key != five_thousand.key
    assert five_hundred.key == finder.find("500 pieces", "en")[0].key
    assert five_hundred.value == Decimal(500)


@pytest.mark.parametrize(
    ("text", "language", "amounts"),
    [
        # Red, then normal again: colours, not 31 metres or 0 of anything.
        ("\x1b[31mred\x1b[0m", "en", []),
        ("\x1b[31 m", "en", []),
        ("\x9b31m", "en", []),
        ("cut off \x1b[31", "en", []),
        ("\x1b]0;500 pieces\x07", "en", []),
        ("\x1b[5m米", "zh", []),
        # What is around a control sequence is read as ever.
        ("\x1b[31m500 pieces\x1b[0m", "en", [("qty", "500", "piece")]),
        ("I want 12 m\x07", "en", [("qty", "12", "meter")]),
        ("\x1b[1m五百件\x1b[0m", "zh", [("qty", "500", "piece")]),
    ],
)
def test_numbers_inside_terminal_control_sequences_are_not_amounts(
    finder: AmountFinder, text: str, language: str, amounts: list
) -> None:
    assert found(finder, text, language) == amounts


def test_no_amount_is_read_across_a_control_sequence(finder: AmountFinder) -> None:
    """A control character between 5 and 00 joins nothing: no 500, and no amount's
    span holds a control character."""
    for text in ("5\x1b[0m00 pieces", "5\x0700 pieces", "5\u202e00 pieces", "5\x1f pieces"):
        amounts = finder.find(text, "en")
        assert all(a.value != 500 for a in amounts), text
        assert all(a.said.isprintable() for a in amounts), text
    assert found(finder, "5\x1f pieces", "en") == [("num", "5", "")]
