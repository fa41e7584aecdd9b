"""The translation ladder picks the highest rung that can serve, and says which."""

from __future__ import annotations

import numpy as np
import pytest

from interpreter.core.clock import ManualClock
from interpreter.core.types import Transcript, Utterance
from interpreter.core.vocabulary import Method
from interpreter.translate.chain import TranslatorChain, TranslatorOptions
from interpreter.translate.nmt import NmtModel
from interpreter.translate.phrasebook import Phrasebook
from tests.conftest import text_models


class FakeWhisperTranslate:
    """Stands in for Whisper's speech translation; the real one is tested in test_asr."""

    def __init__(self) -> None:
        self.calls = 0

    def translate_to_english(self, utterance: Utterance, language: str) -> tuple[str, float]:
        self.calls += 1
        return "words heard in English", 0.8


@pytest.fixture(scope="module")
def book() -> Phrasebook:
    return Phrasebook.load()


@pytest.fixture(scope="module")
def zh_en(tiny_translator_dir) -> NmtModel:
    return NmtModel(tiny_translator_dir, "marian", ("zh", "en"), name="opus-mt-zh-en")


def said(text: str, language: str) -> Transcript:
    return Transcript(7, text, language, 0.9, 0.0)


UTTERANCE = Utterance(7, np.zeros(16_000, dtype=np.float32), 16_000, 0.0, 1.0)


def test_a_phrasebook_sentence_is_taken_from_the_book(book, zh_en) -> None:
    chain = TranslatorChain(book, [zh_en], FakeWhisperTranslate())
    result = chain.translate(said("我要订五百件", "zh"), "en", UTTERANCE)
    assert result.method is Method.PHRASEBOOK
    assert "500 pieces" in result.text
    assert result.numbers == ("500 pieces",)
    assert result.utterance_id == 7 and result.source_text == "我要订五百件"


def test_free_speech_goes_to_the_text_model(book, zh_en) -> None:
    whisper = FakeWhisperTranslate()
    chain = TranslatorChain(book, [zh_en], whisper)
    result = chain.translate(said("我们的工厂去年搬到了金华。", "zh"), "en", UTTERANCE)
    assert result.method is Method.NMT
    assert result.text == zh_en.translate("我们的工厂去年搬到了金华。", "zh", "en")
    assert whisper.calls == 0


def test_without_a_text_model_whisper_translates_speech_into_english(book) -> None:
    whisper = FakeWhisperTranslate()
    chain = TranslatorChain(book, [], whisper)
    result = chain.translate(said("我们的工厂去年搬到了金华。", "zh"), "en", UTTERANCE)
    assert result.method is Method.WHISPER_TRANSLATE
    assert result.text == "words heard in English"


def test_whisper_cannot_translate_into_chinese_so_nothing_is_invented(book) -> None:
    chain = TranslatorChain(book, [], FakeWhisperTranslate())
    result = chain.translate(said("The weather is nice today.", "en"), "zh", UTTERANCE)
    assert result.method is Method.NONE
    assert result.text == ""
    assert result.source_text == "The weather is nice today."


def test_two_models_through_english_serve_a_pair_with_no_direct_model(tmp_path) -> None:
    class Step:
        def __init__(self, source: str, target: str) -> None:
            self.pair = (source, target)
            self.name = f"opus-mt-{source}-{target}"

        def supports(self, source: str, target: str) -> bool:
            return (source, target) == self.pair

        def translate(self, text: str, source: str, target: str) -> str:
            return f"{text}>{target}"

    chain = TranslatorChain(None, text_models(Step("zh", "en"), Step("en", "it")))
    result = chain.translate(said("你好", "zh"), "it")
    assert result.method is Method.NMT
    assert result.text == "你好>en>it"


def test_the_phrasebook_can_be_switched_off(book, zh_en) -> None:
    chain = TranslatorChain(book, [zh_en], options=TranslatorOptions(use_phrasebook=False))
    assert chain.translate(said("我要订五百件", "zh"), "en").method is Method.NMT


def test_each_translation_is_stamped_with_the_clock(book) -> None:
    clock = ManualClock(100.0)
    chain = TranslatorChain(book, [], clock=clock)
    assert chain.translate(said("我要订五百件", "zh"), "en").t_done_s == 100.0


def test_a_gap_note_names_models_that_exist_in_the_catalog(book) -> None:
    from interpreter.store import load_catalog
    from interpreter.turn.pipeline import Directions
    from interpreter.turn.stages import describe_gaps

    chain = TranslatorChain(book, [])
    catalog = load_catalog()
    notes = describe_gaps(chain, Directions.into(("zh",), "fr"), {"fr": "none"}, catalog)
    assert notes[0] == (
        "zh->fr: nothing is translated (the transcript is shown); "
        "for free speech run `interpreter models fetch opus-mt-zh-en opus-mt-en-fr`"
    )
    assert "interpreter models fetch piper-fr_FR-siwis-medium" in notes[1]
    (en_zh,) = describe_gaps(chain, Directions.into(("en",), "zh"), {}, catalog)
    assert en_zh.startswith("en->zh: only phrasebook sentences are translated")
    assert en_zh.endswith("`interpreter models fetch opus-mt-en-zh`")


def test_the_listener_waits_only_for_the_first_piece(book) -> None:
    """The latency budget predicts the translation before the first audio from the
    first piece a text model translates, not from the whole turn."""
    chain = TranslatorChain(book, [])
    text = "My flight leaves on Thursday, so I need the goods before Wednesday. Is that possible?"
    first = chain.first_piece(text, "en")
    assert text.startswith(first) and len(first) < len(text)
    assert chain.first_piece("", "en") == ""


def test_a_turn_the_book_knows_clause_by_clause_says_what_it_knows(book) -> None:
    """Was nothing at all: the whole turn is not in the book, so no rung served."""
    chain = TranslatorChain(book, [], FakeWhisperTranslate())
    turn = said("Hello, how much is this bag? I want two hundred pieces.", "en")
    result = chain.translate(turn, "zh", UTTERANCE)
    assert result.method is Method.PHRASEBOOK
    assert result.text == "你好！我要订200件。"
    assert result.numbers == ("200件",) and result.numbers_said == ("200 pieces",)


def test_an_untranslated_turn_still_shows_its_amounts_in_the_listeners_language(book) -> None:
    """Was `500件 = 500件`: the amounts were read exactly, so they are written out."""
    chain = TranslatorChain(book, [], None)
    result = chain.translate(said("我想买五百件衣服送给朋友们", "zh"), "en", UTTERANCE)
    assert result.method is Method.NONE and result.text == ""
    assert result.numbers == ("500 pieces",) and result.numbers_said == ("500件",)


def test_the_clauses_come_one_by_one_for_the_voice_on_the_budgets_last_rung_too(book) -> None:
    chain = TranslatorChain(book, [], FakeWhisperTranslate())
    turn = said("Hello, how much is this bag? I want two hundred pieces.", "en")
    pieces = list(chain.translate_pieces(turn, "zh", UTTERANCE, phrasebook_only=True))
    assert [(piece.method, piece.text) for piece in pieces] == [
        (Method.PHRASEBOOK, "你好！"),
        (Method.NONE, ""),
        (Method.PHRASEBOOK, "我要订200件。"),
    ]
