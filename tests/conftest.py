"""Shared fixtures: real models from the demo extra, real speech, a tiny translator.

Everything expensive is session-scoped: the model store is filled once from the
Python packages that ship the weights, the test recordings are synthesised once.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, cast

import numpy as np
import pytest

from interpreter.audio.files import ASR_SAMPLE_RATE, resample, write_wav
from interpreter.store import ModelStore, load_catalog
from interpreter.translate.nmt import NmtModel
from interpreter.translate.random_models import build_random_translator
from interpreter.tts.synthesizer import EspeakVoice, PiperVoiceModel

REPO = Path(__file__).resolve().parents[1]
TEST_MODELS = ("whisper-base", "whisper-tiny.en", "piper-en_US-joe-medium")

ENGLISH_SENTENCES = (
    "Hello, how much is this?",
    "I want to order five hundred pieces.",
    "Can you deliver in twenty days?",
)
# Whisper base is sure these are Mandarin even in espeak-ng's robotic voice (zh at 0.99
# and 0.98); its "你好，欢迎光临" scores zh at 0.006 and was lost on a CPU that rounds
# differently.
CHINESE_SENTENCES = ("这个多少钱？", "二十天可以交货。")


class TextModel(Protocol):
    """What `TranslatorChain` asks of a text model when it translates."""

    def supports(self, source: str, target: str) -> bool: ...

    def translate(self, text: str, source: str, target: str) -> str: ...


def text_models(*models: TextModel) -> list[NmtModel]:
    """Fake text models in `NmtModel`'s place: `TranslatorChain` takes that class,
    though it asks no more of one than `TextModel` (and `warm_up`, which only a test
    that warms the chain up needs)."""
    return [cast(NmtModel, model) for model in models]


needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (make test installs it when run as root)",
)


@pytest.fixture(scope="session", autouse=True)
def private_glossary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """No test, and no program a test starts, reads the glossary of whoever runs them."""
    path = tmp_path_factory.mktemp("glossary") / "glossary.toml"
    before = os.environ.get("INTERPRETER_GLOSSARY")
    os.environ["INTERPRETER_GLOSSARY"] = str(path)
    yield path
    if before is None:
        os.environ.pop("INTERPRETER_GLOSSARY", None)
    else:
        os.environ["INTERPRETER_GLOSSARY"] = before


@pytest.fixture(scope="session")
def model_store(tmp_path_factory: pytest.TempPathFactory) -> ModelStore:
    """A private store holding the models the demo extra ships, installed offline."""
    store = ModelStore(tmp_path_factory.mktemp("store"), load_catalog())
    for name in TEST_MODELS:
        store.fetch(name)
    return store


@pytest.fixture(scope="session")
def joe_voice(model_store: ModelStore) -> PiperVoiceModel:
    """Without Piper's random variation: the same test speech on every run, so a test
    that passes once passes again."""
    return PiperVoiceModel(model_store.path("piper-en_US-joe-medium"), "en", vary=False)


def speech(voice, sentences: tuple[str, ...], pause_s: float = 1.0) -> np.ndarray:
    """Sentences spoken with pauses between them, as a 16 kHz recording."""
    silence = np.zeros(int(pause_s * ASR_SAMPLE_RATE), dtype=np.float32)
    parts: list[np.ndarray] = [silence]
    for sentence in sentences:
        for audio in voice.speak(sentence):
            parts.append(0.8 * resample(audio, voice.sample_rate, ASR_SAMPLE_RATE))
        parts.append(silence)
    return np.concatenate(parts).astype(np.float32)


@pytest.fixture(scope="session")
def english_recording(tmp_path_factory: pytest.TempPathFactory, joe_voice) -> Path:
    path = tmp_path_factory.mktemp("speech") / "buyer-en.wav"
    write_wav(path, speech(joe_voice, ENGLISH_SENTENCES), ASR_SAMPLE_RATE)
    return path


@pytest.fixture(scope="session")
def chinese_recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    path = tmp_path_factory.mktemp("speech") / "merchant-zh.wav"
    write_wav(path, speech(EspeakVoice("zh", 130), CHINESE_SENTENCES), ASR_SAMPLE_RATE)
    return path


TRANSLATOR_CORPUS = (
    *ENGLISH_SENTENCES,
    *CHINESE_SENTENCES,
    "The quality is very good.",
    "质量很好。",
    "Please send me a sample.",
    "请给我寄样品。",
)


@pytest.fixture(scope="session")
def tiny_translator_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A Marian-layout CTranslate2 model with random weights and a trained tokenizer."""
    out = tmp_path_factory.mktemp("tiny-marian")
    yield build_random_translator(out / "model", TRANSLATOR_CORPUS * 10, family="marian")
