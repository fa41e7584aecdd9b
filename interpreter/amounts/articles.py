"""一 and "one" as an article, not an amount: the unit of a unit price.

一双多少钱 asks the price of a pair, 八十块一双 is eighty yuan a pair, "How much for one
piece?" and "$0.75 a meter" the same: none of them is a quantity of one. Read as one,
the number check finds a quantity the other side did not say, and the turn is not
translated (issue 19). A quantity of exactly one, said with the word (一, one, a, an)
rather than the digit, is dropped when a price is asked or given beside it:

- Chinese: a price question (多少钱, 怎么卖, 什么价...) right after it or right before
  it, a price amount right before or after it (八十块一双, 一米十二块), or a bare
  number right before it (2万5一吨: 25,000 a ton);
- other languages: a price amount in the sentence, or a price question word ("how
  much", "price", "cost").

"I want one carton" keeps its quantity: nobody asks or gives a price there.
"""

from __future__ import annotations

import re

from interpreter.amounts.amount import Amount

_ZH_ASK_AFTER = re.compile(r"^(?:这个|的)?(?:多少钱|怎么卖|多少|卖多少|什么价|价格|价钱|几块|几钱)")
_ZH_ASK_BEFORE = re.compile(r"(?:多少钱|多少|怎么卖)$")
_WORD_ONE = re.compile(r"^(?:一|one\b|an?\b|un\b|une\b|una?\b|ein\w*|um\b|uma\b|одн\w*|واحد)", re.I)
_PRICE_WORDS = re.compile(
    r"\bhow\s+much\b|\bprice\b|\bcosts?\b|\bcuánto\b|\bprecio\b|\bcombien\b|\bprix\b"
    r"|\bwie\s*viel\b|\bpreis\b|\bquanto\b|\bprezzo\b|\bpreço\b|\bсколько\b|\bцена\b|بكم|سعر",
    re.IGNORECASE,
)


def drop_articles(text: str, amounts: list[Amount], language: str) -> list[Amount]:
    """`amounts` without the quantities of one that are a unit price's article."""
    return [
        amount
        for index, amount in enumerate(amounts)
        if not _is_article(text, amounts, index, language)
    ]


def _is_article(text: str, amounts: list[Amount], index: int, language: str) -> bool:
    amount = amounts[index]
    if amount.kind != "qty" or amount.value != 1 or not amount.exact:
        return False
    if not _WORD_ONE.match(amount.said.strip()):
        return False  # "1 piece" written as a digit is a quantity
    prices = [other for other in amounts if other.kind == "price"]
    if language != "zh":
        return bool(prices) or bool(_PRICE_WORDS.search(text))
    before, after = text[: amount.start], text[amount.end :]
    if _ZH_ASK_AFTER.match(after) or _ZH_ASK_BEFORE.search(before):
        return True
    beside = amounts[index - 1 : index] + amounts[index + 1 : index + 2]
    if any(other.kind == "price" and _gap(text, other, amount) <= 1 for other in beside):
        return True
    return any(other.kind == "num" and _gap(text, other, amount) == 0 for other in beside[:1])


def _gap(text: str, one: Amount, other: Amount) -> int:
    """Characters between two amounts (钱 after a price counts as the price's)."""
    first, second = sorted((one, other), key=lambda amount: amount.start)
    between = text[first.end : second.start]
    return len(between.removeprefix("钱"))
