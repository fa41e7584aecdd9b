"""Numbers in Spanish, French, Russian, Arabic, Portuguese, Italian and German.

Why a module of its own: Chinese and English each have a hand-written parser in
`numbers`, but seven more languages written the same way would bury it. Here every
language is a table of its number words (with the case, gender, accent and dialect
forms people say at a counter and Whisper writes), and one grammar built from those
tables gives both the regex that finds a number in a sentence and the parser that
reads it. The regex follows the grammar of the language (tens before units, "y"/"e"/
"et"/"und"/"و" only where a number takes it), so "cinco y diez días" is two numbers
and never fifteen, and a span the regex finds is a span the parser can read.

Digits. All seven read one rule, whatever the speaker's convention, because Whisper
writes "1.200", "1 200", "1,200" and "1,200.50" in any of these languages:

- a space (normal, no-break, narrow or thin), an apostrophe and the Arabic "٬" group
  thousands; the Arabic "٫" is a decimal point;
- where "." and "," both appear, the last one is the decimal point: "1.200,50" and
  "1,200.50" are both 1200.50;
- one "." or "," alone followed by exactly three digits groups thousands ("1.200" and
  "1,200" are 1200), unless the whole part is 0 or longer than three digits ("0,500"
  is 0.5); followed by any other number of digits it is a decimal point ("3,50",
  "3.5"). The same mark twice is thousands ("1.200.000").

A fraction of exactly three digits is the one thing this reads wrongly ("1,250 kg"
meant as 1.25), and it is rare at a counter: money has two decimals and people say
"uno coma veinticinco". `format_digits` never writes one (1.125 is written 1,1250),
so what this module writes it reads back exactly.

Written numbers cover 0 to 999,999,999, halves ("dos y medio", "два с половиной",
"полторы тысячи", "zweieinhalb") and a decimal word ("tres coma cinco", "три целых
пять десятых"). Two kinds of word are held back when they stand alone, because alone
they are seldom a number: the indefinite article that is also "one" (un, una, une,
um, uma, ein, eine; "un descuento" is not 1 discount), and homographs such as French
"neuf" (new), Italian "sei" (you are), German "acht", Arabic "ست" (lady), which count
only before another word ("neuf sacs"). Inside a longer number ("un millón", "ciento
un", "eintausend") they always count, and `parse` reads them alone too.

Patterns read text as `amounts` and the phrasebook give it: NFKC, lower case. Arabic
is matched with or without hamza on alef, and with ة or ه, ى or ي (the parser also
drops harakat), and a و or ب joined to the first word belongs to the number
("بخمسة دولارات", for five dollars), or the number would not be seen at all.

Numbers are written back (`format_digits`) in each listener's convention,
`DIGIT_CONVENTION`, chosen so that the voices read them right.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache

LANGUAGES = ("es", "fr", "ru", "ar", "pt", "it", "de")

# How each language writes digits: (thousands separator, decimal point). French takes
# a plain space and Russian none at all: espeak-ng (and Piper, which phonemises with
# it) reads "1 200" with a no-break space as "one, two hundred" in French and any
# spaced group so in Russian, while "1 200" (fr) and "1200" (ru) come out right.
# Arabic: Western digits in the English convention, which the Arabic voice reads.
DIGIT_CONVENTION = {
    "es": (".", ","),
    "pt": (".", ","),
    "it": (".", ","),
    "de": (".", ","),
    "fr": (" ", ","),
    "ru": ("", ","),
    "ar": (",", "."),
}

_SPACES = " \u00a0\u202f\u2009"
# Digits with separators; `read_digits` decides what each separator is.
_DIGITS = (
    rf"(?:\d{{1,3}}(?:[{_SPACES}]\d{{3}}(?!\d))+(?:[.,٫]\d+)?"
    r"|\d+(?:[.,٫٬'’]\d+)*)"
)
_NOT_LETTER_AFTER = r"(?![^\W\d_])"
_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"


@dataclass(frozen=True)
class _Spec:
    """One language's number words and how they join. Separators are regexes."""

    zero: tuple[str, ...]
    units: dict[str, int]  # 1..9, every form
    teens: dict[str, int]  # 10..19
    tens: dict[str, int]  # 20..90
    hundreds: dict[str, int] = field(default_factory=dict)  # whole hundreds: quinientos
    hundred: tuple[str, ...] = ()  # a word that multiplies: cent, cento, hundert, مائة
    thousand: tuple[str, ...] = ()
    thousand_own: dict[str, int] = field(default_factory=dict)  # ألفان = 2000
    million: tuple[str, ...] = ()
    million_own: dict[str, int] = field(default_factory=dict)
    fused: dict[str, Decimal] = field(default_factory=dict)  # полтора = 1.5
    scale_abbrev: dict[str, int] = field(default_factory=dict)  # after digits: тыс., Mio.
    decimal: tuple[str, ...] = ()  # coma, virgule, Komma
    places: dict[str, int] = field(default_factory=dict)  # десятых = 1 decimal place
    half: str = ""  # regex for "and a half" after a number
    half_words: tuple[str, ...] = ()
    conjunctions: tuple[str, ...] = ()
    tens_sep: str = r"\s+"  # between tens and units (or units and tens)
    mult_sep: str = r"\s+"  # between a multiplier and cent/mil/million
    hundred_sep: str = r"\s+"  # after the hundreds
    scale_sep: str = r"\s+"  # after mil/тысяча/million
    units_first: bool = False  # fünfundzwanzig, خمسة وعشرون
    tens_with_teens: tuple[str, ...] = ()  # soixante-dix, quatre-vingt-onze
    teen_suffix: tuple[str, ...] = ()  # ثلاثة عشر
    compound_tens: bool = False  # ventitré, veintidós: generated one-word compounds
    not_alone: frozenset[str] = frozenset()
    before_word_only: frozenset[str] = frozenset()
    hundred_elided: tuple[tuple[str, str], ...] = ()  # cent before ott: centottanta
    proclitics: str = ""  # letters that may join the first word: بخمسة


def _f(words: str, value: int) -> dict[str, int]:
    return dict.fromkeys(words.split(), value)


_ES = _Spec(
    zero=("cero",),
    units={
        **_f("un una uno", 1), **_f("dos", 2), **_f("tres", 3), **_f("cuatro", 4),
        **_f("cinco", 5), **_f("seis", 6), **_f("siete", 7), **_f("ocho", 8), **_f("nueve", 9),
    },
    teens={
        "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
        "dieciséis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
    },
    tens={
        "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70,
        "ochenta": 80, "noventa": 90,
    },
    hundreds={
        **_f("cien ciento", 100), **_f("doscientos doscientas", 200),
        **_f("trescientos trescientas", 300), **_f("cuatrocientos cuatrocientas", 400),
        **_f("quinientos quinientas", 500), **_f("seiscientos seiscientas", 600),
        **_f("setecientos setecientas", 700), **_f("ochocientos ochocientas", 800),
        **_f("novecientos novecientas", 900),
    },
    thousand=("mil",),
    million=("millón", "millones"),
    decimal=("coma", "punto"),
    half=r"\s+y\s+medi[oa]",
    half_words=("medio", "media"),
    conjunctions=("y",),
    tens_sep=r"\s+y\s+",
    compound_tens=True,
    not_alone=frozenset({"un", "una"}),
)  # fmt: skip

_PT = _Spec(
    zero=("zero",),
    units={
        **_f("um uma", 1), **_f("dois duas", 2), **_f("três", 3), **_f("quatro", 4),
        **_f("cinco", 5), **_f("seis", 6), **_f("sete", 7), **_f("oito", 8), **_f("nove", 9),
    },
    teens={
        "dez": 10, "onze": 11, "doze": 12, "treze": 13, "catorze": 14, "quatorze": 14,
        "quinze": 15, "dezesseis": 16, "dezasseis": 16, "dezessete": 17, "dezassete": 17,
        "dezoito": 18, "dezenove": 19, "dezanove": 19,
    },
    tens={
        "vinte": 20, "trinta": 30, "quarenta": 40, "cinquenta": 50, "cinqüenta": 50,
        "sessenta": 60, "setenta": 70, "oitenta": 80, "noventa": 90,
    },
    hundreds={
        **_f("cem cento", 100), **_f("duzentos duzentas", 200),
        **_f("trezentos trezentas", 300), **_f("quatrocentos quatrocentas", 400),
        **_f("quinhentos quinhentas", 500), **_f("seiscentos seiscentas", 600),
        **_f("setecentos setecentas", 700), **_f("oitocentos oitocentas", 800),
        **_f("novecentos novecentas", 900),
    },
    thousand=("mil",),
    million=("milhão", "milhões"),
    decimal=("vírgula", "ponto"),
    half=r"\s+e\s+mei[oa]",
    half_words=("meio", "meia"),
    conjunctions=("e",),
    tens_sep=r"\s+e\s+",
    hundred_sep=r"\s+(?:e\s+)?",
    scale_sep=r"\s+(?:e\s+)?",
    not_alone=frozenset({"um", "uma"}),
)  # fmt: skip

_IT = _Spec(
    zero=("zero",),
    units={
        **_f("un uno una", 1), **_f("due", 2), **_f("tre", 3), **_f("quattro", 4),
        **_f("cinque", 5), **_f("sei", 6), **_f("sette", 7), **_f("otto", 8), **_f("nove", 9),
    },
    teens={
        "dieci": 10, "undici": 11, "dodici": 12, "tredici": 13, "quattordici": 14,
        "quindici": 15, "sedici": 16, "diciassette": 17, "diciotto": 18, "diciannove": 19,
    },
    tens={
        "venti": 20, "trenta": 30, "quaranta": 40, "cinquanta": 50, "sessanta": 60,
        "settanta": 70, "ottanta": 80, "novanta": 90,
    },
    hundred=("cento",),
    hundred_elided=(("cent", "ott"),),
    thousand=("mille", "mila"),
    million=("milione", "milioni"),
    decimal=("virgola", "punto"),
    half=r"\s+e\s+mezzo",
    half_words=("mezzo",),
    conjunctions=("e",),
    mult_sep=r"\s*",
    hundred_sep=r"(?:\s+e\s+|\s*)",
    scale_sep=r"(?:\s+e\s+|\s*)",
    compound_tens=True,
    not_alone=frozenset({"un", "uno", "una"}),
    before_word_only=frozenset({"sei"}),
)  # fmt: skip

_FR = _Spec(
    zero=("zéro",),
    units={
        **_f("un une", 1), **_f("deux", 2), **_f("trois", 3), **_f("quatre", 4),
        **_f("cinq", 5), **_f("six", 6), **_f("sept", 7), **_f("huit", 8), **_f("neuf", 9),
    },
    teens={
        "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
        "seize": 16, "dix sept": 17, "dix huit": 18, "dix neuf": 19,
    },
    tens={
        "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
        "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
        "quatre vingt": 80, "quatre vingts": 80,
    },
    tens_with_teens=("soixante", "quatre vingt"),
    hundred=("cent", "cents"),
    thousand=("mille", "mil"),
    million=("million", "millions"),
    decimal=("virgule", "point"),
    half=r"[\s-]+et[\s-]+demie?",
    half_words=("demi", "demie"),
    conjunctions=("et",),
    tens_sep=r"(?:[\s-]+et[\s-]+|[\s-]+)",
    mult_sep=r"[\s-]+",
    hundred_sep=r"[\s-]+",
    scale_sep=r"[\s-]+",
    not_alone=frozenset({"un", "une"}),
    before_word_only=frozenset({"neuf"}),
)  # fmt: skip

_DE = _Spec(
    zero=("null",),
    units={
        **_f("ein eins eine einen einem einer eines", 1), **_f("zwei zwo", 2),
        **_f("drei", 3), **_f("vier", 4), **_f("fünf", 5), **_f("sechs", 6),
        **_f("sieben", 7), **_f("acht", 8), **_f("neun", 9),
    },
    teens={
        "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14,
        "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19,
    },
    tens={
        "zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
        "siebzig": 70, "achtzig": 80, "neunzig": 90,
    },
    hundred=("hundert",),
    thousand=("tausend",),
    million=("million", "millionen"),
    fused={"eineinhalb": Decimal("1.5"), "anderthalb": Decimal("1.5")},
    scale_abbrev={"tsd": 1000, "tsd.": 1000, "mio": 1_000_000, "mio.": 1_000_000},
    decimal=("komma", "punkt"),
    half=r"\s*einhalb",
    half_words=("einhalb",),
    conjunctions=("und",),
    tens_sep=r"\s*und\s*",
    mult_sep=r"\s*",
    hundred_sep=r"(?:\s*und\s*|\s*)",
    scale_sep=r"(?:\s*und\s*|\s*)",
    units_first=True,
    not_alone=frozenset({"ein", "eine", "einen", "einem", "einer", "eines"}),
    before_word_only=frozenset({"acht", "elf"}),
)  # fmt: skip


def _ru_oblique(stems: str, value: int) -> dict[str, int]:
    """Nominative and the genitive/dative ending -и of a numeral in -ь: пять, пяти."""
    forms: dict[str, int] = {}
    for word in stems.split():
        forms[word] = value
        if word.endswith("ь"):
            forms[word[:-1] + "и"] = value
    return forms


_RU = _Spec(
    zero=("ноль", "нуль", "ноля", "нуля"),
    units={
        **_f("один одна одно одну одного одной одному одним одном", 1),
        **_f("два две двух двум двумя", 2), **_f("три трёх трём тремя", 3),
        **_f("четыре четырёх четырём четырьмя", 4), **_ru_oblique("пять", 5),
        **_ru_oblique("шесть", 6), **_ru_oblique("семь", 7), **_f("восемь восьми", 8),
        **_ru_oblique("девять", 9),
    },
    teens={
        **_ru_oblique("десять", 10), **_ru_oblique("одиннадцать", 11),
        **_ru_oblique("двенадцать", 12), **_ru_oblique("тринадцать", 13),
        **_ru_oblique("четырнадцать", 14), **_ru_oblique("пятнадцать", 15),
        **_ru_oblique("шестнадцать", 16), **_ru_oblique("семнадцать", 17),
        **_ru_oblique("восемнадцать", 18), **_ru_oblique("девятнадцать", 19),
    },
    tens={
        **_ru_oblique("двадцать", 20), **_ru_oblique("тридцать", 30), **_f("сорок сорока", 40),
        **_f("пятьдесят пятидесяти", 50), **_f("шестьдесят шестидесяти", 60),
        **_f("семьдесят семидесяти", 70), **_f("восемьдесят восьмидесяти", 80),
        **_f("девяносто девяноста", 90),
    },
    hundreds={
        **_f("сто ста", 100), **_f("полтораста полутораста", 150),
        **_f("двести двухсот двумстам двухстах", 200), **_f("триста трёхсот трёмстам", 300),
        **_f("четыреста четырёхсот четырёмстам", 400), **_f("пятьсот пятисот пятистам", 500),
        **_f("шестьсот шестисот шестистам", 600), **_f("семьсот семисот семистам", 700),
        **_f("восемьсот восьмисот восьмистам", 800), **_f("девятьсот девятисот девятистам", 900),
    },
    thousand=("тысяча", "тысячи", "тысяч", "тысячу", "тысячей", "тысячам", "тысячами"),
    million=("миллион", "миллиона", "миллионов", "миллиону", "миллионом"),
    fused={"полтора": Decimal("1.5"), "полторы": Decimal("1.5"), "полутора": Decimal("1.5")},
    scale_abbrev={"тыс": 1000, "тыс.": 1000, "млн": 1_000_000, "млн.": 1_000_000},
    decimal=("целых", "целая", "запятая"),
    places={"десятых": 1, "десятая": 1, "сотых": 2, "сотая": 2, "тысячных": 3, "тысячная": 3},
    half=r"\s+с\s+половиной",
    half_words=("половиной",),
    conjunctions=("и", "с"),
    scale_sep=r"\s+(?:и\s+)?",
)  # fmt: skip

_AR = _Spec(
    zero=("صفر",),
    units={
        **_f("واحد واحدة أحد إحدى", 1),
        **_f("اثنان اثنين اثنتان اثنتين اثنا اثني اثنتا اثنتي اتنين اتنان تنين", 2),
        **_f("ثلاث ثلاثة تلات تلاتة", 3), **_f("أربع أربعة", 4), **_f("خمس خمسة", 5),
        **_f("ست ستة", 6), **_f("سبع سبعة", 7), **_f("ثمان ثماني ثمانية تمان تمانية", 8),
        **_f("تسع تسعة", 9),
    },
    teens={
        **_f("عشر عشرة", 10), **_f("حداشر", 11), **_f("اتناشر اطناشر", 12),
        **_f("تلتاشر", 13), **_f("أربعتاشر", 14), **_f("خمستاشر", 15), **_f("ستاشر", 16),
        **_f("سبعتاشر", 17), **_f("تمنتاشر تمانتاشر", 18), **_f("تسعتاشر", 19),
    },
    tens={
        **_f("عشرون عشرين", 20), **_f("ثلاثون ثلاثين تلاتين", 30), **_f("أربعون أربعين", 40),
        **_f("خمسون خمسين", 50), **_f("ستون ستين", 60), **_f("سبعون سبعين", 70),
        **_f("ثمانون ثمانين تمانين", 80), **_f("تسعون تسعين", 90),
    },
    hundreds={
        **_f("مائتان مائتين مئتان مئتين مائتا مئتا ميتين", 200),
        **_f("تلتمية تلاتمية", 300), **_f("ربعمية", 400), **_f("تمنمية", 800),
    },
    hundred=("مائة", "مئة", "مية"),
    thousand=("ألف", "آلاف", "ألفا", "تلاف"),
    thousand_own=_f("ألفان ألفين", 2000),
    million=("مليون", "ملايين", "مليونا"),
    million_own=_f("مليونان مليونين", 2_000_000),
    decimal=("فاصلة", "فاصل"),
    half=r"\s*و\s*(?:نصف|نص)",
    half_words=("نصف", "نص"),
    conjunctions=("و",),
    tens_sep=r"\s*و\s*",
    mult_sep=r"\s*",
    hundred_sep=r"(?:\s*و\s*|\s+)",
    scale_sep=r"(?:\s*و\s*|\s+)",
    units_first=True,
    teen_suffix=("عشر", "عشرة"),
    not_alone=frozenset({"أحد", "إحدى", "اثنا", "اثني", "اثنتا", "اثنتي"}),
    before_word_only=frozenset({"ست", "مية"}),
    proclitics="بو",
)  # fmt: skip

_SPECS = {"es": _ES, "fr": _FR, "ru": _RU, "ar": _AR, "pt": _PT, "it": _IT, "de": _DE}

_ES_COMPOUNDS = {
    **_f("veintiún veintiuno veintiuna", 21), "veintidós": 22, "veintitrés": 23,
    "veinticuatro": 24, "veinticinco": 25, "veintiséis": 26, "veintisiete": 27,
    "veintiocho": 28, "veintinueve": 29,
}  # fmt: skip

# Arabic spellings folded to one: alef with or without hamza, ة or ه, ى or ي.
_AR_FOLDS = (
    str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"}),
    str.maketrans({"ة": "ه"}),
    str.maketrans({"ى": "ي"}),
)
_AR_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")  # harakat, dagger alef, tatweel


def _fold(word: str, language: str) -> str:
    """The one spelling a word is looked up by."""
    word = " ".join(word.replace("-", " ").split())
    if language == "ar":
        word = _AR_MARKS.sub("", word)
        for table in _AR_FOLDS:
            word = word.translate(table)
    return word


def _spellings(word: str, language: str) -> set[str]:
    """The ways a word is written: with and without accents, ё or е, ß or ss, hamza."""
    found = {" ".join(word.replace("-", " ").split())}
    if language == "ru":
        found.add(word.replace("ё", "е"))
    elif language == "ar":
        for table in _AR_FOLDS:
            found |= {spelling.translate(table) for spelling in found}
    else:
        bare = "".join(
            c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)
        )
        found.add(unicodedata.normalize("NFC", bare))
        if language == "de":
            found.add(word.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue"))
            found |= {w.replace("ß", "ss") for w in list(found)}
    return found


def _trie(spellings: set[str]) -> str:
    """One regex for many words, common beginnings shared (quick to compile and to
    match); a longer word is tried before its prefix. A space stands for spaces or a
    hyphen."""
    tree: dict = {}
    for spelling in spellings:
        node = tree
        for char in spelling:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [
            (r"[\s-]+" if char == " " else re.escape(char)) + emit(child)
            for char, child in sorted(node.items())
            if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return emit(tree)


def _it_compounds() -> dict[str, int]:
    """ventuno, ventidue, ventitré, ventotto ... novantanove, and ventun (ventun anni)."""
    units = {"uno": 1, "un": 1, "due": 2, "tre": 3, "tré": 3, "quattro": 4, "cinque": 5}
    units |= {"sei": 6, "sette": 7, "otto": 8, "nove": 9}
    words: dict[str, int] = {}
    for ten, value in _IT.tens.items():
        for unit, digit in units.items():
            head = ten[:-1] if unit[0] in "uo" else ten
            words[head + unit] = value + digit
    return words


# Token kinds of the parser.
_NUM, _DIGIT, _HUNDRED, _SCALE, _HALF, _DEC, _PLACES, _SKIP = (
    "num", "digit", "hundred", "scale", "half", "dec", "places", "skip",
)  # fmt: skip


@dataclass(frozen=True)
class _Token:
    kind: str
    value: Decimal = Decimal(0)
    scale: int = 1  # a scale word multiplies by value * scale: ألفان is 2 * 1000


@dataclass(frozen=True)
class _Grammar:
    find: str  # the pattern, no groups
    words: re.Pattern[str]  # a whole spelled number, lone articles allowed
    digits: re.Pattern[str]  # digits, maybe a scale word after them
    lexicon: dict[str, _Token]
    longest: int


def _alternation(words: Iterable[str], language: str) -> str:
    """Every spelling of `words` as one group; "(?!)" (never) when there are none."""
    spellings: set[str] = set()
    for word in words:
        spellings |= _spellings(word, language)
    return f"(?:{_trie(spellings)})" if spellings else "(?!)"


class _Builder:
    """The grammar of one language as regex source.

    A number is [millions] [thousands] [below a thousand], each part optional, so the
    big word lists are written three times rather than once per combination; a
    lookbehind at the end makes sure something was read.
    """

    def __init__(self, language: str, spec: _Spec, finding: bool) -> None:
        self.language = language
        self.spec = spec
        self.finding = finding
        starts = set(spec.proclitics)
        for word in _all_words(spec, language):
            starts |= {spelling[0] for spelling in _spellings(word, language)}
        self.gate = "(?=[" + re.escape("".join(sorted(starts))) + "])"

    def words(self, words: Iterable[str]) -> str:
        return _alternation(tuple(words), self.language)

    def below_hundred(self) -> str:
        s = self.spec
        units = self.words(s.units)
        tens = self.words(s.tens)
        teens = self.words(s.teens)
        alts = []
        if s.compound_tens:
            alts.append(self.words(_compounds(self.language)))
        if s.units_first:
            alts.append(f"{units}{s.tens_sep}{tens}")
        if s.tens_with_teens:
            alts.append(f"{self.words(s.tens_with_teens)}{s.tens_sep}{teens}")
        if s.units_first:
            alts.append(tens)
        else:
            alts.append(f"{tens}(?:{s.tens_sep}{units})?")
        if s.teen_suffix:
            alts.append(rf"{units}\s+{self.words(s.teen_suffix)}")
        alts += [teens, units, self.words(s.zero)]
        return "(?:" + "|".join(alts) + ")"

    def below_thousand(self) -> str:
        s = self.spec
        hundreds = []
        if s.hundreds:
            hundreds.append(self.words(s.hundreds))
        if s.hundred:
            mult = self.words(s.hundred)
            for word, before in s.hundred_elided:
                mult = f"(?:{mult}|{re.escape(word)}(?={re.escape(before)}))"
            lead = f"(?:{self.words(s.units)}|{self.words(s.teens)})"
            hundreds.append(f"(?:{lead}{s.mult_sep})?{mult}")
        rest = self.below_hundred()
        if not hundreds:
            return rest
        hundred = "(?:" + "|".join(hundreds) + ")"
        return f"(?:{hundred}(?:{s.hundred_sep}{rest})?|{rest})"

    def scale(self, words: tuple[str, ...], own: dict[str, int]) -> str:
        """mil, dos mil, ثلاثة آلاف, ألفان: a scale word and what multiplies it."""
        s = self.spec
        half = f"(?:{s.half})?" if s.half else ""
        fused = f"|{self.words(s.fused)}" if s.fused else ""
        lead = f"(?:{self.below_thousand()}{half}{fused})"
        alts = [f"(?:{lead}{s.mult_sep})?{self.words(words)}"]
        if own:
            alts.append(self.words(own))
        return "(?:" + "|".join(alts) + ")"

    def alone(self) -> str:
        """Lookaheads that hold back a lone article ("un descuento") and a lone
        homograph not followed by another word ("c'est neuf")."""
        s = self.spec
        if not self.finding:
            return ""
        checks = ""
        if s.not_alone:
            going_on = [*s.hundred, *s.thousand, *s.million, *s.teen_suffix]
            going_on += [*s.decimal, *s.half_words]
            if s.units_first:
                going_on += s.conjunctions  # ein und zwanzig
            checks += (
                f"(?!{self.words(s.not_alone)}{_NOT_LETTER_AFTER}"
                rf"(?![\s-]+{self.words(going_on)}{_NOT_LETTER_AFTER}))"
            )
        if s.before_word_only:
            checks += (
                f"(?!{self.words(s.before_word_only)}{_NOT_LETTER_AFTER}"
                r"(?![\s-]+[^\W\d_]))"
            )
        return checks

    def number(self) -> str:
        s = self.spec
        more = f"(?:{s.scale_sep}{self.gate})?"
        parts = ""
        if s.million:
            parts += f"(?:{self.scale(s.million, s.million_own)}{more})?"
        parts += f"(?:{self.scale(s.thousand, s.thousand_own)}{more})?"
        fused = f"|{self.words(s.fused)}" if s.fused else ""
        parts += f"(?:{self.below_thousand()}{fused})?"
        half = f"(?:{s.half})?" if s.half else ""
        decimal = ""
        if s.decimal:
            digit = f"(?:{self.words(s.zero)}|{self.words(s.units)})"
            fraction = rf"(?:{digit}\s+)*{self.below_hundred()}"
            places = rf"(?:\s+{self.words(s.places)})?" if s.places else ""
            decimal = rf"(?:\s+{self.words(s.decimal)}\s+{fraction}{places})?"
        # Something was read: the text ends in a letter, and not in a proclitic
        # (no number word ends in one).
        read = r"(?<=[^\W\d_])"
        proclitic = ""
        if s.proclitics:
            proclitic = f"(?:[{s.proclitics}])?"
            read += f"(?<![{s.proclitics}])"
        return (
            f"{_NOT_LETTER_BEFORE}{self.gate}{proclitic}{self.alone()}"
            f"{parts}{read}{half}{decimal}{_NOT_LETTER_AFTER}"
        )

    def scale_words(self) -> str:
        s = self.spec
        return self.words([*s.thousand, *s.million, *s.scale_abbrev])


def _compounds(language: str) -> dict[str, int]:
    return _it_compounds() if language == "it" else _ES_COMPOUNDS


def _lexicon(language: str, spec: _Spec) -> dict[str, _Token]:
    """Every spelling (folded) of every word a number is made of, as a token."""
    entries: list[tuple[str, _Token]] = []

    def values(table: dict[str, int] | dict[str, Decimal], kind: str) -> None:
        entries.extend((word, _Token(kind, Decimal(value))) for word, value in table.items())

    def fixed(words: Iterable[str], token: _Token) -> None:
        entries.extend((word, token) for word in words)

    def scales(words: Iterable[str], own: dict[str, int], scale: int) -> None:
        fixed(words, _Token(_SCALE, Decimal(1), scale))
        for word, value in own.items():
            entries.append((word, _Token(_SCALE, Decimal(value) / scale, scale)))

    fixed(spec.zero, _Token(_DIGIT))
    values(spec.units, _DIGIT)
    for table in (spec.teens, spec.tens, spec.hundreds, spec.fused):
        values(table, _NUM)
    if spec.compound_tens:
        values(_compounds(language), _NUM)
    fixed([*spec.hundred, *(word for word, _ in spec.hundred_elided)], _Token(_HUNDRED))
    scales(spec.thousand, spec.thousand_own, 1000)
    scales(spec.million, spec.million_own, 1_000_000)
    for word, scale in spec.scale_abbrev.items():
        entries.append((word, _Token(_SCALE, Decimal(1), scale)))
    fixed(spec.half_words, _Token(_HALF))
    fixed(spec.decimal, _Token(_DEC))
    values(spec.places, _PLACES)
    fixed(spec.conjunctions, _Token(_SKIP))
    fixed(spec.teen_suffix, _Token(_NUM, Decimal(10)))
    lexicon: dict[str, _Token] = {}
    for word, token in entries:
        for spelling in _spellings(word, language):
            lexicon.setdefault(_fold(spelling, language), token)
    return lexicon


def _all_words(spec: _Spec, language: str) -> list[str]:
    """Every word a number may start with."""
    words = [*spec.zero, *spec.units, *spec.teens, *spec.tens, *spec.hundreds, *spec.hundred]
    words += [*spec.thousand, *spec.thousand_own, *spec.million, *spec.million_own]
    words += [*spec.fused, *spec.tens_with_teens]
    if spec.compound_tens:
        words += list(_compounds(language))
    return words


@cache
def _grammar(language: str) -> _Grammar:
    spec = _SPECS[language]
    finder = _Builder(language, spec, finding=True)
    reader = _Builder(language, spec, finding=False)
    scales = finder.scale_words()
    lexicon = _lexicon(language, spec)
    return _Grammar(
        find=rf"(?:{_DIGITS}(?:\s*{scales}{_NOT_LETTER_AFTER})?|{finder.number()})",
        words=re.compile(reader.number()),
        digits=re.compile(rf"(?P<number>{_DIGITS})(?:\s*(?P<scale>{scales}))?"),
        lexicon=lexicon,
        longest=max(len(word) for word in lexicon),
    )


def number_pattern(language: str) -> str:
    """A regex (no groups) for one number in `language`: digits or words."""
    return _grammar(language).find


def read_digits(text: str) -> Decimal | None:
    """Digits with any separators, read by the rule in the module docstring."""
    chars = []
    for char in text.strip():
        if char.isdigit():
            chars.append(str(unicodedata.decimal(char)))
        elif char == "٫":
            chars.append("D")
        elif char in _SPACES or char in "'’٬":
            chars.append("G")
        else:
            chars.append(char)
    parts = re.split(r"([.,GD])", "".join(chars))
    groups, marks = parts[0::2], parts[1::2]
    if not all(group.isdigit() for group in groups):
        return None
    point: int | None = None
    if "D" in marks:
        if marks.count("D") > 1 or marks[-1] != "D":
            return None
        point = len(marks) - 1
    elif marks and marks[-1] != "G" and marks.count(marks[-1]) == 1:
        lone = len(marks) == 1
        grouped = len(groups[-1]) == 3 and 1 <= len(groups[0]) <= 3 and groups[0] != "0"
        if not lone or not grouped:
            point = len(marks) - 1
    thousands = marks if point is None else marks[:point]
    if thousands:
        whole_groups = groups[: len(thousands) + 1]
        if len(set(thousands)) > 1 or not 1 <= len(whole_groups[0]) <= 3:
            return None
        if any(len(group) != 3 for group in whole_groups[1:]):
            return None
    whole = "".join(groups if point is None else groups[: point + 1])
    fraction = "" if point is None else groups[-1]
    try:
        return Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation:  # pragma: no cover - digits only by now
        return None


def _normalise(text: str, language: str) -> str:
    text = " ".join(unicodedata.normalize("NFKC", text).lower().split())
    return _fold(text, language) if language == "ar" else text


def _segment(text: str, grammar: _Grammar, language: str) -> list[_Token] | None:
    """The words of a spelled number, longest first, backtracking where a shorter
    word must be taken (eineinhalb is ein + einhalb, not eine + inhalb)."""
    lexicon = grammar.lexicon
    spec = _SPECS[language]
    failed: set[int] = set()

    def walk(start: int) -> list[_Token] | None:
        while start < len(text) and text[start] in " -":
            start += 1
        if start == len(text):
            return []
        if start in failed:
            return None
        for end in range(min(len(text), start + grammar.longest), start, -1):
            token = lexicon.get(text[start:end])
            if token is None:
                continue
            rest = walk(end)
            if rest is not None:
                return [token, *rest]
        if start == 0 and spec.proclitics and text[0] in spec.proclitics:
            rest = walk(1)
            if rest is not None:
                return rest
        failed.add(start)
        return None

    return walk(0)


def _integer(tokens: list[_Token]) -> Decimal | None:
    total = Decimal(0)
    current = Decimal(0)
    last_scale = 1
    seen = False
    for token in tokens:
        if token.kind in (_NUM, _DIGIT):
            current += token.value
            last_scale = 1
        elif token.kind == _HUNDRED:
            current = (current or 1) * 100
            last_scale = 1
        elif token.kind == _SCALE:
            total += (current or 1) * token.value * token.scale
            current = Decimal(0)
            last_scale = token.scale
        elif token.kind == _HALF:
            if last_scale == 1:
                current += Decimal("0.5")
            else:
                total += Decimal(last_scale) / 2
        elif token.kind == _SKIP:
            continue
        else:
            return None
        seen = True
    if not seen:
        return None
    value = total + current
    # полторы тысячи is 1500, not 1500.0
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def _fraction(tokens: list[_Token]) -> str | None:
    """The digits after a decimal word: "cinco" 5, "cero cinco" 05, "cincuenta" 50,
    "пять десятых" 5, "пять сотых" 05."""
    places = None
    if tokens and tokens[-1].kind == _PLACES:
        places = int(tokens[-1].value)
        tokens = tokens[:-1]
    words = [t for t in tokens if t.kind != _SKIP]
    if not words:
        return None
    if places is None and all(t.kind == _DIGIT for t in words):
        return "".join(str(int(t.value)) for t in words)
    zeros = 0
    while zeros < len(words) - 1 and words[zeros].kind == _DIGIT and words[zeros].value == 0:
        zeros += 1
    value = _integer(words[zeros:])
    if value is None or value != value.to_integral_value():
        return None
    digits = "0" * zeros + str(int(value))
    if places is not None:
        if len(digits) > places:
            return None
        digits = digits.zfill(places)
    return digits


def parse(text: str, language: str) -> Decimal | None:
    """One number in `language`, as digits or words, or None if it is not one."""
    grammar = _grammar(language)
    text = _normalise(text, language)
    if not text:
        return None
    match = grammar.digits.fullmatch(text)
    if match:
        value = read_digits(match.group("number"))
        scale = match.group("scale")
        if value is None or not scale:
            return value
        token = grammar.lexicon.get(_fold(scale, language))
        if token is None or token.kind != _SCALE or token.value != 1:
            return None
        return value * token.scale
    if not grammar.words.fullmatch(text):
        return None
    tokens = _segment(" ".join(text.replace("-", " ").split()), grammar, language)
    if tokens is None:
        return None
    point = next((i for i, t in enumerate(tokens) if t.kind == _DEC), None)
    whole = _integer(tokens if point is None else tokens[:point])
    if whole is None or point is None:
        return whole
    fraction = _fraction(tokens[point + 1 :])
    if fraction is None or whole != whole.to_integral_value():
        return None
    return Decimal(f"{int(whole)}.{fraction}")


def format_digits(plain: str, language: str) -> str:
    """A plain decimal string ("-1200.50") in `language`'s convention ("-1.200,50")."""
    group, point = DIGIT_CONVENTION[language]
    sign = "-" if plain.startswith("-") else ""
    whole, _, fraction = plain.lstrip("-").partition(".")
    if len(fraction) == 3 and int(whole) != 0:
        # Three decimals would read as a thousands group: 1.250 is 1,25, 1.125 is 1,1250.
        fraction = fraction.rstrip("0")
        if len(fraction) == 3:
            fraction += "0"
    grouped = f"{int(whole):,}".replace(",", group)
    return f"{sign}{grouped}{point if fraction else ''}{fraction}"
