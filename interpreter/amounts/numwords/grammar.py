"""The grammar of spelled numbers, built from the language tables.

One grammar built from each language's table (`tables`) gives both the regex that
finds a number in a sentence and the lexicon the parser reads it with. The regex
follows the grammar of the language (tens before units, "y"/"e"/"et"/"und"/"و" only
where a number takes it), so "cinco y diez días" is two numbers and never fifteen, and
a span the regex finds is a span the parser can read.

Written numbers cover 0 to 999,999,999, halves ("dos y medio", "два с половиной",
"полторы тысячи", "zweieinhalb") and a decimal word ("tres coma cinco", "три целых
пять десятых"). Two kinds of word are held back when they stand alone, because alone
they are seldom a number: the indefinite article that is also "one" (un, una, une,
um, uma, ein, eine; "un descuento" is not 1 discount), and homographs such as French
"neuf" (new), Italian "sei" (you are), German "acht", Arabic "ست" (lady), which count
only before another word ("neuf sacs"). Inside a longer number ("un millón", "ciento
un", "eintausend") they always count, and `parse_numwords` reads them alone too.

A و or ب joined to the first word belongs to the number ("بخمسة دولارات", for five
dollars), or the number would not be seen at all.

Nothing is built at import: a language's grammar is built the first time it is asked
for, and kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from interpreter.amounts.numwords.digits import DIGITS_PATTERN
from interpreter.amounts.numwords.spelling import alternation, fold, spellings
from interpreter.amounts.numwords.tables import TABLES, NumberWords, compounds

_NOT_LETTER_AFTER = r"(?![^\W\d_])"
_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"


# Token kinds of the parser.
NUM, DIGIT, HUNDRED, SCALE, HALF, DEC, PLACES, SKIP = (
    "num", "digit", "hundred", "scale", "half", "dec", "places", "skip",
)  # fmt: skip


@dataclass(frozen=True)
class Token:
    kind: str
    value: Decimal = Decimal(0)
    scale: int = 1  # a scale word multiplies by value * scale: ألفان is 2 * 1000


@dataclass(frozen=True)
class Grammar:
    find: str  # the pattern, no groups
    words: re.Pattern[str]  # a whole spelled number, lone articles allowed
    digits: re.Pattern[str]  # digits, maybe a scale word after them
    lexicon: dict[str, Token]
    longest: int


class _Builder:
    """The grammar of one language as regex source.

    A number is [millions] [thousands] [below a thousand], each part optional, so the
    big word lists are written three times rather than once per combination; a
    lookbehind at the end makes sure something was read.
    """

    def __init__(self, language: str, spec: NumberWords, finding: bool) -> None:
        self.language = language
        self.spec = spec
        self.finding = finding
        starts = set(spec.proclitics)
        for word in _all_words(spec, language):
            starts |= {spelling[0] for spelling in spellings(word, language)}
        self.gate = "(?=[" + re.escape("".join(sorted(starts))) + "])"

    def words(self, words: Iterable[str]) -> str:
        return alternation(tuple(words), self.language)

    def below_hundred(self) -> str:
        s = self.spec
        units = self.words(s.units)
        tens = self.words(s.tens)
        teens = self.words(s.teens)
        alts = []
        if s.compound_tens:
            alts.append(self.words(compounds(self.language)))
        if s.units_first:
            alts.append(f"{units}{s.tens_sep}{tens}")
        if s.tens_with_teens:
            alts.append(f"{self.words(s.tens_with_teens)}{s.tens_sep}{teens}")
        if s.units_first:
            alts.append(tens)
        else:
            alts.append(f"{tens}(?:{s.tens_sep}{units})?")
        if s.teen_suffix:
            alts.append(rf"{units}\s+{self.words(s.teen_suffix)}")
        alts += [teens, units, self.words(s.zero)]
        return "(?:" + "|".join(alts) + ")"

    def below_thousand(self) -> str:
        s = self.spec
        hundreds = []
        if s.hundreds:
            hundreds.append(self.words(s.hundreds))
        if s.hundred:
            mult = self.words(s.hundred)
            for word, before in s.hundred_elided:
                mult = f"(?:{mult}|{re.escape(word)}(?={re.escape(before)}))"
            lead = f"(?:{self.words(s.units)}|{self.words(s.teens)})"
            hundreds.append(f"(?:{lead}{s.mult_sep})?{mult}")
        rest = self.below_hundred()
        if not hundreds:
            return rest
        hundred = "(?:" + "|".join(hundreds) + ")"
        return f"(?:{hundred}(?:{s.hundred_sep}{rest})?|{rest})"

    def scale(self, words: tuple[str, ...], own: dict[str, int]) -> str:
        """mil, dos mil, ثلاثة آلاف, ألفان: a scale word and what multiplies it."""
        s = self.spec
        half = f"(?:{s.half})?" if s.half else ""
        fused = f"|{self.words(s.fused)}" if s.fused else ""
        lead = f"(?:{self.below_thousand()}{half}{fused})"
        alts = [f"(?:{lead}{s.mult_sep})?{self.words(words)}"]
        if own:
            alts.append(self.words(own))
        return "(?:" + "|".join(alts) + ")"

    def alone(self) -> str:
        """Lookaheads that hold back a lone article ("un descuento") and a lone
        homograph not followed by another word ("c'est neuf")."""
        s = self.spec
        if not self.finding:
            return ""
        checks = ""
        if s.not_alone:
            going_on = [*s.hundred, *s.thousand, *s.million, *s.teen_suffix]
            going_on += [*s.decimal, *s.half_words]
            if s.units_first:
                going_on += s.conjunctions  # ein und zwanzig
            checks += (
                f"(?!{self.words(s.not_alone)}{_NOT_LETTER_AFTER}"
                rf"(?![\s-]+{self.words(going_on)}{_NOT_LETTER_AFTER}))"
            )
        if s.before_word_only:
            checks += (
                f"(?!{self.words(s.before_word_only)}{_NOT_LETTER_AFTER}"
                r"(?![\s-]+[^\W\d_]))"
            )
        return checks

    def number(self) -> str:
        s = self.spec
        more = f"(?:{s.scale_sep}{self.gate})?"
        parts = ""
        if s.million:
            parts += f"(?:{self.scale(s.million, s.million_own)}{more})?"
        parts += f"(?:{self.scale(s.thousand, s.thousand_own)}{more})?"
        fused = f"|{self.words(s.fused)}" if s.fused else ""
        parts += f"(?:{self.below_thousand()}{fused})?"
        half = f"(?:{s.half})?" if s.half else ""
        decimal = ""
        if s.decimal:
            digit = f"(?:{self.words(s.zero)}|{self.words(s.units)})"
            fraction = rf"(?:{digit}\s+)*{self.below_hundred()}"
            places = rf"(?:\s+{self.words(s.places)})?" if s.places else ""
            decimal = rf"(?:\s+{self.words(s.decimal)}\s+{fraction}{places})?"
        # Something was read: the text ends in a letter, and not in a proclitic
        # (no number word ends in one).
        read = r"(?<=[^\W\d_])"
        proclitic = ""
        if s.proclitics:
            proclitic = f"(?:[{s.proclitics}])?"
            read += f"(?<![{s.proclitics}])"
        return (
            f"{_NOT_LETTER_BEFORE}{self.gate}{proclitic}{self.alone()}"
            f"{parts}{read}{half}{decimal}{_NOT_LETTER_AFTER}"
        )

    def scale_words(self) -> str:
        s = self.spec
        return self.words([*s.thousand, *s.million, *s.scale_abbrev])


def _lexicon(language: str, spec: NumberWords) -> dict[str, Token]:
    """Every spelling (folded) of every word a number is made of, as a token."""
    entries: list[tuple[str, Token]] = []

    def values(table: dict[str, int] | dict[str, Decimal], kind: str) -> None:
        entries.extend((word, Token(kind, Decimal(value))) for word, value in table.items())

    def fixed(words: Iterable[str], token: Token) -> None:
        entries.extend((word, token) for word in words)

    def scales(words: Iterable[str], own: dict[str, int], scale: int) -> None:
        fixed(words, Token(SCALE, Decimal(1), scale))
        for word, value in own.items():
            entries.append((word, Token(SCALE, Decimal(value) / scale, scale)))

    fixed(spec.zero, Token(DIGIT))
    values(spec.units, DIGIT)
    for table in (spec.teens, spec.tens, spec.hundreds, spec.fused):
        values(table, NUM)
    if spec.compound_tens:
        values(compounds(language), NUM)
    fixed([*spec.hundred, *(word for word, _ in spec.hundred_elided)], Token(HUNDRED))
    scales(spec.thousand, spec.thousand_own, 1000)
    scales(spec.million, spec.million_own, 1_000_000)
    for word, scale in spec.scale_abbrev.items():
        entries.append((word, Token(SCALE, Decimal(1), scale)))
    fixed(spec.half_words, Token(HALF))
    fixed(spec.decimal, Token(DEC))
    values(spec.places, PLACES)
    fixed(spec.conjunctions, Token(SKIP))
    fixed(spec.teen_suffix, Token(NUM, Decimal(10)))
    lexicon: dict[str, Token] = {}
    for word, token in entries:
        for spelling in spellings(word, language):
            lexicon.setdefault(fold(spelling, language), token)
    return lexicon


def _all_words(spec: NumberWords, language: str) -> list[str]:
    """Every word a number may start with."""
    words = [*spec.zero, *spec.units, *spec.teens, *spec.tens, *spec.hundreds, *spec.hundred]
    words += [*spec.thousand, *spec.thousand_own, *spec.million, *spec.million_own]
    words += [*spec.fused, *spec.tens_with_teens]
    if spec.compound_tens:
        words += list(compounds(language))
    return words


@cache
def grammar_of(language: str) -> Grammar:
    spec = TABLES[language]
    finder = _Builder(language, spec, finding=True)
    reader = _Builder(language, spec, finding=False)
    scales = finder.scale_words()
    lexicon = _lexicon(language, spec)
    return Grammar(
        find=rf"(?:{DIGITS_PATTERN}(?:\s*{scales}{_NOT_LETTER_AFTER})?|{finder.number()})",
        words=re.compile(reader.number()),
        digits=re.compile(rf"(?P<number>{DIGITS_PATTERN})(?:\s*(?P<scale>{scales}))?"),
        lexicon=lexicon,
        longest=max(len(word) for word in lexicon),
    )


def numword_pattern(language: str) -> str:
    """A regex (no groups) for one number in `language`: digits or words."""
    return grammar_of(language).find


@cache
def small_number_pattern(language: str, joined: bool = False) -> str:
    """A regex (no groups) for a whole number below a hundred in `language`, one or two
    digits or words (articles included: "a la una"): the hour or minutes of a time,
    the day of a date. `joined`: it may follow a letter (the و of "وعشر")."""
    words = _Builder(language, TABLES[language], finding=False).below_hundred()
    before = "" if joined else _NOT_LETTER_BEFORE
    return rf"(?:(?<!\d)\d{{1,2}}(?!\d)|{before}{words}{_NOT_LETTER_AFTER})"
