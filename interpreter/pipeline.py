"""One utterance through every stage, and the offline runner for whole recordings.

The runner here is single-threaded and deterministic: it serves files, tests and the
demo. Times come from the injected clock and are taken between stages, so the
per-stage figures mean the same thing here as in a live session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from interpreter.asr import Transcriber
from interpreter.clock import Clock, MonotonicClock
from interpreter.early import EarlyRecognizer
from interpreter.errors import InputError
from interpreter.translate.chain import TranslatorChain
from interpreter.tts import Synthesizer, speech_audio
from interpreter.types import SpeechChunk, Transcript, Translation, Utterance
from interpreter.vad import Endpointer, split_utterances


@dataclass(frozen=True)
class Directions:
    """Which languages may be heard, and what each is translated into.

    A counter pair is symmetric (zh->en, en->zh); a recording translated "to en"
    maps every language it may hear onto English.
    """

    listen: tuple[str, ...]
    targets: dict[str, str] = field(hash=False)

    @classmethod
    def pair(cls, first: str, second: str) -> Directions:
        return cls((first, second), {first: second, second: first})

    @classmethod
    def into(cls, listen: tuple[str, ...], target: str) -> Directions:
        return cls(tuple(listen), {code: target for code in listen})

    def target(self, source: str) -> str:
        return self.targets[source]

    def only(self, source: str) -> Directions:
        """The same plan for a turn whose language is known (a push-to-talk button)."""
        return Directions((source,), {source: self.targets[source]})


@dataclass(frozen=True)
class StageTimings:
    """Milliseconds from the end of speech. `mt_ms` runs to the first translated
    piece and `tts_first_audio_ms` from there to its first audio: the path to the
    first sound the listener hears."""

    asr_ms: float
    mt_ms: float
    tts_first_audio_ms: float | None
    total_ms: float


@dataclass(frozen=True, eq=False)
class Turn:
    utterance: Utterance
    transcript: Transcript
    translation: Translation
    speech: tuple[SpeechChunk, ...]
    timings: StageTimings

    @property
    def audio(self) -> tuple[np.ndarray, int] | None:
        """The whole spoken translation as one array, with its sample rate."""
        return speech_audio(list(self.speech)) if self.speech else None


class Interpreter:
    def __init__(
        self,
        transcriber: Transcriber,
        translator: TranslatorChain,
        synthesizer: Synthesizer | None,
        clock: Clock | None = None,
    ) -> None:
        self.transcriber = transcriber
        self.translator = translator
        self.synthesizer = synthesizer
        self._clock = clock or MonotonicClock()

    def warm_up(self) -> None:
        """Every model once, at start: first calls allocate buffers and pick kernels."""
        self.transcriber.warm_up()
        self.translator.warm_up()
        if self.synthesizer is not None:
            self.synthesizer.warm_up()

    def interpret(
        self, utterance: Utterance, directions: Directions, early: EarlyRecognizer | None = None
    ) -> Turn | None:
        """Hear, translate and speak one utterance; None when nobody really spoke.

        With `early`, the recognizer that read the utterance while it was spoken
        finishes it, and only its unsettled end is decoded now.
        """
        started_s = self._clock.now()
        if early is not None:
            transcript = early.finish(utterance)
        else:
            transcript = self.transcriber.transcribe(utterance, directions.listen)
        if not transcript.text:
            return None
        target = directions.target(transcript.language)
        pieces: list[Translation] = []
        speech: list[SpeechChunk] = []
        # Each piece is spoken as soon as it is translated; the first audio does not
        # wait for the rest of the turn.
        for piece in self.translator.translate_pieces(transcript, target, utterance):
            pieces.append(piece)
            if self.synthesizer is not None:
                speech.extend(self.synthesizer.synthesize(piece))
        translation = self.translator.joined(transcript, target, pieces)
        speech = [replace(c, is_last=i == len(speech) - 1) for i, c in enumerate(speech)]
        first_piece_s = pieces[0].t_done_s
        first_audio_s = speech[0].t_done_s if speech else None
        end_s = first_audio_s if first_audio_s is not None else translation.t_done_s

        def ms(later: float, earlier: float) -> float:
            return round(1000.0 * (later - earlier), 1)

        timings = StageTimings(
            asr_ms=ms(transcript.t_done_s, started_s),
            mt_ms=ms(first_piece_s, transcript.t_done_s),
            tts_first_audio_ms=(
                ms(first_audio_s, first_piece_s) if first_audio_s is not None else None
            ),
            total_ms=ms(end_s, started_s),
        )
        return Turn(utterance, transcript, translation, tuple(speech), timings)


def find_utterances(
    samples: np.ndarray, endpointer: Endpointer, name: str = "the recording"
) -> list[Utterance]:
    """Cut a 16 kHz recording into utterances, refusing one with no speech at all."""
    utterances = split_utterances(samples, endpointer)
    if not utterances:
        raise InputError(f"no speech found in {name} (silent?); record closer to the microphone")
    return utterances


def interpret_utterances(
    utterances: list[Utterance],
    interpreter: Interpreter,
    directions: Directions,
    on_turn: Callable[[Turn], None] | None = None,
    name: str = "the recording",
) -> list[Turn]:
    """Interpret each utterance in order; an error if none held words in the languages."""
    turns = []
    for utterance in utterances:
        turn = interpreter.interpret(utterance, directions)
        if turn is None:
            continue
        turns.append(turn)
        if on_turn is not None:
            on_turn(turn)
    if not turns:
        raise InputError(
            f"no words recognised in {name} ({len(utterances)} stretches of sound, "
            f"none clearly in {'/'.join(directions.listen)}); check the --from languages "
            "and that the speech is not too faint"
        )
    return turns
