"""Reading numbers the way people say them at a counter.

Whisper writes a number as digits one time and as words the next (五百, 一千二,
"five hundred"), and a translation model cannot be trusted with any of them. These
parsers turn every spelling into an exact Decimal, so the number that reaches the
other party is the number that was said.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation, localcontext

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

_ZH_DIGIT_CHARS = "".join(ZH_DIGITS)
_ZH_FIGURE_CHARS = "".join(char for char, value in ZH_DIGITS.items() if value)
# One figure of a number that mixes digits and Chinese units (2万300, 30万五千,
# 1千2百5十, 3点5万): digits or one Chinese digit, with its decimals.
_ZH_MIXED_PART = rf"(?:\d+|[{_ZH_FIGURE_CHARS}])(?:(?:\.|点)(?:\d+|[{_ZH_DIGIT_CHARS}]+))?"
_ZH_MIXED = (
    rf"(?=[{ZH_NUMERAL_CHARS}\d.点]*\d)"  # with at least one digit (else: numerals alone)
    rf"(?:零?{_ZH_MIXED_PART}[十百千万亿]+)+"
    rf"(?:零?{_ZH_MIXED_PART}|点(?:\d+|[{_ZH_DIGIT_CHARS}]+))?"
)

# A number in Chinese text: digits and Chinese units mixed; digits (with separators,
# decimals, a 万/千 multiplier); or Chinese numerals (with 点 for decimals).
ZH_NUMBER_PATTERN = (
    rf"(?:{_ZH_MIXED}"
    r"|\d+(?:[,，]\d{3})*(?:(?:\.|点)\d+)?[十百千万亿]*"
    rf"|[{ZH_NUMERAL_CHARS}]+(?:点[{_ZH_DIGIT_CHARS}]+)?)"
)
_ZH_MIXED_TOKEN = re.compile(
    rf"(?P<number>\d+(?:\.\d+)?|[{_ZH_FIGURE_CHARS}])"
    rf"(?:点(?P<decimals>\d+|[{_ZH_DIGIT_CHARS}]+))?"
    r"|(?P<unit>[十百千万亿])|(?P<point>点)(?P<fraction>\d+|[" + _ZH_DIGIT_CHARS + r"]+)"
)

EN_SMALL = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
EN_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
# "two thousands pieces": the plural after a number is the scale itself (alone,
# "thousands of" is some thousands: amounts/spans.py).
_EN_PLURAL_SCALES = {f"{word}s": value for word, value in EN_SCALES.items()}
_EN_WORDS = "|".join(sorted([*EN_SMALL, *EN_SCALES, *_EN_PLURAL_SCALES], key=len, reverse=True))
_EN_DIGIT_WORDS = "zero|oh|one|two|three|four|five|six|seven|eight|nine"

_EN_SCALE = r"(?:hundred|thousand|million|billion)"
# After a scale word, more of the same number: "4 hundred 50", "5 thousand 5 hundred",
# "3 million 200 thousand" (whether they make one number is the parser's to say).
_EN_AFTER_SCALE = rf"(?:(?:\s+and)?\s+(?:\d+(?![\d,.]\d)|{_EN_WORDS})\b)*"
_EN_HALF = rf"\s+and\s+a\s+half\b(?:\s+{_EN_SCALE}\b)?"  # and a half (thousand)

# A number in English text: digits (1,200 / 3.50 / 1.2k / 3 thousand 500 / 4 hundred 50
# / 2 point 5 / 6 and a half thousand) or number words (five k, half a million).
EN_NUMBER_PATTERN = (
    r"(?:\d+\s+point\s+\d+(?![\d,.]\d)"
    r"|\d+(?:,\d{3})*(?:\.\d+)?"
    rf"(?:\s?k\b|{_EN_HALF}|\s?{_EN_SCALE}\b{_EN_AFTER_SCALE})?"
    rf"|half\s+an?\s+{_EN_SCALE}\b"
    rf"|(?:(?:{_EN_WORDS})\b(?:(?:\s+|-|\s+and\s+)(?:{_EN_WORDS}|point)\b)*"
    rf"(?:\s+point(?:\s+(?:{_EN_WORDS}))+)?(?:{_EN_HALF}|\s+k\b)?)"
    rf"|point(?:\s+(?:{_EN_DIGIT_WORDS})\b)+)"
)

_DIGITS = re.compile(r"^(\d+(?:[,，]\d{3})*(?:\.\d+)?)(.*)$")
# Digits and one word that multiplies them: 1.2k, 2.5 million.
_EN_MULTIPLIERS = {"": 1, "k": 1000, **EN_SCALES}
_EN_SPOKEN_POINT = re.compile(r"(\d+)\s+point\s+(\d+)")


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


def _zh_figure(text: str) -> Decimal:
    """One figure: digits (with their decimals) or one Chinese digit."""
    return Decimal(text) if text[0].isascii() else Decimal(ZH_DIGITS[text])


def _zh_decimals(text: str) -> str:
    return "".join(char if char.isascii() else str(ZH_DIGITS[char]) for char in text)


def parse_zh_mixed(text: str) -> Decimal | None:
    """Digits and Chinese units said together, as Whisper writes them: 2万300 = 20300,
    30万五千 = 305000, 七千8 = 7800 (a lone digit after a unit counts in the unit
    below it, as in 七千八), 1亿2千万 = 120000000, 3点5万 = 35000, 一百点25 = 100.25.
    None for what does not read as one number (units out of order, 5百2千)."""
    total = Decimal(0)  # what the large units (万, 亿) have gathered
    section = Decimal(0)  # below the last large unit
    current: Decimal | None = None
    last_small = 0  # the last 十/百/千 in this section (they must come down)
    last_large = 0
    after_unit = 0  # the unit just before `current`, for 七千8 and 2万5
    zero = False
    fraction = Decimal(0)
    position = 0
    for token in _ZH_MIXED_TOKEN.finditer(text):
        if token.start() != position:
            if text[position : token.start()] not in ("零", "〇"):
                return None
            zero = True
        position = token.end()
        if token["number"] is not None:
            if current is not None:
                return None  # two figures in a row: not one number
            figure = _zh_figure(token["number"])
            if token["decimals"] is not None:
                figure += Decimal("0." + _zh_decimals(token["decimals"]))
            current = figure
        elif token["unit"] is not None:
            unit = {**ZH_SMALL_UNITS, **ZH_LARGE_UNITS}[token["unit"]]
            if unit in ZH_SMALL_UNITS.values():
                if last_small and unit >= last_small:
                    return None
                section += (1 if current is None else current) * unit
                last_small = unit
            else:
                if last_large and unit >= last_large and unit != 10_000:
                    return None
                value = section + (current or 0)
                if total and unit > last_large:  # 1亿2千万: 2千 then 万 is 2千万
                    total += value * unit
                else:
                    total = total + value * unit if value else total * unit
                section, last_small, last_large = Decimal(0), 0, unit
            current, after_unit, zero = None, unit, False
        else:
            if position != len(text) or fraction:
                return None
            fraction = Decimal("0." + _zh_decimals(token["fraction"]))
    if position != len(text):
        return None
    if current is not None:
        lone = current == current.to_integral_value() and 0 < current < 10
        if lone and not zero and after_unit >= 100:  # 七千8, 两万5: one unit below
            current *= after_unit // 10
        section += current
    return total + section + fraction


def parse_zh_number(text: str) -> Decimal | None:
    """Chinese numerals, digits, or a mix: 五百, 一千二, 两万, 3.5, 1.2万, 5千, 2万300."""
    text = text.strip().replace("，", ",")
    if not text:
        return None
    mixed = any(char.isdigit() for char in text) and any(
        char in ZH_NUMERAL_CHARS or char == "点" for char in text
    )
    if mixed and not re.fullmatch(r"[\d,]*\d(?:\.\d+)?[十百千万亿]+", text):
        return parse_zh_mixed(text)
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
    """Digits or words: '1,200', '3.50', 'five hundred', 'twelve point five', '2k',
    '4 hundred 50', '6 and a half thousand', 'half a million', 'five k'."""
    text = text.strip().lower()
    if not text:
        return None
    words = text.replace("-", " ").split()
    if len(words) > 1 and words[-1] == "k":  # five k, 5 k: thousands
        head = parse_en_number(" ".join(words[:-1]))
        return None if head is None else head * 1000
    if len(words) > 1 and words[-1] in EN_SCALES and "half" in words:
        return _en_half_scaled(words)
    if words[-3:] == ["and", "a", "half"]:
        said = parse_en_number(" ".join(words[:-3]))
        if said is None or said != said.to_integral_value():
            return None
        return said + Decimal("0.5")
    spoken_point = _EN_SPOKEN_POINT.fullmatch(text)
    if spoken_point:  # 2 point 5
        return Decimal(f"{spoken_point.group(1)}.{spoken_point.group(2)}")
    match = _DIGITS.match(text)
    if match:
        value = parse_digits(match.group(1))
        if value is None:
            return None
        multiplier = _EN_MULTIPLIERS.get(match.group(2).strip())
        if multiplier is not None:
            return value * multiplier
        if not match.group(1).isdigit():
            return None  # 1,200 or 3.5 with more words after them
        integer = _en_integer(words)
        return None if integer is None else Decimal(integer)
    if "point" in words:
        at = words.index("point")
        whole = _en_integer(words[:at]) if at else 0
        scale = 1
        if words[-1] in EN_SCALES:  # one point two million: 1,200,000
            scale, words = EN_SCALES[words[-1]], words[:-1]
        digits = [EN_SMALL.get(word) for word in words[at + 1 :]]
        if whole is None or not digits or any(d is None or d > 9 for d in digits):
            return None
        return Decimal(f"{whole}.{''.join(str(d) for d in digits)}") * scale
    integer = _en_integer(words)
    return None if integer is None else Decimal(integer)


def _en_half_scaled(words: list[str]) -> Decimal | None:
    """A half before a scale word: half a million (500,000), six and a half thousand
    (6,500), 6 and a half thousand."""
    scale = EN_SCALES[words[-1]]
    if len(words) == 3 and words[0] == "half" and words[1] in ("a", "an"):
        return Decimal(scale) / 2
    if words[-4:-1] != ["and", "a", "half"]:
        return None
    whole = parse_en_number(" ".join(words[:-4]))
    if whole is None or whole != whole.to_integral_value():
        return None
    return (whole + Decimal("0.5")) * scale


_EN_DIGITS = {word: EN_SMALL[word] for word in _EN_DIGIT_WORDS.split("|")}
_EN_TENS = {word: value for word, value in EN_SMALL.items() if value >= 20}


def _en_spoken_hundreds(words: list[str]) -> int | None:
    """Hundreds said without "hundred", as prices and counts are: one fifty five =
    155, seven fifty = 750, three twenty five = 325 (a digit, then tens)."""
    if len(words) not in (2, 3) or words[0] not in _EN_DIGITS or words[1] not in _EN_TENS:
        return None
    if EN_SMALL[words[0]] == 0:
        return None
    rest = _EN_TENS[words[1]]
    if len(words) == 3:
        if words[2] not in _EN_DIGITS or EN_SMALL[words[2]] == 0:
            return None
        rest += EN_SMALL[words[2]]
    return EN_SMALL[words[0]] * 100 + rest


def _en_integer(words: list[str]) -> int | None:
    """Number words (and groups of digits after a scale word: 4 hundred 50) as one
    whole number, or None where they are not one: each small word must start a group
    or follow tens (twenty five), so "seven twelve" and "eight ten twelve" are never
    added up; digits only start a group and fit below the scale before them; scales
    come down (two thousand and three thousand is not 5,000). Three or more digits in
    a row are read digit by digit (one five five = 155, two oh two = 202); two are not
    one number."""
    words = [word for word in words if word != "and"]
    digits = [word for word in words if word in _EN_DIGITS]
    if len(words) >= 2 and len(digits) == len(words):
        if len(words) == 2:
            return None
        return int("".join(str(EN_SMALL[word]) for word in words))
    spoken = _en_spoken_hundreds(words)
    if spoken is not None:
        return spoken
    total = 0
    current = 0
    last_scale = 0  # the last thousand, million or billion said
    figures = False  # the last word was digits: no number word may follow them
    seen = False
    for word in words:
        if word in ("a", "an") and not seen:
            current = 1
            continue
        if word.isdigit():
            value = int(word)
            if figures or current % 100 or not _fits(value, current, last_scale):
                return None
            current += value
            seen = figures = True
            continue
        if word in EN_SMALL:
            value = EN_SMALL[word]
            group = current % 100
            if figures or (group and not (group in _EN_TENS.values() and value < 10)):
                return None
            current += value
        elif word in ("hundred", "hundreds"):
            if (word == "hundreds" and not seen) or current >= 100:
                return None
            current = (current or 1) * 100
        elif word in EN_SCALES or (word in _EN_PLURAL_SCALES and seen):
            scale = {**EN_SCALES, **_EN_PLURAL_SCALES}[word]
            if last_scale and scale >= last_scale:
                return None
            total += (current or 1) * scale
            current, last_scale = 0, scale
        else:
            return None
        seen, figures = True, False
    return total + current if seen else None


def _fits(value: int, current: int, last_scale: int) -> bool:
    """Whether digits fit where they are said: below a hundred after "hundred" (4
    hundred 50), below the scale before them (3 million 200 thousand)."""
    if current:
        return value < 100
    return not last_scale or value < last_scale


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
    # Room for every digit: a run of digits read as one number can outgrow decimal's
    # default 28, and quantize would raise.
    with localcontext() as context:
        context.prec = max(context.prec, len(value.as_tuple().digits) + 4)
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
