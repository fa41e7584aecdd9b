"""A reading is in the language its words are written in."""

from __future__ import annotations

from interpreter.asr.readings import Decoded, as_written
from interpreter.core.languages import scripts_of

PAIR = ("zh", "en")


def reading(text: str, language: str) -> Decoded:
    return Decoded(text=text, avg_logprob=-0.3, no_speech_prob=0.01, language=language)


def test_english_words_heard_as_chinese_are_english() -> None:
    assert as_written(reading("Please send a sample.", "zh"), PAIR).language == "en"


def test_chinese_characters_heard_as_english_are_chinese() -> None:
    assert as_written(reading("这个多少钱？", "en"), PAIR).language == "zh"


def test_mixed_writing_and_numbers_keep_the_detected_language() -> None:
    assert as_written(reading("USB接口的有没有？", "zh"), PAIR).language == "zh"
    assert as_written(reading("500", "zh"), PAIR).language == "zh"
    assert as_written(reading("", "en"), PAIR).language == "en"


def test_a_script_no_party_writes_in_changes_nothing() -> None:
    assert as_written(reading("Спасибо", "zh"), PAIR).language == "zh"


def test_two_parties_writing_one_script_are_not_told_apart_by_it() -> None:
    assert as_written(reading("Gracias", "en"), ("en", "es")).language == "en"
    assert as_written(reading("Gracias", "zh"), ("zh", "en", "es")).language == "zh"


def test_scripts_are_read_from_letters_only() -> None:
    assert scripts_of("老板, OK? 500!") == {"Hans", "Latn"}
    assert scripts_of("3.50 - 7:30") == frozenset()
