"""The bilingual deal sheet of one session: html, csv or json.

The sheet is what the buyer takes away and what the merchant files, so it shows only
what the log holds, in both languages, with the numbers first.

"Agreed numbers" are, honestly, every amount spoken in the session, in the order
first spoken, each with the turn it came from: the log cannot know which offer was
accepted, and leaving one out would be worse than listing a rejected one. An amount
is listed once, at its first mention, keyed on how the translation wrote it; when the
turn also knows how the speaker said it (the same amounts, in the same order) both are
shown.

The html sheet is one self-contained UTF-8 file (inline style, no script, and a
Content-Security-Policy that forbids loading anything), so it opens the same from a
USB stick, an e-mail or the stall's local address. Every piece of text in it goes
through `html.escape`: a transcript is whatever someone said, or made the
recogniser believe they said.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from interpreter.core.errors import InputError
from interpreter.core.text import terminal_json
from interpreter.deals.records import PARTIES, LoggedTurn, SessionInfo

FORMATS = ("html", "csv", "json")
SHEET_SCHEMA = 1
CSV_COLUMNS = (
    "session_id",
    "turn_number",
    "time_utc",
    "party",
    "source_language",
    "target_language",
    "transcript",
    "translation",
    "method",
    "numbers",
    "numbers_said",
    "latency_ms",
    "confidence",
)
# A spreadsheet runs a cell that starts with one of these as a formula; spoken text
# gets a leading apostrophe in the csv so it stays text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AgreedNumber:
    """An amount as the translation wrote it (`text`, in `text_language`) and, when
    known, as the speaker said it (`said`, in `said_language`)."""

    text: str
    text_language: str
    said: str | None
    said_language: str
    turn_number: int
    party: str | None


def agreed_numbers(turns: Sequence[LoggedTurn]) -> tuple[AgreedNumber, ...]:
    """Every amount of every turn, in order, each listed at its first mention."""
    seen: set[str] = set()
    found: list[AgreedNumber] = []
    for turn in turns:
        # Said and translated amounts pair up only when the turn has as many of each.
        said: Sequence[str | None] = turn.numbers_said
        if len(said) != len(turn.numbers):
            said = (None,) * len(turn.numbers)
        for text, spoken in zip(turn.numbers, said, strict=True):
            if text in seen:
                continue
            seen.add(text)
            found.append(
                AgreedNumber(
                    text=text,
                    text_language=turn.target_language,
                    said=spoken or None,
                    said_language=turn.source_language,
                    turn_number=turn.turn_number,
                    party=turn.party,
                )
            )
    return tuple(found)


def deal_sheet(session: SessionInfo, turns: Sequence[LoggedTurn], format: str = "html") -> str:
    """The sheet as text in `format` (html, csv or json)."""
    if format == "html":
        return sheet_html(session, turns)
    if format == "csv":
        return sheet_csv(session, turns)
    if format == "json":
        return sheet_json(session, turns)
    raise InputError(f"unknown deal sheet format {format!r}; use one of {', '.join(FORMATS)}")


# -- json -----------------------------------------------------------------------------


def sheet_json(session: SessionInfo, turns: Sequence[LoggedTurn]) -> str:
    document = {
        "schema": SHEET_SCHEMA,
        "session": {
            "id": session.id,
            "started_utc": session.started_utc,
            "merchant_language": session.pair[0],
            "buyer_language": session.pair[1],
            "note": session.note,
            "turn_count": len(turns),
        },
        "numbers": [asdict(number) for number in agreed_numbers(turns)],
        "turns": [
            {
                **asdict(turn),
                "numbers": list(turn.numbers),
                "numbers_said": list(turn.numbers_said),
            }
            for turn in turns
        ],
    }
    return terminal_json(document, indent=2) + "\n"


# -- csv ------------------------------------------------------------------------------


def _as_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def sheet_csv(session: SessionInfo, turns: Sequence[LoggedTurn]) -> str:
    """One row per turn under a header row; amounts joined with "; "."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for turn in turns:
        writer.writerow(
            (
                turn.session_id,
                turn.turn_number,
                turn.time_utc,
                turn.party or "",
                turn.source_language,
                turn.target_language,
                _as_text(turn.transcript),
                _as_text(turn.translation),
                turn.method,
                "; ".join(turn.numbers),
                "; ".join(turn.numbers_said),
                "" if turn.latency_ms is None else f"{turn.latency_ms:.0f}",
                f"{turn.confidence:.3f}",
            )
        )
    return buffer.getvalue()


# -- html -----------------------------------------------------------------------------

# The sheet's own words, in the two languages of the default pair; other languages
# read the English ones until someone writes theirs here.
_LABELS = {
    "en": {
        "title": "Deal sheet",
        "numbers": "Agreed numbers: every amount spoken, first mention",
        "no_numbers": "No amounts were spoken.",
        "conversation": "Conversation",
        "turn": "Turn",
        "turns": "turns",
        "time": "Time",
        "party": "Who",
        "merchant": "merchant",
        "buyer": "buyer",
        "said": "said",
        "translated": "translated",
        "started": "Started",
        "times": "times",
        "check": "Check every number with the other party before you agree.",
    },
    "zh": {
        "title": "交易记录",
        "numbers": "约定数字：所有说过的数量和价格（按首次出现）",
        "no_numbers": "没有说到数字。",
        "conversation": "对话",
        "turn": "轮次",
        "turns": "轮",
        "time": "时间",
        "party": "说话人",
        "merchant": "商家",
        "buyer": "买家",
        "said": "原话",
        "translated": "翻译",
        "started": "开始",
        "times": "时间",
        "check": "成交前请与对方核对每个数字。",
    },
}

_STYLE = """
body{font-family:system-ui,"Noto Sans","Noto Sans CJK SC",sans-serif;margin:1rem;
color:#111;background:#fff;line-height:1.4}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #bbb;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f1f1f1}
.numbers td{font-size:1.4rem;font-weight:600}.numbers td.small{font-size:.9rem;font-weight:400}
.meta,.note,.small{color:#555;font-size:.9rem}
.translated{color:#234;font-style:italic}
.method{display:block;color:#777;font-size:.75rem;font-style:normal}
@media print{body{margin:0}}
""".strip()


def _label(key: str, languages: Sequence[str]) -> str:
    """A label in each of the pair's languages that has words for it, deduplicated."""
    words: list[str] = []
    for code in languages:
        word = _LABELS.get(code, _LABELS["en"])[key]
        if word not in words:
            words.append(word)
    return " · ".join(words)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _local(time_utc: str) -> datetime:
    return datetime.fromisoformat(time_utc).astimezone()


def sheet_html(session: SessionInfo, turns: Sequence[LoggedTurn]) -> str:
    merchant, buyer = session.pair
    langs = (merchant, buyer)

    def label(key: str) -> str:
        return _e(_label(key, langs))

    started = _local(session.started_utc)
    offset = started.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="' + _e(merchant) + '">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="referrer" content="no-referrer">',
        f"<title>{label('title')} {_e(session.id)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{label('title')} {_e(session.id)}</h1>",
        f'<p class="meta">{label("started")}: {_e(started.strftime("%Y-%m-%d %H:%M:%S"))} '
        f"({_e(zone)}) · {_e(merchant)} ({label('merchant')}) ↔ {_e(buyer)} "
        f"({label('buyer')}) · {len(turns)} {label('turns')}</p>",
    ]
    if session.note:
        parts.append(f'<p class="note" dir="auto">{_e(session.note)}</p>')

    parts.append(f"<h2>{label('numbers')}</h2>")
    numbers = agreed_numbers(turns)
    if numbers:
        parts += [
            '<table class="numbers">',
            f"<tr><th>{label('said')}</th><th>{label('translated')}</th>"
            f"<th>{label('turn')}</th><th>{label('party')}</th></tr>",
        ]
        for number in numbers:
            said = (
                f'<span lang="{_e(number.said_language)}">{_e(number.said)}</span>'
                if number.said
                else ""
            )
            parts.append(
                f"<tr><td>{said}</td>"
                f'<td lang="{_e(number.text_language)}">{_e(number.text)}</td>'
                f'<td class="small">{number.turn_number}</td>'
                f'<td class="small">{_party(number.party, langs)}</td></tr>'
            )
        parts.append("</table>")
        parts.append(f'<p class="small">{label("check")}</p>')
    else:
        parts.append(f"<p>{label('no_numbers')}</p>")

    parts += [
        f"<h2>{label('conversation')}</h2>",
        '<table class="conversation">',
        f"<tr><th>{label('turn')}</th><th>{label('time')} ({_e(zone)})</th>"
        f"<th>{label('party')}</th>"
        f'<th lang="{_e(merchant)}">{_e(merchant)}</th>'
        f'<th lang="{_e(buyer)}">{_e(buyer)}</th></tr>',
    ]
    for turn in turns:
        parts.append(
            f"<tr><td>{turn.turn_number}</td>"
            f"<td>{_e(_local(turn.time_utc).strftime('%H:%M:%S'))}</td>"
            f"<td>{_party(turn.party, langs)}</td>" + "".join(_cells(turn, langs)) + "</tr>"
        )
    parts += ["</table>", "</body>", "</html>", ""]
    return "\n".join(parts)


def _party(party: str | None, langs: Sequence[str]) -> str:
    return _e(_label(party, langs)) if party in PARTIES else ""


def _cells(turn: LoggedTurn, langs: Sequence[str]) -> list[str]:
    """The turn's two texts under the pair's two languages: what was said in its
    speaker's column, the translation (marked, with its method) in the other. A turn
    outside the pair's languages keeps the order said, translated."""
    said = (
        f'<td lang="{_e(turn.source_language)}" dir="auto">{_e(turn.transcript)}'
        f'<span class="method">{_e(turn.source_language)} · {_e(_label("said", langs))}'
        "</span></td>"
    )
    translated = (
        f'<td class="translated" lang="{_e(turn.target_language)}" dir="auto">'
        f"{_e(turn.translation)}"
        f'<span class="method">{_e(turn.target_language)} · {_e(turn.method)}</span></td>'
    )
    if turn.source_language == langs[1] or turn.target_language == langs[0]:
        return [translated, said]
    return [said, translated]
