"""The voice says the number that is shown: prices, quantities and units in words."""

from __future__ import annotations

import subprocess
from decimal import Decimal

import numpy as np
import pytest

from interpreter.amounts.finder import AmountFinder
from interpreter.asr.transcriber import Transcriber
from interpreter.audio.files import resample
from interpreter.core.types import Translation, Utterance
from interpreter.core.vocabulary import Method
from interpreter.tts.readaloud import NumberReader, en_number_words, zh_number_words
from interpreter.tts.synthesizer import PiperVoiceModel, Synthesizer
from tests.conftest import needs_espeak


@pytest.fixture(scope="module")
def reader() -> NumberReader:
    return NumberReader(AmountFinder.load())


@pytest.mark.parametrize(
    ("value", "chinese", "english"),
    [
        ("10", "十", "ten"),
        ("15", "十五", "fifteen"),
        ("105", "一百零五", "one hundred and five"),
        ("110", "一百一十", "one hundred and ten"),
        ("500", "五百", "five hundred"),
        ("1005", "一千零五", "one thousand and five"),
        ("1200", "一千二百", "one thousand two hundred"),
        ("2000", "两千", "two thousand"),
        ("20000", "两万", "twenty thousand"),
        ("25000", "两万五千", "twenty-five thousand"),
        ("3.5", "三点五", "three point five"),
    ],
)
def test_numbers_in_words(value: str, chinese: str, english: str) -> None:
    assert zh_number_words(Decimal(value)) == chinese
    assert en_number_words(Decimal(value)) == english


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("我要500件。", "我要五百件。"),
        ("每个3.50元。", "每个三块五。"),
        ("0.50元", "五毛"),
        ("12元一个", "十二块一个"),
        ("18天交货", "十八天交货"),
        ("定金30%", "定金百分之三十"),
        ("3月15日发货", "三月十五日发货"),
        ("1200件", "一千二百件"),
        ("型号KT-500", "型号KT-500"),
    ],
)
def test_chinese_is_read_as_a_merchant_says_it(reader, written: str, spoken: str) -> None:
    assert reader(written, "zh") == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("It is $3.50 each.", "It is three dollars and fifty cents each."),
        ("3.50 yuan", "three point five yuan"),
        ("$1", "one dollar"),
        ("1,200 pieces in 18 days", "one thousand two hundred pieces in eighteen days"),
        ("10% off and a 30% deposit", "ten percent off and a thirty percent deposit"),
    ],
)
def test_english_is_read_in_the_right_order(reader, written: str, spoken: str) -> None:
    assert reader(written, "en") == spoken


def espeak_phonemes(text: str) -> str:
    result = subprocess.run(
        ["espeak-ng", "-v", "cmn-latn-pinyin", "-q", "-x", text],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout


@needs_espeak
def test_espeak_says_the_decimal_point_only_when_it_is_read_out(reader) -> None:
    """espeak-ng reads 3.50元 as 三五零元 (three-five-zero yuan); ours says 三块五."""
    assert "kh'uai" not in espeak_phonemes("3.50元")
    assert "t'iE" not in espeak_phonemes("3.50元"), "espeak-ng drops the point"
    assert "kh'uai" in espeak_phonemes(reader("3.50元", "zh"))


@needs_espeak
def test_espeak_says_a_percentage_in_chinese(reader) -> None:
    assert "(en)" in espeak_phonemes("30%"), "espeak-ng says 'percent' in English"
    assert "(en)" not in espeak_phonemes(reader("30%", "zh"))


@pytest.mark.models
def test_piper_says_the_dollar_after_the_number(model_store, reader) -> None:
    voice = PiperVoiceModel(model_store.path("piper-en_US-joe-medium"), "en", vary=False)

    def phonemes(text: str) -> str:
        return "".join("".join(sentence) for sentence in voice._voice.phonemize(text))

    plain, read = phonemes("$3.50"), phonemes(reader("$3.50", "en"))
    assert plain.index("dˈɑːlɚ") < plain.index("θɹˈiː"), "as written: 'dollar three point...'"
    assert read.index("θɹˈiː") < read.index("dˈɑːlɚ")


@pytest.mark.models
def test_what_the_buyer_hears_is_the_number_on_screen(model_store, reader) -> None:
    """Spoken by the real voice, heard back by Whisper: the same amounts."""
    voice = PiperVoiceModel(model_store.path("piper-en_US-joe-medium"), "en", vary=False)
    synthesizer = Synthesizer({"en": voice}, reader=reader)
    whisper = Transcriber(model_store.path("whisper-base"))
    finder = AmountFinder.load()
    for text in ("It costs $3.50 each.", "The price is 3.50 yuan.", "1,200 pieces in 18 days."):
        translation = Translation(1, "", text, "zh", "en", Method.NMT)
        audio = [
            resample(c.samples, c.sample_rate, 16_000) for c in synthesizer.synthesize(translation)
        ]
        pad = np.zeros(8000, np.float32)
        samples = np.concatenate([pad, *(0.8 * a for a in audio), pad])
        heard = whisper.transcribe(
            Utterance(1, samples, 16_000, 0.0, len(samples) / 16_000), ("en",), "en"
        )
        said = [a.key for a in finder.find(text, "en")]
        assert [a.key for a in finder.find(heard.text, "en")] == said, heard.text


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("$1.50", "one dollar and fifty cents"),
        ("$1.01", "one dollar and one cent"),
        ("$2.01", "two dollars and one cent"),
        ("1 piece", "one piece"),
        ("1 day", "one day"),
    ],
)
def test_one_takes_the_singular(reader, written: str, spoken: str) -> None:
    assert reader(written, "en") == spoken


def test_a_terminal_control_sequence_is_not_said(reader) -> None:
    assert reader("\x1b[31mred\x1b[0m", "en") == " red "
    assert reader("\x1b[1m500 pieces\x1b[0m", "en") == " five hundred pieces "
    assert reader("\x1b[31m500件", "zh") == " 五百件"
