"""The replay set: reference sentences, spoken once, cut into utterances as live.

Speech is synthesised at the start of each run (a few seconds) rather than stored, so
the set is a text file anyone can extend, and every machine replays the same audio.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interpreter.audio.files import ASR_SAMPLE_RATE, resample
from interpreter.tts import EspeakVoice, Voice
from interpreter.types import Utterance
from interpreter.vad import Endpointer, EndpointerOptions, SileroVad, split_utterances

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPLAY_SET = Path(__file__).with_name("replay_set.toml")
LEAD_SILENCE_S = 0.6
TAIL_SILENCE_S = 0.8


@dataclass(frozen=True)
class Reference:
    language: str
    text: str


@dataclass(frozen=True, eq=False)
class ReplayItem:
    reference: Reference
    utterance: Utterance

    @property
    def speech_s(self) -> float:
        return self.utterance.duration_s


def load_references(path: Path = REPLAY_SET) -> list[Reference]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return [Reference(str(u["language"]), str(u["text"])) for u in data["utterance"]]


def speak(voice: Voice, text: str) -> np.ndarray:
    """The sentence at 16 kHz, with room noise and silence around it as a mic hears it."""
    spoken = np.concatenate(
        [resample(audio, voice.sample_rate, ASR_SAMPLE_RATE) for audio in voice.speak(text)]
    )
    lead = np.zeros(int(LEAD_SILENCE_S * ASR_SAMPLE_RATE), dtype=np.float32)
    tail = np.zeros(int(TAIL_SILENCE_S * ASR_SAMPLE_RATE), dtype=np.float32)
    recording = np.concatenate([lead, 0.8 * spoken, tail])
    noise = np.random.default_rng(len(text)).normal(0.0, 0.002, len(recording))
    return (recording + noise).astype(np.float32)


def cut(samples: np.ndarray, utterance_id: int, options: EndpointerOptions) -> Utterance:
    """What the endpointer hands on at the end of speech: first onset to last offset.

    A sentence with a long comma pause may be cut in two live; the benchmark keeps it
    whole so that both pipelines are timed on the same sentence.
    """
    pieces = split_utterances(samples, Endpointer(SileroVad(), options))
    if not pieces:
        raise RuntimeError(f"the endpointer found no speech in replay item {utterance_id}")
    start = round(pieces[0].t_start_s * ASR_SAMPLE_RATE)
    end = round(pieces[-1].t_end_s * ASR_SAMPLE_RATE)
    return Utterance(
        id=utterance_id,
        samples=samples[start:end],
        sample_rate=ASR_SAMPLE_RATE,
        t_start_s=pieces[0].t_start_s,
        t_end_s=pieces[-1].t_end_s,
    )


def build_replay(
    references: list[Reference], english_voice: Voice, options: EndpointerOptions
) -> list[ReplayItem]:
    voices: dict[str, Voice] = {"en": english_voice, "zh": EspeakVoice("zh", 130)}
    items = []
    for index, reference in enumerate(references, start=1):
        samples = speak(voices[reference.language], reference.text)
        items.append(ReplayItem(reference, cut(samples, index, options)))
    return items
