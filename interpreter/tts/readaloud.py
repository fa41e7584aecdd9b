"""Numbers, prices and units written out the way a voice must say them.

The voices read digits on their own, and get the deal wrong: espeak-ng's Mandarin
reads 3.50元 as "三五零元" (the decimal point is lost) and 30% half in English;
in English "$3.50" comes out as "dollar three point five zero". So before a
sentence is synthesised every amount in it (see amounts/finder.py) is replaced by
words: "three dollars and fifty cents", "three point five yuan", "三块五",
"百分之三十", "五百件", "十八天". The text shown on screen keeps the digits; only the
voice gets the words.
"""

from __future__ import annotations

from decimal import Decimal

from interpreter.amounts.finder import Amount, AmountFinder
from interpreter.amounts.numbers import format_number
from interpreter.core.text import CONTROL_SEQUENCE

_EN_ONES = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"),
    *("seventeen", "eighteen", "nineteen"),
]
_EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_EN_SCALES = ((1_000_000_000, "billion"), (1_000_000, "million"), (1000, "thousand"))
_ZH_DIGITS = "零一二三四五六七八九"

# Spoken currency names: (singular, plural) in English, one word in Chinese.
_EN_CURRENCY = {"yuan": ("yuan", "yuan"), "usd": ("dollar", "dollars"), "eur": ("euro", "euros")}
_ZH_CURRENCY = {"yuan": "块", "usd": "美元", "eur": "欧元"}


def en_integer_words(number: int) -> str:
    if number < 0:
        return "minus " + en_integer_words(-number)
    if number < 20:
        return _EN_ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        head = f"{_EN_ONES[hundreds]} hundred"
        return f"{head} and {en_integer_words(rest)}" if rest else head
    for scale, name in _EN_SCALES:
        if number >= scale:
            high, rest = divmod(number, scale)
            head = f"{en_integer_words(high)} {name}"
            if not rest:
                return head
            joiner = " and " if rest < 100 else " "
            return f"{head}{joiner}{en_integer_words(rest)}"
    raise AssertionError(number)  # pragma: no cover


def en_number_words(value: Decimal) -> str:
    """1200 -> "one thousand two hundred", 3.5 -> "three point five"."""
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    whole, _, fraction = text.partition(".")
    words = en_integer_words(int(whole))
    if fraction:
        words += " point " + " ".join(_EN_ONES[int(digit)] for digit in fraction)
    return words


def _zh_section(number: int, leading: bool) -> str:
    """0 < number < 10,000, with 零 where a place is skipped (一千零五)."""
    out = ""
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // unit % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        if unit == 10 and digit == 1 and not out and leading:
            out += "十"
        else:
            word = "两" if digit == 2 and unit >= 1000 else _ZH_DIGITS[digit]
            out += word + name
    return out


def zh_integer_words(number: int) -> str:
    if number == 0:
        return "零"
    if number < 0:
        return "负" + zh_integer_words(-number)
    parts: list[str] = []
    for unit, name in ((100_000_000, "亿"), (10_000, "万"), (1, "")):
        section = number // unit % 10_000 if unit < 100_000_000 else number // unit
        if not section:
            if parts and not parts[-1].endswith("零"):
                parts.append("零")
            continue
        if parts and section < 1000 and not parts[-1].endswith("零"):
            parts.append("零")
        words = _zh_section(section, leading=not parts) if section < 10_000 else ""
        if section >= 10_000:
            words = zh_integer_words(section)
        if words == "二" and name:
            words = "两"
        parts.append(words + name)
    return "".join(parts).rstrip("零") or "零"


def zh_number_words(value: Decimal) -> str:
    """500 -> 五百, 1200 -> 一千二百, 20000 -> 两万, 3.5 -> 三点五."""
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    whole, _, fraction = text.partition(".")
    words = zh_integer_words(int(whole))
    if fraction:
        words += "点" + "".join(_ZH_DIGITS[int(digit)] for digit in fraction)
    return words


class NumberReader:
    """Rewrites a sentence for a voice: amounts in words, everything else as it is."""

    def __init__(self, finder: AmountFinder) -> None:
        self._finder = finder

    @property
    def finder(self) -> AmountFinder:
        return self._finder

    def __call__(self, text: str, language: str) -> str:
        amounts = self._finder.find(text, language)
        for amount in reversed(amounts):
            spoken = self.spoken(amount, language)
            if spoken is not None:
                text = f"{text[: amount.start]}{spoken}{text[amount.end :]}"
        # A terminal control sequence is not said ("\\x1b[31m" is not "31 m"); a space
        # keeps the words on either side apart, as the finder kept them.
        return CONTROL_SEQUENCE.sub(" ", text)

    def spoken(self, amount: Amount, language: str) -> str | None:
        """The amount as words; None to leave it as written (a product code)."""
        if amount.kind == "code" or amount.value is None:
            return None
        if language == "en":
            return self._english(amount)
        if language == "zh":
            return self._chinese(amount)
        if amount.kind == "price":
            # Other languages: the voice's own number rules read the local digits;
            # only the symbol is replaced by the currency's name ("3,50 dólares").
            written = self._finder.render(amount, language)
            if written and not written[0].isdigit():
                return f"{format_number(amount.value, language, money=True)} {amount.unit}"
        return None

    def _english(self, amount: Amount) -> str | None:
        value = amount.value
        assert value is not None
        words = en_number_words(value)
        if amount.kind == "price":
            singular, plural = _EN_CURRENCY.get(amount.unit, (amount.unit, amount.unit))
            whole = int(value)
            cents = int((value - whole) * 100)
            name = singular if whole == 1 and not cents else plural
            if cents and amount.unit in ("usd", "eur"):
                # "one dollar and fifty cents": each noun agrees with its own count.
                name = singular if whole == 1 else plural
                cent_name = "cent" if cents == 1 else "cents"
                whole_words = en_integer_words(whole)
                return f"{whole_words} {name} and {en_integer_words(cents)} {cent_name}"
            if cents:
                # "three point five yuan": a buyer and Whisper both hear the number;
                # "three yuan fifty" was heard as "3U and 50".
                return f"{en_number_words(value.normalize())} {name}"
            return f"{words} {name}"
        if amount.kind in ("percent", "discount"):
            tail = " off" if amount.kind == "discount" else ""
            return f"{words} percent{tail}"
        if amount.kind in ("qty", "duration"):
            written = self._finder.render(amount, "en")
            unit = written.split(" ", 1)[1] if " " in written else ""
            return f"{words} {unit}".strip()
        if amount.kind == "num":
            return words
        return None

    def _chinese(self, amount: Amount) -> str | None:
        value = amount.value
        assert value is not None
        if amount.kind == "price":
            whole = int(value)
            dimes, cents = divmod(int((value - whole) * 100), 10)
            name = _ZH_CURRENCY.get(amount.unit, "")
            if amount.unit == "yuan" and not cents:
                # 三块五: how a Yiwu merchant says 3.50.
                base = f"{zh_integer_words(whole)}块" if whole else ""
                return (
                    f"{base}{_ZH_DIGITS[dimes]}毛"
                    if not whole and dimes
                    else (f"{base}{_ZH_DIGITS[dimes]}" if dimes else base)
                )
            return f"{zh_number_words(value)}{name}"
        if amount.kind == "percent":
            return f"百分之{zh_number_words(value)}"
        if amount.kind in ("qty", "duration"):
            written = self._finder.render(amount, "zh")
            unit = written.lstrip("0123456789.,")
            return f"{zh_number_words(value)}{unit}"
        if amount.kind == "num":
            return zh_number_words(value)
        if amount.kind == "date":
            return f"{zh_integer_words(int(amount.unit))}月{zh_integer_words(int(value))}日"
        return None
