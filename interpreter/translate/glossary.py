"""The merchant's own words: product names, materials, SKUs and brands, agreed once.

A stall sells things no translation model was trained on (a 保温杯 is a "vacuum
flask" at this stall, not a "thermos cup"; "KT-500" is a product, not a number). The
glossary is a TOML file the merchant edits with `interpreter glossary add|list|remove`
or by hand, one `[[term]]` per entry with its spelling in each language (the first is
the agreed one, the rest are other ways people say it):

    [[term]]
    zh = ["保温杯", "保温瓶"]
    en = ["vacuum flask", "thermos"]
    es = ["termo"]

It does two jobs: its words are given to Whisper as earlier context (the "previous
text" prompt), which makes recognition spell them as agreed; and a term found in a
sentence is kept from the translation model like a number (see amounts/guard.py)
and written back as the agreed target word. The file is read again whenever it
changes, so an edit takes effect on the next utterance without a restart.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from interpreter.amounts.guard import Keep
from interpreter.core.errors import InputError
from interpreter.core.text import terminal_json

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

GLOSSARY_ENV = "INTERPRETER_GLOSSARY"
# Whisper's previous-text prompt holds at most 223 tokens; a stall's glossary is far
# shorter, and a long prompt slows every decode, so only this many characters are used.
MAX_HOTWORD_CHARS = 400


def default_glossary_path() -> Path:
    configured = os.environ.get(GLOSSARY_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "interpreter" / "glossary.toml"


@dataclass(frozen=True)
class GlossaryEntry:
    forms: dict[str, tuple[str, ...]] = field(hash=False)
    note: str = ""

    def agreed(self, language: str) -> str | None:
        spellings = self.forms.get(language)
        return spellings[0] if spellings else None

    def names(self, spelling: str) -> bool:
        wanted = _fold(spelling)
        return any(_fold(s) == wanted for forms in self.forms.values() for s in forms)


@dataclass(frozen=True)
class Glossary:
    entries: tuple[GlossaryEntry, ...] = ()

    def __len__(self) -> int:
        return len(self.entries)

    def hotwords(self, languages: tuple[str, ...]) -> str:
        """The agreed spellings in the languages that may be heard, as one line."""
        words: list[str] = []
        for entry in self.entries:
            for code in languages:
                for spelling in entry.forms.get(code, ())[:1]:
                    if spelling not in words:
                        words.append(spelling)
        line = ", ".join(words)
        return line[:MAX_HOTWORD_CHARS].rsplit(",", 1)[0] if len(line) > MAX_HOTWORD_CHARS else line

    def keeps(self, text: str, source: str, target: str) -> tuple[Keep, ...]:
        """Each glossary term in `text` that has an agreed `target` word, longest
        spelling first, none overlapping."""
        candidates: list[tuple[int, int, str]] = []
        folded = _fold(text)
        for entry in self.entries:
            agreed = entry.agreed(target)
            if agreed is None:
                continue
            for spelling in entry.forms.get(source, ()):
                for match in _term_pattern(spelling, source).finditer(folded):
                    candidates.append((match.start(), match.end(), agreed))
        chosen: list[Keep] = []
        for start, end, agreed in sorted(candidates, key=lambda c: (c[0], c[0] - c[1])):
            if all(end <= k.start or start >= k.end for k in chosen):
                chosen.append(Keep(text[start:end], start, end, term=agreed))
        return tuple(sorted(chosen, key=lambda keep: keep.start))


def _fold(text: str) -> str:
    """Case and width folded, one character for one, so positions carry over."""
    return "".join(
        (unicodedata.normalize("NFKC", char).lower() or char)[:1] or char for char in text
    )


def _term_pattern(spelling: str, language: str) -> re.Pattern[str]:
    body = re.escape(_fold(spelling))
    if language in ("zh", "ja"):
        return re.compile(body)
    return re.compile(rf"(?<!\w){body}(?!\w)")


def parse_glossary(data: dict[str, object], where: str) -> Glossary:
    from interpreter.core.languages import LANGUAGES

    entries: list[GlossaryEntry] = []
    raw = data.get("term", [])
    if not isinstance(raw, list):
        raise InputError(f"{where}: 'term' must be a list of [[term]] tables; see `glossary list`")
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise InputError(f"{where}: term {number} is not a table; write it as [[term]]")
        forms: dict[str, tuple[str, ...]] = {}
        note = ""
        for key, value in item.items():
            if key == "note":
                note = str(value)
                continue
            if key not in LANGUAGES:
                raise InputError(
                    f"{where}: term {number} has unknown language {key!r}; "
                    f"use one of {', '.join(LANGUAGES)}"
                )
            spellings = [value] if isinstance(value, str) else value
            if not isinstance(spellings, list) or not all(
                isinstance(s, str) and s.strip() for s in spellings
            ):
                raise InputError(f"{where}: term {number} {key} must be a word or a list of words")
            forms[key] = tuple(s.strip() for s in spellings)
        if len(forms) < 1:
            raise InputError(f'{where}: term {number} has no words; add e.g. zh = ["保温杯"]')
        entries.append(GlossaryEntry(forms, note))
    return Glossary(tuple(entries))


def dump_glossary(glossary: Glossary) -> str:
    """TOML for the glossary; JSON strings are valid TOML basic strings."""
    lines = [
        "# The stall's glossary: one [[term]] per product, material, SKU or brand.",
        "# The first spelling in each language is the agreed one.",
    ]
    for entry in glossary.entries:
        lines.append("")
        lines.append("[[term]]")
        for code, spellings in entry.forms.items():
            words = ", ".join(terminal_json(s) for s in spellings)
            lines.append(f"{code} = [{words}]")
        if entry.note:
            lines.append(f"note = {json.dumps(entry.note, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


class GlossaryFile:
    """The glossary on disk, read again when it changes (checked once per call, a
    single stat), so the live runner sees an edit on its next utterance.

    A file broken by a hand edit mid-session does not stop the stall: the last good
    glossary stays in use and `warn` is told once. At start there is no last good
    one, and the error is raised for the command to print.
    """

    def __init__(self, path: Path, warn: Callable[[str], None] | None = None) -> None:
        self.path = path
        self._warn = warn
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._glossary = Glossary()
        self._loaded = False

    def current(self) -> Glossary:
        with self._lock:
            try:
                stat = self.path.stat()
            except FileNotFoundError:
                self._stamp, self._glossary, self._loaded = None, Glossary(), True
                return self._glossary
            stamp = (stat.st_mtime_ns, stat.st_size)
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    self._glossary = self._read()
                except InputError as error:
                    if not self._loaded or self._warn is None:
                        self._stamp = None
                        raise
                    self._warn(f"{error} (the previous glossary stays in use)")
                self._loaded = True
            return self._glossary

    def _read(self) -> Glossary:
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(
                f"cannot read glossary {str(self.path)!r} ({error}); fix or remove the file"
            ) from None
        except tomllib.TOMLDecodeError as error:
            raise InputError(
                f"glossary {str(self.path)!r} is not valid TOML ({error}); fix the file"
            ) from None
        return parse_glossary(data, str(self.path))

    def add(self, entry: GlossaryEntry) -> Glossary:
        """Add an entry, or merge it into the one that already names one of its words."""
        glossary = self.current()
        entries = list(glossary.entries)
        for index, old in enumerate(entries):
            if any(old.names(s) for forms in entry.forms.values() for s in forms):
                merged = dict(old.forms)
                for code, spellings in entry.forms.items():
                    rest = [s for s in merged.get(code, ()) if s not in spellings]
                    merged[code] = (*spellings, *rest)
                entries[index] = GlossaryEntry(merged, entry.note or old.note)
                break
        else:
            entries.append(entry)
        return self._write(Glossary(tuple(entries)))

    def remove(self, spelling: str) -> Glossary:
        glossary = self.current()
        kept = tuple(e for e in glossary.entries if not e.names(spelling))
        if len(kept) == len(glossary.entries):
            raise InputError(
                f"no glossary term is spelled {spelling!r}; see `interpreter glossary list`"
            )
        return self._write(Glossary(kept))

    def _write(self, glossary: Glossary) -> Glossary:
        """Atomically: a temporary file beside it, then a rename."""
        temporary = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(
                prefix=".glossary-", suffix=".tmp", dir=self.path.parent
            )
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(dump_glossary(glossary))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except OSError as error:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            raise InputError(
                f"cannot write glossary {str(self.path)!r} ({error.strerror}); "
                "check the folder's permissions or pass --glossary"
            ) from None
        return self.current()
