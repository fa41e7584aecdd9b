"""Idioms that say number words but count nothing: 一分钱一分货 (you get what you pay
for), 乱七八糟 (a mess), 七上八下 (uneasy), 三天打鱼两天晒网 (on and off), 一块儿
(together), "one by one", "on cloud nine", "in two minds", "a dime a dozen". Read
word by word they are amounts nobody said (0.01 yuan, 78, 9), so the finder reads
nothing inside one; an amount beside it is found as ever.

Only set phrases are listed, never a number word alone: 百分之百 (a hundred percent)
and "a hundred percent" may be the cotton's share, so they are not here.
"""

from __future__ import annotations

import re
from functools import cache

IDIOMS = {
    "zh": (
        "一分钱一分货", "乱七八糟", "七上八下", "七嘴八舌", "七零八落", "横七竖八", "五花八门",
        "三心二意", "一五一十", "十全十美", "一清二楚", "一干二净", "三番五次", "四面八方",
        "千方百计", "接二连三", "独一无二", "万无一失", "九牛一毛", "一心一意", "三三两两",
        "一举两得", "半斤八两", "不三不四", "丢三落四", "颠三倒四", "四平八稳", "八九不离十",
        "一石二鸟", "一箭双雕", "百里挑一", "千篇一律", "一模一样", "七七八八",
        "三天打鱼两天晒网", "一块儿",
    ),
    "en": (
        "one by one", "two by two", "cloud nine", "on all fours", "sixes and sevens",
        "to the nines", "one in a million", "thanks a million", "a dime a dozen",
        "nine times out of ten", "half a dozen of the other", "in two minds", "of two minds",
    ),
}  # fmt: skip
# An idiom that is an amount after all beside these (before it, after it): 一块儿 is
# "together", but 一块儿钱 is one yuan and 二十一块儿 twenty-one.
UNLESS_BESIDE = {"一块儿": ("[零〇一二两三四五六七八九十百千万\\d]", "钱")}


def mask_idioms(text: str, language: str, barrier: str) -> str:
    """`text` (folded as the finder folds it) with each idiom's characters replaced by
    `barrier`, one for one, so that no amount is read in it and every other character
    keeps its place."""
    pattern = _pattern(language)
    if pattern is None:
        return text
    return pattern.sub(lambda found: barrier * len(found.group()), text)


@cache
def _pattern(language: str) -> re.Pattern[str] | None:
    idioms = IDIOMS.get(language)
    if not idioms:
        return None
    said = "|".join(
        _guarded(idiom, r"\s+".join(re.escape(word) for word in idiom.split()))
        for idiom in sorted(idioms, key=len, reverse=True)
    )
    if language == "zh":
        return re.compile(f"(?:{said})")
    return re.compile(rf"(?<![^\W\d_])(?:{said})(?![^\W\d_])")


def _guarded(idiom: str, said: str) -> str:
    """The idiom's pattern `said`, kept from matching beside what makes it an amount."""
    beside = UNLESS_BESIDE.get(idiom)
    if beside is None:
        return said
    before, after = beside
    return f"(?<!{before}){said}(?!{after})"
