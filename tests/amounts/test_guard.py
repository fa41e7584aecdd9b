"""Numbers never wrong: what a text model writes is checked before anyone hears it.

Fake models show each way a model can get a number wrong; the tiny CTranslate2
model (random weights, so every output is a model's worst) shows that whatever it
writes, the numbers that come out are exactly the speaker's.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest

from interpreter.amounts.finder import AmountFinder
from interpreter.amounts.guard import NumberGuard
from interpreter.core.types import Transcript, Utterance
from interpreter.core.vocabulary import Method
from interpreter.translate.chain import TranslatorChain
from interpreter.translate.glossary import Glossary, GlossaryEntry, GlossaryFile
from interpreter.translate.nmt import NmtModel
from tests.conftest import text_models


class FakeModel:
    """A one-direction 'model' that rewrites its input with a function."""

    def __init__(self, source: str, target: str, rewrite: Callable[[str], str]) -> None:
        self.name = f"fake-{source}-{target}"
        self.languages = (source, target)
        self.rewrite = rewrite
        self.seen: list[str] = []

    def supports(self, source: str, target: str) -> bool:
        return (source, target) == self.languages

    def warm_up(self) -> None:
        pass

    def translate(self, text: str, source: str, target: str) -> str:
        self.seen.append(text)
        return self.rewrite(text)


WORDS = {"我要订": "I want to order ", "，": ", ", "一个": " each", "交货": " delivery"}


def word_for_word(text: str) -> str:
    for chinese, english in WORDS.items():
        text = text.replace(chinese, english)
    return text


def said(text: str, language: str) -> Transcript:
    return Transcript(3, text, language, 0.9, 0.0)


def chain_with(model: FakeModel | NmtModel, **kwargs) -> TranslatorChain:
    return TranslatorChain(None, text_models(model), **kwargs)


@pytest.fixture(scope="module")
def guard(finder: AmountFinder) -> NumberGuard:
    return NumberGuard(finder)


def test_the_model_never_sees_the_numbers() -> None:
    model = FakeModel("zh", "en", word_for_word)
    result = chain_with(model).translate(said("我要订五百件，三块五一个", "zh"), "en")
    assert model.seen == ["我要订ZQ1，ZQ2一个"]
    assert result.text == "I want to order 500 pieces, 3.50 yuan each"
    assert result.numbers == ("500 pieces", "3.50 yuan")
    assert result.numbers_said == ("500件", "3.50元")
    assert result.number_repairs == ()


def test_a_lost_number_is_said_from_its_exact_value() -> None:
    model = FakeModel("zh", "en", lambda text: "I want to order.")
    result = chain_with(model).translate(said("我要订五百件", "zh"), "en")
    assert result.text == "I want to order: 500 pieces."
    assert result.number_repairs == ("added '500 pieces', which the translation lost",)


def test_a_number_the_model_rewrote_is_put_right() -> None:
    model = FakeModel("zh", "en", lambda text: "I want to order 5,000 pieces.")
    result = chain_with(model).translate(said("我要订五百件", "zh"), "en")
    assert result.text == "I want to order 500 pieces."
    assert result.number_repairs == ("replaced '5,000 pieces' with '500 pieces'",)


def test_a_number_nobody_said_is_removed() -> None:
    model = FakeModel("en", "zh", lambda text: "质量很好，7")
    result = chain_with(model).translate(said("The quality is good.", "en"), "zh")
    assert result.text == "质量很好，"
    assert not re.search(r"\d", result.text)
    assert result.number_repairs == ("removed '7', which the speaker did not say",)


def test_a_colour_code_is_not_an_amount_to_keep() -> None:
    """The terminal's red (ESC [31m) was read as 31 metres and kept for the listener."""
    model = FakeModel("en", "zh", lambda text: text.replace("hello", "你好"))
    result = chain_with(model).translate(said("\x1b[31m hello \x1b[0m", "en"), "zh")
    assert model.seen == ["\x1b[31m hello \x1b[0m"]
    assert result.numbers == () and result.number_repairs == ()
    assert "31" not in result.text.replace("\x1b[31m", "")


def test_a_doubled_number_is_said_once() -> None:
    model = FakeModel("en", "zh", lambda text: text.replace("I need", "我要") + " ZQ1")
    result = chain_with(model).translate(said("I need 100 cartons", "en"), "zh")
    assert result.text == "我要100箱"
    assert result.number_repairs == ("removed a second copy of '100 cartons'",)


def test_whisper_speech_translation_is_checked_against_the_transcript(guard) -> None:
    checked = guard.check("Deliver in 80 days, 5,000 pieces.", "十八天交货，五百件", "zh", "en")
    assert checked.text == "Deliver in 18 days, 500 pieces."
    assert checked.numbers == ("18 days", "500 pieces")
    assert len(checked.repairs) == 2


def test_the_whisper_rung_reports_its_repairs() -> None:
    class HeardWrong:
        def translate_to_english(self, utterance: Utterance, language: str) -> tuple[str, float]:
            return "I want to order 5,000 pieces of cloth.", 0.7

    chain = TranslatorChain(None, [], HeardWrong())
    utterance = Utterance(3, np.zeros(16_000, np.float32), 16_000, 0.0, 1.0)
    result = chain.translate(said("我要订五百件布料", "zh"), "en", utterance)
    assert result.method is Method.WHISPER_TRANSLATE
    assert result.text == "I want to order 500 pieces of cloth."
    assert result.number_repairs


NUMBER_SENTENCES = [
    ("我要订五百件。", ("500 pieces",)),
    ("一千二百件，三块五一个。", ("1,200 pieces", "3.50 yuan")),
    ("十八天可以交货。", ("18 days",)),
    ("两万个，打九折。", ("20,000 pieces", "10% off")),
    ("3月15号发货，定金百分之三十。", ("March 15", "30%")),
    ("型号KT-500，每箱二十四个。", ("KT-500", "24 pieces")),
]


@pytest.mark.parametrize(("sentence", "numbers"), NUMBER_SENTENCES)
def test_whatever_a_real_model_writes_the_numbers_are_the_speakers(
    tiny_translator_dir, guard, sentence: str, numbers: tuple[str, ...]
) -> None:
    model = NmtModel(tiny_translator_dir, "marian", ("zh", "en"), name="tiny-zh-en")
    result = chain_with(model).translate(said(sentence, "zh"), "en")
    assert result.numbers == numbers
    heard = [guard.finder.render(a, "en") for a in guard.finder.find(result.text, "en")]
    assert heard == list(numbers), result.text


def test_the_glossary_term_is_the_agreed_one_whatever_the_model_writes(
    tiny_translator_dir,
) -> None:
    glossary = Glossary((GlossaryEntry({"zh": ("保温杯",), "en": ("vacuum flask",)}),))
    model = NmtModel(tiny_translator_dir, "marian", ("zh", "en"), name="tiny-zh-en")
    chain = chain_with(model, glossary=lambda: glossary)
    result = chain.translate(said("这个保温杯质量很好。", "zh"), "en")
    assert "vacuum flask" in result.text
    assert "保温杯" not in result.text


def test_a_copying_model_puts_the_agreed_term_in_place() -> None:
    glossary = Glossary((GlossaryEntry({"en": ("thermos",), "zh": ("保温杯",)}),))
    model = FakeModel("en", "zh", lambda text: text.replace("I want", "我要"))
    result = chain_with(model, glossary=lambda: glossary).translate(
        said("I want 500 Thermos", "en"), "zh"
    )
    assert model.seen == ["I want ZQ1 ZQ2"]
    assert result.text == "我要500保温杯"


def test_a_glossary_edit_applies_to_the_next_sentence(tmp_path) -> None:
    glossary = GlossaryFile(tmp_path / "glossary.toml")
    model = FakeModel("zh", "en", lambda text: text)
    chain = chain_with(model, glossary=glossary.current)
    assert chain.translate(said("保温杯", "zh"), "en").text == "保温杯"
    glossary.add(GlossaryEntry({"zh": ("保温杯",), "en": ("vacuum flask",)}))
    assert chain.translate(said("保温杯", "zh"), "en").text == "vacuum flask"
    glossary.add(GlossaryEntry({"zh": ("保温杯",), "en": ("thermos cup",)}))
    assert chain.translate(said("保温杯", "zh"), "en").text == "thermos cup"
    glossary.remove("thermos cup")
    assert chain.translate(said("保温杯", "zh"), "en").text == "保温杯"


def test_the_merchant_checks_the_numbers_and_the_meaning_before_anyone_hears_them(
    tmp_path,
) -> None:
    """translate-text --back: the numbers in both languages, and the translation put
    back into the merchant's own language."""
    import json
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "interpreter", "--models-dir", str(tmp_path), "translate-text",
         "我要订一千二百件，三块五一个", "--from", "zh", "--to", "en", "--back", "--json"],
        capture_output=True, text=True, timeout=120, check=False, env={**os.environ},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    turn = json.loads(result.stdout)["utterances"][0]
    assert turn["numbers_said"] == ["1200件", "3.50元"]
    assert turn["numbers"] == ["1,200 pieces", "3.50 yuan"]
    assert turn["back_translation"]["language"] == "zh"
    assert "1200件" in turn["back_translation"]["text"]
    shown = subprocess.run(
        [sys.executable, "-m", "interpreter", "--models-dir", str(tmp_path), "translate-text",
         "我要订一千二百件，三块五一个", "--from", "zh", "--to", "en", "--back"],
        capture_output=True, text=True, timeout=120, check=False,
    ).stdout  # fmt: skip
    assert "┃ 1200件 = 1,200 pieces ┃" in shown
    assert "back (zh, phrasebook): 我要订1200件" in shown


def test_two_numbers_said_apart_are_never_joined_by_the_phrasebook() -> None:
    """Whisper wrote "3500 1个"; the book's Chinese needs no spaces, yet 35001 was
    never said, so the book must not answer with it."""
    from interpreter.translate.phrasebook import Phrasebook

    model = FakeModel("zh", "en", word_for_word)
    chain = TranslatorChain(Phrasebook.load(), text_models(model))
    result = chain.translate(said("3500 1个,最少2500套", "zh"), "en")
    assert "35,001" not in result.text and "35001" not in result.text
    assert result.method is Method.NMT
    assert result.numbers_said == ("3500", "1件", "2500套")


def test_a_phrasebook_answer_with_other_numbers_goes_to_the_next_rung(guard) -> None:
    assert guard.agrees("我要订五百件", "I want to order 500 pieces.", "zh", "en")
    assert not guard.agrees("我要订五百件", "I want to order 5,000 pieces.", "zh", "en")
    assert not guard.agrees("我要订五百件", "I want to order.", "zh", "en")


def test_a_currency_sign_the_model_put_beside_a_percentage_goes() -> None:
    model = FakeModel("zh", "en", lambda text: text.replace("定金", "deposit $ "))
    result = chain_with(model).translate(said("定金百分之三十", "zh"), "en")
    assert result.text == "deposit 30%"


def test_a_number_is_never_glued_to_a_word_the_model_wrote_beside_it() -> None:
    model = FakeModel(
        "zh", "en", lambda text: text.replace("样品", "samplesin").replace("能做好", "ready")
    )
    result = chain_with(model).translate(said("样品45天能做好", "zh"), "en")
    assert result.text == "samplesin 45 days ready"
