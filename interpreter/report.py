"""How a turn is shown: a bilingual console line, and the JSON document for tools."""

from __future__ import annotations

from typing import Any

from interpreter.pipeline import StageTimings, Turn
from interpreter.types import Method, Translation


def timings_json(timings: StageTimings, audio: bool = True) -> dict[str, float | None]:
    if not audio:
        return {"mt": timings.mt_ms, "total": timings.total_ms}
    return {
        "asr": timings.asr_ms,
        "mt": timings.mt_ms,
        "tts_first_audio": timings.tts_first_audio_ms,
        "total": timings.total_ms,
    }


def turn_json(turn: Turn) -> dict[str, Any]:
    return {
        "start_s": round(turn.utterance.t_start_s, 2),
        "end_s": round(turn.utterance.t_end_s, 2),
        "language": turn.transcript.language,
        "transcript": turn.transcript.text,
        "translation": turn.translation.text,
        "target_language": turn.translation.target_language,
        "method": turn.translation.method.value,
        "numbers": list(turn.translation.numbers),
        "numbers_said": list(turn.translation.numbers_said),
        "number_repairs": list(turn.translation.number_repairs),
        "confidence": turn.transcript.confidence,
        "timings_ms": timings_json(turn.timings),
    }


def translation_text(translation: Translation) -> str:
    if translation.method is Method.NONE and not translation.text:
        return "(no translation available)"
    return translation.text


def turn_lines(turn: Turn, party: str = "") -> list[str]:
    t = turn.timings
    span = f"[{turn.utterance.t_start_s:6.2f}-{turn.utterance.t_end_s:6.2f}]"
    who = f"{party:<9}" if party else ""
    pad = " " * (len(span) + 1 + len(who))
    voice = f"voice {t.tts_first_audio_ms:.0f} ms · " if t.tts_first_audio_ms is not None else ""
    return [
        f"{span} {who}{turn.transcript.language}  {turn.transcript.text}",
        f"{pad}{turn.translation.target_language}  {translation_text(turn.translation)}",
        f"{pad}    {turn.translation.method.value} · asr {t.asr_ms:.0f} ms · "
        f"mt {t.mt_ms:.0f} ms · {voice}total {t.total_ms:.0f} ms",
    ]
