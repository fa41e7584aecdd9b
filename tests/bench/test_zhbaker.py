"""The natural Mandarin test voice (benchmarks/zhbaker.py): what it is fed, what it
gives, and that Whisper understands it. Test speech only, never a product voice."""

from __future__ import annotations

import json

import numpy as np
import pytest

from benchmarks.scoring import error_rate
from benchmarks.zhbaker import BakerVoice, baker_available, baker_folder
from interpreter.asr.transcriber import Transcriber
from interpreter.audio.files import ASR_SAMPLE_RATE, resample
from interpreter.core.types import Utterance

pytestmark = pytest.mark.skipif(
    not baker_available(),
    reason=f"the natural Mandarin test voice is not at {baker_folder()}: "
    "put shared/voices/zh-baker beside the checkout",
)

MERCHANT = "老板，这个保温杯多少钱一个？我要订五百件，二十天能交货吗？"


@pytest.fixture(scope="module")
def voice() -> BakerVoice:
    return BakerVoice()


@pytest.fixture(scope="module")
def symbol_id() -> dict[str, int]:
    return json.loads((baker_folder() / "symbol_to_id.json").read_text(encoding="utf-8"))[
        "symbol_to_id"
    ]


def test_a_phrase_becomes_phones_between_silences(voice, symbol_id) -> None:
    phones = ["sil", "n", "i3", "#0", "h", "ao3", "sil", "eos"]
    assert voice.phone_ids("你好") == [symbol_id[p] for p in phones]


def test_the_neutral_tone_is_tone_five_and_only_characters_are_read(voice, symbol_id) -> None:
    phones = ["sil", "h", "ao3", "#0", "d", "e5", "sil", "eos"]
    assert voice.phone_ids("好的！OK") == [symbol_id[p] for p in phones]


@pytest.mark.parametrize(
    ("digits", "characters"),
    [("500件", "五百件"), ("3.5元", "三块五"), ("20天", "二十天"), ("30%", "百分之三十")],
)
def test_numbers_in_digits_are_spoken_as_characters(voice, digits: str, characters: str) -> None:
    assert voice.phone_ids(digits) == voice.phone_ids(characters)


def test_a_sentence_is_24_khz_speech_of_a_plausible_length(voice) -> None:
    sentence = "这个保温杯多少钱一个？"
    (audio,) = voice.speak(sentence)
    characters = len(sentence) - 1
    assert voice.sample_rate == 24_000
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert 0.15 * characters < len(audio) / voice.sample_rate < 0.4 * characters
    assert np.abs(audio).max() <= 1.0
    assert np.abs(audio).max() > 0.1  # not silence


def test_a_missing_voice_names_its_folder(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="shared/voices/zh-baker beside the checkout"):
        BakerVoice(tmp_path / "zh-baker")


@pytest.mark.models
def test_whisper_base_understands_the_merchant(voice, model_store) -> None:
    whisper = Transcriber(model_store.path("whisper-base"), name="whisper-base")
    spoken = np.concatenate(list(voice.speak(MERCHANT)))
    pad = np.zeros(ASR_SAMPLE_RATE // 2, np.float32)
    samples = np.concatenate([pad, 0.8 * resample(spoken, 24_000, ASR_SAMPLE_RATE), pad])
    heard = whisper.transcribe(
        Utterance(1, samples, ASR_SAMPLE_RATE, 0.0, len(samples) / ASR_SAMPLE_RATE), ("zh",)
    )
    print(f"whisper-base heard: {heard.text}")
    assert error_rate([(MERCHANT, heard.text)], "zh") < 0.25, heard.text
