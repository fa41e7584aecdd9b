"""One utterance through every stage, and the offline runner for whole recordings.

The runner here is single-threaded and deterministic: it serves files, tests and the
demo. Times come from the injected clock and are taken between stages, so the
per-stage figures mean the same thing here as in a live session.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import TypeVar

import numpy as np

from interpreter.asr.early import EarlyRecognizer
from interpreter.asr.transcriber import Transcriber
from interpreter.asr.vad import VAD_SAMPLE_RATE, Endpointer, State
from interpreter.core.clock import Clock, MonotonicClock
from interpreter.core.errors import InputError
from interpreter.core.text import counted
from interpreter.core.types import Frame, SpeechChunk, Transcript, Translation, Utterance
from interpreter.core.vocabulary import Doubt, Method
from interpreter.translate.chain import TranslatorChain
from interpreter.tts.synthesizer import Synthesizer, speech_audio
from interpreter.turn.budget import AsrRung, BudgetLadder, MtRung, Violation
from interpreter.turn.doubt import DoubtCheck, DoubtOptions


@dataclass(frozen=True)
class Directions:
    """Which languages may be heard, and what each is translated into.

    A counter pair is symmetric (zh->en, en->zh); a recording translated "to en"
    maps every language it may hear onto English.
    """

    listen: tuple[str, ...]
    targets: dict[str, str] = field(hash=False)
    # The one language heard is certain (a push-to-talk button): never detected.
    known: bool = False

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
        return Directions((source,), {source: self.targets[source]}, known=True)


@dataclass(frozen=True)
class StageTimings:
    """Milliseconds of work from the moment the utterance is handed over (the
    endpoint, or a push-to-talk release), not from the last voiced sample: the trace
    (turn/trace.py) puts them on the listener's clock. `mt_ms` runs to the first translated
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
    asr_rung: AsrRung = AsrRung.CONFIGURED
    mt_rung: MtRung = MtRung.FULL
    violations: tuple[Violation, ...] = ()
    # Recognition was unsure of the words, or of a number in them: the translation is
    # shown, marked, and not spoken, because a misheard number spoken aloud is a wrong deal.
    doubt: Doubt = Doubt.NONE

    @property
    def unsure(self) -> bool:
        return self.doubt is not Doubt.NONE

    @property
    def audio(self) -> tuple[np.ndarray, int] | None:
        """The whole spoken translation as one array, with its sample rate."""
        return speech_audio(list(self.speech)) if self.speech else None


@dataclass(frozen=True, eq=False)
class _Head:
    """The first piece of a turn, translated and voiced while the endpointer still
    waited out its silence, and what makes the rest (see `Interpreter.prepare`)."""

    transcript: Transcript
    target: str
    translator: TranslatorChain
    piece: Translation
    rest: Iterator[Translation]
    speech: Iterator[SpeechChunk]


class TurnEvents:
    """What a live runner hears of a turn while it is made; the defaults do nothing.

    `cancelled` is asked between stages and between pieces: a turn made stale by a
    newer one (or a stopped session) is dropped at the next boundary.
    """

    def transcript(self, transcript: Transcript, doubt: Doubt) -> None:
        """The words heard, and whether they are sure enough to speak."""

    def translated(self, piece: Translation) -> None:
        pass

    def spoken(self, chunk: SpeechChunk) -> None:
        pass

    def cancelled(self) -> bool:
        return False


class Interpreter:
    def __init__(
        self,
        transcriber: Transcriber,
        translator: TranslatorChain,
        synthesizer: Synthesizer | None,
        clock: Clock | None = None,
        smaller_transcriber: Transcriber | None = None,
        doubt: DoubtOptions | None = None,
    ) -> None:
        """`smaller_transcriber` (tiny beside base, say) is the latency budget's last
        recognition rung; without a budget it is never used. A turn `doubt` finds
        unsure (its words, or a number in them) is shown but not spoken; None: every
        turn is spoken."""
        self.transcriber = transcriber
        self.translator = translator
        self.synthesizer = synthesizer
        self.smaller_transcriber = smaller_transcriber
        self.doubt = None if doubt is None else DoubtCheck(translator.guard.finder, doubt)
        self._clock = clock or MonotonicClock()
        self._head: _Head | None = None

    def warm_up(self) -> None:
        """Every model once, at start: first calls allocate buffers and pick kernels."""
        self.transcriber.warm_up()
        if self.smaller_transcriber is not None:
            self.smaller_transcriber.warm_up()
        self.translator.warm_up()
        if self.synthesizer is not None:
            self.synthesizer.warm_up()

    def prepare(
        self, transcript: Transcript, directions: Directions, utterance: Utterance | None = None
    ) -> bool:
        """Translate and voice the first piece of a turn whose words are read before
        its end is certain: when the voice stops, the endpointer waits out its silence,
        and that wait is time to make the first audio. `interpret` uses it when the
        final transcript is the same; anything else drops it. Call it from the thread
        that calls `interpret`. Returns whether a first piece is ready."""
        self._head = None
        if not transcript.text or transcript.language not in directions.targets:
            return False
        target = directions.target(transcript.language)
        pieces = self.translator.translate_pieces(transcript, target, utterance)
        first = next(pieces, None)
        if first is None:
            return False
        unsure = self.doubt_of(transcript) is not Doubt.NONE
        speech = iter(() if unsure else self._speak(first))
        made = next(speech, None)
        if made is not None:
            speech = chain([made], speech)
        self._head = _Head(transcript, target, self.translator, first, pieces, speech)
        return True

    def doubt_of(self, transcript: Transcript) -> Doubt:
        """Whether these words are sure enough to speak (see turn/doubt.py)."""
        return Doubt.NONE if self.doubt is None else self.doubt.of(transcript)

    def _take_head(self, transcript: Transcript, target: str) -> _Head | None:
        """The prepared first piece, when it was made from these very words."""
        head, self._head = self._head, None
        if head is None or head.translator is not self.translator:
            return None
        made_from = head.transcript
        same = (made_from.text, made_from.language, made_from.confidence, head.target)
        wanted = (transcript.text, transcript.language, transcript.confidence, target)
        return head if same == wanted else None

    def interpret(
        self,
        utterance: Utterance,
        directions: Directions,
        early: EarlyRecognizer | None = None,
        ladder: BudgetLadder | None = None,
        events: TurnEvents | None = None,
    ) -> Turn | None:
        """Hear, translate and speak one utterance; None when nobody really spoke (or
        the turn went stale).

        With `early`, the recognizer that read the utterance while it was spoken
        finishes it, and only its unsettled end is decoded now. With `ladder`, each
        stage runs on the rung the latency budget allows.
        """
        events = events or TurnEvents()
        started_s = self._clock.now()
        transcript, asr_rung = self._hear(utterance, directions, early, ladder)
        asr_ms = 1000.0 * (transcript.t_done_s - started_s)
        if ladder is not None and asr_rung is not None:
            ladder.observe_asr(asr_rung, utterance.duration_s, asr_ms)
        if not transcript.text or events.cancelled():
            return None
        doubt = self.doubt_of(transcript)
        unsure = doubt is not Doubt.NONE
        events.transcript(transcript, doubt)
        target = directions.target(transcript.language)
        # A first piece made and voiced from these very words while the endpointer
        # waited leaves no translation between the listener and the first audio.
        head = self._take_head(transcript, target)
        mt_rung = MtRung.FULL
        if ladder is not None and head is None:
            methods = self.translator.methods_for(transcript.language, target)
            by_speech = Method.NMT not in methods and Method.WHISPER_TRANSLATE in methods
            # Only the first piece is translated before the first audio.
            first = self.translator.first_piece(transcript.text, transcript.language)
            mt_rung = ladder.choose_mt(
                len(first),
                asr_ms,
                utterance.duration_s,
                by_speech=by_speech,
                language=transcript.language,
            )
        pieces: list[Translation] = []
        speech: list[SpeechChunk] = []
        # Each piece is spoken as soon as it is translated; the first audio does not
        # wait for the rest of the turn.
        piece_started_s = transcript.t_done_s
        if head is None:
            made: Iterable[Translation] = self.translator.translate_pieces(
                transcript, target, utterance, phrasebook_only=mt_rung is MtRung.PHRASEBOOK_ONLY
            )
        else:
            made = _restamped(chain([head.piece], head.rest), transcript, self._clock)
        for index, piece in enumerate(made):
            # Made before the utterance ended: it took none of the turn's time.
            prepared = head is not None and index == 0
            if ladder is not None and not prepared:
                took_ms = 1000.0 * (piece.t_done_s - piece_started_s)
                if piece.method is Method.NMT:
                    ladder.observe_mt(len(piece.source_text), took_ms, transcript.language)
                elif piece.method is Method.WHISPER_TRANSLATE:
                    ladder.observe_speech_mt(utterance.duration_s, took_ms)
            pieces.append(piece)
            events.translated(piece)
            if events.cancelled():
                return None
            voiced: Iterable[SpeechChunk] = []
            if prepared:
                assert head is not None
                voiced = _restamped(head.speech, transcript, self._clock)
            elif not unsure:
                voiced = self._speak(piece)
            for chunk in voiced:
                speech.append(chunk)
                events.spoken(chunk)
                if events.cancelled():
                    return None
            piece_started_s = self._clock.now()
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
        violations: tuple[Violation, ...] = ()
        if ladder is not None:
            violations = tuple(
                ladder.violations(
                    timings.asr_ms, timings.mt_ms, timings.tts_first_audio_ms, timings.total_ms
                )
            )
        return Turn(
            utterance,
            transcript,
            translation,
            tuple(speech),
            timings,
            asr_rung or AsrRung.CONFIGURED,
            mt_rung,
            violations,
            doubt,
        )

    def _hear(
        self,
        utterance: Utterance,
        directions: Directions,
        early: EarlyRecognizer | None,
        ladder: BudgetLadder | None,
    ) -> tuple[Transcript, AsrRung | None]:
        """The transcript, and the rung that decoded it (None: a draft already had it)."""
        if early is not None and early.covers(utterance):
            return early.finish(utterance), None
        known = directions.listen[0] if directions.known else None
        rung = AsrRung.CONFIGURED if ladder is None else ladder.choose_asr(utterance.duration_s)
        if rung is AsrRung.CONFIGURED:
            if early is not None:
                return early.finish(utterance), rung
            return self.transcriber.transcribe(utterance, directions.listen, known), rung
        if early is not None:
            early.reset()
        transcriber = self.transcriber
        if rung is AsrRung.SMALLER_MODEL and self.smaller_transcriber is not None:
            transcriber = self.smaller_transcriber
        return transcriber.transcribe(utterance, directions.listen, known, quick=True), rung

    def _speak(self, piece: Translation) -> list[SpeechChunk] | Iterator[SpeechChunk]:
        if self.synthesizer is None:
            return []
        return self.synthesizer.synthesize(piece)


# What a turn prepares ahead: its translated pieces and their speech.
_Prepared = TypeVar("_Prepared", Translation, SpeechChunk)


def _restamped(
    made: Iterable[_Prepared], transcript: Transcript, clock: Clock
) -> Iterator[_Prepared]:
    """Pieces or speech prepared before the utterance ended, as this turn's: its id,
    and ready no earlier than now (the turn cannot use them before it exists)."""
    for item in made:
        yield replace(
            item,
            utterance_id=transcript.utterance_id,
            t_done_s=max(item.t_done_s, clock.now()),
        )


class RecordingCuts:
    """Utterances cut from a recording's blocks as they are decoded.

    The blocks (any length, 16 kHz) go to the endpointer in frames of `frame_s`,
    timed by their place in the recording, exactly as `split_utterances` feeds a
    whole array; only the utterance being spoken and less than a frame are held, so
    memory does not grow with the recording. Iterate once; an InputError at the end
    when there was no speech at all. After the last utterance, `ended_inside` is the
    id of the one the recording ended inside of (still being spoken when the audio
    ran out), if any.
    """

    def __init__(
        self,
        blocks: Iterable[np.ndarray],
        endpointer: Endpointer,
        name: str = "the recording",
        sample_rate: int = VAD_SAMPLE_RATE,
        frame_s: float = 1.0,
    ) -> None:
        self._blocks = blocks
        self._endpointer = endpointer
        self._name = name
        self._rate = sample_rate
        self._frame = int(frame_s * sample_rate)
        self.count = 0
        self.ended_inside: int | None = None
        self.duration_s = 0.0

    def __iter__(self) -> Iterator[Utterance]:
        held: list[np.ndarray] = []
        held_samples = 0
        start = 0
        for block in self._blocks:
            held.append(block)
            held_samples += len(block)
            if held_samples < self._frame:
                continue
            joined = np.concatenate(held) if len(held) > 1 else held[0]
            whole = held_samples // self._frame * self._frame
            for offset in range(0, whole, self._frame):
                frame = Frame(joined[offset : offset + self._frame], self._rate, start / self._rate)
                start += self._frame
                yield from self._counted(self._endpointer.push(frame))
            held = [joined[whole:]] if whole < held_samples else []
            held_samples -= whole
        if held_samples:
            rest = np.concatenate(held)
            yield from self._counted(
                self._endpointer.push(Frame(rest, self._rate, start / self._rate))
            )
            start += held_samples
        self.duration_s = start / self._rate
        speaking = self._endpointer.state in (State.SPEAKING, State.STOPPING)
        last = self._endpointer.flush()
        if speaking and last:
            self.ended_inside = last[-1].id
        yield from self._counted(last)
        if self.count == 0:
            raise InputError(
                f"no speech found in {self._name} (silent?); record closer to the microphone"
            )

    def _counted(self, utterances: list[Utterance]) -> list[Utterance]:
        self.count += len(utterances)
        return utterances


def interpret_each(
    utterances: Iterable[Utterance],
    interpreter: Interpreter,
    directions: Directions,
    name: str = "the recording",
) -> Iterator[Turn]:
    """Each utterance's turn, in order, made as it is asked for (nothing is kept);
    an error at the end if none held words in the languages."""
    heard = 0
    made = 0
    for utterance in utterances:
        heard += 1
        turn = interpreter.interpret(utterance, directions)
        if turn is None:
            continue
        made += 1
        yield turn
    if not made:
        sounds = counted(heard, "stretch of sound", "stretches of sound")
        raise InputError(
            f"no words recognised in {name} ({sounds}, "
            f"none clearly in {'/'.join(directions.listen)}); check the --from languages "
            "and that the speech is not too faint"
        )
