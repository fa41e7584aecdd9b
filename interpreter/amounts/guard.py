"""Numbers kept out of the translation model's hands, and checked on the way out.

Before a text model sees a sentence, every amount in it (see `amounts`) and every
glossary term is replaced by a placeholder the model copies like a product code
(ZQ1, ZQ2: Latin capitals and a digit, which OPUS-MT and NLLB pass through as they
pass "KT-500"). After translation each placeholder is replaced by the amount written
in the listener's language from its exact value, or by the merchant's agreed term.

Then the result is checked: every amount of the source must be in it exactly once,
and no other number may be. A model that drops a placeholder, doubles one or invents
a number is repaired here, so a mismatch never reaches the speaker: a duplicate or an
invented number is removed, a number written where a placeholder was lost is
replaced by the exact one, and an amount that is missing altogether is said at the
end from its structured form ("...: 500 pieces."). Every repair is recorded for the
trace. Whisper's own speech translation has no placeholders; its numbers are checked
the same way against the transcript's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interpreter.amounts.finder import Amount, AmountFinder

PLACEHOLDER = "ZQ{index}"
_PLACEHOLDER = re.compile(r"z\s?q\s?(\d{1,2})(?!\d)", re.IGNORECASE)
# Private-use characters hold a restored span's place while loose numbers are sought.
_SLOT_BASE = 0xE100
_SLOT = re.compile("[\ue100-\ue1ff]")


@dataclass(frozen=True)
class Keep:
    """Something the model must not translate: an amount, or a glossary term (then
    `term` is the agreed target word and `amount` is None)."""

    said: str
    start: int
    end: int
    amount: Amount | None = None
    term: str = ""


@dataclass(frozen=True)
class Protected:
    """A sentence as the model sees it, and what its placeholders stand for."""

    text: str
    keeps: tuple[Keep, ...]

    @property
    def amounts(self) -> tuple[Amount, ...]:
        return tuple(keep.amount for keep in self.keeps if keep.amount is not None)


@dataclass(frozen=True)
class Checked:
    """A translation whose numbers were checked: `numbers` in the listener's
    language and `numbers_said` in the speaker's, in the order spoken."""

    text: str
    numbers: tuple[str, ...] = ()
    numbers_said: tuple[str, ...] = ()
    repairs: tuple[str, ...] = ()


class NumberGuard:
    def __init__(self, finder: AmountFinder) -> None:
        self._finder = finder

    @property
    def finder(self) -> AmountFinder:
        return self._finder

    def protect(self, text: str, source: str, terms: tuple[Keep, ...] = ()) -> Protected:
        """`text` with each amount and glossary term (found by the caller) replaced
        by a placeholder; amounts inside a glossary term (a SKU) belong to the term."""
        keeps = list(terms)
        for amount in self._finder.find(text, source):
            if not any(k.start < amount.end and amount.start < k.end for k in terms):
                keeps.append(Keep(amount.said, amount.start, amount.end, amount=amount))
        keeps.sort(key=lambda keep: keep.start)
        pieces: list[str] = []
        position = 0
        for index, keep in enumerate(keeps, start=1):
            pieces.append(text[position : keep.start])
            pieces.append(PLACEHOLDER.format(index=index))
            position = keep.end
        pieces.append(text[position:])
        return Protected("".join(pieces), tuple(keeps))

    def restore(self, translated: str, protected: Protected, source: str, target: str) -> Checked:
        """The model's output with placeholders written out, then checked."""
        repairs: list[str] = []
        placed: set[int] = set()

        def slot(match: re.Match[str]) -> str:
            index = int(match.group(1))
            if not 1 <= index <= len(protected.keeps):
                repairs.append(f"removed unknown placeholder {match.group(0)!r}")
                return ""
            if index in placed:
                said = protected.keeps[index - 1].said
                repairs.append(f"removed a second copy of {said!r}")
                return ""
            placed.add(index)
            return chr(_SLOT_BASE + index)

        text = _PLACEHOLDER.sub(slot, translated)
        missing = [i for i in range(1, len(protected.keeps) + 1) if i not in placed]
        return self._reconcile(text, protected.keeps, missing, source, target, repairs)

    def check(self, translated: str, source_text: str, source: str, target: str) -> Checked:
        """A translation made without placeholders (Whisper's), checked against the
        amounts of the text it was made from."""
        keeps = tuple(
            Keep(a.said, a.start, a.end, amount=a) for a in self._finder.find(source_text, source)
        )
        missing = list(range(1, len(keeps) + 1))
        return self._reconcile(translated, keeps, missing, source, target, [])

    def said(self, text: str, source: str) -> Checked:
        """Text that no model touched (a phrasebook sentence, an untranslated
        transcript): only its numbers, for the confirm step and the log."""
        amounts = self._finder.find(text, source)
        return Checked(
            text,
            numbers=tuple(self._finder.render(a, source) for a in amounts),
            numbers_said=tuple(self._finder.render(a, source) for a in amounts),
        )

    def untranslated(self, text: str, source: str, target: str) -> Checked:
        """Text no rung could translate: nothing to say, but its amounts were read
        exactly, so the confirm step shows them in the listener's language too
        (500件 = 500 pieces)."""
        amounts = self._finder.find(text, source)
        return Checked(
            "",
            numbers=tuple(self._finder.render(a, target) for a in amounts),
            numbers_said=tuple(self._finder.render(a, source) for a in amounts),
        )

    def listed(self, source_text: str, translated: str, source: str, target: str) -> Checked:
        """A translation trusted with its numbers (the phrasebook's): only listed,
        in the order spoken, in both languages."""
        amounts = self._finder.find(source_text, source)
        return Checked(
            translated,
            numbers=tuple(self._finder.render(a, target) for a in amounts),
            numbers_said=tuple(self._finder.render(a, source) for a in amounts),
        )

    def agrees(self, source_text: str, translated: str, source: str, target: str) -> bool:
        """Whether a translation holds exactly the source's amounts, in any order."""
        said = sorted(repr(a.key) for a in self._finder.find(source_text, source))
        written = sorted(repr(a.key) for a in self._finder.find(translated, target))
        return said == written

    def _in_place(self, slot: re.Match[str], keeps: tuple[Keep, ...], language: str) -> str:
        """The kept text where its placeholder was, never glued to a word the model
        wrote beside it ("yuanun45 days" would read as a product code)."""
        written = self._written(_kept(keeps, slot.group(0)), language)
        text = slot.string
        before = text[slot.start() - 1] if slot.start() > 0 else ""
        after = text[slot.end()] if slot.end() < len(text) else ""
        return f"{' ' if _glues(before) else ''}{written}{' ' if _glues(after) else ''}"

    def _written(self, keep: Keep, language: str) -> str:
        if keep.amount is None:
            return keep.term
        return self._finder.render(keep.amount, language)

    def _reconcile(
        self,
        text: str,
        keeps: tuple[Keep, ...],
        missing: list[int],
        source: str,
        target: str,
        repairs: list[str],
    ) -> Checked:
        loose = self._finder.find(text, target)
        missing_amounts = [i for i in missing if keeps[i - 1].amount is not None]
        if loose and len(loose) == len(missing_amounts):
            # The model wrote numbers where it lost placeholders: the speaker's exact
            # amounts take their places, in order.
            for amount, index in zip(reversed(loose), reversed(missing_amounts), strict=True):
                expected = keeps[index - 1].amount
                assert expected is not None
                if amount.key != expected.key:
                    repairs.append(
                        f"replaced {amount.said!r} with {self._written(keeps[index - 1], target)!r}"
                    )
                text = f"{text[: amount.start]}{chr(_SLOT_BASE + index)}{text[amount.end :]}"
            missing = [i for i in missing if i not in missing_amounts]
        else:
            for amount in reversed(loose):
                repairs.append(f"removed {amount.said!r}, which the speaker did not say")
                text = f"{text[: amount.start]}{text[amount.end :]}"
        text = _strip_stray_currency(text, keeps)
        text = _SLOT.sub(lambda m: self._in_place(m, keeps, target), text)
        text = _tidy(text, target)
        if missing:
            added = [self._written(keeps[i - 1], target) for i in missing]
            repairs.extend(f"added {item!r}, which the translation lost" for item in added)
            text = _append(text, added, target)
        amounts = [keep.amount for keep in keeps if keep.amount is not None]
        return Checked(
            text,
            numbers=tuple(self._finder.render(a, target) for a in amounts),
            numbers_said=tuple(self._finder.render(a, source) for a in amounts),
            repairs=tuple(repairs),
        )


def _glues(char: str) -> bool:
    """A letter or digit of a spaced script (not a Chinese character, not a held
    place) would run into the text beside it."""
    return bool(char) and char.isalnum() and not ("\u2e80" <= char <= "\u9fff")


def _kept(keeps: tuple[Keep, ...], slot: str) -> Keep:
    return keeps[ord(slot) - _SLOT_BASE - 1]


_CURRENCY_SIGNS = "$€¥￥£"


def _strip_stray_currency(text: str, keeps: tuple[Keep, ...]) -> str:
    """A currency sign the model put beside a number that is no price ("$ 20%") would
    make it read as money: it goes."""
    signs = re.escape(_CURRENCY_SIGNS)
    for index, keep in enumerate(keeps, start=1):
        if keep.amount is None or keep.amount.kind == "price":
            continue
        slot = re.escape(chr(_SLOT_BASE + index))
        text = re.sub(rf"[{signs}]\s?(?={slot})|(?<={slot})\s?[{signs}]", "", text)
    return text


def _tidy(text: str, language: str) -> str:
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"\s+([,.;:!?，。；：！？])", r"\1", text)
    if language == "zh":
        # No spaces beside Chinese characters, but never join two numbers ("5 6").
        text = re.sub(r"(?<=[\u3400-\u9fff])\s+|\s+(?=[\u3400-\u9fff])", "", text)
    return text.strip()


def _append(text: str, items: list[str], language: str) -> str:
    if language in ("zh", "ja"):
        body = text.rstrip("。！？.!? ")
        return f"{body}：{'，'.join(items)}。" if body else f"{'，'.join(items)}。"
    body = text.rstrip(".!? ")
    return f"{body}: {', '.join(items)}." if body else f"{', '.join(items)}."
