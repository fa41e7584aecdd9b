"""Percentages said in words of their own, and discounts: a percentage taken off.

A discount is the share of the price taken off: 九折 (pay nine tenths) is 10% off, 打对折
half off, and so are "10% off", "knock off 10%", "a discount of 10%", "10 % de remise",
"5 Prozent Rabatt", "скидка 10%", "خصم 10%" and 优惠10%. A percentage beside a discount
word, before or after it as each language says it, is one discount; elsewhere it stays
a percentage ("a 30% deposit"). A discount word followed by another number ("30%
скидка 5%") is the next phrase's, not this one's.

三成 is 30% (成 is a tenth), but 八成 is also "most likely", 九成新 "nearly new" and 一成
不变 "unchanging": N成 is a percentage only where a clause ends after it or it names a
share of money (三成定金), and never after another figure (七八成 is 70-80%).
"""

from __future__ import annotations

import re
from decimal import Decimal

from interpreter.amounts.amount import Amount
from interpreter.amounts.numbers import ZH_DIGITS, format_number
from interpreter.amounts.numwords.spelling import alternation
from interpreter.amounts.slots import Terms

# Words that make a percentage beside them a discount: (before it, after it).
_DISCOUNT_WORDS = {
    "en": (
        ("a discount of", "discount of", "discount", "knock off", "knocks off", "take off"),
        ("off", "discount"),
    ),
    "zh": (("优惠", "折扣", "打折", "便宜", "降价", "让利"), ("的折扣", "的优惠", "折扣", "优惠")),
    "es": (("un descuento del", "descuento del", "descuento de", "descuento"), ("de descuento",)),
    "fr": (
        ("une remise de", "remise de", "une réduction de", "réduction de", "rabais de"),
        ("de remise", "de réduction", "de rabais", "de ristourne"),
    ),
    "de": (("Rabatt von", "Nachlass von", "Rabatt", "Nachlass"), ("Rabatt", "Nachlass")),
    "it": (("uno sconto del", "sconto del", "sconto di", "sconto"), ("di sconto",)),
    "pt": (("um desconto de", "desconto de", "desconto"), ("de desconto",)),
    "ru": (("скидка", "скидку", "скидкой", "скидки"), ("скидки",)),
    "ar": (("خصم بنسبة", "تخفيض بنسبة", "خصم", "تخفيض"), ("خصم", "تخفيض")),
}  # fmt: skip
_ZH_FIGURES = "一二两三四五六七八九"
# 打对折: half off. 对折 alone is also folding something in half (把布对折一下).
_ZH_HALF_OFF = "(?<=打)对折"
_ZH_NUMERALS = "零〇一二两三四五六七八九十百千万"
# 三成, 七成五, 两成半: before the end of a clause or a share of money.
ZH_TENTHS_PATTERN = (
    rf"(?<![{_ZH_NUMERALS}\d])[{_ZH_FIGURES}]成(?:半|[{_ZH_FIGURES}])?"
    r"(?=[，。！？、,.!?;；\s]|$|的?(?:定金|订金|首付|货款|尾款|利润|预付款|押金|佣金|提成))"
)


def discount_pattern(language: str, percent: str) -> str | None:
    """A regex (no groups) for a discount in `language`; `percent` is its percentage's."""
    words = _DISCOUNT_WORDS.get(language)
    if words is None:
        return None
    before, after = (alternation([w.lower() for w in side], language) for side in words)
    end = "" if language == "zh" else r"(?![^\W\d_])"
    said = rf"{before}{end}[\s:]*{percent}|{percent}\s*(?:{after}){end}(?![\s:]*\d)"
    if language == "zh":
        digits = "".join(d for d in ZH_DIGITS if ZH_DIGITS[d])
        return rf"(?:[{digits}][{digits}五]?|\d(?:\.\d)?)折|{_ZH_HALF_OFF}|{said}"
    if language == "en":
        return rf"{said}|{percent}-off"
    return said


def parse_discount(text: str, language: str, terms: Terms) -> Amount | None:
    """The share taken off in one `discount_pattern` match, or None."""
    if language == "zh" and text.endswith("对折"):
        return Amount("discount", Decimal(50))
    if language == "zh" and text.endswith("折"):
        return _parse_zhe(text[:-1])
    percent = re.search(terms.pattern("percent", language), text)
    if percent is None:
        return None
    slot = terms.parse("percent", percent.group(), language)
    if slot is None or slot.number is None or not 0 < slot.number < 100:
        return None
    return Amount("discount", slot.number)


def _parse_zhe(body: str) -> Amount | None:
    """九折 (pay nine tenths): 10 off; 八五折 15 off; 8.5折 15 off."""
    if body.replace(".", "").isdigit():
        tenths = Decimal(body)
    else:
        found = [ZH_DIGITS.get(char) for char in body]
        digits = [d for d in found if d is not None]
        if len(digits) != len(found):
            return None
        tenths = Decimal(digits[0]) + (Decimal(digits[1]) / 10 if len(digits) > 1 else 0)
    if not 0 < tenths < 10:
        return None
    return Amount("discount", (Decimal(10) - tenths) * 10)


def parse_zh_tenths(text: str) -> Decimal | None:
    """三成 30, 七成五 75, 两成半 25 (percent), or None."""
    match = re.fullmatch(rf"([{_ZH_FIGURES}])成(半|[{_ZH_FIGURES}])?", text)
    if match is None:
        return None
    value = Decimal(ZH_DIGITS[match.group(1)] * 10)
    rest = match.group(2)
    if rest:
        value += 5 if rest == "半" else ZH_DIGITS[rest]
    return value


def render_discount(off: Decimal, language: str) -> str:
    if language == "zh":
        pay = (Decimal(100) - off) / 10
        if pay == pay.to_integral_value():
            return f"{_ZH_DIGIT_CHARS[int(pay)]}折"
        whole, tenth = divmod(int(pay * 10), 10)
        if pay * 10 == int(pay * 10):
            return f"{_ZH_DIGIT_CHARS[whole]}{_ZH_DIGIT_CHARS[tenth]}折"
        return f"{format_number(pay, 'zh')}折"
    written = f"{format_number(off, language)}%"
    if language == "en":
        return f"{written} off"
    return f"-{written}"


_ZH_DIGIT_CHARS = "零一二三四五六七八九"
