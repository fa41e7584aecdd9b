"""一 and "one" as an article, not an amount: the unit of a unit price or a unit question.

一双多少钱 asks the price of a pair, 八十块一双 is eighty yuan a pair, "How much for one
piece?" and "$0.75 a meter" the same; 一箱装多少个 and "How many pieces in one carton?"
ask what a carton holds, 一箱装六十个 and "A bag holds 100 pieces" say it: none of them
is a quantity of one. Read as one, the number check finds a quantity the other side
did not say, and the turn is not translated (issue 19). A quantity of exactly one,
said with the word (一, one, a, an) rather than the digit, is dropped when a price or
a count is asked or given beside it:

- Chinese: a question (多少钱, 怎么卖, 什么价, 装多少个, 批发价多少, 有几米...) right
  after it in its clause or right before it, a price amount right before or after it
  (八十块一双, 一米十二块), a bare number right before it (2万5一吨: 25,000 a ton), or
  another quantity right after it, maybe after 装/有/是/重 (一箱装六十个, 一箱八九公斤);
- other languages: a price amount in the sentence, a price or count question word
  ("how much", "how many", "price", "charge", "weigh"), or another quantity right after
  it, maybe after a word for holding ("a bag holds 100 pieces", "one set comes with 6
  pieces", "un carton de 50 paires").

"I want one carton" keeps its quantity: nobody asks or gives a price or a count there,
and "我要一箱，再要六十个" two orders.

So too 一天 and 一个月 as the period of a rate (一天能出上千双, a thousand pairs a day;
一天能做多少个), as "a day" is in "500 pieces a day": a count or a price said or asked
right after it. 一天就到 and 一个月内交货 keep their durations.
"""

from __future__ import annotations

import re

from interpreter.amounts.amount import Amount

# A question in the same clause: a few words (批发价, 装, 有, 是) then 多少/几/什么价.
_ZH_ASK_AFTER = re.compile(
    r"^(?:这个|的)?(?:[^，。？！,.?!；;\s\d零一二两三四五六七八九十百千万]{0,3}?"
    r"(?:多少|几|什么价|怎么卖)|价格|价钱)"
)
_ZH_ASK_BEFORE = re.compile(r"(?:多少钱|多少|怎么卖)$")
# What may stand between the period of a rate and its count (一天能出上千双): a few
# words, none saying "within" or "after" (一个月内, 三天后).
_ZH_RATE_GAP = re.compile(r"[^，。？！,.?!；;\s\d零一二两三四五六七八九十百千万内后前]{0,4}")
_ZH_RATE_ASK = re.compile(rf"{_ZH_RATE_GAP.pattern}?(?:多少|几)")
# What may stand between a unit and what it holds: 一箱装六十个, 一箱八九公斤重.
_ZH_HOLDS = re.compile(r"(?:装|有|是|重|约|大约|大概|能装|可装|可以装|共|一共|总共)?")
_WORD_ONE = re.compile(r"^(?:一|one\b|an?\b|un\b|une\b|una?\b|ein\w*|um\b|uma\b|одн\w*|واحد)", re.I)
_ASK_WORDS = re.compile(
    r"\bhow\s+(?:much|many|heavy)\b|\bweighs?\b|\bprice\b|\bcosts?\b|\bcharges?\b|\bcuánt[oa]s?\b|\bprecio\b"
    r"|\bcombien\b|\bprix\b|\bwie\s*viele?\b|\bpreis\b|\bquant[oaie]s?\b|\bprezzo\b"
    r"|\bpreço\b|\bсколько\b|\bцена\b|بكم|سعر|(?<!\w)كم(?!\w)",
    re.IGNORECASE,
)
# Words for holding, between a unit and what it holds ("a bag holds 100 pieces").
_HOLD_WORDS = {
    "en": r"holds|contains|has|takes|fits|is|of|with|comes\s+with|includes",
    "es": r"tiene|lleva|contiene|trae|con|de",
    "fr": r"contient|a|fait|de",
    "de": r"enthält|hat|mit|von|à",
    "it": r"contiene|ha|con|da|di",
    "pt": r"tem|contém|leva|com|de",
    "ru": r"содержит|это|—|–|-",
    "ar": r"فيها|فيه|بها|به|يحتوي\s+على",
}  # fmt: skip


def drop_articles(text: str, amounts: list[Amount], language: str) -> list[Amount]:
    """`amounts` without the quantities of one that are a unit price's article."""
    return [
        amount
        for index, amount in enumerate(amounts)
        if not _is_article(text, amounts, index, language)
    ]


def _is_article(text: str, amounts: list[Amount], index: int, language: str) -> bool:
    amount = amounts[index]
    if language == "zh" and _is_rate_period(text, amounts, index):
        return True
    if amount.kind != "qty" or amount.value != 1 or not amount.exact:
        return False
    if not _WORD_ONE.match(amount.said.strip()):
        return False  # "1 piece" written as a digit is a quantity
    prices = [other for other in amounts if other.kind == "price"]
    if _holds(text, amounts, index, language):
        return True
    if language != "zh":
        return bool(prices) or bool(_ASK_WORDS.search(text))
    before, after = text[: amount.start], text[amount.end :]
    if _ZH_ASK_AFTER.match(after) or _ZH_ASK_BEFORE.search(before):
        return True
    beside = amounts[index - 1 : index] + amounts[index + 1 : index + 2]
    if any(other.kind == "price" and _gap(text, other, amount) <= 1 for other in beside):
        return True
    return any(other.kind == "num" and _gap(text, other, amount) == 0 for other in beside[:1])


def _is_rate_period(text: str, amounts: list[Amount], index: int) -> bool:
    """Whether the amount at `index` is 一天 or 一个月 as the period of a rate: a count
    or a price said or asked right after it in its clause (一天能出上千双, 一天能做多少个,
    一天多少钱), never one it takes to do something in (一个月内交货, 一天就到)."""
    amount = amounts[index]
    if amount.kind != "duration" or amount.value != 1 or not amount.exact:
        return False
    if not amount.said.startswith("一"):
        return False
    if _ZH_RATE_ASK.match(text, amount.end):
        return True
    following = amounts[index + 1 : index + 2]
    return any(
        other.kind in ("qty", "price") and _ZH_RATE_GAP.fullmatch(text, amount.end, other.start)
        for other in following
    )


def _holds(text: str, amounts: list[Amount], index: int, language: str) -> bool:
    """Whether the amount at `index` is followed by what it holds: another quantity,
    with at most a word for holding between them (一箱装六十个, "a bag holds 100")."""
    if index + 1 >= len(amounts) or amounts[index + 1].kind != "qty":
        return False
    between = text[amounts[index].end : amounts[index + 1].start]
    if language == "zh":
        return _ZH_HOLDS.fullmatch(between) is not None
    words = _HOLD_WORDS.get(language, "(?!)")
    return re.fullmatch(rf"\s*(?:(?:{words})\s*)?", between, re.IGNORECASE) is not None


def _gap(text: str, one: Amount, other: Amount) -> int:
    """Characters between two amounts (钱 after a price counts as the price's)."""
    first, second = sorted((one, other), key=lambda amount: amount.start)
    between = text[first.end : second.start]
    return len(between.removeprefix("钱"))
