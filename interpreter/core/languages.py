"""The languages the interpreter speaks, and their names in each model family.

One table so that Whisper, NLLB, M2M100 and espeak-ng codes never drift apart.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from interpreter.core.errors import InputError


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    native_name: str
    whisper_code: str
    nllb_code: str
    m2m100_code: str
    espeak_voice: str

    @property
    def script(self) -> str:
        """The ISO 15924 code of the script it is written in (Hans, Latn, Cyrl, Arab)."""
        return self.nllb_code.split("_", 1)[1]


# Unicode character names start with their script's (CJK UNIFIED IDEOGRAPH-4E2D, LATIN
# SMALL LETTER A); the scripts of LANGUAGES.
_SCRIPT_NAMES = (("CJK", "Hans"), ("LATIN", "Latn"), ("CYRILLIC", "Cyrl"), ("ARABIC", "Arab"))


def scripts_of(text: str) -> frozenset[str]:
    """The scripts of a text's letters (digits and punctuation have none)."""
    found: set[str] = set()
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        found.update(script for prefix, script in _SCRIPT_NAMES if name.startswith(prefix))
    return frozenset(found)


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("zh", "Chinese", "中文", "zh", "zho_Hans", "__zh__", "cmn-latn-pinyin"),
        Language("en", "English", "English", "en", "eng_Latn", "__en__", "en-us"),
        Language("es", "Spanish", "Español", "es", "spa_Latn", "__es__", "es"),
        Language("ru", "Russian", "Русский", "ru", "rus_Cyrl", "__ru__", "ru"),
        Language("ar", "Arabic", "العربية", "ar", "arb_Arab", "__ar__", "ar"),
        Language("fr", "French", "Français", "fr", "fra_Latn", "__fr__", "fr"),
        Language("pt", "Portuguese", "Português", "pt", "por_Latn", "__pt__", "pt-br"),
        Language("it", "Italian", "Italiano", "it", "ita_Latn", "__it__", "it"),
        Language("de", "German", "Deutsch", "de", "deu_Latn", "__de__", "de"),
    )
}


def language(code: str) -> Language:
    """Look a code up, accepting the spellings people type (ZH, zh-CN, zh_cn)."""
    key = code.strip().lower().replace("_", "-").split("-")[0]
    found = LANGUAGES.get(key)
    if found is None:
        known = ", ".join(LANGUAGES)
        raise InputError(f"unknown language {code!r}; use one of: {known}")
    return found


def parse_language_list(text: str) -> tuple[str, ...]:
    """Parse `zh,en` into validated codes, keeping order and dropping repeats."""
    codes: list[str] = []
    for part in text.split(","):
        if not part.strip():
            continue
        code = language(part).code
        if code not in codes:
            codes.append(code)
    if not codes:
        raise InputError("no language given; pass codes like --from zh,en")
    return tuple(codes)
