"""Real Whisper models on real speech: recognition, language limits, silence."""

from __future__ import annotations

import numpy as np
import pytest

from interpreter.asr.readings import Decoded, Draft
from interpreter.asr.transcriber import Transcriber
from interpreter.asr.vad import Endpointer, SileroVad, split_utterances
from interpreter.audio.files import read_recording
from interpreter.core.chinese import SimplifiedChinese
from interpreter.core.errors import ModelError
from interpreter.core.types import Utterance

pytestmark = pytest.mark.models


@pytest.fixture(scope="module")
def base(model_store) -> Transcriber:
    return Transcriber(model_store.path("whisper-base"), name="whisper-base")


@pytest.fixture(scope="module")
def tiny_en(model_store) -> Transcriber:
    return Transcriber(model_store.path("whisper-tiny.en"), name="whisper-tiny.en")


@pytest.fixture(scope="module")
def english_utterances(english_recording) -> list[Utterance]:
    return split_utterances(read_recording(english_recording), Endpointer(SileroVad()))


def words(text: str) -> list[str]:
    return "".join(c if c.isalnum() or c.isspace() else " " for c in text.lower()).split()


def test_three_spoken_sentences_become_three_utterances(english_utterances) -> None:
    assert len(english_utterances) == 3


def test_english_is_recognised_with_its_number(base, english_utterances) -> None:
    transcript = base.transcribe(english_utterances[1], ("zh", "en"))
    assert transcript.language == "en"
    assert {"order", "pieces"} <= set(words(transcript.text))
    assert "500" in transcript.text or "five hundred" in transcript.text.lower()
    assert 0.0 < transcript.confidence <= 1.0


def test_the_english_only_model_recognises_english(tiny_en, english_utterances) -> None:
    transcript = tiny_en.transcribe(english_utterances[0], ("en",))
    assert {"how", "much"} <= set(words(transcript.text))


def test_the_english_only_model_refuses_chinese(tiny_en, english_utterances) -> None:
    with pytest.raises(ModelError, match="English only"):
        tiny_en.transcribe(english_utterances[0], ("zh", "en"))


def test_language_detection_never_leaves_the_allowed_languages(base, english_utterances) -> None:
    transcript = base.transcribe(english_utterances[0], ("ru", "ar"))
    assert transcript.language in ("ru", "ar")


def test_chinese_comes_out_in_simplified_characters(base, chinese_recording) -> None:
    utterances = split_utterances(read_recording(chinese_recording), Endpointer(SileroVad()))
    assert len(utterances) == 2
    texts = [base.transcribe(u, ("zh",)).text for u in utterances]
    assert all(texts), texts
    simplified = SimplifiedChinese()
    for text in texts:
        assert simplified.convert(text) == text, f"Traditional characters in {text!r}"
    assert "天" in texts[1], texts


def test_silence_and_noise_give_no_text(base) -> None:
    rng = np.random.default_rng(0)
    quiet = np.zeros(16_000 * 2, dtype=np.float32)
    noise = rng.normal(0, 0.05, 16_000 * 2).astype(np.float32)
    for samples in (quiet, noise):
        utterance = Utterance(1, samples, 16_000, 0.0, 2.0)
        assert base.transcribe(utterance, ("zh", "en")).text == ""


def test_whisper_translates_chinese_speech_to_english(base, chinese_recording) -> None:
    utterances = split_utterances(read_recording(chinese_recording), Endpointer(SileroVad()))
    text, confidence = base.translate_to_english(utterances[0], "zh")
    assert text and text.isascii()
    assert 0.0 < confidence <= 1.0


def test_speech_in_a_language_nobody_chose_gives_no_text(base, english_utterances) -> None:
    """--from zh on an English recording: skipped, not written down as Chinese."""
    assert base.transcribe(english_utterances[1], ("zh",)).text == ""
    assert base.transcribe(english_utterances[1], ("es", "fr")).text == ""
    assert base.transcribe(english_utterances[1], ("zh", "en")).text != ""


def test_quiet_but_clear_speech_is_still_heard(base, english_utterances) -> None:
    faint = english_utterances[1]
    quiet = Utterance(faint.id, faint.samples * 0.01, faint.sample_rate, 0.0, faint.duration_s)
    transcript = base.transcribe(quiet, ("zh", "en"))
    assert {"order", "pieces"} <= set(words(transcript.text))


def test_traditional_characters_are_written_in_simplified(base) -> None:
    assert base._clean(Decoded("這個多少錢？", -0.1, 0.01), "zh") == "这个多少钱？"


def test_a_loop_whisper_doubts_is_speech_is_dropped_and_one_it_trusts_is_cut(base) -> None:
    loop = "I'm going to say that " * 12
    assert base._clean(Decoded(loop, -0.22, 0.77), "en") == ""
    assert base._clean(Decoded("好的好的好的好的好的", -0.3, 0.05), "zh") == "好的"


def test_a_sentence_read_again_on_a_short_window_needs_no_second_pass(base) -> None:
    again = Decoded("How much is this? How much is this? How much", -0.11, 0.04, True)
    assert not base._degenerate(again)
    assert base._clean(again, "en") == "How much is this?"
    new_sentence = Decoded("We sell bags. We sell", -0.1, 0.04)
    assert not base._degenerate(new_sentence)
    restarted = Decoded("We sell bags in Milan. We sell bags online", -0.1, 0.04)
    assert base._degenerate(restarted), "a restart that differs is decoded again"


def test_the_second_pass_window_is_the_utterance_plus_its_margin(base, model_store) -> None:
    from interpreter.asr.transcriber import TranscriberOptions

    assert base._fallback_window(3.0, 6.0) == 11.0, "by default 8 s past the words"
    assert base._fallback_window(2.2, 6.0) == 10.5
    assert base._fallback_window(25.0, 28.0) == 30.0, "never past Whisper's 30 s"
    full = Transcriber(model_store.path("whisper-base"), TranscriberOptions(fallback_margin_s=None))
    assert full._fallback_window(3.0, 6.0) == 30.0, "Whisper's full window when asked"
    on_30_s = Draft(Decoded("again again again", -2.0, 0.1, window_s=30.0), 1.0)
    silence = Utterance(0, np.zeros(16_000, np.float32), 16_000, 0.0, 1.0)
    assert base.second_reading(silence, on_30_s, ("zh", "en")) is None, "no wider one"


def test_a_whole_reading_that_looks_degenerate_is_decoded_once_more_on_a_wider_window(
    model_store, english_utterances, monkeypatch
) -> None:
    from interpreter.asr.transcriber import TranscriberOptions

    # Every reading with speech in it counts as unsure here, so each one falls back.
    doubting = Transcriber(
        model_store.path("whisper-base"), TranscriberOptions(fallback_log_prob=0.0)
    )
    utterance = english_utterances[0]
    windows: list[float] = []
    encode = doubting._whisper.encode

    def counted(samples, window_s):
        windows.append(window_s)
        return encode(samples, window_s)

    monkeypatch.setattr(doubting._whisper, "encode", counted)
    reading = doubting.draft(utterance.samples, ("zh", "en"))
    assert reading is not None and doubting.transcript_from_draft(utterance, reading) is None
    wider_s = doubting._fallback_window(utterance.duration_s, reading.decoded.window_s)
    assert wider_s > reading.decoded.window_s
    windows.clear()
    second = doubting.second_reading(utterance, reading, ("zh", "en"))
    assert second is not None
    past_draft = doubting.transcript_of(utterance, second)
    assert windows == [wider_s], "one encoder pass, on the wider window"
    windows.clear()
    plain = doubting.transcribe(utterance, ("zh", "en"))
    assert windows == [reading.decoded.window_s, wider_s], "the plain path reads the short one too"
    assert (past_draft.text, past_draft.language, past_draft.encoder_window_s) == (
        plain.text,
        plain.language,
        wider_s,
    )
    assert words(past_draft.text) == ["hello", "how", "much", "is", "this"]


def test_a_draft_made_stale_is_given_up_after_its_encoder_pass(base, english_utterances) -> None:
    utterance = english_utterances[1]
    asked: list[str] = []

    def keep_going(answer: bool):
        def ask() -> bool:
            asked.append("asked")
            return answer

        return ask

    assert base.draft(utterance.samples, ("zh", "en"), keep_going=keep_going(False)) is None
    assert asked == ["asked"], "asked once, after the encoder, before any decoding"
    asked.clear()
    went_on = base.draft(utterance.samples, ("zh", "en"), keep_going=keep_going(True))
    plain = base.draft(utterance.samples, ("zh", "en"))
    assert asked == ["asked", "asked"], "after the encoder, and after the language"
    assert went_on is not None and plain is not None and went_on.text == plain.text
    assert {"order", "pieces"} <= set(words(went_on.text))


def test_each_piece_of_a_reading_comes_with_whispers_probability(base, english_utterances) -> None:
    transcript = base.transcribe(english_utterances[1], ("zh", "en"))
    pieces = transcript.heard
    assert "".join(piece.text for piece in pieces).strip() == transcript.text
    assert all(0.0 < piece.probability <= 1.0 for piece in pieces)
    number = [piece for piece in pieces if "500" in piece.text or "five" in piece.text.lower()]
    assert number and number[0].probability > 0.5, pieces


def test_a_chinese_reading_is_measured_in_simplified_characters(base, chinese_recording) -> None:
    utterances = split_utterances(read_recording(chinese_recording), Endpointer(SileroVad()))
    transcript = base.transcribe(utterances[1], ("zh",))
    assert "".join(piece.text for piece in transcript.heard).strip() == transcript.text
    assert all(len(piece.text) >= 1 and "\ufffd" not in piece.text for piece in transcript.heard)


def test_tokens_forced_from_drafts_are_measured_too(base, english_utterances) -> None:
    utterance = english_utterances[1]
    whole = base.transcribe(utterance, ("en",), language="en")
    draft = base.draft(utterance.samples, ("en",), "en")
    assert draft is not None and len(draft.tokens) > 3
    finished = base.transcribe(utterance, ("en",), language="en", prefix=draft.tokens[:3])
    assert finished.text == whole.text
    assert [p.text for p in finished.heard] == [p.text for p in whole.heard]
    assert all(0.0 < piece.probability <= 1.0 for piece in finished.heard)
