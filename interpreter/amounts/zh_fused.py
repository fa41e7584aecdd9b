"""俩 and 仨: two and three said with their measure word in one character. 俩礼拜 is
两个礼拜 (two weeks), 仨月 三个月 (three months), 俩小时 两个小时; read as they are
written, none of them is a number at all.

They are read as 两个 and 三个 only where a unit that takes 个 follows (个月, 个礼拜,
个小时, 个柜): 咱俩 and 他们仨 are "the two of us" and "the three of them", and 俩苹果
counts apples, which are no unit.
"""

from __future__ import annotations

_FUSED = {"俩": "两个", "仨": "三个"}


def unfuse(text: str, where: list[int], words: tuple[str, ...]) -> tuple[str, list[int]]:
    """`text` (folded, with `where` the index in the said text of each of its
    characters) with each 俩 and 仨 before a unit that takes 个 written out; both
    characters written for one keep its index. `words` are the unit and time words."""
    if not any(char in text for char in _FUSED):
        return text, where
    with_ge = tuple(word for word in words if word.startswith("个") and len(word) > 1)
    out: list[str] = []
    out_where: list[int] = []
    for index, char in enumerate(text):
        written = _FUSED.get(char)
        if written is None or not ("个" + text[index + 1 :]).startswith(with_ge):
            written = char
        out.append(written)
        out_where.extend([where[index]] * len(written))
    return "".join(out), out_where
