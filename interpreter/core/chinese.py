"""Simplified Chinese, always.

Whisper often writes Mandarin in Traditional characters (its training data mixes
both), and a Yiwu merchant reads Simplified. OpenCC's table-driven t2s conversion is
exact for the common characters and cheap enough to run on every transcript.
"""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class SimplifiedChinese:
    def __init__(self) -> None:
        import opencc

        self._converter = opencc.OpenCC("t2s")

    def convert(self, text: str) -> str:
        if not _HAN.search(text):
            return text
        return self._converter.convert(text)


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None
