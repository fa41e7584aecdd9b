"""Every number a turn carries: found, parsed into an exact value, written again.

The deal is the numbers. A translation model may turn 五百 into 5,000 or drop a
price, so the amounts of a sentence are found here before any model sees it: a
quantity with its unit, a price with its currency, a duration, a percentage, a
discount (九折 is 10% off), a date, a product code. Each becomes an `Amount` with an
exact Decimal, which is written in the listener's language from the structured form,
never from a model's output (see `fidelity`).

Bare number words are the risky part: "this one", "oh", 一下, 十分 (very), 万一 (in
case) and 千万 (by all means) are not numbers. A bare number is therefore digits, or
words that cannot be anything else (two or more Chinese numerals not led by 百/千/万;
English number words other than a lone "one" or "oh").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from interpreter.amounts.amount import Amount
from interpreter.amounts.articles import drop_articles
from interpreter.amounts.cents import merge_cents
from interpreter.amounts.dates import date_pattern, parse_date, render_date
from interpreter.amounts.halves import add_halves
from interpreter.amounts.idioms import mask_idioms
from interpreter.amounts.numbers import format_number, parse_number
from interpreter.amounts.ordinals import mask_ordinals
from interpreter.amounts.percents import (
    ZH_TENTHS_PATTERN,
    discount_pattern,
    parse_discount,
    parse_zh_tenths,
    render_discount,
)
from interpreter.amounts.slots import SlotValue, Term, Terms, number_pattern
from interpreter.amounts.span_words import render_span
from interpreter.amounts.spans import Measure, find_spans
from interpreter.amounts.spans_world import world_spans
from interpreter.amounts.times import find_times, render_time
from interpreter.amounts.yuan import ZH_MONEY_PATTERN, ends_in_bare_fen, parse_zh_money
from interpreter.amounts.zh_fused import unfuse
from interpreter.amounts.zh_parts import find_zh_parts, mask_unsure_parts
from interpreter.core.text import CONTROL_SEQUENCE

DATA_DIR = Path(__file__).parent / "data"
TERMS_PATH = DATA_DIR / "terms.toml"

EN_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
)  # fmt: skip
_EN_MONTH_SHORT = {name[:3]: index for index, name in enumerate(EN_MONTHS, start=1)}
_EN_MONTH_SHORT["sept"] = 9
# A day said as an ordinal word: July first, the twenty-first of March.
_EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_EN_ORDINAL_TENS = {"twenty": 20, "thirty": 30}
_EN_ORDINAL_DAY = (
    r"(?:(?:twenty|thirty)[\s-]+)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    r"|(?:tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth"
    r"|eighteenth|nineteenth|twentieth|thirtieth)"
)
# May before an ordinal word is a month only after a word that leads to a date: "on
# May third", never "we may first ask".
_EN_DATE_LEAD = "|".join(
    f"(?<=\\b{word}\\s)" for word in ("on", "by", "until", "till", "before", "after", "from")
)
# "Within a week", "in a month": one of a period said with the article, a duration only
# after a word that takes one ("500 pieces a day" is a rate, "more than a week" more).
_EN_PERIOD_LEAD = "|".join(
    f"(?<=\\b{word}\\s)" for word in ("within", "in", "for", "inside", "after", "take", "takes")
)
# Slot kinds of `Terms` that an amount can be, tried in this order where two start at
# the same place and are as long: "5 dollars" is a price before it is a quantity.
_TERM_KINDS = ("price", "qty", "duration", "percent")
_COLLOQUIAL_PRICE = re.compile(r"[块元]([一二两三四五六七八九1-9])(毛|角)?$")
# 6块8, as Whisper writes 六块八: 6.80 yuan.
_DIGIT_COLLOQUIAL = r"\d+[块元][1-9](?![\d.])(?:毛|角)?"
_PRIORITY = ("date", "discount", "price", "qty", "duration", "percent", "code", "num")
# "four grand", "a grand": thousands of dollars; not "a grand total", "a grand opening".
_EN_GRAND = (
    r"(?:{number}|an?)\s+grand(?![a-z])"
    r"(?!\s+(?:total|opening|piano|prize|prix|slam|tour|scale|style|finale|hotel)s?\b)"
)


class AmountFinder:
    """Finds and writes amounts in every language the terms table knows."""

    def __init__(self, terms: Terms) -> None:
        self._terms = terms
        self._compiled: dict[tuple[str, str], re.Pattern[str] | None] = {}
        self._unit_words: dict[str, tuple[str, ...]] = {}
        self._plural_words: dict[str, frozenset[str]] = {}
        self._measure_word_lists: dict[str, tuple[str, ...]] = {}

    @classmethod
    def load(cls, terms_path: Path | None = None) -> AmountFinder:
        return cls(Terms.load(terms_path or TERMS_PATH))

    def warm_up(self, languages: tuple[str, ...]) -> None:
        """Compile every pattern of these languages now: an Arabic number pattern takes
        a few tenths of a second to build, which the first customer should not wait for."""
        for language in languages:
            for kind in _PRIORITY:
                self._pattern(kind, language)

    def find(self, text: str, language: str) -> list[Amount]:
        """Amounts in reading order, none overlapping; the longest wins where they
        start together, then the more specific kind. A range or an approximate amount
        (spans.py) wins over the numbers inside it."""
        return self._find(text, language, spans=True)

    def _measure(self, language: str) -> Measure:
        def measure(text: str) -> Amount | None:
            found = self._find(text, language, spans=False)
            return found[0] if found else None

        return measure

    def _find(self, text: str, language: str, spans: bool) -> list[Amount]:
        folded, where = _fold(text)
        folded = mask_idioms(folded, language, _BARRIER)
        if language == "zh":
            folded = mask_ordinals(folded, _BARRIER)
            folded, where = unfuse(folded, where, self._measure_words(language))
        candidates: list[tuple[int, int, int, Amount]] = []
        if spans:
            measure = self._measure(language)
            if language == "zh":
                folded = mask_unsure_parts(folded, measure, _BARRIER)
            found = [
                *find_times(folded, language),
                *find_spans(folded, language, measure),
                *world_spans(folded, language, measure, self._plurals(language)),
            ]
            if language == "zh":
                found += find_zh_parts(folded, measure)
            for span in found:
                if span.end <= span.start:
                    continue
                start, end = where[span.start], where[span.end - 1] + 1
                amount = replace(span, said=text[start:end], start=start, end=end)
                candidates.append((start, -(end - start), -1, amount))
        for kind in _PRIORITY:
            pattern = self._pattern(kind, language)
            if pattern is None:
                continue
            for match in pattern.finditer(folded):
                if match.end() == match.start():
                    continue
                matched, match_end = match.group(0), match.end()
                if kind == "price" and language == "zh":
                    matched = self._plain_price(matched, folded[match_end:], language)
                    match_end = match.start() + len(matched)
                parsed = self._parse(kind, matched, language)
                if parsed is None:
                    if kind == "num" and language == "en":  # seven twelve: 7 and 12
                        for part, offset in _en_parts(matched):
                            at = match.start() + offset
                            single = self._parse(kind, part, language)
                            if single is not None:
                                start, end = where[at], where[at + len(part) - 1] + 1
                                amount = replace(single, said=text[start:end], start=start, end=end)
                                candidates.append(
                                    (start, -(end - start), _PRIORITY.index(kind), amount)
                                )
                    continue
                start, end = where[match.start()], where[match_end - 1] + 1
                said = text[start:end]
                unit = said if kind == "code" else parsed.unit
                amount = Amount(parsed.kind, parsed.value, unit, said, start, end)
                candidates.append((start, -(end - start), _PRIORITY.index(kind), amount))
        chosen: list[Amount] = []
        taken_until = -1
        for start, _, _, amount in sorted(candidates, key=lambda c: c[:3]):
            if start >= taken_until:
                chosen.append(amount)
                taken_until = amount.end
        if language != "zh":
            chosen = add_halves(text, merge_cents(text, chosen), language)
        return drop_articles(text, chosen, language) if spans else chosen

    def _plain_price(self, matched: str, after: str, language: str) -> str:
        """三块五 is 3.50 yuan, but in 3.50元一个 and 三块一件 the digit after 元/块
        starts the next quantity ("one piece"), and 3.50 already has its fraction; so
        does the digit after 毛 in 五毛一个."""
        if ends_in_bare_fen(matched) and after.startswith(self._units(language)):
            return matched[:-1]
        colloquial = _COLLOQUIAL_PRICE.search(matched)
        if colloquial is None:
            return matched
        units = self._units(language)
        head = matched[: colloquial.start() + 1]
        decimal = "." in head
        starts_quantity = not colloquial.group(2) and after.startswith(units)
        return head if decimal or starts_quantity else matched

    def _units(self, language: str) -> tuple[str, ...]:
        units = self._unit_words.get(language)
        if units is None:
            units = tuple(word for word, _ in self._terms.words("unit", language))
            self._unit_words[language] = units
        return units

    def _measure_words(self, language: str) -> tuple[str, ...]:
        """The unit and time words of `language`."""
        words = self._measure_word_lists.get(language)
        if words is None:
            periods = tuple(word for word, _ in self._terms.words("time", language))
            words = self._units(language) + periods
            self._measure_word_lists[language] = words
        return words

    def _plurals(self, language: str) -> frozenset[str]:
        """The unit, time and currency words as written after a number from five on."""
        plurals = self._plural_words.get(language)
        if plurals is None:
            written = (
                term.written(language, plural=True)
                for table in ("unit", "time", "currency")
                for term in self._terms.in_table(table)
            )
            plurals = frozenset(word.lower() for word in written if word)
            self._plural_words[language] = plurals
        return plurals

    def render(self, amount: Amount, language: str) -> str:
        """The amount written in `language` from its exact value: "500 pieces",
        "3.50 yuan", "500件", "10% off", "九折", "March 15", "3月15日"."""
        if amount.kind == "time":
            return render_time(amount, language)
        if not amount.exact:
            return render_span(amount, language, lambda exact: self.render(exact, language))
        kind = amount.kind
        if kind == "code":
            return amount.unit
        assert amount.value is not None
        if kind == "date":
            month, day = int(amount.unit), int(amount.value)
            if language == "zh":
                return f"{month}月{day}日"
            if language == "en":
                return f"{EN_MONTHS[month - 1].capitalize()} {day}"
            return render_date(day, month, language) or f"{day:02d}/{month:02d}"
        if kind == "discount":
            return render_discount(amount.value, language)
        term = self._term(kind, amount.unit)
        rendered = SlotValue(kind, number=amount.value, term=term).render(language)
        if rendered is None:
            # The terms table has no word for this unit in `language`: the number
            # alone is exact, the unit is said as the speaker said it.
            rendered = f"{format_number(amount.value, language)} {amount.unit}".strip()
        return rendered

    def _term(self, kind: str, unit: str) -> Term | None:
        table = {"qty": "unit", "price": "currency", "duration": "time"}.get(kind)
        if table is None:
            return None
        return next((t for t in self._terms.in_table(table) if t.id == unit), None)

    def _pattern(self, kind: str, language: str) -> re.Pattern[str] | None:
        key = (kind, language)
        if key not in self._compiled:
            source = self._pattern_source(kind, language)
            self._compiled[key] = re.compile(source) if source else None
        return self._compiled[key]

    def _pattern_source(self, kind: str, language: str) -> str | None:
        number = number_pattern(language)
        # In Latin, Cyrillic or Arabic text a number stands alone (not inside "A123"),
        # but a Chinese character next to it (mixed output) does not hide it.
        edge = "" if language == "zh" else r"(?<![^\W\u2e80-\u9fff])(?<![.,])"
        tail = "" if language == "zh" else r"(?![^\W\u2e80-\u9fff])"
        if kind == "price" and language == "zh":
            price = self._terms.pattern(kind, language)
            return f"(?:{ZH_MONEY_PATTERN}|{_DIGIT_COLLOQUIAL}|{price})"
        if kind == "percent" and language == "zh":
            return f"(?:{self._terms.pattern(kind, language)}|{ZH_TENTHS_PATTERN})"
        if kind == "price" and language == "en":
            price = self._terms.pattern(kind, language)
            return f"{edge}(?:{price}|{_EN_GRAND.format(number=number)}){tail}"
        if kind == "duration" and language == "en":
            duration = self._terms.pattern(kind, language)
            periods = "|".join(re.escape(word) for word, _ in self._terms.words("time", language))
            one = rf"(?:{_EN_PERIOD_LEAD})an?\s+(?:{periods})(?![a-z])"
            return f"{edge}(?:{duration}|{one}){tail}"
        if kind in _TERM_KINDS:
            return f"{edge}(?:{self._terms.pattern(kind, language)}){tail}"
        if kind == "num":
            return f"{edge}(?<![a-z\\d]){number}(?![a-z\\d]){tail}"
        if kind == "code":
            # A model or SKU number: letters and digits together (A123, 2XL, KT-500).
            return (
                r"(?<![a-z\d-])(?=[a-z\d-]*\d)(?=[a-z\d-]*[a-z])"
                r"[a-z\d]+(?:-[a-z\d]+)*(?![a-z\d-])"
            )
        if kind == "discount":
            said = discount_pattern(language, self._terms.pattern("percent", language))
            return None if said is None else f"{edge}(?:{said}){tail}"
        if kind == "date":
            if language == "zh":
                return rf"{number}月{number}(?:日|号)"
            if language == "en":
                months = "|".join([*EN_MONTHS, *sorted(_EN_MONTH_SHORT, key=len, reverse=True)])
                day = r"\d{1,2}(?:st|nd|rd|th)?"
                named = "|".join(name for name in EN_MONTHS if name != "may")
                said_month = rf"(?:{named}|(?:{_EN_DATE_LEAD})may)"
                ordinal = rf"(?:{_EN_ORDINAL_DAY})(?![a-z])"
                return (
                    rf"{edge}(?:(?:{months})\.?\s+(?:the\s+)?{day}"
                    rf"|(?:the\s+)?{day}\s+(?:of\s+)?(?:{months})"
                    rf"|{said_month}\s+(?:the\s+)?{ordinal}"
                    rf"|(?:the\s+)?{ordinal}\s+of\s+(?:{months})){tail}"
                )
            said = date_pattern(language)
            return None if said is None else f"{edge}(?:{said}){tail}"
        return None

    def _parse(self, kind: str, text: str, language: str) -> Amount | None:
        if kind == "price" and language == "zh":
            yuan = parse_zh_money(text)
            if yuan is not None:
                return Amount("price", yuan, "yuan")
            spoken = re.fullmatch(r"(\d+)[块元]([1-9])(?:毛|角)?", text)
            if spoken:
                value = Decimal(spoken.group(1)) + Decimal(spoken.group(2)) / 10
                return Amount("price", value, "yuan")
        if kind == "price" and language == "en" and text.endswith("grand"):
            grand = _parse_grand(text)
            return None if grand is None else Amount("price", grand, "usd")
        if kind == "percent" and language == "zh" and "成" in text:
            tenths = parse_zh_tenths(text)
            return None if tenths is None else Amount("percent", tenths)
        if kind in _TERM_KINDS:
            slot = self._terms.parse(kind, text, language)
            if slot is None or slot.number is None:
                return None
            single = slot.term is not None and slot.term.id == "piece" and slot.number == 1
            if single and _A_SINGLE.match(text):
                # 一个 / "an item" is "a" or "each" more often than a quantity.
                return None
            unit = slot.term.id if slot.term is not None else ""
            return Amount(kind, slot.number, unit)
        if kind == "num":
            if not _is_bare_number(text, language):
                return None
            number = parse_number(text, language)
            return None if number is None else Amount("num", number)
        if kind == "code":
            return Amount("code", None, text)
        if kind == "discount":
            return parse_discount(text, language, self._terms)
        if kind == "date":
            return _parse_date(text, language)
        return None


# What a terminal control sequence reads as: no pattern matches it or reads across
# it, and it is neither a word character nor white space.
_BARRIER = "\x00"


def _fold(text: str) -> tuple[str, list[int]]:
    """The text as the patterns read it (NFKC, lower case: full-width ５００ is 500),
    with the index in `text` of every folded character. A terminal control sequence
    is a barrier, each of its characters one `_BARRIER`: the 31 of "\\x1b[31m" (red)
    is not 31 metres, and no amount is read across one."""
    hidden = [False] * len(text)
    for sequence in CONTROL_SEQUENCE.finditer(text):
        hidden[sequence.start() : sequence.end()] = [True] * (sequence.end() - sequence.start())
    folded: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        for out in _BARRIER if hidden[index] else unicodedata.normalize("NFKC", char).lower():
            folded.append(out)
            where.append(index)
    return "".join(folded), where


def _en_parts(said: str) -> list[tuple[str, int]]:
    """Number words that are not one number, word by word ("seven twelve", "eight,
    ten and twelve"), each with where it starts in `said`; none where digits or a
    scale word are among them (2 hundred 350, two thousand and three thousand), whose
    words alone would be wrong values."""
    if _EN_NOT_SPLIT.search(said):
        return []
    return [
        (found.group(), found.start())
        for found in re.finditer(r"[a-z]+(?:-[a-z]+)?", said, re.IGNORECASE)
        if found.group().lower() not in ("and", "point", "a", "an")
    ]


_EN_NOT_SPLIT = re.compile(r"\d|hundred|thousand|million|billion|half|\bk\b", re.IGNORECASE)
_ZH_IDIOM_LEAD = set("百千万亿")
_A_SINGLE = re.compile(r"^(?:一|an?\s)", re.IGNORECASE)
_EN_NOT_ALONE = {"one", "oh", "a", "an"}


def _is_bare_number(text: str, language: str) -> bool:
    if any(char.isdigit() for char in text):
        return True
    if language == "zh":
        if len(text) < 2 or text[0] in _ZH_IDIOM_LEAD:
            return False
        return len(set(text)) > 1
    if language == "en":
        return text.strip().lower() not in _EN_NOT_ALONE
    return True


def _parse_grand(text: str) -> Decimal | None:
    """Dollars in "four grand" (4,000) or "a grand" (1,000)."""
    head = re.sub(r"\s+grand$", "", text).strip()
    number = Decimal(1) if head in ("a", "an") else parse_number(head, "en")
    return None if number is None else number * 1000


def _parse_date(text: str, language: str) -> Amount | None:
    if language not in ("zh", "en"):
        return parse_date(text, language)
    if language == "zh":
        match = re.fullmatch(r"(.+?)月(.+?)(?:日|号)", text)
        if not match:
            return None
        month, day = parse_number(match.group(1), "zh"), parse_number(match.group(2), "zh")
    else:
        words = re.findall(r"[a-z]+|\d+", text.lower())
        numbers = [w for w in words if w.isdigit()]
        months = [w for w in words if w in EN_MONTHS or w in _EN_MONTH_SHORT]
        said_day = numbers[0] if len(numbers) == 1 else _en_ordinal_day(words)
        if said_day is None or len(numbers) > 1 or len(months) != 1:
            return None
        name = months[0]
        month_index = EN_MONTHS.index(name) + 1 if name in EN_MONTHS else _EN_MONTH_SHORT[name]
        month, day = Decimal(month_index), Decimal(said_day)
    if month is None or day is None or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return Amount("date", Decimal(int(day)), str(int(month)))


def _en_ordinal_day(words: list[str]) -> int | None:
    """The day of "first", "twenty first" (21), "thirtieth"; None where none is said."""
    ordinals = [word for word in words if word in _EN_ORDINALS]
    if len(ordinals) != 1:
        return None
    tens = sum(_EN_ORDINAL_TENS.get(word, 0) for word in words)
    return tens + _EN_ORDINALS[ordinals[0]]
