"""Cutting text into the pieces that are translated and spoken one after another;
text made safe to print; a count and its noun."""

from __future__ import annotations

import json

import pytest

from interpreter.core.text import (
    CONTROL_SEQUENCE,
    bounded_pieces,
    counted,
    lead_and_rest,
    printable,
    speakable_pieces,
    split_clauses,
    split_sentences,
    terminal_json,
)


def test_sentences_end_at_stops_but_not_inside_a_price() -> None:
    assert split_sentences("It's 3.50 yuan. OK? 好的。") == ["It's 3.50 yuan.", "OK?", "好的。"]


def test_clauses_end_at_commas_but_not_inside_a_number() -> None:
    assert split_clauses("Hello, I want 1,200 pieces") == ["Hello,", "I want 1,200 pieces"]


@pytest.mark.parametrize(
    ("text", "language", "pieces"),
    [
        ("How much is this?", "en", ["How much is this?"]),
        (
            "Last year we bought two thousand umbrellas from a factory in Yiwu, "
            "and half of them leaked.",
            "en",
            ["Last year we bought two thousand umbrellas from a factory in Yiwu,",
             "and half of them leaked."],
        ),
        ("包装可以按照你们的要求来做，纸箱上可以印标志。", "zh",
         ["包装可以按照你们的要求来做，", "纸箱上可以印标志。"]),
    ],
)  # fmt: skip
def test_a_long_sentence_is_translated_clause_by_clause(text, language, pieces) -> None:
    assert speakable_pieces(text, language, 24 if language == "en" else 8) == pieces


def test_a_long_first_sentence_is_spoken_in_two_parts() -> None:
    words = "one two three four five six seven eight nine ten eleven twelve"
    assert lead_and_rest(words, 6) == [
        "one two three four five six",
        "seven eight nine ten eleven twelve",
    ]
    assert lead_and_rest("Well then, at last, we bought two thousand of the big red ones", 6) == [
        "Well then, at last,", "we bought two thousand of the big red ones"]  # fmt: skip
    assert lead_and_rest("I want to order 500 pieces.", 6) == ["I want to order 500 pieces."]


@pytest.mark.parametrize(
    "sentence",
    [
        "We sell these in a small shop near the station, and my customers like bright "
        "colours, especially yellow and green, but also red and blue in the summer",
        "we sell these in a small shop near the station and my customers like bright colours",
        "包装可以按照你们的要求来做纸箱上可以印标志" * 4,
        "x" * 130,
    ],
)
def test_an_overlong_sentence_is_spoken_in_bounded_pieces_and_loses_nothing(sentence) -> None:
    pieces = bounded_pieces(sentence, 40)
    assert len(pieces) > 1
    assert all(len(piece) <= 40 for piece in pieces)
    joiner = " " if " " in sentence else ""
    assert joiner.join(pieces) == sentence


def test_commas_are_the_preferred_place_to_cut() -> None:
    assert bounded_pieces("Good morning my friend, how much are the red bags today?", 40) == [
        "Good morning my friend,", "how much are the red bags today?"]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("500 pieces\r5 pieces", "500 pieces\\r5 pieces"),
        ("one\nline\ttab", "one\\nline\\ttab"),
        ("\x07\x00\x7f\x9b31m\x85", "\\x07\\x00\\x7f\\x9b31m\\x85"),
        ("\u202e0051\u202c \u2066x\u2069", "\\u202e0051\\u202c \\u2066x\\u2069"),
        ("我要500件，3.50元 · café ¥ ┃", "我要500件，3.50元 · café ¥ ┃"),
    ],
)
def test_printable_escapes_what_a_terminal_would_act_on(text: str, shown: str) -> None:
    assert printable(text) == shown
    assert printable(shown) == shown, "escaping twice changes nothing"
    assert shown.isprintable()


@pytest.mark.parametrize(
    ("text", "sequences"),
    [
        ("\x1b[31mred\x1b[0m", ["\x1b[31m", "\x1b[0m"]),
        ("\x1b[38;5;196mx", ["\x1b[38;5;196m"]),
        ("\x1b[31 m", ["\x1b[31 m"]),
        ("cut \x1b[31", ["\x1b[31"]),
        ("\x9b31m", ["\x9b31m"]),
        ("\x1b]0;500 pieces\x07ok", ["\x1b]0;500 pieces\x07"]),
        ("\x1b]0;title\x1b\\ok", ["\x1b]0;title\x1b\\"]),
        ("\x1b(B\x1bc", ["\x1b(B", "\x1bc"]),
        ("a\x07b\u202ec", ["\x07", "\u202e"]),
        ("tab\tnew\nline\r", []),
    ],
)
def test_a_control_sequence_is_found_whole(text: str, sequences: list[str]) -> None:
    assert [match.group(0) for match in CONTROL_SEQUENCE.finditer(text)] == sequences


def test_a_count_of_one_takes_the_singular() -> None:
    assert counted(1, "stretch of sound", "stretches of sound") == "1 stretch of sound"
    assert counted(3, "stretch of sound", "stretches of sound") == "3 stretches of sound"
    assert counted(0, "turn") == "0 turns"
    assert counted(1, "turn") == "1 turn"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("\x9b31mred", "\\u009b31mred"),  # C1 CSI: ESC [ in one character
        ("price\u202e05", "price\\u202e05"),  # a bidi override flips what follows
        ("a\x7fb", "a\\u007fb"),
        ("line\u2028break", "line\\u2028break"),
        ("\x1b[2J", "\\u001b[2J"),  # json's own escape
        ("五百件 ok", "五百件 ok"),  # readable text stays readable
    ],
)
def test_json_for_a_terminal_escapes_every_control_and_parses_back_the_same(
    text: str, written: str
) -> None:
    assert terminal_json({"t": text}) == f'{{"t": "{written}"}}'
    assert json.loads(terminal_json({"t": text}, indent=2)) == {"t": text}
