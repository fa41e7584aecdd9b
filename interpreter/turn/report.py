"""How a turn is shown: a bilingual console line, and the JSON document for tools.

Every text that came from a party or a model is shown through `printable`: a
transcript holding "\\x1b[2J" must not clear the merchant's screen, and one holding a
newline must not print a line that looks like ours (a forged numbers box)."""

from __future__ import annotations

import unicodedata
from typing import Any

from interpreter.core.text import printable
from interpreter.core.types import Transcript, Translation
from interpreter.core.vocabulary import Doubt, Method
from interpreter.turn.pipeline import StageTimings, Turn


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
        "unsure": turn.unsure,
        "doubt": turn.doubt.value,
        "timings_ms": timings_json(turn.timings),
    }


def translation_text(translation: Translation) -> str:
    if translation.method is Method.NONE and not translation.text:
        return "(no translation available)"
    return printable(translation.text)


UNSURE_MARK = "(?)"
UNSURE_NOTE = "not spoken: unsure what was heard; please say it again"
NUMBER_NOTE = "not spoken: a number was not heard clearly; please say the number again"


def doubt_note(transcript: Transcript, doubt: Doubt) -> str:
    """Why a turn was shown and not spoken, and what to do."""
    if doubt is Doubt.NUMBER:
        return NUMBER_NOTE
    return f"{UNSURE_NOTE} (confidence {transcript.confidence:.2f})"


def turn_lines(turn: Turn, party: str = "") -> list[str]:
    t = turn.timings
    span = f"[{turn.utterance.t_start_s:6.2f}-{turn.utterance.t_end_s:6.2f}]"
    who = f"{party:<9}" if party else ""
    pad = " " * (len(span) + 1 + len(who))
    voice = f"voice {t.tts_first_audio_ms:.0f} ms · " if t.tts_first_audio_ms is not None else ""
    mark = f"{UNSURE_MARK} " if turn.unsure else ""
    lines = [
        f"{span} {who}{turn.transcript.language}  {mark}{printable(turn.transcript.text)}",
        f"{pad}{turn.translation.target_language}  {mark}{translation_text(turn.translation)}",
        f"{pad}    {turn.translation.method.value} · asr {t.asr_ms:.0f} ms · "
        f"mt {t.mt_ms:.0f} ms · {voice}total {t.total_ms:.0f} ms",
    ]
    if turn.unsure:
        lines.append(f"{pad}    {doubt_note(turn.transcript, turn.doubt)}")
    return lines + [pad + line for line in numbers_box(turn.translation)]


def display_width(text: str) -> int:
    """Columns on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def numbers_box(translation: Translation) -> list[str]:
    """The confirm step: a turn's numbers boxed, as said and as translated, so both
    parties check the deal at a glance. Nothing when the turn has no numbers."""
    said = tuple(printable(text) for text in translation.numbers_said)
    heard = tuple(printable(text) for text in translation.numbers)
    if not heard:
        return []
    if len(said) != len(heard):
        said = ("",) * len(heard)
    left = max(display_width(text) for text in said)
    right = max(display_width(text) for text in heard)
    rows = []
    for source, target in zip(said, heard, strict=True):
        gap = " " * (left - display_width(source))
        tail = " " * (right - display_width(target))
        arrow = " = " if source else "   "
        rows.append(f"┃ {source}{gap}{arrow}{target}{tail} ┃")
    width = left + right + 3
    top = f"┏{'━' * (width + 2)}┓"
    bottom = f"┗{'━' * (width + 2)}┛"
    repairs = [f"  (checked: {printable(repair)})" for repair in translation.number_repairs]
    return [top, *rows, bottom, *repairs]


def back_line(back: Translation | None) -> str:
    """The back-translation as a console line."""
    if back is None:
        return "back: (no model can translate it back)"
    return f"back ({back.target_language}, {back.method.value}): {printable(back.text)}"


def back_json(back: Translation | None) -> dict[str, Any] | None:
    if back is None:
        return None
    return {"text": back.text, "language": back.target_language, "method": back.method.value}
