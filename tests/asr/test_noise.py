"""No invented text: a stall's noise through the real endpointer and Whisper is silent."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from benchmarks.noise import babble, breathing, music, pink_noise, scaled_to, white_noise
from interpreter.asr.transcriber import Transcriber
from interpreter.asr.vad import Endpointer, SileroVad, split_utterances
from interpreter.core.types import Utterance

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def whisper(model_store) -> Transcriber:
    return Transcriber(model_store.path("whisper-base"), name="whisper-base")


def heard(whisper: Transcriber, samples: np.ndarray) -> list[str]:
    """What the stall would write down: the endpointer's utterances through Whisper,
    and the whole recording as one utterance too, as if the endpointer were fooled."""
    utterances = split_utterances(samples, Endpointer(SileroVad()))
    utterances.append(Utterance(0, samples, 16_000, 0.0, len(samples) / 16_000))
    texts = [whisper.transcribe(u, ("zh", "en")).text for u in utterances]
    return [text for text in texts if text]


@pytest.mark.parametrize("level_dbfs", [-40.0, -20.0])
def test_white_and_pink_noise_give_no_text(whisper, level_dbfs: float) -> None:
    assert heard(whisper, white_noise(6.0, level_dbfs, seed=1)) == []
    assert heard(whisper, pink_noise(6.0, level_dbfs, seed=2)) == []


@pytest.mark.parametrize("level_dbfs", [-35.0, -20.0])
def test_breathing_and_music_give_no_text(whisper, level_dbfs: float) -> None:
    assert heard(whisper, breathing(8.0, level_dbfs, seed=5)) == []
    assert heard(whisper, music(8.0, level_dbfs, seed=6)) == []


def test_silence_gives_no_text(whisper) -> None:
    assert heard(whisper, np.zeros(16_000 * 4, dtype=np.float32)) == []


@pytest.fixture(scope="module")
def hall(joe_voice) -> np.ndarray:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (make test installs it when run as root)")
    return babble(10.0, -28.0, joe_voice, seed=3)


@pytest.mark.parametrize("level_dbfs", [-35.0, -28.0, -22.0])
def test_a_halls_babble_gives_no_text(whisper, hall, level_dbfs: float) -> None:
    """Sixteen people talking at once behind the buyer: the endpointer may hear
    speech, but no words come out of it."""
    assert heard(whisper, scaled_to(hall, level_dbfs)) == []


def test_a_party_is_still_heard_over_the_babble(whisper, joe_voice, hall) -> None:
    """The guard against babble does not deafen the stall to the person at the counter."""
    from tests.conftest import speech

    voice = speech(joe_voice, ("I want to order five hundred pieces.",), pause_s=1.0)
    background = scaled_to(np.resize(hall, len(voice)), -35.0)
    texts = heard(whisper, voice + background)
    assert any("500" in text or "five hundred" in text.lower() for text in texts), texts
