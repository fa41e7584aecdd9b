"""The latency benchmark's figures: a row per item, each pipeline's summary, the
ratios of their percentiles, and the headline the README quotes."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any, TypedDict

from benchmarks.common.models import PAIR
from benchmarks.latency_pipelines import Measurement
from benchmarks.replay import Reference, ReplayItem
from benchmarks.scoring import error_rate, percentiles
from interpreter.asr.transcriber import TranscriberOptions

# p50, p95, mean and count (benchmarks.scoring.percentiles).
Spread = dict[str, float | None]


class Figures(TypedDict):
    """One pipeline's summary over a run (peak memory is added apart)."""

    first_audio_ms_by_language: dict[str, Spread]
    asr_ms: Spread
    mt_ms: Spread
    first_audio_ms: Spread
    wer: float | None
    cer: float | None
    cer_espeak: float | None
    methods: dict[str, int]
    misses: int
    full_window_fallbacks: int
    second_passes: int


def row_of(item: ReplayItem, ours: Measurement, stock: Measurement) -> dict[str, Any]:
    ours_ms, stock_ms = ours.first_audio_ms, stock.first_audio_ms
    return {
        "id": item.utterance.id,
        "language": item.reference.language,
        "split": item.reference.split,
        "voice": item.reference.voice,
        "reference": item.reference.text,
        "speech_s": round(item.speech_s, 2),
        "endpoint_wait_ms": item.endpoint_wait_ms,
        "ours": asdict(ours),
        "stock": asdict(stock),
        "ratio": round(stock_ms / ours_ms, 2) if ours_ms and stock_ms else None,
    }


def first_audio_ms(measured: dict[str, Any]) -> float:
    """A row's figure for the percentiles: a miss (no audio) is infinitely slow."""
    value = measured["first_audio_ms"]
    return math.inf if value is None else value


def ratio_of(stock_ms: float | None, ours_ms: float | None) -> float | None:
    """Stock's figure over ours; None where it means nothing (none, zero, or both inf)."""
    if stock_ms is None or not ours_ms or (math.isinf(stock_ms) and math.isinf(ours_ms)):
        return None
    return round(stock_ms / ours_ms, 2)


def compare(
    rows: list[dict[str, Any]],
    references: list[Reference],
    transcriber: TranscriberOptions | None = None,
) -> dict[str, Any]:
    """The summary of a run, peak memory aside: each pipeline's figures, the endpoint
    wait both paid, and the ratios of their percentiles (the headline is the medians')."""
    ours = summarise(rows, references, "ours", transcriber)
    stock = summarise(rows, references, "stock")
    return {
        "clock": "last voiced sample to first audio out, endpoint wait included",
        "endpoint_wait_ms": percentiles([row["endpoint_wait_ms"] for row in rows]),
        "ours": ours,
        "stock": stock,
        "ratio_of_p50": ratio_of(stock["first_audio_ms"]["p50"], ours["first_audio_ms"]["p50"]),
        "ratio_p95_latency": ratio_of(
            stock["first_audio_ms"]["p95"], ours["first_audio_ms"]["p95"]
        ),
    }


def summarise(
    rows: list[dict[str, Any]],
    references: list[Reference],
    pipeline: str,
    transcriber: TranscriberOptions | None = None,
) -> Figures:
    measured = [row[pipeline] for row in rows]
    misses = [m for m in measured if m["first_audio_ms"] is None]
    methods: dict[str, int] = {}
    for m in measured:
        methods[m["method"]] = methods.get(m["method"], 0) + 1

    def rate(language: str, voice: str = "") -> float | None:
        pairs = [
            (ref.text, m["transcript"])
            for ref, m in zip(references, measured, strict=True)
            if ref.language == language and ref.voice == voice
        ]
        return round(error_rate(pairs, language), 4) if pairs else None

    by_language = {
        language: percentiles(
            [first_audio_ms(row[pipeline]) for row in rows if row["language"] == language]
        )
        for language in PAIR
    }
    return {
        "first_audio_ms_by_language": by_language,
        "asr_ms": percentiles([m["asr_ms"] for m in measured]),
        "mt_ms": percentiles([m["mt_ms"] for m in measured]),
        "first_audio_ms": percentiles([first_audio_ms(m) for m in measured]),
        "wer": rate("en"),
        # The natural voice's Chinese; espeak-ng's robotic items apart.
        "cer": rate("zh"),
        "cer_espeak": rate("zh", "espeak"),
        "methods": methods,
        # Turns with no translated audio: in the percentiles as infinitely slow.
        "misses": len(misses),
        # Utterances decoded again on Whisper's full 30 s window (ours only).
        "full_window_fallbacks": sum(1 for m in measured if (m["encoder_window_s"] or 0) >= 30.0),
        # Utterances decoded a second time, on any window wider than the first (ours).
        "second_passes": sum(
            1
            for row, m in zip(rows, measured, strict=True)
            if (m["encoder_window_s"] or 0) > first_window_s(row["speech_s"], transcriber)
        ),
    }


def first_window_s(speech_s: float, options: TranscriberOptions | None = None) -> float:
    """The encoder window our first pass uses for an utterance (asr.transcriber.window_for)."""
    options = options or TranscriberOptions()
    wanted = max(options.min_window_s, speech_s + options.window_margin_s)
    return min(30.0, math.ceil(wanted * 2.0) / 2.0)


def headline(summary: dict[str, Any]) -> str:
    """The figures the README quotes, on one line."""
    ours, stock = summary["ours"], summary["stock"]

    def spread(pipeline: dict[str, Any]) -> str:
        return f"{pipeline['first_audio_ms']['p50']}/{pipeline['first_audio_ms']['p95']} ms"

    return (
        f"last voiced sample to first audio p50/p95 (endpoint wait p50 "
        f"{summary['endpoint_wait_ms']['p50']} ms included): "
        f"ours {spread(ours)}, stock {spread(stock)}; "
        f"stock/ours ratio of p50s {summary['ratio_of_p50']}; "
        f"misses ours {ours['misses']} stock {stock['misses']}; "
        f"WER ours {ours['wer']} stock {stock['wer']}; "
        f"CER ours {ours['cer']} stock {stock['cer']} (espeak-ng items ours "
        f"{ours['cer_espeak']} stock {stock['cer_espeak']}); "
        f"peak RSS ours {ours['peak_rss_mb']} MB stock {stock['peak_rss_mb']} MB"
    )
