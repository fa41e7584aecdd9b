"""The pause set and the pause-cut benchmark (benchmarks/pause_cut.py): sentences with
pauses inside them, and whether the endpointer ends a turn before they are finished."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from benchmarks.pause_cut import (
    KINDS,
    LANGUAGES,
    PAUSE_RANGE_MS,
    Outcome,
    PauseItem,
    Turn,
    build_recording,
    by_pause,
    endpoint,
    is_cut,
    join_segments,
    load_set,
    main,
    segment_at,
    tally,
    voiced,
)
from benchmarks.pause_speech import Speech, speakers
from benchmarks.replay import LEAD_SILENCE_S, SPLITS
from benchmarks.zhbaker import baker_available, baker_folder
from interpreter.asr.vad import SileroVad
from interpreter.audio.files import ASR_SAMPLE_RATE

RATE = ASR_SAMPLE_RATE


@pytest.fixture(scope="module")
def pause_set():
    return load_set()


# ---- the set --------------------------------------------------------------------------


def test_the_set_has_enough_sentences_in_both_languages(pause_set) -> None:
    languages = Counter(item.language for item in pause_set)
    assert len(pause_set) >= 60
    assert set(languages) == set(LANGUAGES)
    assert min(languages.values()) >= 30


def test_every_kind_of_both_languages_is_in_both_splits(pause_set) -> None:
    present = {(item.split, item.language, item.kind) for item in pause_set}
    wanted = {(s, lang, k) for s in SPLITS for lang in LANGUAGES for k in KINDS}
    assert wanted <= present


def test_about_sixty_percent_is_dev(pause_set) -> None:
    dev = sum(item.split == "dev" for item in pause_set)
    assert 0.5 <= dev / len(pause_set) <= 0.7


def test_there_is_one_pause_between_each_two_segments_of_a_plausible_length(pause_set) -> None:
    low, high = PAUSE_RANGE_MS
    for item in pause_set:
        assert len(item.pauses_ms) == len(item.segments) - 1 >= 1, item.text
        assert all(low <= pause <= high for pause in item.pauses_ms), item.text


def test_every_sentence_is_said_once(pause_set) -> None:
    texts = [item.text for item in pause_set]
    assert len(set(texts)) == len(texts)


def test_chinese_segments_are_two_characters_or_a_filler(pause_set) -> None:
    for item in pause_set:
        if item.language == "zh":
            assert all(len(s) >= 2 or s in ("嗯", "呃") for s in item.segments), item.text


def test_a_set_with_a_pause_too_few_is_refused(tmp_path) -> None:
    path = tmp_path / "pauses.toml"
    path.write_text(
        '[[utterance]]\nsplit = "dev"\nlanguage = "en"\nkind = "list"\n'
        'segments = ["Red", "blue", "and green"]\npauses_ms = [400]\n'
        'text = "Red, blue, and green."\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="one pause fewer than the segments"):
        load_set(path)


# ---- the cut decision ------------------------------------------------------------------


def test_a_turn_that_ends_before_the_last_segment_cuts_the_sentence() -> None:
    # "Can you ..." handed on at 1.4 s, "deliver by Friday" only starts at 1.8 s.
    assert is_cut([1.4, 3.0], last_start_s=1.8)


def test_one_turn_over_the_whole_sentence_is_not_a_cut() -> None:
    assert not is_cut([3.0], last_start_s=1.8)


def test_one_turn_that_ends_before_the_last_segment_is_a_cut() -> None:
    # The last segment was never heard as speech.
    assert is_cut([1.4], last_start_s=1.8)


def test_two_turns_are_a_cut_even_when_the_first_ends_after_the_last_segment_starts() -> None:
    # With a short pause the first turn keeps its post-roll past the next onset.
    assert is_cut([1.85, 3.0], last_start_s=1.8)


def test_no_turn_is_no_verdict() -> None:
    with pytest.raises(ValueError, match="no turn"):
        is_cut([], last_start_s=1.8)


def test_a_turn_ends_in_the_segment_it_last_heard() -> None:
    starts = (0.6, 1.5, 2.3)
    assert segment_at(1.2, starts) == 0  # in the pause after the first segment
    assert segment_at(1.5, starts) == 1
    assert segment_at(3.0, starts) == 2
    assert segment_at(0.1, starts) == 0


def made_up(turns: list[tuple[float, float, float]], kind: str = "filler") -> Outcome:
    item = PauseItem("dev", "en", kind, ("I want", "um", "five hundred"), (350, 600), kind)
    return Outcome(item, (0.6, 1.3, 2.1), (1.0, 1.5, 2.9), tuple(Turn(*t) for t in turns))


def test_an_outcome_says_which_pause_was_cut_and_the_tables_count_it() -> None:
    cut = made_up([(0.3, 1.7, 1.55), (1.9, 3.1, 2.95)])
    whole = made_up([(0.3, 3.1, 2.95)], kind="list")
    assert cut.cut and cut.pauses_cut == (False, True)
    assert not whole.cut and whole.pauses_cut == (False, False)
    tables = tally([cut, whole])
    assert tables["all"]["all"] == {"items": 2, "cut": 1, "cut_pct": 50.0}
    assert tables["dev"]["en/filler"]["cut"] == 1
    assert "test" not in tables
    assert by_pause([cut, whole]) == {
        "300-399": {"items": 2, "cut": 0, "cut_pct": 0.0},
        "600-699": {"items": 2, "cut": 1, "cut_pct": 50.0},
    }


# ---- the audio ---------------------------------------------------------------------------


def tone(seconds: float, level: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (level * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def padded(audio: np.ndarray, before_s: float, after_s: float) -> np.ndarray:
    """As a voice gives it: some quiet before and after (under -50 dBFS)."""
    hiss = np.full(int(before_s * RATE), 1e-4, np.float32)
    tail = np.full(int(after_s * RATE), -1e-4, np.float32)
    return np.concatenate([hiss, audio, tail])


def test_a_segment_is_trimmed_to_its_voiced_part() -> None:
    audio = tone(0.5)
    trimmed = voiced(padded(audio, 0.2, 0.3))
    assert abs(len(trimmed) - len(audio)) <= 40  # the sine's zero crossings at the ends
    assert len(voiced(np.zeros(100, np.float32))) == 0


def test_the_builder_puts_the_last_segment_where_it_says() -> None:
    first, second = tone(0.5), tone(0.3, 0.3)
    recording = join_segments([padded(first, 0.2, 0.3), padded(second, 0.1, 0.4)], [450], seed=1)
    start = round(recording.last_start_s * RATE)
    first_end = round(recording.ends_s[0] * RATE)
    assert recording.starts_s[0] == pytest.approx(LEAD_SILENCE_S)
    # Exactly the pause between the voiced parts, to the sample.
    assert start - first_end == round(0.45 * RATE)
    # The pause is quiet (noise only), and the last segment is loud from its first window.
    assert np.sqrt(np.mean(recording.samples[first_end + 10 : start - 10] ** 2)) < 0.003
    assert np.sqrt(np.mean(recording.samples[start : start + 800] ** 2)) > 0.1
    assert recording.ends_s[-1] - recording.last_start_s == pytest.approx(0.3, abs=0.005)
    assert recording.samples.dtype == np.float32


def test_the_builder_wants_one_pause_fewer_than_segments() -> None:
    with pytest.raises(ValueError, match="one pause fewer"):
        join_segments([tone(0.2), tone(0.2)], [300, 300], seed=1)


# ---- the real voices and endpointer ------------------------------------------------


@pytest.mark.models
@pytest.mark.skipif(
    not baker_available(), reason=f"the natural Mandarin test voice is not at {baker_folder()}"
)
def test_a_long_wait_keeps_sentences_whole_and_a_short_one_cuts_a_500_ms_pause(
    model_store, pause_set
) -> None:
    speak = speakers(Speech.ONE_BREATH, {"zh", "en"}, model_store.root)
    chosen = [
        next(i for i in pause_set if i.language == "zh" and 500 in i.pauses_ms),
        next(i for i in pause_set if i.language == "en" and 500 in i.pauses_ms),
    ]
    vad = SileroVad()
    for item in chosen:
        recording = build_recording(item, speak[item.language])
        patient = endpoint(recording.samples, 1200, vad)
        hasty = endpoint(recording.samples, 160, vad)
        assert not is_cut([u.t_end_s for u in patient], recording.last_start_s), item.text
        assert is_cut([u.t_end_s for u in hasty], recording.last_start_s), item.text


@pytest.mark.models
def test_the_benchmark_writes_a_result_for_an_english_sentence(
    model_store, tmp_path, capsys
) -> None:
    path = tmp_path / "two.toml"
    path.write_text(
        '[[utterance]]\nsplit = "test"\nlanguage = "en"\nkind = "thinking"\n'
        'segments = ["Can you", "deliver by Friday"]\npauses_ms = [800]\n'
        'text = "Can you deliver by Friday?"\n',
        encoding="utf-8",
    )
    args = ["--set", str(path), "--silence-ms", "384", "--out-dir", str(tmp_path)]
    assert main([*args, "--models-dir", str(model_store.root), "--label", "t"]) == 0
    (result,) = tmp_path.glob("*-pause-cut-t.json")
    document = json.loads(result.read_text(encoding="utf-8"))
    (item,) = document["items"]
    assert item["cut"] is True and len(item["turns"]) == 2
    assert document["cut"]["test"]["en/thinking"]["cut_pct"] == 100.0
    assert "all splits" in capsys.readouterr().out


class ScriptedVad:
    """Speech (0.9) or silence (0.0) per 32 ms window, from where the audio is loud."""

    window_samples = 512

    def probabilities(self, samples: np.ndarray) -> np.ndarray:
        windows = samples.reshape(-1, 512)
        return (np.abs(windows).max(axis=1) > 0.1).astype(np.float32) * 0.9

    def reset(self) -> None:
        pass


def spoken(*parts: tuple[str, float]) -> np.ndarray:
    """("voice" | "pause", seconds) pieces, as samples."""
    level = {"voice": 0.5, "pause": 0.0}
    return np.concatenate(
        [np.full(round(s * ASR_SAMPLE_RATE), level[p], np.float32) for p, s in parts]
    )


def test_words_left_hanging_hold_a_pause_a_whole_sentence_would_end() -> None:
    from benchmarks.pause_cut import endpoint_by_words
    from interpreter.live.turn_end import Ending, TurnEndJudge, TurnEndOptions

    audio = spoken(("pause", 0.5), ("voice", 1.0), ("pause", 0.5), ("voice", 1.0), ("pause", 1.5))
    options = TurnEndOptions(enabled=True)
    readings = iter(["我要订，", "我要订，五百件。"])

    def read(heard: np.ndarray) -> tuple[str, str]:
        return next(readings), "zh"

    turns, endings = endpoint_by_words(audio, options, read, TurnEndJudge(), ScriptedVad())
    assert len(turns) == 1 and endings == [Ending.UNFINISHED, Ending.COMPLETE]
    # The whole sentence ended after the short pause, not the fixed one.
    wait_s = turns[0].t_end_s - turns[0].voice_end_s
    assert wait_s <= (options.complete_silence_ms + 32) / 1000


def test_a_sentence_read_whole_at_its_pause_is_cut_there() -> None:
    """What the pause set measures: Whisper writes a fragment as a whole sentence."""
    from benchmarks.pause_cut import endpoint_by_words
    from interpreter.live.turn_end import TurnEndJudge, TurnEndOptions

    audio = spoken(("pause", 0.5), ("voice", 1.0), ("pause", 0.5), ("voice", 1.0), ("pause", 1.5))
    readings = iter(["Can you send the samples.", "to my hotel."])
    turns, _ = endpoint_by_words(
        audio, TurnEndOptions(enabled=True), lambda _: (next(readings), "en"), TurnEndJudge(),
        ScriptedVad(),
    )  # fmt: skip
    assert len(turns) == 2
