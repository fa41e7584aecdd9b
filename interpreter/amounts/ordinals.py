"""Chinese ordinals: 第三个 is the third one, 第三四个 the third or fourth, 第二天 the
next day, 第三到五个 the third to the fifth. None of them counts anything: read as a
quantity each is a number nobody said (3 pieces, 3 to 4 pieces, 2 days), so the
finder reads nothing in an ordinal; an amount after it (第一批500个) is found as ever.
"""

from __future__ import annotations

import re

from interpreter.amounts.numbers import ZH_NUMBER_PATTERN

# 第 and its number, with the others it is said with (第三到第五, 第3、4个).
_ORDINAL = re.compile(
    rf"第\s*{ZH_NUMBER_PATTERN}"
    rf"(?:\s*(?:到|至|~|～|-|—|–|、|和|或者|或)\s*第?\s*{ZH_NUMBER_PATTERN})*"
)


def mask_ordinals(text: str, barrier: str) -> str:
    """`text` (Chinese, folded as the finder folds it) with each ordinal's characters
    replaced by `barrier`, one for one, so that every other character keeps its place."""
    if "第" not in text:
        return text
    return _ORDINAL.sub(lambda found: barrier * len(found.group()), text)
