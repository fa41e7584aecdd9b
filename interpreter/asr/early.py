"""Recognition that starts while the party is still speaking.

The growing utterance is read again a few times a second. The tokens two readings in
a row agree on are settled (the "local agreement" of whisper_streaming): the edge of a
reading is where Whisper guesses, its beginning is not. At the end of speech the
settled tokens are forced as a prefix, so the listener waits only for the last words.
The readings also serve as the partial text shown while someone speaks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from interpreter.asr.readings import Decoded, Draft
from interpreter.asr.transcriber import Transcriber
from interpreter.core.types import Transcript, Utterance


@dataclass(frozen=True)
class EarlyOptions:
    # Read the growing utterance at most this often: each reading costs an encoder pass
    # and a greedy decode.
    interval_s: float = 0.5
    # Less audio than this holds no word worth settling.
    min_audio_s: float = 1.0
    # The reading asked for as the voice stops needs at least this much audio (a
    # sentence-aware endpoint reads "多少钱？" too, to know it is whole).
    now_min_audio_s: float = 1.0
    # A draft that ends this close to the utterance's end (only its trailing silence
    # unread) is the final transcript: nothing is left to decode.
    tail_tolerance_s: float = 0.3
    # Settled tokens kept back from the forced prefix: forced to the very end of a
    # sentence, Whisper reads the sentence again instead of stopping.
    hold_back_tokens: int = 2
    # The reading asked for as the voice stops (`now`) is skipped when less than this is
    # unread, even when the last draft looks degenerate: that reading would cost as much
    # as the decode it saves.
    now_min_unread_s: float = 0.15
    # Once this many readings in a row heard the same language, the next drafts keep it
    # instead of detecting it again, so the listener keeps up with the microphone.
    language_agreed_readings: int = 2


def agreed(first: tuple[int, ...], second: tuple[int, ...]) -> tuple[int, ...]:
    count = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        count += 1
    return first[:count]


class EarlyRecognizer:
    """Drafts of one utterance as it grows, then its final transcript."""

    def __init__(
        self,
        transcriber: Transcriber,
        languages: tuple[str, ...],
        options: EarlyOptions | None = None,
        known: bool = False,
    ) -> None:
        """`known`: the one language in `languages` is certain (a push-to-talk button
        said so), so it is never detected."""
        self._transcriber = transcriber
        self._languages = tuple(languages)
        self._options = options or EarlyOptions()
        self._known = self._languages[0] if known else None
        self.reset()

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages this utterance may be in (one when a button said it)."""
        return self._languages

    def reset(self) -> None:
        self._last: Draft | None = None
        # The second reading of a last draft that looked degenerate, made once.
        self._second: tuple[Draft, Decoded | None] | None = None
        self._previous: tuple[int, ...] = ()
        self.settled: tuple[int, ...] = ()
        self.language: str | None = self._known
        self._read_at_s = 0.0
        self._same_language_readings = 0

    def hear(
        self,
        samples: np.ndarray,
        sample_rate: int,
        now: bool = False,
        keep_going: Callable[[], bool] | None = None,
    ) -> Draft | None:
        """The audio of the utterance so far; a new draft when it was time to read.

        `now` reads at once: when the voice stops, the endpointer still waits out its
        silence before it ends the utterance, and that wait is time to read it all.
        `keep_going` (see `Transcriber.draft`) gives a reading up when it turns false;
        the audio it would have read counts as unread.
        """
        audio_s = len(samples) / sample_rate
        options = self._options
        unread_s = audio_s - self._read_at_s
        due = unread_s >= options.interval_s or (
            now and (self._last is None or unread_s > options.now_min_unread_s)
        )
        least_s = options.now_min_audio_s if now else options.min_audio_s
        if audio_s < least_s or not due:
            return None
        read_before_s, self._read_at_s = self._read_at_s, audio_s
        # The reading as the voice stops hears the whole utterance: its language is
        # detected again, since drafts of a second or two of speech can agree wrongly,
        # and the language says which party spoke and which way to translate.
        kept = None if now else self._kept()
        language = self._known or kept
        draft = self._transcriber.draft(samples, self._languages, language, keep_going, final=now)
        if draft is None:
            if keep_going is not None and not keep_going():
                self._read_at_s = read_before_s
            return None
        if draft.language != self.language:
            self._previous = ()
            self._same_language_readings = 0
        self._same_language_readings += 1
        self.language = draft.language
        self.settled = agreed(self._previous, draft.tokens)
        self._previous = draft.tokens
        self._last = draft
        return draft

    @property
    def last_draft(self) -> Draft | None:
        """The newest draft of the utterance (None before the first)."""
        return self._last

    def nearly_whole(self, audio_s: float, stopped_s: float) -> bool:
        """Whether a reading of the first `audio_s` seconds leaves so little of what was
        heard when the voice stopped (`stopped_s`) unread that the reading asked for
        then would be skipped after it. Such a reading, under way as the voice stops,
        is not given up: it is that reading, begun early. One begun after the voice
        stopped is not: the reading asked for then is under way or done."""
        return 0.0 <= stopped_s - audio_s <= self._options.now_min_unread_s

    def _kept(self) -> str | None:
        """The language settled by readings that agreed on it; None: detect it."""
        if self._same_language_readings >= self._options.language_agreed_readings:
            return self.language
        return None

    def covers(self, utterance: Utterance) -> bool:
        """Whether the last draft read the whole utterance (all but its quiet tail)."""
        last = self._last
        return last is not None and last.audio_s >= utterance.duration_s - (
            self._options.tail_tolerance_s
        )

    def preview(self, utterance: Utterance) -> Transcript | None:
        """The transcript of the utterance heard so far, should the voice have stopped
        for good: the last draft, when it read it all, or its second reading on the
        wider window when it looks degenerate (made here, once: asked as the voice
        stops, that is done while the endpointer waits out its silence). None when
        the utterance needs decoding. Nothing is reset; `finish` still ends it."""
        last = self._last
        if last is None or not self.covers(utterance):
            return None
        transcript = self._transcriber.transcript_from_draft(utterance, last)
        if transcript is not None or not self._read_alike(last, utterance):
            return transcript
        if self._second is None or self._second[0] is not last:
            second = self._transcriber.second_reading(utterance, last, self._languages)
            self._second = (last, second)
        second = self._second[1]
        return None if second is None else self._transcriber.transcript_of(utterance, second)

    def finish(self, utterance: Utterance) -> Transcript:
        """The final transcript: the preview's (the last draft, or its second reading),
        else a decode of what follows the settled tokens."""
        transcript = self.preview(utterance)
        if transcript is None:
            keep = max(0, len(self.settled) - self._options.hold_back_tokens)
            transcript = self._transcriber.transcribe(
                utterance, self._languages, language=self.language, prefix=self.settled[:keep]
            )
        self.reset()
        return transcript

    def _read_alike(self, draft: Draft, utterance: Utterance) -> bool:
        """Whether a draft read what a decode of the utterance would: the same encoder
        window, and no more left unread than the voice-stop reading would bother with
        (greedy decoding then reads it the same way; with 0.08 s more speech and the
        next half-second window, robotic Mandarin that Whisper had doubted read cleanly)."""
        unread_s = utterance.duration_s - draft.audio_s
        if not 0.0 <= unread_s < self._options.now_min_unread_s or not self.covers(utterance):
            return False
        return draft.decoded.window_s == self._transcriber.window_for(utterance.duration_s)
