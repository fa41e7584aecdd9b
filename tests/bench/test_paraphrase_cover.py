"""Phrasebook coverage on the paraphrase set (benchmarks/paraphrase_cover.py): how a
paraphrase is counted, and the set itself."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.paraphrase_cover import (
    Cover,
    Meaning,
    book_chain,
    cover_of,
    coverage,
    load_meanings,
    measure,
    split_meanings,
)
from interpreter.amounts.finder import TERMS_PATH
from interpreter.amounts.slots import Terms
from interpreter.translate.phrasebook import Phrase, Phrasebook


def small_book(*phrases: tuple[list[str], list[str]]) -> Phrasebook:
    """A book of (en variants, zh variants)."""
    return Phrasebook(
        [Phrase("test", {"en": tuple(en), "zh": tuple(zh)}) for en, zh in phrases],
        Terms.load(TERMS_PATH),
    )


HOW_MUCH = (["How much is this?", "How much"], ["这个多少钱？", "多少钱"])
MOQ = (["The minimum order is {qty}.", "MOQ is {qty}"], ["起订量是{qty}。", "{qty}起订"])


def test_a_paraphrase_the_book_holds_is_translated_whole() -> None:
    chain = book_chain(small_book(HOW_MUCH, MOQ))
    assert cover_of(chain, "多少钱？", "zh", "en") == (Cover.WHOLE, "How much is this?")
    assert cover_of(chain, "MOQ is 500 pieces.", "en", "zh") == (Cover.WHOLE, "起订量是500件。")


def test_a_paraphrase_with_one_clause_the_book_lacks_is_translated_in_part() -> None:
    chain = book_chain(small_book(HOW_MUCH, MOQ))
    cover, translation = cover_of(chain, "多少钱？我们是从意大利来的。", "zh", "en")
    assert cover is Cover.PART and "How much is this?" in translation


def test_a_paraphrase_the_book_lacks_is_not_translated() -> None:
    chain = book_chain(small_book(HOW_MUCH))
    assert cover_of(chain, "你们有没有红色的？", "zh", "en")[0] is Cover.NONE


def meaning(id_: str, zh: list[str], en: list[str]) -> Meaning:
    return Meaning("dev", id_, "price", id_, {"zh": tuple(zh), "en": tuple(en)})


def test_coverage_drops_when_the_book_loses_a_phrase() -> None:
    said = [
        meaning("how-much", ["多少钱？", "这个多少钱？"], ["How much?", "How much is this?"]),
        meaning("moq", ["500件起订。"], ["MOQ is 500 pieces."]),
    ]
    both = coverage(measure(said, book_chain(small_book(HOW_MUCH, MOQ))))
    one = coverage(measure(said, book_chain(small_book(HOW_MUCH))))
    assert both["dev"]["coverage_pct"] == 100.0
    assert one["dev"]["coverage_pct"] == round(100.0 * 4 / 6, 1)


def test_paraphrases_of_one_meaning_the_book_translates_differently_are_split() -> None:
    book = small_book(HOW_MUCH, (["What is the price?"], ["价格是多少？"]))
    said = [meaning("how-much", ["多少钱？", "价格是多少？"], ["How much?"])]
    split = split_meanings(measure(said, book_chain(book)))
    assert [(m.id, language) for m, language, _ in split] == [("how-much", "zh")]


@pytest.mark.parametrize("split", ["dev", "test"])
def test_each_split_holds_meanings_said_four_ways_in_each_language(split: str) -> None:
    meanings = load_meanings(split)
    assert len(meanings) >= 60
    assert all(len(m.said["zh"]) >= 3 and len(m.said["en"]) >= 3 for m in meanings)


def test_the_splits_share_no_meaning_or_paraphrase_and_cover_the_same_topics() -> None:
    dev, test = load_meanings("dev"), load_meanings("test")
    assert not {m.id for m in dev} & {m.id for m in test}
    said = Counter(t for m in dev + test for language in ("zh", "en") for t in m.said[language])
    assert [text for text, n in said.items() if n > 1] == []
    assert {m.topic for m in dev} == {m.topic for m in test}
