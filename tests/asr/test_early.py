"""Recognition while the party speaks: settling, then decoding only the tail."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
import pytest

from interpreter.asr.early import EarlyOptions, EarlyRecognizer, agreed
from interpreter.asr.readings import Decoded, Draft
from interpreter.asr.transcriber import Transcriber
from interpreter.asr.vad import Endpointer, SileroVad, split_utterances
from interpreter.audio.files import read_recording
from interpreter.core.types import Transcript, Utterance

RATE = 16_000


class ScriptedDrafts:
    """Drafts read from a script; records how the final transcript was asked for."""

    def __init__(self, drafts: Sequence[Draft | None]) -> None:
        self.drafts = list(drafts)
        self.read_at_s: list[float] = []
        self.asked_language: list[str | None] = []
        self.final_call: dict[str, object] = {}
        self.second_readings = 0

    def draft(self, samples, languages, language=None, keep_going=None, final=False):
        self.read_at_s.append(len(samples) / RATE)
        self.asked_language.append(language)
        found = self.drafts.pop(0)
        return found and Draft(found.decoded, len(samples) / RATE)

    def transcribe(self, utterance, languages, language=None, prefix=()):
        self.final_call = {"language": language, "prefix": prefix}
        return Transcript(utterance.id, "decoded", language or "en", 0.9, 0.0)

    def transcript_from_draft(self, utterance, draft):
        if draft.decoded.avg_logprob < -1.5:  # what Whisper's loops and guesses look like
            return None
        self.final_call = {"from_draft": draft.tokens}
        return Transcript(utterance.id, draft.text, draft.language, 0.9, 0.0)

    def window_for(self, duration_s):
        return 30.0

    def second_reading(self, utterance, draft, languages):
        self.second_readings += 1
        self.final_call = {"past_draft": draft.tokens, "languages": languages}
        return Decoded("decoded on a wider window", -0.7, 0.01, language=draft.language)

    def transcript_of(self, utterance, decoded):
        return Transcript(utterance.id, decoded.text, decoded.language, 0.5, 0.0)


def as_transcriber(fake: ScriptedDrafts) -> Transcriber:
    """The fake in Whisper's place: the early recognizer asks for the Transcriber class."""
    return cast(Transcriber, fake)


def draft(
    tokens: tuple[int, ...], language: str = "en", log_prob: float = -0.1, window_s: float = 30.0
) -> Draft:
    text = " ".join(map(str, tokens))
    decoded = Decoded(text, log_prob, 0.01, tokens=tokens, language=language, window_s=window_s)
    return Draft(decoded, 0.0)


def audio(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.float32)


def test_agreement_is_the_common_beginning() -> None:
    assert agreed((1, 2, 3, 4), (1, 2, 5)) == (1, 2)
    assert agreed((), (1, 2)) == ()


def test_tokens_two_drafts_agree_on_are_forced_in_the_final_decode() -> None:
    fake = ScriptedDrafts([draft((1, 2, 3)), draft((1, 2, 4, 5)), draft((1, 2, 4, 5, 6))])
    early = EarlyRecognizer(
        as_transcriber(fake), ("zh", "en"), EarlyOptions(interval_s=0.5, min_audio_s=1.0)
    )
    for seconds in (0.5, 1.0, 1.2, 1.5, 2.0):
        early.hear(audio(seconds), RATE)
    assert fake.read_at_s == [1.0, 1.5, 2.0], "not before 1 s, not more than twice a second"
    assert early.settled == (1, 2, 4, 5)
    early.finish(Utterance(3, audio(2.6), RATE, 0.0, 2.6))
    assert fake.final_call == {"language": "en", "prefix": (1, 2)}, "the edge is held back"
    assert early.settled == () and early.language is None, "ready for the next utterance"


def test_a_draft_of_the_whole_utterance_is_the_transcript() -> None:
    fake = ScriptedDrafts([draft((1, 2, 3)), draft((1, 2, 3, 4))])
    early = EarlyRecognizer(as_transcriber(fake), ("zh", "en"))
    early.hear(audio(1.0), RATE)
    early.hear(audio(1.4), RATE, now=True)
    transcript = early.finish(Utterance(4, audio(1.6), RATE, 0.0, 1.6))
    assert fake.final_call == {"from_draft": (1, 2, 3, 4)}
    assert transcript.text == "1 2 3 4"


def test_a_whole_reading_that_looks_degenerate_goes_straight_to_the_second_pass() -> None:
    fake = ScriptedDrafts([draft((1, 2, 3)), draft((1, 2, 3, 3, 3), "zh", log_prob=-2.0)])
    early = EarlyRecognizer(as_transcriber(fake), ("zh", "en"))
    early.hear(audio(1.0), RATE)
    early.hear(audio(1.4), RATE, now=True)
    ended = Utterance(4, audio(1.5), RATE, 0.0, 1.5)  # only the post-roll unread
    transcript = early.finish(ended)
    assert fake.final_call == {"past_draft": (1, 2, 3, 3, 3), "languages": ("zh", "en")}, (
        "not the same short window again with the settled tokens forced"
    )
    assert transcript.text == "decoded on a wider window"


def test_the_second_reading_is_made_as_the_voice_stops_and_used_when_it_ends() -> None:
    """The endpointer's silence is time to read a doubtful utterance again on the wider
    window: the preview asked for as the voice stops makes it, the end uses it."""
    fake = ScriptedDrafts([draft((1, 2, 3)), draft((1, 2, 3, 3, 3), "zh", log_prob=-2.0)])
    early = EarlyRecognizer(as_transcriber(fake), ("zh", "en"))
    early.hear(audio(1.0), RATE)
    early.hear(audio(1.4), RATE, now=True)
    preview = early.preview(Utterance(0, audio(1.4), RATE, 0.0, 1.4))
    assert preview is not None and preview.text == "decoded on a wider window"
    assert fake.second_readings == 1
    transcript = early.finish(Utterance(4, audio(1.5), RATE, 0.0, 1.5))
    assert (transcript.utterance_id, transcript.text) == (4, preview.text)
    assert fake.second_readings == 1, "read once"


def test_a_doubtful_reading_that_missed_the_last_words_is_decoded_with_them() -> None:
    fake = ScriptedDrafts([draft((1, 2, 3), "zh"), draft((1, 2, 3, 3, 3), "zh", log_prob=-2.0)])
    early = EarlyRecognizer(as_transcriber(fake), ("zh", "en"))
    early.hear(audio(1.0), RATE)
    early.hear(audio(1.4), RATE, now=True)
    early.finish(Utterance(4, audio(1.65), RATE, 0.0, 1.65))
    assert fake.final_call == {"language": "zh", "prefix": (1,)}, "its end read with the rest"


def test_a_doubtful_reading_on_a_shorter_window_is_decoded_again_on_the_whole_one() -> None:
    fake = ScriptedDrafts(
        [draft((1, 2, 3), "zh"), draft((1, 2, 3, 3, 3), "zh", log_prob=-2.0, window_s=5.0)]
    )
    early = EarlyRecognizer(as_transcriber(fake), ("zh", "en"))
    early.hear(audio(1.0), RATE)
    early.hear(audio(1.4), RATE, now=True)
    early.finish(Utterance(4, audio(1.5), RATE, 0.0, 1.5))  # the utterance's window: 30 s
    assert fake.final_call == {"language": "zh", "prefix": (1,)}, "another window reads anew"


def test_a_change_of_language_settles_nothing() -> None:
    fake = ScriptedDrafts([draft((1, 2), "zh"), draft((1, 2), "en")])
    early = EarlyRecognizer(as_transcriber(fake), ("zh", "en"))
    early.hear(audio(1.0), RATE)
    early.hear(audio(1.5), RATE)
    assert early.settled == () and early.language == "en"


def test_two_readings_that_agree_on_the_language_settle_it() -> None:
    fake = ScriptedDrafts([draft((1,), "zh")] + [draft((1, 2), "en")] * 4 + [draft((1,), "zh")])
    early = EarlyRecognizer(as_transcriber(fake), ("zh", "en"))
    for seconds in (1.0, 1.5, 2.0, 2.5):
        early.hear(audio(seconds), RATE)
    assert fake.asked_language == [None, None, None, "en"], "detected until two agree"
    early.hear(audio(2.8), RATE, now=True)
    assert fake.asked_language[-1] is None, "the whole utterance: which party spoke"
    early.finish(Utterance(5, audio(2.9), RATE, 0.0, 2.9))
    early.hear(audio(1.0), RATE)
    assert fake.asked_language[-1] is None, "the next utterance is detected afresh"


def test_the_end_of_the_voice_is_read_at_once() -> None:
    fake = ScriptedDrafts([draft((1,)), draft((1, 2))])
    early = EarlyRecognizer(as_transcriber(fake), ("en",))
    early.hear(audio(1.0), RATE)
    assert early.hear(audio(1.2), RATE) is None
    assert early.hear(audio(1.2), RATE, now=True) is not None


def test_a_draft_of_nearly_all_that_was_heard_is_not_given_up() -> None:
    """As the voice stops, a draft under way that will leave less unread than is worth
    reading again is the reading of the whole utterance, begun early."""
    early = EarlyRecognizer(as_transcriber(ScriptedDrafts([])), ("zh", "en"))
    assert early.nearly_whole(6.0, stopped_s=6.08)
    assert not early.nearly_whole(5.5, stopped_s=6.08)
    assert not early.nearly_whole(6.2, stopped_s=6.08), "begun after the voice stopped"


def test_a_reading_given_up_leaves_its_audio_unread() -> None:
    """A draft still running as the voice stops is given up; the reading asked for
    then reads the whole utterance, however little came after the given-up one."""
    fake = ScriptedDrafts([draft((1,)), None, draft((1, 2, 3))])
    early = EarlyRecognizer(as_transcriber(fake), ("en",))
    early.hear(audio(1.0), RATE)
    assert early.hear(audio(1.5), RATE, keep_going=lambda: False) is None
    reading = early.hear(audio(1.6), RATE, now=True)
    assert reading is not None and reading.tokens == (1, 2, 3)
    assert fake.read_at_s == [1.0, 1.5, 1.6]
    assert early.covers(Utterance(0, audio(1.7), RATE, 0.0, 1.7))


def test_a_quiet_reading_is_not_read_again_at_once() -> None:
    fake = ScriptedDrafts([draft((1,)), None])
    early = EarlyRecognizer(as_transcriber(fake), ("en",))
    early.hear(audio(1.0), RATE)
    assert early.hear(audio(1.5), RATE, keep_going=lambda: True) is None
    assert early.hear(audio(1.6), RATE, now=True) is None, "0.1 s unread: not worth it"
    assert fake.read_at_s == [1.0, 1.5]


@pytest.mark.models
def test_early_recognition_gives_the_same_words_as_reading_at_the_end(
    model_store, english_recording
) -> None:
    transcriber = Transcriber(model_store.path("whisper-base"), name="whisper-base")
    utterances = split_utterances(read_recording(english_recording), Endpointer(SileroVad()))
    early = EarlyRecognizer(transcriber, ("zh", "en"))
    for utterance in utterances:
        step = RATE // 2
        for end in range(step, len(utterance.samples), step):
            early.hear(utterance.samples[:end], RATE)
        early.hear(utterance.samples, RATE, now=True)
        settled = len(early.settled)
        finished = early.finish(utterance)
        plain = transcriber.transcribe(utterance, ("zh", "en"))
        assert finished.text == plain.text
        assert finished.language == "en"
        assert finished.encoder_window_s < 30.0, "no fallback needed to get it right"
        if utterance.duration_s > 2.0:
            assert settled > 0, "a long utterance has words settled before it ends"


def test_a_preview_is_the_last_draft_only_when_it_read_everything() -> None:
    fake = ScriptedDrafts([draft((1, 2)), draft((1, 2, 3))])
    early = EarlyRecognizer(as_transcriber(fake), ("zh", "en"))
    early.hear(audio(1.0), RATE)
    assert early.preview(Utterance(0, audio(2.0), RATE, 0.0, 2.0)) is None, "a second unread"
    early.hear(audio(2.0), RATE, now=True)
    preview = early.preview(Utterance(0, audio(2.0), RATE, 0.0, 2.0))
    assert preview is not None and preview.text == "1 2 3"
    final = early.finish(Utterance(6, audio(2.2), RATE, 0.0, 2.2))
    assert final.text == preview.text, "the utterance that ends after it is the same"
