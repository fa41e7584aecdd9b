"""The number words of Spanish, French, Russian, Arabic, Portuguese, Italian and German.

One table per language: every form of every number word people say at a counter and
Whisper writes (case, gender, accent and dialect forms), and how the words join (the
separators are regexes). `grammar` builds the finding regex and the parser's lexicon
from these tables and nothing else, so a word added here is found and read at once.
`not_alone` and `before_word_only` name the words held back when they stand alone
(an article that is also "one", a homograph such as "neuf"; see `grammar`).

Only constants here: the Italian compounds (ventitré ...) are generated when asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

NUMWORD_LANGUAGES = ("es", "fr", "ru", "ar", "pt", "it", "de")


@dataclass(frozen=True)
class NumberWords:
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


_ES = NumberWords(
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

_PT = NumberWords(
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

_IT = NumberWords(
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

_FR = NumberWords(
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

_DE = NumberWords(
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


_RU = NumberWords(
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

_AR = NumberWords(
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
        **_f("مائتان مائتين مئتان مئتين مائتا مئتا مائتي مئتي ميتين", 200),
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


TABLES = {"es": _ES, "fr": _FR, "ru": _RU, "ar": _AR, "pt": _PT, "it": _IT, "de": _DE}

_ES_COMPOUNDS = {
    **_f("veintiún veintiuno veintiuna", 21), "veintidós": 22, "veintitrés": 23,
    "veinticuatro": 24, "veinticinco": 25, "veintiséis": 26, "veintisiete": 27,
    "veintiocho": 28, "veintinueve": 29,
}  # fmt: skip


def compounds(language: str) -> dict[str, int]:
    """The one-word tens-and-units of a language with `compound_tens`: veintidós, ventitré."""
    return _it_compounds() if language == "it" else _ES_COMPOUNDS


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
