"""The translation ladder: phrasebook, then a text model, then Whisper, then nothing.

Each rung is tried only when the one above cannot help, and the rung used is recorded
in the `Translation`, because a merchant should know whether a sentence came from the
hand-checked book or from a model. With no rung left the turn still shows its
transcript ("none"): the other party can at least read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from interpreter.clock import Clock, MonotonicClock
from interpreter.text import speakable_pieces
from interpreter.translate.nmt import NmtModel
from interpreter.translate.phrasebook import Phrasebook
from interpreter.types import Method, Transcript, Translation, Utterance

PIVOT_LANGUAGE = "en"


class SpeechTranslator(Protocol):
    def translate_to_english(self, utterance: Utterance, language: str) -> tuple[str, float]: ...


@dataclass(frozen=True)
class TranslatorOptions:
    use_phrasebook: bool = True
    use_whisper_translate: bool = True
    # A text model translates sentence by sentence, and a long sentence clause by
    # clause, so the first piece can be spoken while the rest is translated.
    piece_min_chars: dict[str, int] = field(default_factory=lambda: {"zh": 8}, hash=False)
    piece_min_chars_default: int = 24

    def min_chars(self, language: str) -> int:
        return self.piece_min_chars.get(language, self.piece_min_chars_default)


class TranslatorChain:
    def __init__(
        self,
        phrasebook: Phrasebook | None,
        nmt_models: list[NmtModel],
        speech_translator: SpeechTranslator | None = None,
        options: TranslatorOptions | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._phrasebook = phrasebook
        self._models = list(nmt_models)
        self._speech = speech_translator
        self._options = options or TranslatorOptions()
        self._clock = clock or MonotonicClock()

    def warm_up(self) -> None:
        if self._phrasebook is not None:
            self._phrasebook.warm_up()
        for model in self._models:
            model.warm_up()

    def methods_for(self, source: str, target: str) -> list[Method]:
        """Which rungs could serve this direction with what is loaded."""
        methods = []
        if self._book_covers(source, target):
            methods.append(Method.PHRASEBOOK)
        if self._nmt_route(source, target):
            methods.append(Method.NMT)
        if self._whisper_can(source, target):
            methods.append(Method.WHISPER_TRANSLATE)
        return methods

    def translate(
        self, transcript: Transcript, target: str, utterance: Utterance | None = None
    ) -> Translation:
        """The whole turn's translation (the pieces of `translate_pieces`, joined)."""
        pieces = list(self.translate_pieces(transcript, target, utterance))
        return self.joined(transcript, target, pieces)

    def translate_pieces(
        self,
        transcript: Transcript,
        target: str,
        utterance: Utterance | None = None,
        phrasebook_only: bool = False,
    ) -> Iterator[Translation]:
        """The translation in pieces a listener can hear one after another.

        The phrasebook answers for the whole turn (its numbers are exact) or not at
        all; a text model goes piece by piece; Whisper hears the whole utterance.
        `phrasebook_only` (the latency budget's last rung) stops after the book.
        """
        source = transcript.language
        text = transcript.text.strip()
        if not text or source == target:
            yield self._result(transcript, target, text, Method.NONE)
            return
        if self._book_covers(source, target):
            assert self._phrasebook is not None
            match = self._phrasebook.lookup(text, source, target)
            if match is not None:
                yield self._result(transcript, target, match.text, Method.PHRASEBOOK, match.amounts)
                return
        route = [] if phrasebook_only else self._nmt_route(source, target)
        if route:
            for piece in speakable_pieces(text, source, self._options.min_chars(source)):
                translated = piece
                for model, step_source, step_target in route:
                    translated = model.translate(translated, step_source, step_target)
                yield self._result(transcript, target, translated, Method.NMT, source_text=piece)
            return
        if not phrasebook_only and utterance is not None and self._whisper_can(source, target):
            assert self._speech is not None
            translated, _ = self._speech.translate_to_english(utterance, source)
            if translated:
                yield self._result(transcript, target, translated, Method.WHISPER_TRANSLATE)
                return
        yield self._result(transcript, target, "", Method.NONE)

    def joined(self, transcript: Transcript, target: str, pieces: list[Translation]) -> Translation:
        """One Translation for a turn translated in pieces, stamped when the last was done."""
        if len(pieces) == 1 and pieces[0].source_text == transcript.text:
            return pieces[0]
        joiner = "" if target == "zh" else " "
        return Translation(
            utterance_id=transcript.utterance_id,
            source_text=transcript.text,
            text=joiner.join(piece.text for piece in pieces if piece.text),
            source_language=transcript.language,
            target_language=target,
            method=pieces[0].method,
            numbers=tuple(number for piece in pieces for number in piece.numbers),
            t_done_s=pieces[-1].t_done_s,
        )

    def _book_covers(self, source: str, target: str) -> bool:
        return (
            self._options.use_phrasebook
            and self._phrasebook is not None
            and self._phrasebook.covers(source, target)
        )

    def _whisper_can(self, source: str, target: str) -> bool:
        return self._options.use_whisper_translate and self._speech is not None and target == "en"

    def _nmt_route(self, source: str, target: str) -> list[tuple[NmtModel, str, str]]:
        """A direct model, else two models through English (zh -> en -> it)."""
        for model in self._models:
            if model.supports(source, target):
                return [(model, source, target)]
        if PIVOT_LANGUAGE in (source, target):
            return []
        first = next((m for m in self._models if m.supports(source, PIVOT_LANGUAGE)), None)
        second = next((m for m in self._models if m.supports(PIVOT_LANGUAGE, target)), None)
        if first and second:
            return [(first, source, PIVOT_LANGUAGE), (second, PIVOT_LANGUAGE, target)]
        return []

    def _result(
        self,
        transcript: Transcript,
        target: str,
        text: str,
        method: Method,
        numbers: tuple[str, ...] = (),
        source_text: str | None = None,
    ) -> Translation:
        return Translation(
            utterance_id=transcript.utterance_id,
            source_text=transcript.text if source_text is None else source_text,
            text=text,
            source_language=transcript.language,
            target_language=target,
            method=method,
            numbers=numbers,
            t_done_s=self._clock.now(),
        )
