"""How a number word is written and looked up.

Patterns read text as `amounts` and the phrasebook give it: NFKC, lower case. A word
is matched in every way it is written: with and without accents, ё or е, ß or ss, ä or
ae, and Arabic with or without hamza on alef, with ة or ه, ى or ي. The parser looks a
word up by one folded spelling (Arabic also without harakat).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Arabic spellings folded to one: alef with or without hamza, ة or ه, ى or ي.
_AR_FOLDS = (
    str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"}),
    str.maketrans({"ة": "ه"}),
    str.maketrans({"ى": "ي"}),
)
_AR_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")  # harakat, dagger alef, tatweel


def fold(word: str, language: str) -> str:
    """The one spelling a word is looked up by."""
    word = " ".join(word.replace("-", " ").split())
    if language == "ar":
        word = _AR_MARKS.sub("", word)
        for table in _AR_FOLDS:
            word = word.translate(table)
    return word


def spellings(word: str, language: str) -> set[str]:
    """The ways a word is written: with and without accents, ё or е, ß or ss, hamza."""
    found = {" ".join(word.replace("-", " ").split())}
    if language == "ru":
        found.add(word.replace("ё", "е"))
    elif language == "ar":
        for table in _AR_FOLDS:
            found |= {spelling.translate(table) for spelling in found}
    else:
        bare = "".join(
            c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)
        )
        found.add(unicodedata.normalize("NFC", bare))
        if language == "de":
            found.add(word.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue"))
            found |= {w.replace("ß", "ss") for w in list(found)}
    return found


def _trie(written: set[str]) -> str:
    """One regex for many words, common beginnings shared (quick to compile and to
    match); a longer word is tried before its prefix. A space stands for spaces or a
    hyphen."""
    tree: dict = {}
    for spelling in written:
        node = tree
        for char in spelling:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [
            (r"[\s-]+" if char == " " else re.escape(char)) + emit(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return emit(tree)


def alternation(words: Iterable[str], language: str) -> str:
    """Every spelling of `words` as one group; "(?!)" (never) when there are none."""
    found: set[str] = set()
    for word in words:
        found |= spellings(word, language)
    return f"(?:{_trie(found)})" if found else "(?!)"
