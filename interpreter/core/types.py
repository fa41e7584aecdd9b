"""The values handed from stage to stage.

Each carries the time it was made (seconds on the pipeline's one clock), so tests in
simulated time, benchmarks on replayed audio and live runs all share the same code.
Arrays are float32 mono in [-1, 1]; dataclasses that hold them compare by identity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from interpreter.core.vocabulary import Method, Party


@dataclass(frozen=True, eq=False)
class Frame:
    samples: np.ndarray
    sample_rate: int
    t_capture_s: float


@dataclass(frozen=True, eq=False)
class Utterance:
    id: int
    samples: np.ndarray
    sample_rate: int
    t_start_s: float
    t_end_s: float
    # The party whose button cut it (push-to-talk); None: the endpointer did.
    speaker_hint: Party | None = None
    # The end of the last window the endpointer heard as voice, before the silence it
    # kept (post-roll): where the listener's wait begins. None: the utterance's end
    # (a push-to-talk release, a file cut by hand).
    t_voice_end_s: float | None = None

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate

    @property
    def voice_end_s(self) -> float:
        """The speaker's last voiced moment, on the pipeline's clock."""
        return self.t_end_s if self.t_voice_end_s is None else self.t_voice_end_s


@dataclass(frozen=True)
class Heard:
    """A piece of a reading as Whisper wrote it (whole characters: a Chinese character
    may take several tokens) and the probability it gave that piece, the lowest of its
    tokens'."""

    text: str
    probability: float


@dataclass(frozen=True)
class Transcript:
    utterance_id: int
    text: str
    language: str
    confidence: float
    t_done_s: float
    # The Whisper encoder window used: the utterance plus a margin, wider when the
    # first reading looked degenerate and was decoded again (30 s, the default, when
    # nothing was encoded: audio too quiet to be speech).
    encoder_window_s: float = 30.0
    # The reading piece by piece with Whisper's probabilities, when it was measured
    # (the final reading; never a draft's): what says whether a number was heard
    # clearly enough to speak (turn/doubt.py). Its text may differ from `text`,
    # which is cleaned.
    heard: tuple[Heard, ...] = ()


@dataclass(frozen=True)
class Translation:
    utterance_id: int
    source_text: str
    text: str
    source_language: str
    target_language: str
    method: Method
    # The amounts in the listener's language, and as the speaker said them (both
    # written from the exact values), in the order spoken: the confirm step shows both.
    numbers: tuple[str, ...] = field(default=())
    t_done_s: float = 0.0
    numbers_said: tuple[str, ...] = field(default=())
    # What the number check had to fix in a model's output (see amounts/guard.py).
    number_repairs: tuple[str, ...] = field(default=())


@dataclass(frozen=True, eq=False)
class SpeechChunk:
    utterance_id: int
    samples: np.ndarray
    sample_rate: int
    is_last: bool
    t_done_s: float
    voice: str = ""
