"""No invented text: a stall's noise through the real endpointer and Whisper is silent."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import needs_espeak

from benchmarks.noise import babble, pink_noise, white_noise
from interpreter.asr import Transcriber
from interpreter.vad import Endpointer, SileroVad, split_utterances

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def whisper(model_store) -> Transcriber:
    return Transcriber(model_store.path("whisper-base"), name="whisper-base")


def heard(whisper: Transcriber, samples: np.ndarray) -> list[str]:
    utterances = split_utterances(samples, Endpointer(SileroVad()))
    texts = [whisper.transcribe(u, ("zh", "en")).text for u in utterances]
    return [text for text in texts if text]


@pytest.mark.parametrize("level_dbfs", [-40.0, -20.0])
def test_white_and_pink_noise_give_no_text(whisper, level_dbfs: float) -> None:
    assert heard(whisper, white_noise(6.0, level_dbfs, seed=1)) == []
    assert heard(whisper, pink_noise(6.0, level_dbfs, seed=2)) == []


def test_silence_gives_no_text(whisper) -> None:
    assert heard(whisper, np.zeros(16_000 * 4, dtype=np.float32)) == []


@needs_espeak
@pytest.mark.parametrize("level_dbfs", [-35.0, -28.0, -22.0])
def test_a_halls_babble_gives_no_text(whisper, joe_voice, level_dbfs: float) -> None:
    """Sixteen people talking at once behind the buyer: the endpointer may hear
    speech, but no words come out of it."""
    assert heard(whisper, babble(10.0, level_dbfs, joe_voice, seed=3)) == []


@needs_espeak
def test_a_party_is_still_heard_over_the_babble(whisper, joe_voice) -> None:
    """The guard against babble does not deafen the stall to the person at the counter."""
    from conftest import speech

    voice = speech(joe_voice, ("I want to order five hundred pieces.",), pause_s=1.0)
    hall = babble(len(voice) / 16_000, -35.0, joe_voice, seed=4)
    texts = heard(whisper, voice + hall)
    assert any("500" in text or "five hundred" in text.lower() for text in texts), texts
