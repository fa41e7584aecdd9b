"""Sentences: the unit that translation and speech synthesis both work in; and text
made safe to show on a terminal or to read numbers from."""

from __future__ import annotations

import json
import re

# After 。！？!?；; always; after a full stop only at a word end, so 3.50 stays whole.
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=\.)(?=\s|$)")


def split_sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


# After a comma, unless a digit follows: "Hello, how much" splits, "1,200" does not.
_CLAUSE_END = re.compile(r"(?<=[，、])|(?<=,)(?!\d)")


def split_clauses(sentence: str) -> list[str]:
    return [part.strip() for part in _CLAUSE_END.split(sentence) if part.strip(" ，、,")]


def speakable_pieces(text: str, language: str, min_chars: int) -> list[str]:
    """Sentences, with a long sentence split at its commas into pieces of at least
    `min_chars`: the first piece can be translated and spoken while the rest waits."""
    joiner = "" if language == "zh" else " "
    pieces: list[str] = []
    for sentence in split_sentences(text) or [text.strip()]:
        if len(sentence) < 2 * min_chars:
            pieces.append(sentence)
            continue
        current = ""
        for clause in split_clauses(sentence):
            current = f"{current}{joiner}{clause}" if current else clause
            if len(current) >= min_chars:
                pieces.append(current)
                current = ""
        if current:
            if pieces and len(current) < min_chars:
                pieces[-1] = f"{pieces[-1]}{joiner}{current}"
            else:
                pieces.append(current)
    return [piece for piece in pieces if piece]


def lead_and_rest(sentence: str, lead_words: int) -> list[str]:
    """A long sentence as its first few words and the rest, so a voice that renders a
    whole sentence at once can start sooner. The cut is at a comma near the start when
    there is one; Chinese (no spaces) is cut only at a comma."""
    words = sentence.split()
    if len(words) == 1:
        head, comma, rest = sentence.partition("，")
        if comma and len(head) >= lead_words and len(rest) >= lead_words:
            return [head + comma, rest]
        return [sentence]
    if lead_words <= 0 or len(words) < 2 * lead_words:
        return [sentence]
    cut = next(
        (i + 1 for i in range(lead_words // 2, 2 * lead_words) if words[i].endswith(",")),
        lead_words,
    )
    return [" ".join(words[:cut]), " ".join(words[cut:])]


def bounded_pieces(sentence: str, max_chars: int) -> list[str]:
    """A sentence cut into pieces of at most `max_chars`: at commas where it can be,
    else between words, and as a last resort (unspaced text) anywhere."""
    if len(sentence) <= max_chars:
        return [sentence]
    joiner = " " if " " in sentence else ""
    units: list[str] = []
    for clause in split_clauses(sentence):
        if len(clause) <= max_chars:
            units.append(clause)
        else:
            for word in clause.split() if joiner else [clause]:
                units.extend(word[i : i + max_chars] for i in range(0, len(word), max_chars))
    pieces: list[str] = []
    for unit in units:
        if pieces and len(pieces[-1]) + len(joiner) + len(unit) <= max_chars:
            pieces[-1] = f"{pieces[-1]}{joiner}{unit}"
        else:
            pieces.append(unit)
    return pieces


# Characters that steer a terminal instead of showing: C0 controls (ESC, BEL, CR, the
# newline), DEL, C1 controls (U+009B is a one-character CSI), and the bidirectional
# overrides and isolates that show "0051" as "1500" (the Trojan Source set).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_ESCAPED = {
    code: _NAMED.get(chr(code), f"\\x{code:02x}") for code in (*range(0x20), *range(0x7F, 0xA0))
} | {ord(char): f"\\u{ord(char):04x}" for char in BIDI_CONTROLS}


def printable(text: str) -> str:
    """`text` as a terminal may show it: every control character (newline and tab
    too, so one line stays one line) and bidi override written as its escape: ESC
    shows as the four characters \\x1b. User and model text (transcripts, translations,
    glossary words, the deal log) goes through this before it is printed."""
    return text.translate(_ESCAPED)


# A terminal control sequence, whole, as a terminal would consume it (ECMA-48): a CSI
# (ESC [ or U+009B) with its parameters and final byte ("\x1b[31m", even unfinished);
# a command string (OSC, DCS, APC, PM, SOS) up to its terminator; ESC with one more
# character ("\x1bc", "\x1b(B"); or a lone control or bidi override. Tab, newline and
# carriage return are left out: in text they are white space.
CONTROL_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
    rf"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]"
)


# What `json.dumps(..., ensure_ascii=False)` leaves raw and a terminal would act on:
# DEL, the C1 controls (U+009B starts a control sequence as ESC [ does), the bidi
# overrides, and the two Unicode line breaks.
_JSON_RAW_CONTROLS = re.compile(rf"[\x7f-\x9f{BIDI_CONTROLS}\u2028\u2029]")


def terminal_json(value: object, indent: int | None = None) -> str:
    """`value` as JSON with its text readable (not ASCII-escaped), safe to print: json
    escapes only the C0 controls, so every character above that a terminal would
    obey is written as its \\uXXXX escape too (the same string when parsed)."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _JSON_RAW_CONTROLS.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def counted(count: int, singular: str, plural: str = "") -> str:
    """The count and its noun, which agrees with it: 1 turn, 2 turns, 1 stretch of
    sound. `plural` defaults to the singular with an s."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
