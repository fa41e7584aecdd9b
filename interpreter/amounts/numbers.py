"""Reading numbers the way people say them at a counter.

Whisper writes a number as digits one time and as words the next (五百, 一千二,
"five hundred"), and a translation model cannot be trusted with any of them. These
parsers turn every spelling into an exact Decimal, so the number that reaches the
other party is the number that was said.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from interpreter.amounts.numwords.digits import format_digits
from interpreter.amounts.numwords.parser import parse_numwords
from interpreter.amounts.numwords.tables import NUMWORD_LANGUAGES

ZH_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
ZH_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
ZH_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}

ZH_NUMERAL_CHARS = "".join(ZH_DIGITS) + "".join(ZH_SMALL_UNITS) + "".join(ZH_LARGE_UNITS)

# A number in Chinese text: digits (with separators, decimals, a 万/千 multiplier) or
# Chinese numerals (with 点 for decimals).
ZH_NUMBER_PATTERN = (
    r"(?:\d+(?:[,，]\d{3})*(?:\.\d+)?[十百千万亿]*"
    rf"|[{ZH_NUMERAL_CHARS}]+(?:点[{''.join(ZH_DIGITS)}]+)?)"
)

EN_SMALL = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_EN_WORDS = "|".join(sorted([*EN_SMALL, *EN_SCALES], key=len, reverse=True))

# A number in English text: digits (1,200 / 3.50 / 1.2k) or number words.
EN_NUMBER_PATTERN = (
    r"(?:\d+(?:,\d{3})*(?:\.\d+)?(?:\s?(?:k|thousand|million))?"
    rf"|(?:(?:{_EN_WORDS})\b(?:(?:\s+|-|\s+and\s+)(?:{_EN_WORDS}|point)\b)*"
    rf"(?:\s+point(?:\s+(?:{_EN_WORDS}))+)?))"
)

_DIGITS = re.compile(r"^(\d+(?:[,，]\d{3})*(?:\.\d+)?)(.*)$")


def parse_digits(text: str) -> Decimal | None:
    """'1,200' -> 1200, '3.50' -> 3.50 (the written precision is kept)."""
    cleaned = text.replace(",", "").replace("，", "").strip()
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _zh_section(text: str) -> int | None:
    """A run below 10,000: 三百五 = 350, 一千零五 = 1005, 十五 = 15."""
    total = 0
    digit: int | None = None
    last_unit = 0
    zero_seen = False
    for char in text:
        if char in ZH_DIGITS:
            value = ZH_DIGITS[char]
            if value == 0:
                zero_seen = True
                continue
            if digit is not None:
                return None
            digit = value
        elif char in ZH_SMALL_UNITS:
            unit = ZH_SMALL_UNITS[char]
            if last_unit and unit >= last_unit:
                return None
            total += (1 if digit is None else digit) * unit
            digit = None
            last_unit = unit
            zero_seen = False
        else:
            return None
    if digit is not None:
        colloquial = last_unit >= 100 and not zero_seen
        total += digit * (last_unit // 10 if colloquial else 1)
    return total


def _zh_integer(text: str) -> int | None:
    if not text:
        return None
    if all(char in ZH_DIGITS for char in text) and len(text) > 1:
        # Read digit by digit, as in a phone or model number: 二零二五 = 2025.
        return int("".join(str(ZH_DIGITS[char]) for char in text))
    total = 0
    rest = text
    for char, unit in sorted(ZH_LARGE_UNITS.items(), key=lambda item: -item[1]):
        if char not in rest:
            continue
        head, rest = rest.split(char, 1)
        value = _zh_section(head) if head else 1
        if value is None:
            return None
        total += value * unit
        if rest and len(rest) == 1 and rest in ZH_DIGITS and ZH_DIGITS[rest]:
            # 两万五 = 25,000: a lone digit after 万 counts in thousands.
            return total + ZH_DIGITS[rest] * unit // 10
    if rest:
        value = _zh_section(rest)
        if value is None:
            return None
        total += value
    return total


def parse_zh_number(text: str) -> Decimal | None:
    """Chinese numerals, digits, or a mix: 五百, 一千二, 两万, 3.5, 1.2万, 5千."""
    text = text.strip().replace("，", ",")
    if not text:
        return None
    match = _DIGITS.match(text)
    if match:
        value = parse_digits(match.group(1))
        suffix = match.group(2)
        if value is None:
            return None
        for char in suffix:
            unit = ZH_SMALL_UNITS.get(char) or ZH_LARGE_UNITS.get(char)
            if unit is None:
                return None
            value *= unit
        return value
    integer_part, _, fraction = text.partition("点")
    integer = _zh_integer(integer_part) if integer_part else 0
    if integer is None:
        return None
    if not fraction:
        return Decimal(integer)
    if any(char not in ZH_DIGITS for char in fraction):
        return None
    digits = "".join(str(ZH_DIGITS[char]) for char in fraction)
    return Decimal(f"{integer}.{digits}")


def parse_en_number(text: str) -> Decimal | None:
    """Digits or words: '1,200', '3.50', 'five hundred', 'twelve point five', '2k'."""
    text = text.strip().lower()
    if not text:
        return None
    match = _DIGITS.match(text)
    if match:
        value = parse_digits(match.group(1))
        suffix = match.group(2).strip()
        multiplier = {"": 1, "k": 1000, "thousand": 1000, "million": 1_000_000}.get(suffix)
        if value is None or multiplier is None:
            return None
        return value * multiplier
    words = text.replace("-", " ").split()
    if "point" in words:
        at = words.index("point")
        whole = _en_integer(words[:at]) if at else 0
        digits = [EN_SMALL.get(word) for word in words[at + 1 :]]
        if whole is None or not digits or any(d is None or d > 9 for d in digits):
            return None
        return Decimal(f"{whole}.{''.join(str(d) for d in digits)}")
    integer = _en_integer(words)
    return None if integer is None else Decimal(integer)


def _en_integer(words: list[str]) -> int | None:
    total = 0
    current = 0
    seen = False
    for word in words:
        if word == "and":
            continue
        if word in ("a", "an") and not seen:
            current = 1
            continue
        if word in EN_SMALL:
            current += EN_SMALL[word]
            seen = True
        elif word == "hundred":
            current = (current or 1) * 100
            seen = True
        elif word in EN_SCALES:
            total += (current or 1) * EN_SCALES[word]
            current = 0
            seen = True
        else:
            return None
    return total + current if seen else None


def parse_number(text: str, language: str) -> Decimal | None:
    if language == "zh":
        return parse_zh_number(text)
    if language == "en":
        return parse_en_number(text)
    if language in NUMWORD_LANGUAGES:
        return parse_numwords(text, language)
    return parse_digits(text)


def format_number(value: Decimal, language: str, money: bool = False) -> str:
    """Digits in the target language's convention: 1,200 in English, 1200 in Chinese,
    1.200,50 in Spanish (the others: `numwords.digits.DIGIT_CONVENTION`).

    Money with a fraction always gets two decimals (3.5 yuan is written 3.50).
    """
    if money and value != value.to_integral_value():
        value = value.quantize(Decimal("0.01"))
    elif value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    text = f"{value:f}"
    if language == "zh":
        return text
    if language in NUMWORD_LANGUAGES:
        return format_digits(text, language)
    whole, dot, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    return f"{sign}{int(whole):,}{dot}{fraction}"
