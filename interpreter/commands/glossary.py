"""`interpreter glossary add|list|remove`: the merchant edits the stall's glossary.

The live runner reads the file again when it changes, so an entry added here is used
from the next utterance on, while the interpreter keeps running.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from interpreter.commands.common import Subcommands
from interpreter.core.errors import InputError
from interpreter.core.text import counted, printable

if TYPE_CHECKING:
    from interpreter.translate.glossary import GlossaryEntry, GlossaryFile


def _file(args: argparse.Namespace) -> GlossaryFile:
    from interpreter.translate.glossary import GlossaryFile, default_glossary_path

    return GlossaryFile(args.glossary or default_glossary_path())


def parse_spellings(items: list[str]) -> dict[str, tuple[str, ...]]:
    """LANG=WORD arguments; a language given twice gets both spellings, first agreed."""
    from interpreter.core.languages import language

    forms: dict[str, list[str]] = {}
    for item in items:
        code, equals, word = item.partition("=")
        if not equals or not word.strip():
            raise InputError(f'{item!r} is not LANG=WORD; write e.g. zh=保温杯 en="vacuum flask"')
        found = language(code.strip().lower()).code
        spellings = forms.setdefault(found, [])
        if word.strip() not in spellings:
            spellings.append(word.strip())
    if not forms:
        raise InputError('no words given; write e.g. zh=保温杯 en="vacuum flask"')
    return {code: tuple(words) for code, words in forms.items()}


def describe(entry: GlossaryEntry) -> str:
    """The entry on one line; its words and note with control characters escaped."""
    parts = [f"{code}: {' / '.join(words)}" for code, words in entry.forms.items()]
    note = f"  ({entry.note})" if entry.note else ""
    return printable("  ·  ".join(parts) + note)


def run_list(args: argparse.Namespace) -> int:
    glossary_file = _file(args)
    glossary = glossary_file.current()
    if not len(glossary):
        print(f"the glossary is empty ({glossary_file.path}); add a term with "
              '`interpreter glossary add zh=保温杯 en="vacuum flask"`')  # fmt: skip
        return 0
    print(f"{counted(len(glossary), 'term')} in {glossary_file.path}:")
    for entry in glossary.entries:
        print(f"  {describe(entry)}")
    return 0


def run_add(args: argparse.Namespace) -> int:
    from interpreter.translate.glossary import GlossaryEntry

    entry = GlossaryEntry(parse_spellings(args.words), note=args.note or "")
    glossary_file = _file(args)
    glossary_file.add(entry)
    print(f"added to {glossary_file.path}: {describe(entry)}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    glossary_file = _file(args)
    before = glossary_file.current()
    after = glossary_file.remove(args.word)
    removed = [e for e in before.entries if e not in after.entries]
    for entry in removed:
        print(f"removed from {glossary_file.path}: {describe(entry)}")
    return 0


def add_parser(subcommands: Subcommands) -> None:
    glossary = subcommands.add_parser(
        "glossary", help="the stall's own words: products, materials, SKUs, brands"
    )
    actions = glossary.add_subparsers(dest="glossary_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every term, in every language")
    listing.set_defaults(run=run_list)
    add = actions.add_parser(
        "add", help='add a term: LANG=WORD ... e.g. zh=保温杯 en="vacuum flask" es=termo'
    )
    add.add_argument("words", nargs="+", metavar="LANG=WORD")
    add.add_argument("--note", help="a note kept with the term (SKU, supplier)")
    add.set_defaults(run=run_add)
    remove = actions.add_parser("remove", help="remove the term with this spelling")
    remove.add_argument("word", metavar="WORD")
    remove.set_defaults(run=run_remove)
