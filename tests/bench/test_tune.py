"""How recognition constants are chosen: on dev, one constant at a time."""

from __future__ import annotations

import pytest

from benchmarks.tune import Reading, candidates, constants, main, score


def test_each_candidate_moves_one_constant_from_the_defaults() -> None:
    found = candidates()
    assert found[0].name == "defaults" and not found[0].transcriber and not found[0].early
    for candidate in found[1:]:
        moved = {**candidate.transcriber, **candidate.early}
        assert list(moved) == [candidate.constant]
    assert {"beam_size", "window_margin_s", "fallback_log_prob", "min_language_prob"} <= set(
        constants()
    )


def test_the_test_split_is_refused(capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--split", "test"])
    assert stopped.value.code == 2
    assert "test is held out" in capsys.readouterr().err


def test_an_unknown_constant_is_refused_naming_the_known_ones(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--only", "temperature"])
    assert "beam_size" in capsys.readouterr().err


def test_a_score_counts_errors_per_language_and_the_wrong_language() -> None:
    readings = [
        Reading("zh", "这个多少钱？", "这个多少钱", "zh", 0.2),
        Reading("zh", "五百件", "500件", "zh", 0.2),
        Reading("en", "How much is this?", "How much is it?", "en", 0.4),
        Reading("en", "Thank you.", "谢谢", "zh", 0.4),
    ]
    found = score("defaults", readings)
    assert found.cer_zh == 0.0
    assert found.wer_en == pytest.approx(100.0 * 3 / 6, abs=0.01)
    assert found.wrong_language == 1
    assert found.final_reading_ms == 300.0 and found.items == 4
