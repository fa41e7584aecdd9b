"""How the pause set is spoken (benchmarks/pause_speech.py): in one breath, cut apart
where each segment ends, so that a pause inside a sentence does not sound like its end."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.common.audio_cuts import cut_at, faded
from benchmarks.common.piper_timed import TimedSpeech, sounds_in
from benchmarks.pause_speech import Speech, speakers
from benchmarks.zhbaker import baker_available, baker_folder

RATE = 1000  # samples a second, for the hand-made audio


# ---- cutting speech -------------------------------------------------------------------


def test_a_cut_leaves_out_what_lies_between_two_words_and_fades_its_edges() -> None:
    audio = np.ones(100, dtype=np.float32)
    first, second = cut_at(audio, [(40, 55)], RATE)
    assert len(first) == 40 and len(second) == 45
    assert first[0] == 1.0 and first[-1] == 0.0  # the sentence's own start is untouched
    assert second[0] == 0.0 and second[-1] == 1.0
    assert first[20] == 1.0  # only 10 ms (10 samples here) fade


def test_a_cut_inside_running_speech_keeps_every_sample() -> None:
    pieces = cut_at(np.arange(30, dtype=np.float32), [(10, 10), (20, 20)], RATE)
    assert [len(p) for p in pieces] == [10, 10, 10]


def test_cuts_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError, match="out of order"):
        cut_at(np.zeros(100, dtype=np.float32), [(60, 50)], RATE)


def test_a_fade_is_a_copy() -> None:
    audio = np.ones(50, dtype=np.float32)
    faded(audio, True, True, RATE)
    assert audio.min() == 1.0


# ---- where a word ends in what Piper said ------------------------------------------


def timed(phonemes: str) -> TimedSpeech:
    """Each phoneme 10 samples long."""
    return TimedSpeech(
        np.zeros(10 * len(phonemes), dtype=np.float32),
        RATE,
        tuple(phonemes),
        tuple(range(0, 10 * len(phonemes) + 1, 10)),
    )


def test_sounds_leave_out_boundaries_punctuation_and_stress() -> None:
    assert sounds_in(list("kæn juː")) == 5  # k æ n j u (ː is length)
    assert sounds_in(list("ˈʌm, ")) == 2


def test_the_boundary_after_can_you_is_the_space_before_deliver() -> None:
    speech = timed("kæn juː dᵻlˈɪvɚ")
    index = speech.sound_index(sounds_in(list("kæn juː")))
    assert speech.phonemes[index] == " "
    assert speech.between_words(index, 1) == (7, 8)


def test_a_comma_and_its_space_lie_between_two_words() -> None:
    speech = timed("ˈɔːɹdɚ, ˈʌm")
    start, end = speech.between_words(speech.sound_index(5), 1)
    assert "".join(speech.phonemes[start:end]) == ", "


def test_a_linking_r_moves_the_count_one_sound_short_of_the_boundary() -> None:
    # "order" alone is ɔːɹdɚ; before "is" espeak links it with an r: ɔːɹdɚɹ ɪz.
    speech = timed("ɔːɹdɚɹ ɪz")
    start, _ = speech.between_words(speech.sound_index(4), 1)
    assert speech.phonemes[start] == " "


def test_words_espeak_runs_together_are_cut_where_the_count_says() -> None:
    # "with the" is one word to espeak (wɪððə); the pause goes after "with".
    speech = timed("wɪððə lˈɪɾəl")
    index = speech.sound_index(sounds_in(list("wɪð")))
    assert speech.between_words(index, 1) == (index, index)
    assert "".join(speech.phonemes[:index]) == "wɪð"


def test_more_sounds_than_were_said_is_an_error() -> None:
    with pytest.raises(ValueError, match="only 3 sounds"):
        timed("kæn").sound_index(4)


# ---- the real voices --------------------------------------------------------------


@pytest.fixture(scope="module")
def reader(model_store):
    from faster_whisper import WhisperModel

    model = WhisperModel(
        str(model_store.path("whisper-base")), device="cpu", compute_type="int8", cpu_threads=2
    )

    def read(piece: np.ndarray, language: str) -> str:
        padded = np.concatenate([np.zeros(8000, np.float32), piece, np.zeros(8000, np.float32)])
        segments, _ = model.transcribe(
            padded, language=language, beam_size=1, without_timestamps=True
        )
        return "".join(s.text for s in segments).strip()

    return read


@pytest.mark.models
def test_piper_says_can_you_deliver_by_friday_in_one_breath_and_it_is_cut_after_you(
    model_store, reader
) -> None:
    speak = speakers(Speech.ONE_BREATH, {"en"}, model_store.root)["en"]
    first, second = speak(["Can you", "deliver by Friday"], "Can you deliver by Friday?")
    assert reader(first, "en").lower().strip(".?!, ") == "can you"
    assert reader(second, "en").lower().strip(".?!, ") == "deliver by friday"


@pytest.mark.models
@pytest.mark.skipif(
    not baker_available(), reason=f"the natural Mandarin test voice is not at {baker_folder()}"
)
def test_the_mandarin_voice_says_a_sentence_in_one_breath_cut_where_each_part_ends(
    model_store, reader
) -> None:
    speak = speakers(Speech.ONE_BREATH, {"zh"}, model_store.root)["zh"]
    pieces = speak(["我要订", "嗯", "五百件"], "我要订，嗯，五百件。")
    assert len(pieces) == 3
    assert reader(pieces[0], "zh").startswith("我要")
    assert "五百" in reader(pieces[2], "zh")
