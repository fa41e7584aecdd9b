"""The translation ladder: phrasebook, then a text model, then Whisper, then nothing.

Each rung is tried only when the one above cannot help, and the rung used is recorded
in the `Translation`, because a merchant should know whether a sentence came from the
hand-checked book or from a model. With no rung left the turn still shows its
transcript ("none"): the other party can at least read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from interpreter.amounts.finder import AmountFinder
from interpreter.amounts.guard import Checked, NumberGuard
from interpreter.core.clock import Clock, MonotonicClock
from interpreter.core.text import speakable_pieces, split_clauses, split_sentences
from interpreter.core.types import Transcript, Translation, Utterance
from interpreter.core.vocabulary import Method
from interpreter.translate.nmt import NmtModel
from interpreter.translate.phrasebook import Phrasebook

if TYPE_CHECKING:
    from interpreter.translate.glossary import Glossary

PIVOT_LANGUAGE = "en"


class SpeechTranslator(Protocol):
    def translate_to_english(self, utterance: Utterance, language: str) -> tuple[str, float]: ...


@dataclass(frozen=True)
class TranslatorOptions:
    # The hand-checked phrasebook is the first rung: a line it knows is right.
    use_phrasebook: bool = True
    # Whisper's own speech translation is the rung into English when no text model
    # serves the direction.
    use_whisper_translate: bool = True
    # A text model translates sentence by sentence, and a long sentence clause by
    # clause, so the first piece can be spoken while the rest is translated: the
    # shortest piece, in characters, by source language (a Chinese character carries
    # about three English ones),
    piece_min_chars: dict[str, int] = field(default_factory=lambda: {"zh": 8}, hash=False)
    # and for every language not named there.
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
        guard: NumberGuard | None = None,
        glossary: Callable[[], Glossary] | None = None,
    ) -> None:
        """`glossary` is asked on every turn (a `GlossaryFile.current`), so an edit
        to the merchant's glossary applies from the next sentence on."""
        self._phrasebook = phrasebook
        self._models = list(nmt_models)
        self._speech = speech_translator
        self._options = options or TranslatorOptions()
        self._clock = clock or MonotonicClock()
        self._guard = guard or NumberGuard(AmountFinder.load())
        self._glossary = glossary

    @property
    def guard(self) -> NumberGuard:
        return self._guard

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
            yield self._result(
                transcript, target, text, Method.NONE, self._guard.said(text, source)
            )
            return
        if self._book_covers(source, target):
            assert self._phrasebook is not None
            match = self._phrasebook.lookup(text, source, target)
            # The book is exact by construction; its numbers are still checked, and a
            # sentence whose numbers it would change goes to the next rung.
            if match is not None and self._guard.agrees(text, match.text, source, target):
                # The book writes the numbers exactly; they are listed in the order
                # spoken, so the confirm step pairs each with its translation.
                checked = self._guard.listed(text, match.text, source, target)
                yield self._result(transcript, target, match.text, Method.PHRASEBOOK, checked)
                return
        route = [] if phrasebook_only else self._nmt_route(source, target)
        if route:
            glossary = self._glossary() if self._glossary is not None else None
            for piece in speakable_pieces(text, source, self._options.min_chars(source)):
                terms = glossary.keeps(piece, source, target) if glossary else ()
                protected = self._guard.protect(piece, source, terms)
                translated = protected.text
                for model, step_source, step_target in route:
                    translated = model.translate(translated, step_source, step_target)
                checked = self._guard.restore(translated, protected, source, target)
                yield self._result(
                    transcript, target, checked.text, Method.NMT, checked, source_text=piece
                )
            return
        if not phrasebook_only and utterance is not None and self._whisper_can(source, target):
            assert self._speech is not None
            translated, _ = self._speech.translate_to_english(utterance, source)
            if translated:
                checked = self._guard.check(translated, text, source, target)
                yield self._result(
                    transcript, target, checked.text, Method.WHISPER_TRANSLATE, checked
                )
                return
        if self._book_covers(source, target):
            clauses = list(self._book_clauses(transcript, text, target))
            if any(clause.method is Method.PHRASEBOOK for clause in clauses):
                yield from clauses
                return
        yield self._result(
            transcript, target, "", Method.NONE, self._guard.untranslated(text, source, target)
        )

    def _book_clauses(
        self, transcript: Transcript, text: str, target: str
    ) -> Iterator[Translation]:
        """The turn clause by clause: the phrasebook's translation of each clause it
        knows ("Hello, how much is this bag? I want 200 pieces." says the greeting and
        the order), the others untranslated (the transcript shows them); the amounts
        of every clause in the listener's language either way."""
        assert self._phrasebook is not None
        source = transcript.language
        for sentence in split_sentences(text) or [text]:
            for clause in split_clauses(sentence) or [sentence]:
                match = self._phrasebook.lookup(clause, source, target)
                if match is not None and self._guard.agrees(clause, match.text, source, target):
                    checked = self._guard.listed(clause, match.text, source, target)
                    method = Method.PHRASEBOOK
                else:
                    checked, method = self._guard.untranslated(clause, source, target), Method.NONE
                yield self._result(
                    transcript, target, checked.text, method, checked, source_text=clause
                )

    def book_holds(self, text: str, source: str) -> bool:
        """Whether the phrasebook translates `text` whole into another language it has
        (a sentence the book holds is a whole sentence)."""
        book = self._phrasebook
        if book is None or not self._options.use_phrasebook:
            return False
        targets = [language for language in book.languages if language != source]
        return any(book.lookup(text, source, target) is not None for target in targets)

    def first_piece(self, text: str, source: str) -> str:
        """The piece a text model translates first: all the listener waits for before
        the first audio (the rest is translated while it plays)."""
        pieces = speakable_pieces(text.strip(), source, self._options.min_chars(source))
        return pieces[0] if pieces else ""

    def back_translate(self, translation: Translation) -> Translation | None:
        """The translation put back into the speaker's language, for a speaker who
        wants to check what the other party heard; None when no rung can do it."""
        if not translation.text or translation.method is Method.NONE:
            return None
        back = Transcript(
            utterance_id=translation.utterance_id,
            text=translation.text,
            language=translation.target_language,
            confidence=1.0,
            t_done_s=self._clock.now(),
        )
        pieces = list(self.translate_pieces(back, translation.source_language))
        joined = self.joined(back, translation.source_language, pieces)
        return None if joined.method is Method.NONE else joined

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
            method=next((p.method for p in pieces if p.method is not Method.NONE), Method.NONE),
            numbers=tuple(number for piece in pieces for number in piece.numbers),
            t_done_s=pieces[-1].t_done_s,
            numbers_said=tuple(number for piece in pieces for number in piece.numbers_said),
            number_repairs=tuple(r for piece in pieces for r in piece.number_repairs),
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
        checked: Checked,
        source_text: str | None = None,
    ) -> Translation:
        return Translation(
            utterance_id=transcript.utterance_id,
            source_text=transcript.text if source_text is None else source_text,
            text=text,
            source_language=transcript.language,
            target_language=target,
            method=method,
            numbers=checked.numbers,
            t_done_s=self._clock.now(),
            numbers_said=checked.numbers_said,
            number_repairs=checked.repairs,
        )
