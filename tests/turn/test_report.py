"""What a terminal is shown: text from a party or a model never steers the terminal.

A transcript, translation, glossary word or deal-log line holding ESC (colours, a
cleared screen, a window title), a carriage return, a newline or a bidi override is
printed with those characters escaped (core/text.printable)."""

from __future__ import annotations

import numpy as np

from interpreter.commands.glossary import describe
from interpreter.commands.log import show_lines
from interpreter.core.types import Transcript, Translation, Utterance
from interpreter.core.vocabulary import Method
from interpreter.deals.records import LoggedTurn, SessionInfo
from interpreter.translate.glossary import GlossaryEntry
from interpreter.turn.pipeline import StageTimings, Turn
from interpreter.turn.report import back_line, numbers_box, translation_text, turn_lines

RED = "\x1b[31m"
CLEAR = "\x1b[2J\x1b[H"
RLO = "\u202e"


def unsafe(lines: list[str]) -> list[str]:
    """The lines holding a character a terminal would act on."""
    return [line for line in lines if any(not char.isprintable() for char in line)]


def turn_with(transcript: str, translated: str, said: tuple[str, ...] = ()) -> Turn:
    translation = Translation(
        1, transcript, translated, "en", "zh", Method.NMT, numbers=said, numbers_said=said
    )
    return Turn(
        utterance=Utterance(1, np.zeros(160, dtype=np.float32), 16000, 0.0, 1.0),
        transcript=Transcript(1, transcript, "en", 0.9, 1.0),
        translation=translation,
        speech=(),
        timings=StageTimings(10.0, 20.0, None, 30.0),
    )


def test_a_turn_s_lines_escape_what_would_steer_the_terminal() -> None:
    turn = turn_with(f"{RED}red{CLEAR} 500 pieces\r5 pieces", f"{RLO}0051件\n┃ 5 = 5件 ┃")
    lines = turn_lines(turn)
    assert unsafe(lines) == []
    assert "\\x1b[31mred\\x1b[2J\\x1b[H 500 pieces\\r5 pieces" in lines[0]
    # The newline cannot print a line of its own that looks like the numbers box.
    assert "\\u202e0051件\\n┃ 5 = 5件 ┃" in lines[1]
    assert len(lines) == 3


def test_the_numbers_box_escapes_its_numbers_and_stays_square() -> None:
    box = numbers_box(turn_with("x", "y", said=(f"5{RED}00 pieces",)).translation)
    assert unsafe(box) == []
    assert "5\\x1b[31m00 pieces" in box[1]
    assert len({len(box[0]), len(box[1]), len(box[2])}) == 1


def test_a_translation_alone_and_a_back_translation_are_escaped() -> None:
    translation = Translation(1, "x", f"{CLEAR}好", "en", "zh", Method.NMT)
    assert translation_text(translation) == "\\x1b[2J\\x1b[H好"
    back = Translation(1, "好", f"ok{RED}", "zh", "en", Method.NMT)
    assert back_line(back).endswith("ok\\x1b[31m")


def test_the_deal_log_shown_escapes_what_the_parties_said() -> None:
    session = SessionInfo(
        "20261203-142501", "2026-12-03T06:25:01.000+00:00", ("zh", "en"), f"note{RED}", 1
    )
    turn = LoggedTurn(
        session_id="20261203-142501",
        turn_number=1,
        time_utc="2026-12-03T06:25:02.000+00:00",
        party="merchant",
        source_language="zh",
        target_language="en",
        transcript=f"五百件{CLEAR}",
        translation=f"500 pieces\r5 pieces{RLO}",
        method="nmt",
        confidence=0.9,
        numbers=(f"500 pieces{RED}",),
        numbers_said=("500件",),
    )
    lines = show_lines(session, [turn])
    assert unsafe(lines) == []
    shown = "\n".join(lines)
    assert "note\\x1b[31m" in shown
    assert "五百件\\x1b[2J\\x1b[H" in shown
    assert "500 pieces\\r5 pieces\\u202e" in shown
    assert "500件 = 500 pieces\\x1b[31m" in shown
    assert "1 turn\n" in shown + "\n" and "1 turns" not in shown


def test_a_glossary_entry_described_is_escaped() -> None:
    entry = GlossaryEntry({"zh": (f"保温杯{RED}",), "en": ("vacuum flask",)}, note=f"SKU{CLEAR}")
    line = describe(entry)
    assert unsafe([line]) == []
    assert line == "zh: 保温杯\\x1b[31m  ·  en: vacuum flask  (SKU\\x1b[2J\\x1b[H)"
