"""The fidelity set and how the fidelity benchmark scores a translation."""

from __future__ import annotations

from benchmarks.fidelity import Ladder, amount_keys, measure_text
from benchmarks.fidelity_set import FIDELITY_SET, dump_set, generate, load_set
from interpreter.translate.amounts import AmountFinder
from interpreter.translate.chain import TranslatorChain


def test_the_committed_set_is_the_generated_one() -> None:
    assert FIDELITY_SET.read_text(encoding="utf-8") == dump_set(generate())


def test_the_set_has_two_hundred_sentences_with_numbers_in_both_languages() -> None:
    items = load_set()
    assert len(items) >= 200
    assert {item.language for item in items} == {"zh", "en"}
    assert all(item.amounts for item in items)
    assert len({item.text for item in items}) == len(items)


def test_every_amount_in_the_set_is_read_exactly() -> None:
    """The values were written down from the template fillers; the finder must agree."""
    finder = AmountFinder.load()
    for item in load_set():
        assert amount_keys(finder, item.text, item.language) == sorted(item.amounts), item.text


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


def test_a_garbling_model_still_scores_full_marks_because_the_check_repairs_it() -> None:
    items = load_set()[:10] + load_set()[-10:]
    chain = TranslatorChain(None, [Garbling("zh", "en"), Garbling("en", "zh")])  # type: ignore[list-item]
    report = measure_text(items, [Ladder("garble", chain)], AmountFinder.load())
    assert report["garble"]["rate"] == 1.0
    assert report["garble"]["turns_repaired"] == 20
