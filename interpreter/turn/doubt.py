"""Whether a turn was heard clearly enough to be spoken.

A misheard price spoken aloud is a wrong deal. Two things keep a turn on the screen,
marked, instead of in the listener's ear: Whisper's confidence in the words as a
whole, and its probability for each piece that writes a number. Whisper is often
unsure of a particle and sure of the price, or the reverse, so the number's own
pieces are judged apart: a turn whose amount was heard with one doubtful piece, or
which is nothing but a run of digits (a decoder loop, "4-4-4-4-3-4-4-1-2"), is shown
with its numbers boxed and "please say the number again".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interpreter.amounts.finder import AmountFinder
from interpreter.core.types import Heard, Transcript
from interpreter.core.vocabulary import Doubt

_DIGIT = re.compile(r"\d")
# What may stand between the digits of a run: separators, never a word.
_RUN_FILLER = re.compile(r"[\s\-–—.,，。、:;/+#()（）]*")


@dataclass(frozen=True)
class DoubtOptions:
    # Whisper's confidence (exp of the mean token log-probability) below which a turn
    # is shown with a marker instead of spoken.
    min_confidence: float = 0.4
    # The lowest probability Whisper may give a piece of a number for the number to
    # be spoken; chosen on the fidelity set's dev split (benchmarks/README.md).
    min_number_probability: float = 0.35
    # A turn of only digits and separators, this many digits or more, is a decoder's
    # loop or a code read out: it is confirmed, never spoken as fact.
    run_digits: int = 6


def is_digit_run(text: str, run_digits: int) -> bool:
    """Nothing but digits and separators, at least `run_digits` digits."""
    digits = _DIGIT.findall(text)
    return len(digits) >= run_digits and not _RUN_FILLER.sub("", _DIGIT.sub("", text))


def number_probabilities(
    heard: tuple[Heard, ...], language: str, finder: AmountFinder
) -> list[float]:
    """The probabilities of the pieces that write a number: those inside an amount the
    finder reads in the reading, and any piece with a digit in it."""
    text = "".join(piece.text for piece in heard)
    spans = [(amount.start, amount.end) for amount in finder.find(text, language)]
    found: list[float] = []
    start = 0
    for piece in heard:
        end = start + len(piece.text)
        inside = any(low < end and start < high for low, high in spans)
        if inside or _DIGIT.search(piece.text):
            found.append(piece.probability)
        start = end
    return found


class DoubtCheck:
    """Judges transcripts with one finder and one set of thresholds."""

    def __init__(self, finder: AmountFinder, options: DoubtOptions | None = None) -> None:
        self.finder = finder
        self.options = options or DoubtOptions()

    def of(self, transcript: Transcript) -> Doubt:
        options = self.options
        if not transcript.text:
            return Doubt.NONE
        if transcript.confidence < options.min_confidence:
            return Doubt.WORDS
        if is_digit_run(transcript.text, options.run_digits):
            return Doubt.NUMBER
        numbers = number_probabilities(transcript.heard, transcript.language, self.finder)
        if numbers and min(numbers) < options.min_number_probability:
            return Doubt.NUMBER
        return Doubt.NONE
