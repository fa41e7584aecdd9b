"""The trade phrasebook: counter phrases translated by people, tried before any model.

A phrase is exact where it matters (its numbers and units come from slots, see
`slots`) and forgiving only where it is safe: after an exact match fails, a phrase
still matches if what was heard differs from it by filler alone (particles such as
啊 and 吧, "um", "please"), its slots line up and no negation was gained or lost.
A changed content word is never forgiven: 我要退五百件 (return) is not 我要订五百件
(order), and a sentence the book does not hold goes to the next rung of the ladder.
"""

from __future__ import annotations

import difflib
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from interpreter.amounts.finder import TERMS_PATH
from interpreter.amounts.slots import (
    AMOUNT_KINDS,
    TERM_KINDS,
    SlotValue,
    Terms,
    slot_kind,
)
from interpreter.core.chinese import SimplifiedChinese
from interpreter.core.text import split_clauses, split_sentences

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DATA_DIR = Path(__file__).parent / "data"
SLOT = re.compile(r"\{(\w+)\}")
# Private-use characters stand for slots in the fuzzy comparison.
_MARK = {kind: chr(0xE001 + index) for index, kind in enumerate((*AMOUNT_KINDS, *TERM_KINDS))}
_KEEP = set("%$€¥￥")
_NUMERIC_PUNCT = re.compile(r"(?<=\d)[.,，](?=\d)")
_ZH_NEGATION = set("不没别未非无甭")
# One word written more ways than one is compared in one spelling: a contraction as
# the words it stands for ("what's" is "what is", "can't" is "cannot"), a British
# spelling as the American, "could you" and "may I" as "can you" and "can I", "have
# you got" as "do you have", "I'd like" as "I want", 您 as 你, and a request opened
# with 麻烦 ("may I trouble you to") as the request. The "not" of "can't" stays.
_EN_CONTRACTIONS = (
    (re.compile(r"\bcan't\b"), "cannot"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\b(\w+)n't\b"), r"\1 not"),
    (re.compile(r"\blet's\b"), "let us"),
    (re.compile(r"\b(it|that|what|there|here|where|how|who|he|she|this)'s\b"), r"\1 is"),
    (re.compile(r"\bi'm\b"), "i am"),
    (re.compile(r"\b(\w+)'re\b"), r"\1 are"),
    (re.compile(r"\b(\w+)'ll\b"), r"\1 will"),
    (re.compile(r"\b(\w+)'ve\b"), r"\1 have"),
    (re.compile(r"^could (?=(?:you|i|we) )"), "can "),
    (re.compile(r"^may i "), "can i "),
    (re.compile(r"\bhave you got\b"), "do you have"),
    (re.compile(r"\bi(?:'d| would) like\b"), "i want"),
)
_EN_SPELLINGS = {
    "colour": "color",
    "colours": "colors",
    "coloured": "colored",
    "centimetre": "centimeter",
    "centimetres": "centimeters",
    "metre": "meter",
    "metres": "meters",
    "litre": "liter",
    "litres": "liters",
    "grey": "gray",
    "aluminium": "aluminum",
    "catalogue": "catalog",
    "favourite": "favorite",
    "jewellery": "jewelry",
    "neighbour": "neighbor",
    "centre": "center",
    "mould": "mold",
    "labelled": "labeled",
    "cancelled": "canceled",
    "okay": "ok",
}
_ZH_POLITE_OPENING = re.compile(r"^麻烦你?(?=.)")
# A yes-no question asked "A-not-A" (能不能, 是不是, 含不含, 有没有; 有红色的没有) is
# the same question asked with 吗: 能不能便宜点 is 能便宜点吗. Its 不 is no "not".
_ZH_A_NOT_A = re.compile(r"(?![不没])([\u4e00-\u9fff])不\1|有没(?=有)")
_ZH_HAVE_OR_NOT = re.compile(r"^(有.+|.+了)没有(?=\W*$)")
_EN_NEGATION = {"not", "no", "never", "cannot", "t", "nope", "nothing", "none"}
# What people add around a phrase without changing it: modal particles, hesitations,
# politeness. A loose match may add or drop only these; a changed content word
# (订 order / 退 return / 卖 sell) is a different deal, never a recognition slip.
_ZH_FILLERS = frozenset("啊呀吧呢嘛哦噢哈嗯呃哎诶啦喔哇请那就")
_EN_FILLERS = frozenset(
    [
        "um",
        "uh",
        "er",
        "erm",
        "ah",
        "oh",
        "hmm",
        "well",
        "so",
        "okay",
        "ok",
        "please",
        "just",
        "yeah",
        "hey",
        "sir",
        "madam",
        "friend",
    ]
)


@dataclass(frozen=True)
class Phrase:
    topic: str
    variants: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class PhraseMatch:
    text: str
    topic: str
    score: float
    amounts: tuple[str, ...]


@dataclass(eq=False)
class _Template:
    """One variant of a phrase, ready to match: its regular expression is compiled on
    first use (a book of 10,000 variants would take seconds to compile at start), and
    only for a sentence that holds every literal piece of it, in order, with room for
    the slots between them (its `outline`, cheap to compile)."""

    phrase: Phrase
    regex: str
    slots: tuple[str, ...]
    skeleton: str
    literal_length: int
    # The words between the slots, as normalised: a sentence lacking one cannot match.
    literals: tuple[str, ...] = ()
    # The regex with every slot (and the space around it) as "anything": what any
    # sentence the regex matches also matches.
    outline_regex: str = ""
    # Where the template stands in the book's order of trial (longest literals first).
    rank: int = 0

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(self.regex)

    @cached_property
    def outline(self) -> re.Pattern[str]:
        return re.compile(self.outline_regex, re.DOTALL)

    def may_match(self, normalised: str) -> bool:
        return all(literal in normalised for literal in self.literals) and (
            self.outline.fullmatch(normalised) is not None
        )


class _TemplateIndex:
    """The templates of one language that may match a sentence, found without trying
    them all (ten thousand `may_match` calls took 6-10 ms a sentence, on the path from
    the end of speech to the first audio).

    A template without slots matches exactly one normalised sentence, its literal; one
    with slots needs every literal in the sentence, so it is filed under the rarest
    pair of adjacent characters of its literals (a sentence without that pair cannot
    hold it). Either way, only templates that could match are left out."""

    def __init__(self, templates: list[_Template]) -> None:
        self._exact: dict[str, list[_Template]] = {}
        self._by_pair: dict[str, list[_Template]] = {}
        self._always: list[_Template] = []
        slotted = [template for template in templates if template.slots]
        counts: dict[str, int] = {}
        for template in slotted:
            for pair in _pairs_of(template.literals):
                counts[pair] = counts.get(pair, 0) + 1
        for template in templates:
            if not template.slots:
                if template.literals:
                    self._exact.setdefault(template.literals[0], []).append(template)
                continue
            pairs = _pairs_of(template.literals)
            if not pairs:
                self._always.append(template)
                continue
            rarest = min(sorted(pairs), key=lambda pair: counts[pair])
            self._by_pair.setdefault(rarest, []).append(template)

    def candidates(self, normalised: str) -> list[_Template]:
        """The templates that may match `normalised`, in the book's order of trial."""
        found = list(self._exact.get(normalised, ()))
        found.extend(self._always)
        for pair in _pairs_of((normalised,)):
            found.extend(self._by_pair.get(pair, ()))
        return sorted(found, key=lambda template: template.rank)


def _pairs_of(texts: tuple[str, ...]) -> set[str]:
    return {text[index : index + 2] for text in texts for index in range(len(text) - 1)}


class Normaliser:
    """The one normal form both phrases and transcripts are compared in."""

    def __init__(self) -> None:
        self._simplified = SimplifiedChinese()

    def __call__(self, text: str, language: str) -> str:
        text = unicodedata.normalize("NFKC", text).lower()
        if language == "zh":
            text = self._simplified.convert(text).replace("您", "你")
        elif language == "en":
            text = text.replace("\u2019", "'")
            for pattern, words in _EN_CONTRACTIONS:
                text = pattern.sub(words, text)
        text = _NUMERIC_PUNCT.sub(lambda m: "\x00" if m.group(0) == "." else "", text)
        chars = []
        for char in text:
            category = unicodedata.category(char)
            if char in _KEEP or char == "\x00" or category[0] in "LNM":
                chars.append(char)
            else:
                chars.append(" ")
        text = " ".join("".join(chars).split()).replace("\x00", ".")
        if language == "zh":
            # Chinese needs no spaces, but "3500 1个" is two numbers, never 35001.
            text = re.sub(r"(?<=\d) (?=\d)", "|", text).replace(" ", "")
            text = _as_question(_ZH_POLITE_OPENING.sub("", text))
        elif language == "en":
            text = " ".join(_EN_SPELLINGS.get(word, word) for word in text.split(" "))
        return text


def _as_question(text: str) -> str:
    """A Chinese A-not-A question asked with 吗, anything else as it was."""
    asked, count = _ZH_A_NOT_A.subn(lambda m: m.group(1) or "", text)
    if count:
        return asked if asked.rstrip("？?。 ").endswith("吗") else asked + "吗"
    return _ZH_HAVE_OR_NOT.sub(r"\1吗", text)


def _tokens(text: str, language: str) -> list[str]:
    return list(text) if language == "zh" else text.split()


def _core(tokens: list[str], language: str) -> tuple[str, ...]:
    """The tokens that are not fillers, in order."""
    fillers = _ZH_FILLERS if language == "zh" else _EN_FILLERS
    return tuple(token for token in tokens if token not in fillers)


def _filler_only_ratio(heard: list[str], phrase: list[str], language: str) -> float | None:
    """How alike two token lists are, or None when they differ by more than fillers."""
    fillers = _ZH_FILLERS if language == "zh" else _EN_FILLERS
    matcher = difflib.SequenceMatcher(None, heard, phrase, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        changed = heard[i1:i2] + phrase[j1:j2]
        if tag == "replace" or any(token not in fillers for token in changed):
            return None
    if not any(token not in fillers for token in phrase):
        return None
    return matcher.ratio()


def _negations(normalised: str, language: str) -> frozenset[str]:
    if language == "zh":
        return frozenset(char for char in normalised if char in _ZH_NEGATION)
    return frozenset(word for word in normalised.split() if word in _EN_NEGATION)


class Phrasebook:
    def __init__(self, phrases: list[Phrase], terms: Terms) -> None:
        self._phrases = phrases
        self._terms = terms
        self._normalise = Normaliser()
        self._templates: dict[str, list[_Template]] = {}
        self._skeleton_patterns: dict[str, re.Pattern[str]] = {}
        for phrase in phrases:
            for language, variants in phrase.variants.items():
                for variant in variants:
                    self._templates.setdefault(language, []).append(
                        self._compile(phrase, variant, language)
                    )
        self._index: dict[str, _TemplateIndex] = {}
        for language, templates in self._templates.items():
            templates.sort(key=lambda template: -template.literal_length)
            for rank, template in enumerate(templates):
                template.rank = rank
            self._index[language] = _TemplateIndex(templates)
        # The loose match may add or drop fillers only, so a variant it can match has
        # the same slot kinds and the same words once fillers are left out: an index
        # by those finds the few worth comparing.
        self._by_core: dict[str, dict[tuple[tuple[str, ...], tuple[str, ...]], list[_Template]]]
        self._by_core = {}
        for language, templates in self._templates.items():
            index = self._by_core.setdefault(language, {})
            for template in templates:
                kinds = tuple(slot_kind(name) for name in template.slots)
                key = (kinds, _core(_tokens(template.skeleton, language), language))
                index.setdefault(key, []).append(template)

    @classmethod
    def load(cls, phrases_path: Path | None = None, terms_path: Path | None = None) -> Phrasebook:
        terms = Terms.load(terms_path or TERMS_PATH)
        path = phrases_path or DATA_DIR / "phrases.toml"
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        phrases = []
        for index, entry in enumerate(data.get("phrase", [])):
            variants = {
                key: tuple(value)
                for key, value in entry.items()
                if key != "topic" and isinstance(value, list)
            }
            phrase = Phrase(topic=str(entry.get("topic", "")), variants=variants)
            _check_slots(phrase, f"{path.name} phrase #{index + 1}")
            phrases.append(phrase)
        return cls(phrases, terms)

    def warm_up(self) -> None:
        """Compile the slot patterns each language needs (tens of ms on first use)."""
        for source in self._templates:
            self._skeletonise(self._normalise("500", source), source)

    def __len__(self) -> int:
        return len(self._phrases)

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self._templates)

    def covers(self, source: str, target: str) -> bool:
        return source in self._templates and target in self._templates

    def lookup(self, text: str, source: str, target: str) -> PhraseMatch | None:
        """Translate every sentence of `text` from the book, or return None.

        All or nothing: a half-translated turn would hide from the listener the part
        that was left out.
        """
        if not self.covers(source, target):
            return None
        sentences = split_sentences(text)
        matches = [self._lookup_whole_or_clauses(s, source, target) for s in sentences]
        return _joined(matches, target)

    def _lookup_whole_or_clauses(
        self, sentence: str, source: str, target: str
    ) -> PhraseMatch | None:
        """Whisper joins what people say with commas ("Hello, how much is this?"), so a
        sentence the book lacks may still be phrases it has, one per clause."""
        whole = self._lookup_sentence(sentence, source, target)
        clauses = split_clauses(sentence)
        if (whole is not None and whole.score == 1.0) or len(clauses) < 2:
            return whole
        parts = _joined([self._lookup_sentence(c, source, target) for c in clauses], target)
        if parts is None or (whole is not None and whole.score > parts.score):
            return whole
        return parts

    def _lookup_sentence(self, sentence: str, source: str, target: str) -> PhraseMatch | None:
        normalised = self._normalise(sentence, source)
        if not normalised:
            return None
        for template in self._index[source].candidates(normalised):
            if target not in template.phrase.variants or not template.may_match(normalised):
                continue
            match = template.pattern.fullmatch(normalised)
            if match is None:
                continue
            values = self._values(
                template, [match.group(f"s{i}") for i in range(len(template.slots))], source
            )
            if values is not None:
                rendered = self._render(template.phrase, values, target)
                if rendered is not None:
                    return PhraseMatch(rendered[0], template.phrase.topic, 1.0, rendered[1])
        return self._fuzzy(normalised, source, target)

    def _fuzzy(self, normalised: str, source: str, target: str) -> PhraseMatch | None:
        skeleton, found = self._skeletonise(normalised, source)
        # Counted with slot values masked: the 不 of 不锈钢 (stainless steel) is no "not".
        negations = _negations(skeleton, source)
        heard = _tokens(skeleton, source)
        best: tuple[float, _Template, dict[str, SlotValue]] | None = None
        key = (tuple(kind for kind, _ in found), _core(heard, source))
        for template in self._by_core.get(source, {}).get(key, []):
            if target not in template.phrase.variants:
                continue
            if _negations(template.skeleton, source) != negations:
                continue
            ratio = _filler_only_ratio(heard, _tokens(template.skeleton, source), source)
            if ratio is None or (best is not None and ratio <= best[0]):
                continue
            values = self._values(template, [text for _, text in found], source)
            if values is not None:
                best = (ratio, template, values)
        if best is None:
            return None
        ratio, template, values = best
        rendered = self._render(template.phrase, values, target)
        if rendered is None:
            return None
        return PhraseMatch(rendered[0], template.phrase.topic, round(ratio, 3), rendered[1])

    def _skeletonise(self, normalised: str, language: str) -> tuple[str, list[tuple[str, str]]]:
        """Replace every clear slot value (a number with its unit, a digit run, a colour)
        by its mark, so that only the fixed words are compared."""
        combined = self._skeleton_patterns.get(language)
        if combined is None:
            kinds = ("price", "qty", "duration", "percent", *TERM_KINDS)
            alternatives = [f"(?P<{kind}>{self._terms.pattern(kind, language)})" for kind in kinds]
            alternatives.append(r"(?P<num>\d+(?:[.,]\d+)*)")
            boundary = "" if language == "zh" else r"(?<![a-z])"
            combined = re.compile(boundary + "(?:" + "|".join(alternatives) + ")")
            self._skeleton_patterns[language] = combined
        found: list[tuple[str, str]] = []

        def mark(match: re.Match[str]) -> str:
            kind = match.lastgroup or "num"
            found.append((kind, match.group(0)))
            return _MARK[kind]

        return combined.sub(mark, normalised), found

    def _values(
        self, template: _Template, texts: list[str], language: str
    ) -> dict[str, SlotValue] | None:
        values: dict[str, SlotValue] = {}
        for name, text in zip(template.slots, texts, strict=True):
            value = self._terms.parse(slot_kind(name), text, language)
            if value is None:
                return None
            values[name] = value
        return values

    def _render(
        self, phrase: Phrase, values: dict[str, SlotValue], target: str
    ) -> tuple[str, tuple[str, ...]] | None:
        output = phrase.variants[target][0]
        rendered: dict[str, str] = {}
        for name, value in values.items():
            text = value.render(target)
            if text is None:
                return None
            rendered[name] = text
        amounts = tuple(
            rendered[name] for name in SLOT.findall(output) if slot_kind(name) in AMOUNT_KINDS
        )
        return SLOT.sub(lambda m: rendered[m.group(1)], output), amounts

    def _compile(self, phrase: Phrase, variant: str, language: str) -> _Template:
        if language == "zh":
            # Asked as a whole, before its words are cut apart at the slots.
            variant = _as_question(variant)
        pieces = SLOT.split(variant)
        literals = [self._normalise(piece, language) for piece in pieces[0::2]]
        slots = tuple(pieces[1::2])
        parts: list[str] = []
        outline: list[str] = []
        skeleton: list[str] = []
        gap = "" if language == "zh" else r"\s*"
        for index, literal in enumerate(literals):
            if literal:
                parts.append(re.escape(literal).replace(r"\ ", r"\s+"))
                outline.append(parts[-1])
                skeleton.append(literal)
            if index < len(slots):
                kind = slot_kind(slots[index])
                parts.append(f"{gap}(?P<s{index}>{self._terms.pattern(kind, language)}){gap}")
                outline.append(".*?")
                skeleton.append(_MARK[kind])
        joined = "".join(parts)
        spaced = "" if language == "zh" else " "
        return _Template(
            phrase=phrase,
            regex=joined,
            slots=slots,
            skeleton=spaced.join(skeleton) if language != "zh" else "".join(skeleton),
            literal_length=sum(len(literal) for literal in literals),
            literals=tuple(literal for literal in literals if literal),
            outline_regex="".join(outline),
        )


def _joined(matches: list[PhraseMatch | None], target: str) -> PhraseMatch | None:
    if not matches or any(match is None for match in matches):
        return None
    found = [match for match in matches if match is not None]
    joiner = "" if target == "zh" else " "
    return PhraseMatch(
        text=joiner.join(match.text for match in found),
        topic=",".join(dict.fromkeys(match.topic for match in found)),
        score=min(match.score for match in found),
        amounts=tuple(amount for match in found for amount in match.amounts),
    )


def _check_slots(phrase: Phrase, where: str) -> None:
    expected: set[str] | None = None
    for language, variants in phrase.variants.items():
        if not variants:
            raise ValueError(f"{where}: no text for {language!r}")
        for variant in variants:
            names = SLOT.findall(variant)
            for name in names:
                slot_kind(name)
            if expected is None:
                expected = set(names)
            elif set(names) != expected:
                raise ValueError(
                    f"{where}: {variant!r} has slots {sorted(names)}, not {sorted(expected)}"
                )
