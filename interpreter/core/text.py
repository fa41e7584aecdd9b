"""Sentences: the unit that translation and speech synthesis both work in."""

from __future__ import annotations

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
