"""How the pause set is spoken: in one breath and opened where the pauses go, or each
segment alone.

A person who stops inside a sentence ("I'd like to order, um, five hundred pieces")
does not end "I'd like to order" as a sentence: the voice stays up, the words run on
into the pause. A segment synthesised alone ends as a sentence does, falling, and
Whisper writes a full stop after it ("I'd like to order."), which a sentence-aware
endpoint rightly takes as the end of a turn. So the set is spoken by default in one
breath: the whole sentence synthesised at once (English from its text, punctuation
and all, so a comma gives Piper's own phrase break; Chinese from its segments run
together), cut apart where each segment ends, by the voices' own phoneme durations
(benchmarks/common/piper_timed.py, BakerVoice.speak_opened), each cut faded over
10 ms. `segments` is how stops 29 and 30 spoke it, kept to compare with their figures.

Either way each piece comes back at 16 kHz, one per segment; benchmarks/pause_cut.py
trims them and joins them with the set's exact pauses.
"""

from __future__ import annotations

import argparse
import enum
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from benchmarks.common.models import ENGLISH_VOICE, english_voice, open_store
from benchmarks.common.piper_timed import TimedPiperVoice
from benchmarks.replay import said
from benchmarks.zhbaker import BakerVoice
from interpreter.audio.files import ASR_SAMPLE_RATE, resample
from interpreter.tts.synthesizer import Voice


class Speech(enum.Enum):
    """How the segments of a sentence are spoken."""

    ONE_BREATH = "one-breath"
    SEGMENTS = "segments"


# A sentence's segments and its text -> one piece of audio per segment, at 16 kHz.
Speaker = Callable[[Sequence[str], str], list[np.ndarray]]


def add_speech_option(parser: argparse.ArgumentParser) -> None:
    """`--speech one-breath|segments`, the benchmarks' choice of `Speech`."""
    parser.add_argument(
        "--speech",
        choices=[s.value for s in Speech],
        default=Speech.ONE_BREATH.value,
        help="how the set is spoken (benchmarks/pause_speech.py)",
    )


def segment_speaker(voice: Voice) -> Speaker:
    """Each segment synthesised alone."""

    def speak(segments: Sequence[str], text: str) -> list[np.ndarray]:
        return [said(voice, segment) for segment in segments]

    return speak


def one_breath_speaker(voice: BakerVoice | TimedPiperVoice) -> Speaker:
    """The sentence said at once and opened at the segments' ends."""

    def speak(segments: Sequence[str], text: str) -> list[np.ndarray]:
        return [
            resample(piece, voice.sample_rate, ASR_SAMPLE_RATE)
            for piece in voice.speak_opened(segments, text)
        ]

    return speak


def speakers(speech: Speech, languages: set[str], models_dir: Path | None) -> dict[str, Speaker]:
    """A speaker for each of `languages`: the natural Mandarin test voice (raises,
    naming its folder, when it is not beside the checkout) and Piper joe."""
    found: dict[str, Speaker] = {}
    if "zh" in languages:
        baker = BakerVoice()
        found["zh"] = (
            one_breath_speaker(baker) if speech is Speech.ONE_BREATH else segment_speaker(baker)
        )
    if "en" in languages:
        store = open_store(models_dir, ENGLISH_VOICE)
        found["en"] = (
            one_breath_speaker(TimedPiperVoice(store.path(ENGLISH_VOICE)))
            if speech is Speech.ONE_BREATH
            else segment_speaker(english_voice(store))
        )
    return found
