"""The fidelity set, its splits, and how the fidelity benchmark judges a turn."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.fidelity import Ladder, Row, count, measure_text, select, table
from benchmarks.fidelity_set import (
    FIDELITY_SET,
    FIDELITY_TEST,
    FidelityItem,
    Split,
    dump_set,
    generate,
    load_items,
    load_set,
)
from benchmarks.fidelity_verdict import (
    Fidelity,
    Verdict,
    expected_values,
    judge,
    number_problems,
)
from benchmarks.said_values import said_values
from interpreter.amounts.finder import AmountFinder
from interpreter.core.types import Transcript, Translation
from interpreter.core.vocabulary import Method
from interpreter.translate.chain import TranslatorChain
from tests.conftest import text_models

# --- the set and its splits ---------------------------------------------------------


def test_the_committed_dev_set_is_the_generated_one() -> None:
    assert FIDELITY_SET.read_text(encoding="utf-8") == dump_set(generate())


def test_regenerating_the_dev_set_never_writes_a_test_item() -> None:
    assert 'split = "test"' not in dump_set(generate())
    assert {item.split for item in load_items(FIDELITY_SET)} == {Split.DEV}


def test_the_test_split_is_forty_hand_written_items_about_half_in_each_language() -> None:
    test = load_items(FIDELITY_TEST)
    assert {item.split for item in test} == {Split.TEST}
    assert len(test) >= 40
    chinese = sum(item.language == "zh" for item in test)
    assert abs(chinese - (len(test) - chinese)) <= 2


def test_the_whole_set_has_both_splits_numbers_in_every_item_and_no_repeats() -> None:
    items = load_set()
    assert {item.split for item in items} == {Split.DEV, Split.TEST}
    assert {item.language for item in items} == {"zh", "en"}
    assert all(item.amounts for item in items)
    assert len({item.text for item in items}) == len(items)


def test_a_split_defaults_to_dev_and_an_unknown_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "set.toml"
    path.write_text(
        '[[utterance]]\nlanguage = "en"\ntext = "500 pieces."\namounts = ["qty 500 piece"]\n',
        encoding="utf-8",
    )
    assert load_items(path) == [FidelityItem("en", "500 pieces.", ("qty 500 piece",))]
    path.write_text(
        '[[utterance]]\nlanguage = "en"\nsplit = "train"\ntext = "5."\namounts = ["qty 5"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="unknown split"):
        load_items(path)


def test_the_dev_amounts_are_the_ones_the_products_finder_reads() -> None:
    """The dev items were generated for the product's number check; it must agree."""
    finder = AmountFinder.load()
    for item in load_items(FIDELITY_SET):
        found = [
            " ".join(
                part
                for part in (
                    a.kind,
                    "" if a.value is None else format(a.value.normalize(), "f"),
                    a.unit,
                )
                if part
            )
            for a in finder.find(item.text, item.language)
        ]
        assert sorted(found) == sorted(item.amounts), item.text


def test_the_benchmarks_own_reader_reads_every_item_as_its_amounts() -> None:
    """Said as written, every item of both splits is judged right: the set and the
    reader agree before any model is involved."""
    for item in load_set():
        said = said_values(item.text, item.language)
        assert number_problems(expected_values(item.amounts), said) == (), item.text


def test_a_quick_run_takes_the_first_items_of_each_language_in_each_split() -> None:
    items = load_set()
    chosen = select(items, "all", 2)
    assert [(i.split, i.language) for i in chosen] == [
        (Split.DEV, "zh"),
        (Split.DEV, "zh"),
        (Split.DEV, "en"),
        (Split.DEV, "en"),
        (Split.TEST, "zh"),
        (Split.TEST, "zh"),
        (Split.TEST, "en"),
        (Split.TEST, "en"),
    ]
    assert {i.split for i in select(items, "test", None)} == {Split.TEST}
    assert len(select(items, "dev", None)) == len(load_items(FIDELITY_SET))


# --- the verdict on one turn ----------------------------------------------------------

ORDER = ("qty 500 piece",)  # 我要五百件。
HEARD = Transcript(1, "我要五百件。", "zh", 0.9, 0.0)


def translated(
    text: str, method: Method = Method.NMT, repairs: tuple[str, ...] = ()
) -> Translation:
    return Translation(1, HEARD.text, text, "zh", "en", method, number_repairs=repairs)


UNTRANSLATED = Translation(1, HEARD.text, "", "zh", "en", Method.NONE)


def test_a_translation_with_the_amounts_before_any_repair_is_kept() -> None:
    assert judge(ORDER, HEARD, translated("I want 500 pieces.")) == Verdict(Fidelity.KEPT, "nmt")


def test_a_translation_the_check_had_to_fix_is_repaired_and_says_what_was_fixed() -> None:
    repair = "added '500 pieces', which the translation lost"
    verdict = judge(ORDER, HEARD, translated("I want pieces. 500 pieces", repairs=(repair,)))
    assert verdict == Verdict(Fidelity.REPAIRED, repair)


def test_an_untranslated_turn_is_never_kept_even_with_every_amount_shown() -> None:
    assert judge(ORDER, HEARD, UNTRANSLATED) == Verdict(
        Fidelity.NOT_TRANSLATED, "shown as transcript"
    )
    # No rung for the direction: the transcript comes back as the "translation".
    as_said = Translation(1, HEARD.text, HEARD.text, "zh", "zh", Method.NONE)
    assert judge(ORDER, HEARD, as_said).fidelity is Fidelity.NOT_TRANSLATED


def test_a_number_the_speaker_did_not_say_is_wrong() -> None:
    verdict = judge(ORDER, HEARD, translated("I want 5000 pieces."))
    assert verdict == Verdict(Fidelity.WRONG, "unsaid 5000; missing 500")


def test_a_lost_amount_is_wrong_since_the_deal_is_not_kept() -> None:
    verdict = judge(ORDER, HEARD, translated("I want some pieces."))
    assert verdict == Verdict(Fidelity.WRONG, "missing 500")


def test_wrong_beats_repaired() -> None:
    verdict = judge(ORDER, HEARD, translated("I want 50 pieces.", repairs=("replaced '7'",)))
    assert verdict.fidelity is Fidelity.WRONG


def test_an_untranslated_turn_is_judged_by_the_transcript_shown_and_wrong_beats_it() -> None:
    misheard = Transcript(1, "我要五千件。", "zh", 0.9, 0.0)
    untranslated = Translation(1, misheard.text, "", "zh", "en", Method.NONE)
    assert judge(ORDER, misheard, untranslated) == Verdict(
        Fidelity.WRONG, "unsaid 5000; missing 500"
    )


def test_what_reaches_the_listener_is_judged_not_what_was_heard() -> None:
    """A misheard transcript whose translation is right anyway is kept."""
    misheard = Transcript(1, "我要五千件。", "zh", 0.9, 0.0)
    assert judge(ORDER, misheard, translated("I want 500 pieces.")).fidelity is Fidelity.KEPT


def test_a_one_said_as_an_article_is_no_unsaid_number_but_counts_when_one_was_said() -> None:
    price = ("price 12 yuan",)  # 这种布一米十二块。
    assert judge(price, HEARD, translated("12 yuan a meter.")).fidelity is Fidelity.KEPT
    assert judge(price, HEARD, translated("12 yuan for 1 meter.")).fidelity is Fidelity.KEPT
    assert judge(price, HEARD, translated("12 yuan, pay by the 1st.")) == Verdict(
        Fidelity.WRONG, "unsaid 1"
    )
    week = ("duration 1 week",)  # 一个星期。
    assert judge(week, HEARD, translated("In a week.")).fidelity is Fidelity.KEPT
    assert judge(week, HEARD, translated("Soon.")) == Verdict(Fidelity.WRONG, "missing 1")


def test_a_date_needs_its_day_and_its_month() -> None:
    date = ("date 15 3",)  # 3月15号。
    assert judge(date, HEARD, translated("We ship on March 15.")).fidelity is Fidelity.KEPT
    assert judge(date, HEARD, translated("We ship on the 15th.")) == Verdict(
        Fidelity.WRONG, "missing month 3"
    )


def test_a_discount_may_be_said_by_the_share_off_or_the_share_paid() -> None:
    discount = ("discount 10",)  # 九折
    for said in ("10% off.", "You pay 90% of the price."):
        assert judge(discount, HEARD, translated(said)).fidelity is Fidelity.KEPT
    to_chinese = Translation(1, "10% off", "给你打九折。", "en", "zh", Method.NMT)
    assert judge(discount, HEARD, to_chinese).fidelity is Fidelity.KEPT


# --- the benchmark's counts -----------------------------------------------------------


class Garbling:
    """A 'model' that ignores the placeholders and writes numbers of its own."""

    def __init__(self, source: str, target: str) -> None:
        self.name, self.languages = f"garble-{source}-{target}", (source, target)

    def supports(self, source: str, target: str) -> bool:
        return (source, target) == self.languages

    def warm_up(self) -> None:
        pass

    def translate(self, text: str, source: str, target: str) -> str:
        return "5000 7" if target == "en" else "五千 7"


def garbled(items: list[FidelityItem]) -> list[Row]:
    chain = TranslatorChain(None, text_models(Garbling("zh", "en"), Garbling("en", "zh")))
    return measure_text(items, [Ladder("garble", chain)])


def test_a_garbling_model_is_repaired_never_kept() -> None:
    dev = load_items(FIDELITY_SET)
    rows = garbled(dev[:10] + dev[-10:])
    assert {row.outcome("garble").verdict.fidelity for row in rows} == {Fidelity.REPAIRED}
    assert all(row.outcome("garble").verdict.detail for row in rows)


def test_the_counts_are_kept_per_split_and_language_and_printed_apart() -> None:
    items = select(load_set(), "all", 3)
    tally = count(garbled(items), "garble")
    assert set(tally) == {"dev", "test"}
    for split in tally.values():
        assert set(split) == {"zh", "en"}
        for counts in split.values():
            assert counts["items"] == 3
            assert sum(counts[f.value] for f in Fidelity) == 3
    printed = table("test", {"text": {"garble": tally}}, {"test": {"zh": "3/3"}})
    assert printed.splitlines()[0].startswith("test:")
    assert "not translated" in printed.splitlines()[0]
    assert "dev" not in printed
    assert "speech heard right (the transcript alone): zh 3/3" in printed


def test_a_turn_heard_wrong_is_counted_asked_again_only_when_the_product_would_ask() -> None:
    from benchmarks.fidelity import asked_again
    from interpreter.core.vocabulary import Doubt

    item = load_items(FIDELITY_SET)[0]
    rows = [
        Row(item, (), HEARD, ("heard 5 for 500",), Doubt.NUMBER, 0.08),
        Row(item, (), HEARD, ("heard 5 for 500",), Doubt.NONE, 0.6),
        Row(item, (), HEARD, ("heard 5 for 500",), Doubt.WORDS, 0.3),
        Row(item, (), HEARD, (), Doubt.NUMBER, 0.1),
        Row(item, (), HEARD, (), Doubt.NONE, 0.9),
    ]
    counts = asked_again(rows)["dev"][item.language]
    assert counts == {
        "heard_wrong": 3,
        "heard_wrong_asked_again": 1,
        "heard_wrong_unsure_words": 1,
        "heard_right": 2,
        "heard_right_asked_again": 1,
    }
    assert rows[0].as_json()["doubt"] == "number"
    assert rows[0].as_json()["number_probability"] == 0.08
