"""一 and "one" as a unit price's article (amounts/articles.py): 一双多少钱 and "How much
for one piece?" hold no quantity, so the number check never stops their translation;
"I want one carton" still orders one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.amounts.helpers import read_written


@pytest.mark.parametrize(
    ("said", "language", "found"),
    [
        ("一双多少钱", "zh", []),
        ("多少钱一斤", "zh", []),
        ("一箱多少钱", "zh", []),
        ("八十块一双", "zh", [("price", "80", "yuan")]),
        ("一米十二块", "zh", [("price", "12", "yuan")]),
        ("How much for one piece?", "en", []),
        ("Only $0.75 a meter.", "en", [("price", "0.75", "usd")]),
        ("One piece is five dollars.", "en", [("price", "5", "usd")]),
    ],
)
def test_the_one_of_a_unit_price_is_not_a_quantity(finder, said, language, found) -> None:
    assert read_written(finder, said, language) == found


def test_an_order_of_one_is_still_a_quantity(finder) -> None:
    assert read_written(finder, "I want one carton.", "en") == [("qty", "1", "carton")]
    assert read_written(finder, "我要一箱", "zh") == [("qty", "1", "carton")]
    assert read_written(finder, "1箱多少钱", "zh") == [
        ("qty", "1", "carton")
    ]  # a digit is a number


@pytest.mark.parametrize(
    ("said", "source", "target", "meant"),
    [
        ("一个多少钱", "zh", "en", "How much for one piece?"),
        ("多少钱一个", "zh", "en", "How much for one piece?"),
        ("一件多少钱", "zh", "en", "How much for one piece?"),
        ("How much for one piece?", "en", "zh", "多少钱一个？"),
    ],
)
def test_a_unit_price_question_is_translated(
    said: str, source: str, target: str, meant: str, tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "interpreter", "translate-text", said, "--from", source,
         "--to", target, "--json"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "INTERPRETER_MODELS_DIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (utterance,) = json.loads(result.stdout)["utterances"]
    assert (utterance["translation"], utterance["method"]) == (meant, "phrasebook")


@pytest.mark.parametrize(
    ("said", "language", "found"),
    [
        ("一双批发价多少？", "zh", []),
        ("一箱装多少个？", "zh", []),
        ("一卷有多少米？", "zh", []),
        ("一包是多少个？", "zh", []),
        ("How many pieces in one carton?", "en", []),
        ("What do you charge for one container?", "en", []),
        ("¿Cuántas piezas hay en una caja?", "es", []),
    ],
)
def test_the_one_of_a_unit_question_is_not_a_quantity(finder, said, language, found) -> None:
    assert read_written(finder, said, language) == found


@pytest.mark.parametrize(
    ("said", "language", "found"),
    [
        ("一箱装六十个，多少钱一箱？", "zh", [("qty", "60", "piece")]),
        ("一箱八九公斤重", "zh", [("qty", "8", "kilogram")]),
        ("一包100个", "zh", [("qty", "100", "piece")]),
        ("A bag holds 100 pieces.", "en", [("qty", "100", "piece")]),
        ("One carton contains 50 pairs.", "en", [("qty", "50", "pair")]),
        ("Un carton contient 50 paires.", "fr", [("qty", "50", "pair")]),
    ],
)
def test_the_one_of_so_many_per_unit_is_not_a_quantity(finder, said, language, found) -> None:
    assert read_written(finder, said, language) == found


def test_one_and_another_quantity_apart_are_both_ordered(finder) -> None:
    assert read_written(finder, "我要一箱，再要六十个", "zh") == [
        ("qty", "1", "carton"),
        ("qty", "60", "piece"),
    ]
    assert read_written(finder, "I want one carton and 50 pairs.", "en") == [
        ("qty", "1", "carton"), ("qty", "50", "pair"),
    ]  # fmt: skip
