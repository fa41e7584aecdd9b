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
