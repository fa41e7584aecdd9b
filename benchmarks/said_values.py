"""The numbers a text says, read without the interpreter's own number parsers.

The fidelity benchmark grades the product's number check, so it must not read the
output with that same check (AmountFinder, amounts/numbers.py, amounts/numwords/): a bug
there would grade itself as right. This reader is independent: text2num turns English
number words into digits and cn2an Chinese numerals, then a few explicit rules cover
what they leave alone, and every run of digits is a value:

- English: "1,200" is 1200; "2 thousand" 2000; "15th" 15; a month next to a number
  ("March 15th", "the 1st of October") is its number, so a date gives day and month
  (a month alone, "since March", is not a number).
- Chinese: 两 alone is 2 (两周), 零 alone is not a number (零售, 零件), the 一 of
  六块八一个 is "each" (not 81); 3千 and 1.2万 are multiplied out, 1万2 is 12000; the
  colloquial price 三块五 is 3.5 (块 then one digit, or 元/块 then a digit and 毛/角),
  五毛 0.5, 三块半 and 两个半 N.5; a discount N折 is the share taken off, since that is
  how the set writes it and how English says it: 九折 10, 八五折 and 8.5折 15.
- a 1 that may only mean "a single" is kept apart as a `single` one: "one", "first",
  "a"/"an" before a unit ("a week", "a piece"), a 一 standing alone (一个, 一点, 第一,
  一共), and a digit 1 right before a unit ("1 meter", 1码), which is how a translation
  writes 一米十二块 (12 yuan a meter). A speaker says these without meaning an amount,
  so the judge ignores them where no 1 was said (see fidelity_verdict). 一 before 号,
  日 or 月 is a date's 1, and any other 1 in digits is a number.

Known blind spots, which the fidelity set's items avoid rather than hide: ranges said
as neighbours (三四天 reads as 34, 一两个 as 12), a colloquial price in English words
("twelve fifty" reads as 12 and 50), 半 on its own and "half", times of day (七点半),
and the other language's numbers: a text is read in the language it is shown in, so a
model's stray 八 inside an English translation is not read.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass
from decimal import Decimal

import cn2an
from text_to_num import alpha2digit

LANGUAGES = ("zh", "en")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# Private-use characters that stand in for a single 一 and a 零 that is not zero, so
# cn2an leaves them.
_SINGLE_MARK = "\ue000"
_LING_MARK = "\ue001"

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NAMES = "|".join(_MONTHS)
# Case-sensitive: "may" the verb is not May the month.
_NUMBER_THEN_MONTH = re.compile(rf"(\d+(?:st|nd|rd|th)?\s+(?:of\s+)?)({_MONTH_NAMES})\b")
_MONTH_THEN_NUMBER = re.compile(rf"\b({_MONTH_NAMES})(?=\s+(?:the\s+)?\d)")
_EN_SCALE = re.compile(r"(\d+(?:\.\d+)?)\s+(hundred|thousand|million)\b", re.IGNORECASE)
_EN_SCALE_WORDS = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_EN_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
_EN_FIRST_OF_MONTH = re.compile(rf"\b(?i:first)(?=\s+of\s+(?:{_MONTH_NAMES})\b)")
_EN_MONTH_FIRST = re.compile(rf"\b((?:{_MONTH_NAMES})\s+(?:the\s+)?)(?i:first)\b")
_EN_ONE = re.compile(r"\b(?:one|first)\b", re.IGNORECASE)
_EN_UNITS = (
    "piece|pair|set|dozen|carton|box|bag|roll|bottle|unit|meter|metre|yard|kilo|kilogram"
    "|gram|pound|ton|tonne|container|colou?r|style|day|week|month|year|hour|dollar|euro|yuan"
)
_EN_A_UNIT = re.compile(rf"\b(?:a|an)\s+(?:{_EN_UNITS})\b", re.IGNORECASE)
_EN_DIGIT_ONE_UNIT = re.compile(rf"(?<![\d.])1(?![\d.])(?=\s*(?:{_EN_UNITS})s?\b)", re.IGNORECASE)

_ZH_NUMERALS = "零〇一二两三四五六七八九十百千万亿"
_ZH_TRADITIONAL = str.maketrans("兩塊萬億點號個週", "两块万亿点号个周")
_ZH_UNITS = "个件只双套箱斤米码条瓶包卷吨柜台张盒袋打天周年块"
_ZH_DIGIT_ONE_UNIT = re.compile(rf"(?<![\d.])1(?![\d.])(?=[{_ZH_UNITS}]|公斤|千克|小时|星期)")
_ZH_LONE_TWO = re.compile(rf"(?<![{_ZH_NUMERALS}\d])两(?![{_ZH_NUMERALS}\d])")
_ZH_SINGLE_ONE = re.compile(
    rf"(?<![{_ZH_NUMERALS}\d.点])一(?![{_ZH_NUMERALS}\d号日月]|点[{_ZH_NUMERALS}\d])"
)
# 六块八一个: "each", not 81.
_ZH_EACH_AFTER_PRICE = re.compile(r"(?<=块[二两三四五六七八九])一(?=[个件只双套箱斤米码条])")
_ZH_LONE_LING = re.compile(rf"(?<![{_ZH_NUMERALS}\d])零(?![{_ZH_NUMERALS}\d点])")
_ZH_WAN_THEN_DIGIT = re.compile(r"(\d+(?:\.\d+)?)万(\d)(?![\d.])")
_ZH_SCALE = re.compile(r"(\d+(?:\.\d+)?)([百千万亿])")
_ZH_SCALES = {"百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_ZH_KUAI_DIGIT = re.compile(r"(\d+)块(\d)(?![\d.个件只双套箱斤米码条])")
_ZH_YUAN_JIAO = re.compile(r"(\d+)[块元](\d)[毛角]")
_ZH_HALF = re.compile(rf"(\d+|{_SINGLE_MARK})([块元个])半")
_ZH_MAO = re.compile(r"(?<![\d.])(\d)[毛角]")
_ZH_ZHE = re.compile(r"(\d+(?:\.\d+)?)折")


@dataclass(frozen=True)
class Said:
    """One value a text says."""

    value: Decimal
    # A 1 that may only mean "a single" ("one piece", "a week", 一个, 第一, "1 meter"):
    # it counts for a 1 the speaker said and is ignored where none was said.
    single: bool = False


def said_values(text: str, language: str) -> tuple[Said, ...]:
    """The values `text` says: its numbers in the order said (a value said twice is
    listed twice), then one `single` one for each such 1."""
    if language not in LANGUAGES:
        raise ValueError(f"no reader for {language!r}; use one of {LANGUAGES}")
    text = _THOUSANDS_COMMA.sub("", unicodedata.normalize("NFKC", text))
    if language == "zh":
        written, ones = _chinese_digits(text)
    else:
        written, ones = _english_digits(text)
    numbers = [Said(Decimal(m.group()).normalize()) for m in _NUMBER.finditer(written)]
    return (*numbers, *(Said(Decimal(1), single=True) for _ in range(ones)))


def _english_digits(text: str) -> tuple[str, int]:
    """The text with every number in digits, and how many single ones it has."""
    text = _EN_SCALE.sub(lambda m: _times(m.group(1), _EN_SCALE_WORDS[m.group(2).lower()]), text)
    # threshold 2: a lone "one" stays a word (it is counted as a single one below).
    text = alpha2digit(text, "en", threshold=2)
    # "the first of May" is a date's 1 (alpha2digit leaves a lone "first" a word).
    text = _EN_FIRST_OF_MONTH.sub("1st", _EN_MONTH_FIRST.sub(r"\g<1>1st", text))
    text = _EN_ORDINAL.sub(r"\1", text)
    text = _NUMBER_THEN_MONTH.sub(lambda m: f"{m.group(1)}{_month(m.group(2))}", text)
    text = _MONTH_THEN_NUMBER.sub(lambda m: _month(m.group(1)), text)
    text = _EN_DIGIT_ONE_UNIT.sub("one", text)
    ones = len(_EN_ONE.findall(text)) + len(_EN_A_UNIT.findall(text))
    return text, ones


def _chinese_digits(text: str) -> tuple[str, int]:
    """The text with every number in digits, and how many single ones it has."""
    text = text.translate(_ZH_TRADITIONAL)
    text = _ZH_LONE_TWO.sub("二", text)
    text = _ZH_SINGLE_ONE.sub(_SINGLE_MARK, _ZH_EACH_AFTER_PRICE.sub(_SINGLE_MARK, text))
    text = _ZH_LONE_LING.sub(_LING_MARK, text)
    with warnings.catch_warnings():  # cn2an warns about every numeral it cannot read
        warnings.simplefilter("ignore")
        text = cn2an.transform(text, "cn2an").replace(_LING_MARK, "零")
    text = _ZH_WAN_THEN_DIGIT.sub(
        lambda m: _times(m.group(1), 10_000, int(m.group(2)) * 1000), text
    )
    text = _ZH_SCALE.sub(lambda m: _times(m.group(1), _ZH_SCALES[m.group(2)]), text)
    text = _ZH_YUAN_JIAO.sub(r"\1.\2", text)
    text = _ZH_KUAI_DIGIT.sub(r"\1.\2", text)
    text = _ZH_HALF.sub(lambda m: f"{1 if m.group(1) == _SINGLE_MARK else m.group(1)}.5", text)
    text = _ZH_MAO.sub(r"0.\1", text)
    text = _ZH_ZHE.sub(lambda m: _share_off(Decimal(m.group(1))), text)
    text = _ZH_DIGIT_ONE_UNIT.sub(_SINGLE_MARK, text)
    return text, text.count(_SINGLE_MARK)


def _times(number: str, scale: int, plus: int = 0) -> str:
    return format((Decimal(number) * scale + plus).normalize(), "f")


def _month(name: str) -> str:
    return str(_MONTHS.index(name) + 1)


def _share_off(zhe: Decimal) -> str:
    """九折 pays 90%, so 10% off; 八五折 (85) and 8.5折 are 15% off."""
    paid = zhe * 10 if zhe < 10 else zhe
    return format((100 - paid).normalize(), "f")
