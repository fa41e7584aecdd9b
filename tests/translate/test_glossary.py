"""The merchant's glossary: edited from the command line, used on the next sentence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from interpreter.asr.transcriber import Transcriber
from interpreter.core.errors import InputError
from interpreter.core.types import Utterance
from interpreter.translate.glossary import Glossary, GlossaryEntry, GlossaryFile
from interpreter.tts.synthesizer import PiperVoiceModel
from tests.conftest import speech

FLASK = GlossaryEntry({"zh": ("保温杯", "保温瓶"), "en": ("vacuum flask", "thermos")})


def test_terms_are_found_in_a_sentence_longest_first() -> None:
    glossary = Glossary((FLASK, GlossaryEntry({"zh": ("杯",), "en": ("cup",)})))
    keeps = glossary.keeps("这个保温杯和那个杯子", "zh", "en")
    assert [(k.said, k.term) for k in keeps] == [("保温杯", "vacuum flask"), ("杯", "cup")]


def test_english_terms_match_whole_words_in_any_case() -> None:
    glossary = Glossary((FLASK,))
    assert [k.said for k in glossary.keeps("Two Thermos, please", "en", "zh")] == ["Thermos"]
    assert glossary.keeps("thermoses are sold out", "en", "zh") == ()


def test_a_term_without_a_word_in_the_target_language_is_left_to_the_model() -> None:
    glossary = Glossary((GlossaryEntry({"zh": ("保温杯",), "es": ("termo",)}),))
    assert glossary.keeps("保温杯", "zh", "en") == ()
    assert glossary.keeps("保温杯", "zh", "es")[0].term == "termo"


def test_whisper_is_given_the_agreed_words_of_the_language_it_hears() -> None:
    glossary = Glossary((FLASK, GlossaryEntry({"en": ("Kaite",)})))
    assert glossary.hotwords(("en",)) == "vacuum flask, Kaite"
    assert glossary.hotwords(("zh",)) == "保温杯"


def test_adding_a_known_word_merges_into_its_entry(tmp_path: Path) -> None:
    glossary = GlossaryFile(tmp_path / "g.toml")
    glossary.add(FLASK)
    merged = glossary.add(GlossaryEntry({"en": ("thermos",), "es": ("termo",)}))
    assert len(merged) == 1
    assert merged.entries[0].forms["en"] == ("thermos", "vacuum flask")
    assert merged.entries[0].forms["es"] == ("termo",)


def test_an_edit_by_hand_is_read_on_the_next_call(tmp_path: Path) -> None:
    path = tmp_path / "g.toml"
    glossary = GlossaryFile(path)
    assert len(glossary.current()) == 0
    path.write_text('[[term]]\nzh = ["义乌"]\nen = ["Yiwu"]\n', encoding="utf-8")
    assert glossary.current().entries[0].agreed("en") == "Yiwu"


def test_a_broken_file_mid_session_keeps_the_last_good_glossary(tmp_path: Path) -> None:
    path = tmp_path / "g.toml"
    warnings: list[str] = []
    glossary = GlossaryFile(path, warn=warnings.append)
    glossary.add(FLASK)
    path.write_text(path.read_text(encoding="utf-8") + "\nbroken [[\n", encoding="utf-8")
    assert glossary.current().entries == (FLASK,)
    assert glossary.current().entries == (FLASK,)
    assert len(warnings) == 1 and "not valid TOML" in warnings[0] and str(path) in warnings[0]


def test_a_broken_file_at_start_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "g.toml"
    path.write_text('[[term]]\nxx = ["what"]\n', encoding="utf-8")
    with pytest.raises(InputError, match="unknown language 'xx'"):
        GlossaryFile(path).current()


def glossary_command(*args: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "interpreter", "--glossary", str(path), "glossary", *args],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_the_merchant_edits_the_glossary_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "stall" / "glossary.toml"
    added = glossary_command("add", "zh=保温杯", "en=vacuum flask", "es=termo", path=path)
    assert added.returncode == 0, added.stderr
    listed = glossary_command("list", path=path)
    assert (
        "保温杯" in listed.stdout and "vacuum flask" in listed.stdout and "1 term" in listed.stdout
    )
    removed = glossary_command("remove", "termo", path=path)
    assert removed.returncode == 0 and "保温杯" in removed.stdout
    assert "the glossary is empty" in glossary_command("list", path=path).stdout
    assert not list(path.parent.glob(".glossary-*")), "no temporary file left behind"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "klingon=qapla"), "unknown language 'klingon'"),
        (("add", "保温杯"), "is not LANG=WORD"),
        (("remove", "nothing"), "no glossary term is spelled 'nothing'"),
    ],
)
def test_bad_glossary_input_is_one_line(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = glossary_command(*args, path=tmp_path / "g.toml")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and message in result.stderr
    assert "Traceback" not in result.stderr


BRAND_SENTENCES = (
    "We buy the Kaite thermos cups.",
    "I want five hundred pieces of the Kaite bottle.",
    "Our supplier is Xinhua Trading in Zhejiang.",
    "Kaite makes the best flasks.",
)


@pytest.mark.models
def test_the_glossary_teaches_whisper_how_a_brand_is_spelled(model_store) -> None:
    """Without the glossary Whisper writes "kite" and "in-huit"; with it, the brands."""
    voice = PiperVoiceModel(model_store.path("piper-en_US-joe-medium"), "en", vary=False)
    words = {"en": "Kaite, Xinhua, Zhejiang"}
    plain = Transcriber(model_store.path("whisper-base"))
    taught = Transcriber(model_store.path("whisper-base"), context=lambda code: words.get(code, ""))
    heard_plain, heard_taught = [], []
    for sentence in BRAND_SENTENCES:
        samples = speech(voice, (sentence,), pause_s=0.3)
        utterance = Utterance(1, samples, 16_000, 0.0, len(samples) / 16_000)
        heard_plain.append(plain.transcribe(utterance, ("en", "zh")).text)
        heard_taught.append(taught.transcribe(utterance, ("en", "zh")).text)
    brands = ("Kaite", "Xinhua")
    taught_count = sum(brand in text for text in heard_taught for brand in brands)
    plain_count = sum(brand in text for text in heard_plain for brand in brands)
    assert taught_count >= 3 and taught_count > plain_count, (heard_plain, heard_taught)
    silence = Utterance(2, np.zeros(32_000, np.float32), 16_000, 0.0, 2.0)
    assert taught.transcribe(silence, ("en", "zh")).text == "", "the words are not invented"


def test_the_default_glossary_is_private_to_the_tests() -> None:
    assert "INTERPRETER_GLOSSARY" in os.environ
