"""How the benchmarks score recognition and summarise times."""

from __future__ import annotations

import math

import pytest

from benchmarks.common.machine import machine_slug, vector_extensions
from benchmarks.latency_summary import headline
from benchmarks.scoring import edit_distance, error_rate, normalise, percentiles


@pytest.mark.parametrize(
    ("text", "language", "normal"),
    [
        ("I want to order five hundred pieces.", "en", "i want to order 500 pieces"),
        (
            "I want to order 1,200 pieces at $3.50!",
            "en",
            "i want to order 1200 pieces at 3.50 dollars",
        ),
        ("Last year we bought two thousand umbrellas", "en", "last year we bought 2000 umbrellas"),
        ("我要订五百件。", "zh", "我要订 500 件"),
        ("我要订500件", "zh", "我要订 500 件"),
        ("二十天可以交货", "zh", "20 天可以交货"),
        ("早晨七点半到九点半", "zh", "早晨 7:30 到 9:30"),
        ("早晨7点半到9:30", "zh", "早晨 7:30 到 9:30"),
        ("八点三十分开门", "zh", "8:30 开门"),
        ("先付百分之三十定金", "zh", "先付 30 定金"),
        ("先付30%定金", "zh", "先付 30 定金"),
        ("一个六块五", "zh", "1 个 6.5块"),
        ("一个6块5", "zh", "1 个 6.5块"),
        ("三点五公斤", "zh", "3.5 公斤"),
        ("Can you give me two percent off?", "en", "can you give me 2 percent off"),
        ("Can you give me 2% off?", "en", "can you give me 2 percent off"),
        ("It costs $20.", "en", "it costs 20 dollars"),
        ("We open at 7:30.", "en", "we open at 7:30"),
        ("Shops in São Paulo", "en", "shops in sao paulo"),
    ],
)
def test_numbers_compare_the_same_however_they_are_written(text, language, normal) -> None:
    assert normalise(text, language) == normal


def test_word_error_rate_counts_substitutions_insertions_and_deletions() -> None:
    assert edit_distance(["a", "b", "c", "d"], ["a", "x", "c", "d", "e"]) == 2
    pairs = [("I want to order five hundred pieces.", "I want to order 500 pieces"),
             ("How much is this?", "How much is it?")]  # fmt: skip
    assert error_rate(pairs, "en") == pytest.approx(1 / 10)


def test_chinese_is_scored_by_character() -> None:
    assert error_rate([("这个多少钱？", "这个多少钱")], "zh") == 0.0
    assert error_rate([("这个多少钱", "那个多少钱")], "zh") == pytest.approx(1 / 5)


def test_percentiles_of_nothing_are_none_not_zero() -> None:
    assert percentiles([])["p50"] is None
    spread = percentiles([100.0, 200.0, 300.0, 400.0])
    assert spread["p50"] == 250.0 and spread["count"] == 4
    p95 = spread["p95"]
    assert p95 is not None and 380.0 < p95 <= 400.0


def test_a_miss_is_slower_than_any_time_never_dropped() -> None:
    spread = percentiles([100.0, 200.0, math.inf])
    assert spread["p50"] == 200.0 and spread["count"] == 3
    assert spread["p95"] == math.inf and spread["mean"] == math.inf
    assert percentiles([math.inf, math.inf])["p50"] == math.inf
    # On a time, not between it and a miss, a percentile stays that time.
    assert percentiles([*range(1, 21), math.inf])["p95"] == 20.0


def test_results_are_named_after_the_machine() -> None:
    slug = machine_slug({"cpu": "Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", "cores": 4})
    assert slug == "intel-core-i5-8250u-4c"
    assert machine_slug({"cpu": "Cortex-A76", "cores": 4}) == "cortex-a76-4c"


def test_two_cpus_of_one_name_differ_by_their_vector_units() -> None:
    zen2 = "model name\t: AMD EPYC\nflags\t\t: fpu sse2 avx2 fma\n"
    zen4 = "model name\t: AMD EPYC\nflags\t\t: fpu avx2 avx512f avx512bw avx512_vnni\n"
    assert vector_extensions(zen2) == ["avx2"]
    assert vector_extensions(zen4) == ["avx2", "avx512f", "avx512_vnni"]
    assert vector_extensions("Features\t: fp asimd asimddp\n") == ["asimddp"]
    slug = {"cpu": "AMD EPYC", "cores": 2}
    assert machine_slug({**slug, "vector_extensions": ["avx2"]}) == "amd-epyc-2c"
    assert machine_slug({**slug, "vector_extensions": vector_extensions(zen4)}) == (
        "amd-epyc-avx512-2c"
    )


def test_the_headline_quotes_the_figures_the_issue_asks_for() -> None:
    side = {"first_audio_ms": {"p50": 700.0, "p95": "inf"}, "wer": 0.05, "cer": 0.3,
            "cer_espeak": 1.1, "peak_rss_mb": 700.0, "misses": 1}  # fmt: skip
    line = headline(
        {"ours": side, "stock": side, "ratio_of_p50": 3.1, "endpoint_wait_ms": {"p50": 384.0}}
    )
    assert line.startswith("last voiced sample to first audio")
    assert "endpoint wait p50 384.0 ms included" in line
    assert "ours 700.0/inf ms" in line and "ratio of p50s 3.1" in line and "700.0 MB" in line
    assert "misses ours 1" in line
    assert "CER ours 0.3 stock 0.3 (espeak-ng items ours 1.1" in line


def test_traditional_characters_are_no_error() -> None:
    assert error_rate([("这个多少钱", "這個多少錢")], "zh") == 0.0
    assert error_rate([("这个多少钱", "這個多少")], "zh") == 0.2
