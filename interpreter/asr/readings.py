"""A reading of speech by Whisper, and what its text alone says about it.

`Decoded` is one decode of one encoder window; `Draft` a reading of an utterance that
is still being spoken (see `early`). `as_written` and `compression_ratio` judge a
reading by its text: the script it is written in, and how much it repeats itself.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace

from interpreter.core.languages import LANGUAGES, scripts_of
from interpreter.core.types import Heard

# Whisper's input window, seconds: the most audio one encoder pass reads.
WINDOW_S = 30.0


@dataclass(frozen=True)
class Decoded:
    text: str
    avg_logprob: float
    no_speech_prob: float
    hit_length_limit: bool = False
    window_s: float = WINDOW_S
    tokens: tuple[int, ...] = ()
    language: str = ""
    # Piece by piece with the probability of each, when asked for (Whisper.decode).
    heard: tuple[Heard, ...] = ()


@dataclass(frozen=True)
class Draft:
    """A quick reading of an utterance that is still being spoken."""

    decoded: Decoded
    audio_s: float

    @property
    def text(self) -> str:
        return self.decoded.text

    @property
    def tokens(self) -> tuple[int, ...]:
        return self.decoded.tokens

    @property
    def language(self) -> str:
        return self.decoded.language


def as_written(decoded: Decoded, languages: tuple[str, ...]) -> Decoded:
    """A reading in the language its words are written in. Told <|zh|>, Whisper base
    writes English speech as English words (Piper's "Please send a sample." was heard
    as zh, then routed as the merchant's and translated from Chinese): a reading with
    no letter in its language's script, all in the script of one other language of
    the stall, is that language's. Mixed writing ("USB接口") stays as detected."""
    written = scripts_of(decoded.text)
    own = LANGUAGES.get(decoded.language)
    if not written or own is None or own.script in written:
        return decoded
    others = [c for c in languages if c in LANGUAGES and LANGUAGES[c].script in written]
    if len(written) == 1 and len(others) == 1:
        return replace(decoded, language=others[0])
    return decoded


def compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))
