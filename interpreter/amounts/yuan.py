"""Chinese money below the yuan: 块/元, then 毛/角 (a tenth), then 分 (a hundredth).

三块零五分 is 3.05 (分 is a cent, not a jiao), 两毛五 0.25 (the digit after 毛 is the
fen), 十二块三毛四 12.34, 一块零五 1.05 (after 零 the digit is the fen), 2角 0.20,
八分钱 0.08. A price said with a sub-unit is read here whole; 三块五 (a digit straight
after 块, no 毛) stays the finder's colloquial price.

分 alone is also "minute" (五分钟), "very" (十分) and a share (三分之一), so it is money
only after 块/元 or 毛/角, or as 分钱.
"""

from __future__ import annotations

import re
from decimal import Decimal

from interpreter.amounts.numbers import ZH_DIGITS, ZH_NUMBER_PATTERN, parse_zh_number

# One digit of jiao or fen.
_DIGIT = "[一二两三四五六七八九1-9]"
_YUAN = rf"(?P<yuan>{ZH_NUMBER_PATTERN})[块元]"
_JIAO = rf"(?P<jiao>{_DIGIT})[毛角]"
_FEN = rf"(?P<fen>{_DIGIT})(?P<fen_unit>分(?![钟之]))?"
_ZERO_FEN = rf"零(?P<zero_fen>{_DIGIT})(?:分(?![钟之]))?"

# Yuan with jiao (and fen) or 零 fen; jiao alone (with its fen); fen alone as 分钱.
ZH_MONEY_PATTERN = (
    rf"(?:{_YUAN}(?:{_JIAO}(?:{_FEN})?|{_ZERO_FEN})"
    rf"|{_JIAO.replace('jiao', 'jiao_only')}(?:{_FEN.replace('fen', 'fen_after')})?"
    rf"|(?P<fen_only>{_DIGIT})分钱)钱?"
)
_MONEY = re.compile(ZH_MONEY_PATTERN)


def _digit(text: str) -> int:
    return int(text) if text.isascii() else ZH_DIGITS[text]


def parse_zh_money(text: str) -> Decimal | None:
    """The yuan in `text` (one ZH_MONEY_PATTERN match), None if it is not one."""
    found = _MONEY.fullmatch(text)
    if found is None:
        return None
    parts = found.groupdict()
    yuan = Decimal(0)
    if parts["yuan"] is not None:
        value = parse_zh_number(parts["yuan"])
        if value is None:
            return None
        yuan = value
    jiao = parts["jiao"] or parts["jiao_only"]
    fen = parts["fen"] or parts["fen_after"] or parts["zero_fen"] or parts["fen_only"]
    if jiao is not None:
        yuan += Decimal(_digit(jiao)) / 10
    if fen is not None:
        yuan += Decimal(_digit(fen)) / 100
    return yuan


def ends_in_bare_fen(text: str) -> bool:
    """两毛五一个: is the last digit a fen said without 分 (which may instead be the
    article 一 of what follows)?"""
    found = _MONEY.fullmatch(text)
    if found is None:
        return False
    parts = found.groupdict()
    bare = parts["fen"] is not None and parts["fen_unit"] is None
    bare_after = parts["fen_after"] is not None and parts["fen_after_unit"] is None
    return (bare or bare_after) and not text.endswith("钱")
