"""The replay set: reference sentences, spoken once, cut into utterances as live.

Speech is synthesised at the start of each run (a few seconds) rather than stored, so
the set is a text file anyone can extend, and every machine replays the same audio.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.zhbaker import BakerVoice
from interpreter.asr.vad import Endpointer, EndpointerOptions, SileroVad, SpeechProbability
from interpreter.audio.files import ASR_SAMPLE_RATE, resample
from interpreter.core.types import Frame, Utterance
from interpreter.tts.synthesizer import EspeakVoice, Voice

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPLAY_SET = Path(__file__).with_name("replay_set.toml")
LEAD_SILENCE_S = 0.6
TAIL_SILENCE_S = 0.8


SPLITS = ("dev", "test")


@dataclass(frozen=True)
class Reference:
    language: str
    text: str
    # "dev": what settings are tuned on; "test": held out, the figures README quotes.
    split: str = "dev"
    # "espeak": espeak-ng's robotic Mandarin, kept as a robustness case; "": the set's
    # voice for the language (Piper joe for English, the natural test voice for Chinese).
    voice: str = ""


@dataclass(frozen=True, eq=False)
class ReplayItem:
    reference: Reference
    utterance: Utterance
    # From the last voiced sample to the endpointer's decision (see `cut`).
    endpoint_wait_ms: float
    # The whole recording the utterance was cut from (lead and tail silence, room
    # noise): what a live session hears.
    recording: np.ndarray

    def __post_init__(self) -> None:
        utterance = self.utterance
        start = round(utterance.t_start_s * utterance.sample_rate)
        if not np.array_equal(
            self.recording[start : start + len(utterance.samples)], utterance.samples
        ):
            raise ValueError(f"replay item {utterance.id} was not cut from its recording")

    @property
    def speech_s(self) -> float:
        return self.utterance.duration_s


def load_references(path: Path = REPLAY_SET) -> list[Reference]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    references = [
        Reference(
            str(u["language"]), str(u["text"]), str(u.get("split", "dev")), str(u.get("voice", ""))
        )
        for u in data["utterance"]
    ]
    unknown = {r.split for r in references} - set(SPLITS)
    if unknown:
        raise ValueError(f"{path}: unknown split {sorted(unknown)}; use one of {SPLITS}")
    return references


def select(references: list[Reference], limit: int | None, per_language: bool) -> list[Reference]:
    """The first `limit` of the set, or of each language in it."""
    if limit is None:
        return references
    if not per_language:
        return references[:limit]
    taken: dict[str, int] = {}
    chosen = []
    for reference in references:
        if taken.get(reference.language, 0) < limit:
            taken[reference.language] = taken.get(reference.language, 0) + 1
            chosen.append(reference)
    return chosen


def said(voice: Voice, text: str) -> np.ndarray:
    """What `voice` says of `text`, at 16 kHz, nothing added."""
    return np.concatenate(
        [resample(audio, voice.sample_rate, ASR_SAMPLE_RATE) for audio in voice.speak(text)]
    )


def speak(voice: Voice, text: str) -> np.ndarray:
    """The sentence at 16 kHz, with room noise and silence around it as a mic hears it."""
    spoken = said(voice, text)
    lead = np.zeros(int(LEAD_SILENCE_S * ASR_SAMPLE_RATE), dtype=np.float32)
    tail = np.zeros(int(TAIL_SILENCE_S * ASR_SAMPLE_RATE), dtype=np.float32)
    recording = np.concatenate([lead, 0.8 * spoken, tail])
    noise = np.random.default_rng(len(text)).normal(0.0, 0.002, len(recording))
    return (recording + noise).astype(np.float32)


def cut(
    samples: np.ndarray,
    utterance_id: int,
    options: EndpointerOptions,
    vad: SpeechProbability | None = None,
) -> tuple[Utterance, float]:
    """What the endpointer hands on at the end of speech (first onset to last offset), and
    the endpoint wait in ms: from the last voiced sample to the endpointer's decision.

    The recording is fed to the endpointer one VAD window at a time, so that it dates
    both ends of the wait (no amplitude threshold, no second VAD pass). The last voiced
    sample is the end of the last window it heard as speech (`Utterance.voice_end_s`),
    the one before
    the run of quiet windows that closed the utterance (the first under `end_threshold`,
    the others under `start_threshold`); the decision is the end of the window that
    closed it, when the run reached `min_silence_ms` (in whole windows: 12 of 32 ms for
    400 ms). The utterance keeps `post_roll_ms` of that run, so its last sample lies that
    long after the last voiced sample, and the decision the rest of the run after it.
    (A piece cut at the maximum length, or flushed at the end of the recording, is dated
    the same way: its decision is that cut, or that end.)

    A sentence with a long comma pause may be cut in two live; the benchmark keeps it
    whole so that both pipelines are timed on the same sentence, and the wait is its last
    piece's.
    """
    vad = vad or SileroVad()
    endpointer = Endpointer(vad, options)
    window = vad.window_samples
    pieces: list[tuple[Utterance, float]] = []
    for start in range(0, len(samples), window):
        frame = samples[start : start + window]
        heard = endpointer.push(Frame(frame, ASR_SAMPLE_RATE, start / ASR_SAMPLE_RATE))
        now_s = (start + len(frame)) / ASR_SAMPLE_RATE
        pieces += [(piece, now_s - piece.voice_end_s) for piece in heard]
    end_s = len(samples) / ASR_SAMPLE_RATE
    pieces += [(piece, end_s - piece.voice_end_s) for piece in endpointer.flush()]
    if not pieces:
        raise RuntimeError(f"the endpointer found no speech in replay item {utterance_id}")
    first, (last, wait_s) = pieces[0][0], pieces[-1]
    start = round(first.t_start_s * ASR_SAMPLE_RATE)
    end = round(last.t_end_s * ASR_SAMPLE_RATE)
    utterance = Utterance(
        id=utterance_id,
        samples=samples[start:end],
        sample_rate=ASR_SAMPLE_RATE,
        t_start_s=first.t_start_s,
        t_end_s=last.t_end_s,
        t_voice_end_s=last.t_voice_end_s,
    )
    return utterance, round(1000.0 * wait_s, 1)


def build_replay(
    references: list[Reference],
    english_voice: Voice,
    options: EndpointerOptions,
    chinese_voice: Voice | None = None,
) -> list[ReplayItem]:
    """Each reference spoken and cut. Chinese is spoken by the natural test voice
    (benchmarks/zhbaker.py; `chinese_voice` stands in for it), or by espeak-ng where the
    item asks for it; without the natural voice's folder this raises FileNotFoundError
    naming it."""
    voices: dict[tuple[str, str], Voice] = {
        ("en", ""): english_voice,
        ("zh", "espeak"): EspeakVoice("zh", 130),
    }
    if any(r.language == "zh" and not r.voice for r in references):
        voices[("zh", "")] = chinese_voice or BakerVoice()
    items = []
    for index, reference in enumerate(references, start=1):
        samples = speak(voices[(reference.language, reference.voice)], reference.text)
        items.append(ReplayItem(reference, *cut(samples, index, options), samples))
    return items
