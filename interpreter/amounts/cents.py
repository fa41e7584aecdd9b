"""Money said in two parts, outside Chinese: "two dollars and fifty cents", "a dollar
fifty", "zwölf Euro fünfzig", "three kuai five"; cents alone, "ninety-nine cents";
and cents of a named currency, "sixty euro cents".

The finder reads the price and the number after it as two amounts (2 dollars, then a
bare 50): a wrong value, since 2.50 was said. Here a price with a whole value,
followed (after at most a joining word) by a number, becomes one price:

- a cents word after the number ("fifty cents", "cinquanta centesimi"), or a number
  from 10 to 99 with none ("a dollar fifty"), is hundredths of a dollar or a euro;
- after yuan, a digit with "jiao"/"mao", or a digit straight after "kuai" (三块五
  said in English), is tenths; a number from 10 to 99 ("one yuan twenty", 一块二 said
  in English) is hundredths.

A single digit after dollars or euros with no cents word ("two dollars five") is
left as it was found: it may be five of something else.
"""

from __future__ import annotations

import re
from decimal import Decimal

from interpreter.amounts.amount import Amount

_JOIN = re.compile(r"^[\s,]*(?:and|y|con|et|und|e|и|و)?\s*$", re.IGNORECASE)
# Cents words, and the currency a number of them alone is in.
_CENT_WORDS = {
    "cents": "usd", "cent": "eur", "centavos": "usd", "centavo": "usd",
    "céntimos": "eur", "céntimo": "eur", "cêntimos": "eur", "cêntimo": "eur",
    "centimes": "eur", "centime": "eur", "centesimi": "eur", "centesimo": "eur",
    "центов": "usd", "цента": "usd", "цент": "usd",
    "سنتا": "usd", "سنتات": "usd", "سنت": "usd",
}  # fmt: skip
_CENTS_AFTER = re.compile(
    r"^\s*(" + "|".join(sorted(_CENT_WORDS, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE
)
_TENTHS_AFTER = re.compile(r"^\s*(jiao|mao)(?!\w)", re.IGNORECASE)
# "a dollar fifty": one dollar, said with the article (no number for the finder).
_ONE_BEFORE = re.compile(r"(?:^|(?<=\W))(?:a|one)\s+(dollar|buck|euro)(?:\s+and)?\s*$", re.I)
_ONE_CURRENCY = {"dollar": "usd", "buck": "usd", "euro": "eur"}
_HUNDREDTHS = ("usd", "eur")


def merge_cents(text: str, amounts: list[Amount]) -> list[Amount]:
    """`amounts` (as the finder found them in `text`, in order) with every price and
    its cents made one price, and cents alone made a price."""
    merged: list[Amount] = []
    index = 0
    while index < len(amounts):
        amount = amounts[index]
        after = amounts[index + 1] if index + 1 < len(amounts) else None
        joined = _joined(text, amount, after) if after is not None else None
        if joined is not None:
            merged.append(joined)
            index += 2
            continue
        merged.append(_cents_alone(text, amount) or _in_cents(text, amount) or amount)
        index += 1
    return merged


def _whole(value: Decimal | None) -> bool:
    return value is not None and value == value.to_integral_value()


def _joined(text: str, price: Amount, number: Amount) -> Amount | None:
    if price.kind != "price" or number.kind != "num" or not _whole(price.value):
        return None
    if not _whole(number.value) or not _JOIN.match(text[price.end : number.start]):
        return None
    assert price.value is not None and number.value is not None
    rest = text[number.end :]
    cents, tenths = _CENTS_AFTER.match(rest), _TENTHS_AFTER.match(rest)
    end = number.end
    if price.unit in _HUNDREDTHS and 0 < number.value < 100:
        if cents is None and number.value < 10:
            return None
        value = price.value + number.value / 100
        end += cents.end() if cents else 0
    elif price.unit == "yuan" and 0 < number.value < 10:
        kuai = price.said.lower().endswith("kuai")
        if tenths is None and not kuai:
            return None
        value = price.value + number.value / 10
        end += tenths.end() if tenths else 0
    elif price.unit == "yuan" and 10 <= number.value < 100 and tenths is None:
        value = price.value + number.value / 100  # one yuan twenty: 1.20
    else:
        return None
    return Amount("price", value, price.unit, text[price.start : end], price.start, end)


def _in_cents(text: str, price: Amount) -> Amount | None:
    """Cents of a named currency: "sixty euro cents" is 0.60 euros, not 60."""
    if price.kind != "price" or price.unit not in _HUNDREDTHS or not _whole(price.value):
        return None
    assert price.value is not None
    cents = _CENTS_AFTER.match(text[price.end :])
    if cents is None or not 0 < price.value < 100 or not price.said[-1:].isalpha():
        return None
    end = price.end + cents.end()
    return Amount("price", price.value / 100, price.unit, text[price.start : end], price.start, end)


def _cents_alone(text: str, number: Amount) -> Amount | None:
    """Cents with no price before them found: "ninety-nine cents", "a dollar fifty"."""
    if number.kind != "num" or not _whole(number.value) or number.value is None:
        return None
    cents = _CENTS_AFTER.match(text[number.end :])
    one = _ONE_BEFORE.search(text[: number.start])
    if one is not None and 0 < number.value < 100 and (cents or number.value >= 10):
        end = number.end + (cents.end() if cents else 0)
        value = 1 + number.value / 100
        currency = _ONE_CURRENCY[one.group(1).lower()]
        return Amount("price", value, currency, text[one.start() : end], one.start(), end)
    if cents is None or not 0 < number.value < 100:
        return None
    end = number.end + cents.end()
    currency = _CENT_WORDS[cents.group(1).lower()]
    said = text[number.start : end]
    return Amount("price", number.value / 100, currency, said, number.start, end)
