"""Speaking: the Piper voice, the espeak-ng fallback, and text only when neither."""

from __future__ import annotations

import numpy as np
import pytest

from interpreter.core.types import Translation
from interpreter.core.vocabulary import Method
from interpreter.tts.synthesizer import EspeakVoice, Synthesizer, SynthesizerOptions
from tests.conftest import needs_espeak


def translation(text: str, target: str) -> Translation:
    return Translation(1, "source", text, "zh", target, Method.PHRASEBOOK)


def loud(samples: np.ndarray) -> bool:
    return float(np.sqrt(np.mean(samples**2))) > 0.01


@pytest.mark.models
def test_piper_speaks_sentence_by_sentence(joe_voice) -> None:
    synthesizer = Synthesizer({"en": joe_voice})
    chunks = list(
        synthesizer.synthesize(translation("I want 500 pieces. Delivery in 20 days.", "en"))
    )
    assert len(chunks) == 2
    assert [chunk.is_last for chunk in chunks] == [False, True]
    assert all(chunk.sample_rate == 22_050 and loud(chunk.samples) for chunk in chunks)
    assert chunks[0].voice == "en_US-joe-medium" or "joe" in chunks[0].voice


@needs_espeak
def test_espeak_speaks_a_language_without_a_piper_voice() -> None:
    synthesizer = Synthesizer({})
    chunks = list(synthesizer.synthesize(translation("我要订500件。", "zh")))
    assert len(chunks) == 1 and chunks[0].is_last
    assert chunks[0].voice.startswith("espeak-ng")
    assert loud(chunks[0].samples)
    assert len(chunks[0].samples) / chunks[0].sample_rate > 0.5


@needs_espeak
def test_espeak_voice_reads_pinyin_voice_for_hanzi() -> None:
    samples = EspeakVoice("zh").render("你好")
    assert loud(samples)


def test_no_voice_at_all_means_text_only_and_it_is_remembered() -> None:
    synthesizer = Synthesizer({}, SynthesizerOptions(use_espeak=False))
    assert list(synthesizer.synthesize(translation("Hello.", "en"))) == []
    assert synthesizer.silent_languages == {"en"}


def test_empty_text_is_not_spoken() -> None:
    synthesizer = Synthesizer({}, SynthesizerOptions(use_espeak=False))
    assert list(synthesizer.synthesize(translation("", "en"))) == []


@pytest.mark.models
def test_a_damaged_voice_names_the_command_that_repairs_it(model_store, tmp_path) -> None:
    from interpreter.core.errors import ModelError
    from interpreter.tts.synthesizer import PiperVoiceModel

    voice = tmp_path / "piper-en_US-joe-medium"
    voice.mkdir()
    source = model_store.path("piper-en_US-joe-medium")
    (voice / "en_US-joe-medium.onnx").write_bytes(b"truncated")
    (voice / "en_US-joe-medium.onnx.json").write_bytes(
        (source / "en_US-joe-medium.onnx.json").read_bytes()
    )
    with pytest.raises(ModelError, match=r"fetch piper-en_US-joe-medium --force"):
        PiperVoiceModel(voice, "en", "piper-en_US-joe-medium")


@pytest.mark.models
def test_a_voice_without_variation_says_the_same_text_the_same_way(model_store) -> None:
    from interpreter.tts.synthesizer import PiperVoiceModel

    path = model_store.path("piper-en_US-joe-medium")
    steady = PiperVoiceModel(path, "en", vary=False)
    first, again = (np.concatenate(list(steady.speak("Five hundred pieces."))) for _ in range(2))
    assert np.array_equal(first, again)


class RecordingVoice:
    """Says nothing; remembers each text it was asked to render."""

    name = "recorder"
    language = "en"
    sample_rate = 16_000

    def __init__(self) -> None:
        self.rendered: list[str] = []

    def speak(self, text: str):
        self.rendered.append(text)
        yield np.full(160, 0.1, dtype=np.float32)


def test_the_first_words_of_a_long_sentence_are_rendered_on_their_own() -> None:
    voice = RecordingVoice()
    text = (
        "We usually pay thirty percent deposit and the rest before shipping by sea. Is that fine?"
    )
    chunks = list(Synthesizer({"en": voice}).synthesize(translation(text, "en")))
    assert voice.rendered == [
        "We usually pay thirty",
        "percent deposit and the rest before shipping by sea.",
        "Is that fine?",
    ]
    assert [chunk.is_last for chunk in chunks] == [False, False, True]
