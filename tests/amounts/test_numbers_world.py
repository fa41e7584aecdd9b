"""Numbers, prices and units in es, fr, ru, ar, pt, it and de, as said at a counter."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from interpreter.amounts.numbers import format_number, parse_number
from interpreter.amounts.numwords.tables import NUMWORD_LANGUAGES
from interpreter.amounts.slots import UNIT_TABLES, SlotValue, Terms, number_pattern

TERMS_PATH = Path(__file__).resolve().parents[2] / "interpreter/amounts/data/terms.toml"


@pytest.fixture(scope="module")
def terms() -> Terms:
    return Terms.load(TERMS_PATH)


def found(text: str, language: str) -> list[str]:
    """The numbers `number_pattern` finds in normalised text."""
    pattern = re.compile(number_pattern(language))
    return [m.group(0) for m in pattern.finditer(text.lower()) if m.end() > m.start()]


# ---- written numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("cero", "0"),
        ("cinco", "5"),
        ("quince", "15"),
        ("dieciséis", "16"),
        ("dieciseis", "16"),
        ("veintitrés", "23"),
        ("veintiún", "21"),
        ("treinta y cinco", "35"),
        ("cien", "100"),
        ("ciento uno", "101"),
        ("quinientos", "500"),
        ("quinientas", "500"),
        ("mil", "1000"),
        ("mil doscientos", "1200"),
        ("dos mil", "2000"),
        ("veintiún mil", "21000"),
        ("cien mil", "100000"),
        ("novecientos noventa y nueve mil novecientos noventa y nueve", "999999"),
        ("un millón", "1000000"),
        ("dos millones trescientos mil", "2300000"),
        ("tres coma cinco", "3.5"),
        ("tres coma cincuenta", "3.50"),
        ("tres coma cero cinco", "3.05"),
        ("dos y medio", "2.5"),
        ("una", "1"),
        ("2 mil", "2000"),
        ("1,5 millones", "1500000"),
    ],
)
def test_spanish_numbers(said: str, value: str) -> None:
    assert parse_number(said, "es") == Decimal(value)


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("zéro", "0"),
        ("sept", "7"),
        ("seize", "16"),
        ("dix-sept", "17"),
        ("vingt et un", "21"),
        ("vingt-deux", "22"),
        ("soixante-dix", "70"),
        ("soixante et onze", "71"),
        ("soixante-dix-neuf", "79"),
        ("quatre-vingts", "80"),
        ("quatre-vingt-un", "81"),
        ("quatre-vingt-dix", "90"),
        ("quatre-vingt-dix-neuf", "99"),
        ("septante", "70"),
        ("nonante-cinq", "95"),
        ("cent", "100"),
        ("cinq cents", "500"),
        ("deux cent cinquante", "250"),
        ("deux-cent-cinquante", "250"),
        ("dix-neuf cents", "1900"),
        ("mille", "1000"),
        ("deux mille trois cent quarante", "2340"),
        ("cent mille", "100000"),
        ("un million", "1000000"),
        ("trois virgule vingt-cinq", "3.25"),
        ("deux et demi", "2.5"),
        ("1 200", "1200"),
        ("5 mille", "5000"),
    ],
)
def test_french_numbers(said: str, value: str) -> None:
    assert parse_number(said, "fr") == Decimal(value)


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("ноль", "0"),
        ("один", "1"),
        ("одна", "1"),
        ("две", "2"),
        ("пяти", "5"),  # от пяти до десяти
        ("одиннадцать", "11"),
        ("двадцать пять", "25"),
        ("сорока", "40"),
        ("сто", "100"),
        ("сто пятьдесят", "150"),
        ("полтораста", "150"),
        ("двести", "200"),
        ("двухсот", "200"),
        ("пятьсот", "500"),
        ("тысяча", "1000"),
        ("тысяча двести", "1200"),
        ("две тысячи", "2000"),
        ("пять тысяч", "5000"),
        ("двадцать одна тысяча", "21000"),
        ("полторы тысячи", "1500"),
        ("полтора", "1.5"),
        ("два с половиной", "2.5"),
        ("два с половиной миллиона", "2500000"),
        ("три целых пять десятых", "3.5"),
        ("три целых пять сотых", "3.05"),
        ("девятьсот девяносто девять тысяч", "999000"),
        ("5 тыс.", "5000"),
        ("2 млн", "2000000"),
        ("1 200,50", "1200.50"),
    ],
)
def test_russian_numbers(said: str, value: str) -> None:
    assert parse_number(said, "ru") == Decimal(value)


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("صفر", "0"),
        ("واحد", "1"),
        ("اثنين", "2"),
        ("ثلاثة", "3"),
        ("ثلاثة عشر", "13"),
        ("أحد عشر", "11"),
        ("اثنا عشر", "12"),
        ("عشرون", "20"),
        ("خمسة وعشرون", "25"),
        ("خمسة و عشرين", "25"),
        ("مائة", "100"),
        ("مئة", "100"),
        ("مائتان", "200"),
        ("ثلاثمائة", "300"),
        ("ثلاث مائة", "300"),
        ("خمسمائة", "500"),
        ("خمسمية", "500"),  # spoken Arabic
        ("مائة وخمسون", "150"),
        ("ألف", "1000"),
        ("الف", "1000"),
        ("ألفان", "2000"),
        ("ألفين وخمسمائة", "2500"),
        ("ثلاثة آلاف", "3000"),
        ("ثلاثة آلاف وخمسمائة", "3500"),
        ("عشرة آلاف", "10000"),
        ("أحد عشر ألفا", "11000"),
        ("مائة ألف", "100000"),
        ("ألف ومائتان", "1200"),
        ("مليون", "1000000"),
        ("اثنان ونصف", "2.5"),
        ("ثلاثة فاصلة خمسة", "3.5"),
        ("ثَلاثَة", "3"),  # with harakat
        ("بخمسة", "5"),  # بـ joined: "for five"
        ("٣", "3"),
        ("١٬٢٠٠", "1200"),
        ("٣٫٥٠", "3.50"),
        ("1,200.50", "1200.50"),
        ("5 آلاف", "5000"),
    ],
)
def test_arabic_numbers(said: str, value: str) -> None:
    assert parse_number(said, "ar") == Decimal(value)


@pytest.mark.parametrize(
    ("said", "language", "value"),
    [
        ("quinhentos", "pt", "500"),
        ("duas", "pt", "2"),
        ("vinte e cinco", "pt", "25"),
        ("cento e vinte", "pt", "120"),
        ("mil e duzentos", "pt", "1200"),
        ("dois mil e quinhentos", "pt", "2500"),
        ("um milhão", "pt", "1000000"),
        ("três vírgula cinco", "pt", "3.5"),
        ("dois e meio", "pt", "2.5"),
        ("cinquecento", "it", "500"),
        ("ventuno", "it", "21"),
        ("ventitré", "it", "23"),
        ("ventotto", "it", "28"),
        ("centottanta", "it", "180"),
        ("trecentocinquanta", "it", "350"),
        ("milleduecento", "it", "1200"),
        ("duemila", "it", "2000"),
        ("duemilacinquecento", "it", "2500"),
        ("mille e cinquecento", "it", "1500"),
        ("due e mezzo", "it", "2.5"),
        ("fünfhundert", "de", "500"),
        ("einundzwanzig", "de", "21"),
        ("fünf und zwanzig", "de", "25"),
        ("dreißig", "de", "30"),
        ("dreissig", "de", "30"),
        ("hundertundeins", "de", "101"),
        ("zweitausend", "de", "2000"),
        ("Zweitausend", "de", "2000"),
        ("eintausendzweihundert", "de", "1200"),
        ("fünfundzwanzigtausend", "de", "25000"),
        ("neunzehnhundert", "de", "1900"),
        ("zwei Millionen dreihunderttausend", "de", "2300000"),
        ("zweieinhalb", "de", "2.5"),
        ("eineinhalb", "de", "1.5"),
        ("anderthalb", "de", "1.5"),
        ("drei Komma fünf", "de", "3.5"),
        ("2 Mio.", "de", "2000000"),
    ],
)
def test_portuguese_italian_german_numbers(said: str, language: str, value: str) -> None:
    assert parse_number(said, language) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("", "es"),
        ("piezas", "es"),
        ("y", "es"),
        ("cinco cinco", "es"),  # two numbers, not one
        ("dos y tres", "es"),
        ("mil mil", "es"),
        ("cientos", "es"),  # "hundreds of", not a number
        ("vingt douze", "fr"),
        ("sacs", "fr"),
        ("штук", "ru"),
        ("пять пять", "ru"),
        ("دولار", "ar"),
        ("vierzig zwei", "de"),
        ("1.20.0", "es"),
        ("1,2,3", "fr"),
        ("12.34.567", "de"),
    ],
)
def test_what_is_not_one_number_is_none(text: str, language: str) -> None:
    assert parse_number(text, language) is None


# ---- digits and their separators ------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("500", "500"),
        ("1.200", "1200"),  # a dot and three digits: thousands
        ("12.000", "12000"),
        ("1.200.000", "1200000"),
        ("1.200,50", "1200.50"),
        ("3,50", "3.50"),  # a comma and two digits: decimals
        ("3,5", "3.5"),
        ("3.50", "3.50"),  # Whisper's English habit: a dot and two digits
        ("1,200.50", "1200.50"),  # English order: the last mark is the point
        ("1,200", "1200"),  # a lone mark and three digits groups, even a comma
        ("1,200,000", "1200000"),
        ("0,500", "0.500"),  # but a whole part of 0 cannot be grouped
        ("1234,567", "1234.567"),  # nor one of four digits
        ("1 200", "1200"),
        ("1\u00a0200,50", "1200.50"),  # no-break space
        ("1\u202f200,50", "1200.50"),  # narrow no-break space
        ("1'200", "1200"),  # Swiss
        ("٥٠٠", "500"),
        ("١٬٢٠٠٫٥٠", "1200.50"),
    ],
)
@pytest.mark.parametrize("language", NUMWORD_LANGUAGES)
def test_digits_read_by_one_rule_in_every_language(written: str, value: str, language) -> None:
    parsed = parse_number(written, language)
    assert parsed == Decimal(value)
    assert str(parsed) == value  # the precision written is the precision kept


def test_digits_keep_their_written_precision() -> None:
    assert str(parse_number("3,50", "es")) == "3.50"
    assert str(parse_number("3,5", "es")) == "3.5"


@pytest.mark.parametrize(
    ("value", "language", "money", "written"),
    [
        ("1200.50", "es", True, "1.200,50"),
        ("1200.50", "pt", True, "1.200,50"),
        ("1200.50", "it", True, "1.200,50"),
        ("1200.50", "de", True, "1.200,50"),
        ("1200.50", "fr", True, "1 200,50"),  # a plain space: espeak-ng reads it right
        ("1200.50", "ru", True, "1200,50"),  # no grouping: "1 200" is read "один двести"
        ("1200.50", "ar", True, "1,200.50"),
        ("3.5", "es", True, "3,50"),
        ("3.5", "es", False, "3,5"),
        ("12000.0", "de", False, "12.000"),
        ("1234567.25", "fr", True, "1 234 567,25"),
        ("1234567", "ru", False, "1234567"),
        ("1234567", "es", False, "1.234.567"),
        ("-1200", "es", False, "-1.200"),
        ("0.5", "fr", False, "0,5"),
        ("1.250", "es", False, "1,25"),  # three decimals would read as thousands
        ("1.125", "de", False, "1,1250"),
        ("0.125", "es", False, "0,125"),
    ],
)
def test_numbers_are_written_in_the_listener_convention(
    value: str, language: str, money: bool, written: str
) -> None:
    assert format_number(Decimal(value), language, money=money) == written


ROUND_TRIP = [
    "0", "1", "3.5", "3.50", "12", "999", "1000", "1200.50", "20000", "999999",
    "1234567.25", "0.125", "1.125", "1.25", "100000", "7.05",
]  # fmt: skip


@pytest.mark.parametrize("language", NUMWORD_LANGUAGES)
@pytest.mark.parametrize("money", [False, True])
def test_what_is_written_reads_back_exactly(language: str, money: bool) -> None:
    for value in map(Decimal, ROUND_TRIP):
        written = format_number(value, language, money=money)
        if money and value != value.to_integral_value():
            value = value.quantize(Decimal("0.01"))  # money is written to the cent
        assert parse_number(written, language) == value, (value, written)
        assert found(written, language) == [written.lower()], (value, written)


# ---- finding numbers in a sentence ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "numbers"),
    [
        ("entre cinco y diez días", "es", ["cinco", "diez"]),  # never fifteen
        ("son mil doscientos cincuenta dólares", "es", ["mil doscientos cincuenta"]),
        ("quiero un descuento", "es", []),  # an article, not 1
        ("un millón de gracias", "es", ["un millón"]),
        ("dame uno", "es", ["uno"]),
        ("cientos de piezas y la ciencia", "es", []),
        ("el 1,200 y el 3,50", "es", ["1,200", "3,50"]),
        ("un sac neuf", "fr", []),  # new, not nine
        ("neuf sacs", "fr", ["neuf"]),
        ("il y a une semaine", "fr", []),
        ("quatre-vingt-dix-neuf euros", "fr", ["quatre-vingt-dix-neuf"]),
        ("от пяти до десяти дней", "ru", ["пяти", "десяти"]),
        ("две тысячи пятьсот рублей", "ru", ["две тысячи пятьсот"]),
        ("с половиной", "ru", []),
        ("بخمسة دولار", "ar", ["بخمسة"]),
        ("لا أحد", "ar", []),  # nobody
        ("لست متأكد", "ar", []),  # "I am not sure", not six
        ("ست قطع", "ar", ["ست"]),
        ("ألف ومائتان قطعة", "ar", ["ألف ومائتان"]),
        ("um desconto", "pt", []),
        ("mil e duzentos reais", "pt", ["mil e duzentos"]),
        ("dove sei?", "it", []),  # "where are you?"
        ("sei pezzi", "it", ["sei"]),
        ("uno sconto", "it", []),
        ("gib acht!", "de", []),
        ("acht Stück", "de", ["acht"]),
        ("ein Rabatt", "de", []),
        ("eine Million", "de", ["eine million"]),
        ("Tausende", "de", []),
    ],
)
def test_numbers_are_found_in_a_sentence(text: str, language: str, numbers: list[str]) -> None:
    assert found(text, language) == numbers


@pytest.mark.parametrize(
    ("text", "language", "values"),
    [
        (
            "quiero quinientas piezas, dos mil cajas y veintitrés bolsas por 1.200,50 €",
            "es",
            ["500", "2000", "23", "1200.50"],
        ),
        (
            "soixante-dix cartons, cinq cents sacs et deux mille trois cents pièces",
            "fr",
            ["70", "500", "2300"],
        ),
        (
            "полторы тысячи штук, двести коробок и двадцать одна тысяча рублей",
            "ru",
            ["1500", "200", "21000"],
        ),
        ("ثلاثة آلاف قطعة وخمسمائة كرتونة بعشرين دولار", "ar", ["3000", "500", "20"]),
        ("dois mil e quinhentos pares e cento e vinte caixas", "pt", ["2500", "120"]),
        ("duemilacinquecento pezzi e centottanta scatole", "it", ["2500", "180"]),
        ("zweitausend Stück und einundzwanzig Kartons für 3,50 Euro", "de", ["2000", "21", "3.50"]),
    ],
)
def test_every_number_found_is_read(text: str, language: str, values: list[str]) -> None:
    read = [parse_number(span, language) for span in found(text, language)]
    assert read == [Decimal(value) for value in values]


# ---- quantities, prices, durations ------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "language", "value", "unit"),
    [
        ("qty", "quinientas piezas", "es", "500", "piece"),
        ("qty", "1.200 cajas", "es", "1200", "carton"),
        ("qty", "dos docenas", "es", "2", "dozen"),
        ("qty", "veinte pares", "es", "20", "pair"),
        ("price", "tres euros", "es", "3", "eur"),
        ("price", "3,50 €", "es", "3.50", "eur"),
        ("price", "€3,50", "es", "3.50", "eur"),
        ("price", "mil doscientos dólares", "es", "1200", "usd"),
        ("price", "$1.200", "es", "1200", "usd"),
        ("price", "doce yuanes", "es", "12", "yuan"),
        ("duration", "quince días", "es", "15", "day"),
        ("qty", "quatre-vingt-dix cartons", "fr", "90", "carton"),
        ("qty", "cinq cents pièces", "fr", "500", "piece"),
        ("qty", "soixante-dix sacs", "fr", "70", "bag"),
        ("price", "1 200,50 €", "fr", "1200.50", "eur"),
        ("price", "quatre-vingts dollars", "fr", "80", "usd"),
        ("duration", "trois semaines", "fr", "3", "week"),
        ("qty", "пятьсот штук", "ru", "500", "piece"),
        ("qty", "500 шт", "ru", "500", "piece"),
        ("qty", "двести коробок", "ru", "200", "carton"),
        ("price", "две тысячи долларов", "ru", "2000", "usd"),
        ("price", "3,50 $", "ru", "3.50", "usd"),
        ("price", "сто юаней", "ru", "100", "yuan"),
        ("price", "полторы тысячи евро", "ru", "1500", "eur"),
        ("duration", "десять дней", "ru", "10", "day"),
        ("qty", "خمسمائة قطعة", "ar", "500", "piece"),
        ("qty", "ثلاثة آلاف كرتونة", "ar", "3000", "carton"),
        ("price", "ثلاثة آلاف دولار", "ar", "3000", "usd"),
        ("price", "$٣٫٥٠", "ar", "3.50", "usd"),
        ("price", "مائة يوان", "ar", "100", "yuan"),
        ("price", "عشرون يورو", "ar", "20", "eur"),
        ("duration", "عشرة أيام", "ar", "10", "day"),
        ("qty", "quinhentas peças", "pt", "500", "piece"),
        ("price", "cinco dólares", "pt", "5", "usd"),
        ("qty", "cinquecento pezzi", "it", "500", "piece"),
        ("price", "venti euro", "it", "20", "eur"),
        ("qty", "fünfhundert Stück", "de", "500", "piece"),
        ("price", "3,50 Euro", "de", "3.50", "eur"),
        ("duration", "zwei Wochen", "de", "2", "week"),
    ],
)
def test_amounts_are_read_with_their_unit(terms, kind, text, language, value, unit) -> None:
    folded = text.lower()
    assert re.fullmatch(terms.pattern(kind, language), folded), terms.pattern(kind, language)[:80]
    slot = terms.parse(kind, folded, language)
    assert slot is not None
    assert slot.number == Decimal(value)
    assert slot.term is not None and slot.term.id == unit


@pytest.mark.parametrize(
    ("kind", "value", "unit", "language", "written"),
    [
        ("qty", "1", "piece", "es", "1 pieza"),
        ("qty", "500", "piece", "es", "500 piezas"),
        ("qty", "1200", "carton", "es", "1.200 cajas"),
        ("price", "3.5", "eur", "es", "3,50 euros"),
        ("price", "1", "usd", "es", "1 dólar"),
        ("price", "12", "yuan", "es", "12 yuanes"),
        ("qty", "1200", "piece", "fr", "1 200 pièces"),
        ("price", "3.5", "usd", "fr", "3,50 dollars"),
        ("duration", "1", "week", "fr", "1 semaine"),
        ("qty", "1", "piece", "ru", "1 штука"),
        ("qty", "500", "piece", "ru", "500 штук"),
        ("price", "1200", "yuan", "ru", "1200 юаней"),
        ("duration", "20", "day", "ru", "20 дней"),
        ("qty", "500", "piece", "ar", "500 قطعة"),
        ("price", "3000", "usd", "ar", "3,000 دولار"),
        ("qty", "500", "pair", "pt", "500 pares"),
        ("qty", "500", "piece", "it", "500 pezzi"),
        ("qty", "500", "piece", "de", "500 Stück"),
        ("duration", "3", "month", "de", "3 Monate"),
        ("price", "2000", "eur", "de", "2.000 Euro"),
        # English and Chinese as before: a currency symbol in front, no plural in zh.
        ("price", "3.5", "usd", "en", "$3.50"),
        ("qty", "500", "piece", "zh", "500件"),
    ],
)
def test_amounts_are_written_in_the_listener_language(
    terms, kind, value, unit, language, written
) -> None:
    table = UNIT_TABLES[kind]
    term = next(t for t in terms.in_table(table) if t.id == unit)
    assert SlotValue(kind, number=Decimal(value), term=term).render(language) == written


@pytest.mark.parametrize("language", NUMWORD_LANGUAGES)
def test_every_unit_currency_and_time_has_a_singular_and_plural(terms, language) -> None:
    for table in UNIT_TABLES.values():
        owner: dict[str, str] = {}
        for term in terms.in_table(table):
            forms = term.forms.get(language, ())
            assert len(forms) >= 2, (table, term.id, language)
            for word in forms:
                assert owner.setdefault(word.lower(), term.id) == term.id, (word, table)


@pytest.mark.parametrize(
    ("text", "language", "amounts"),
    [
        (
            "Quiero quinientas piezas a tres euros, entrega en dos semanas.",
            "es",
            [("qty", "500", "piece"), ("price", "3", "eur"), ("duration", "2", "week")],
        ),
        (
            "Il me faut quatre-vingt-dix cartons à 1 200,50 € pièce.",
            "fr",
            [("qty", "90", "carton"), ("price", "1200.50", "eur")],
        ),
        (
            "Мне нужно полторы тысячи штук по 3,50 доллара.",
            "ru",
            [("qty", "1500", "piece"), ("price", "3.50", "usd")],
        ),
        (
            "أريد ثلاثة آلاف قطعة بخمسة دولارات",
            "ar",
            [("qty", "3000", "piece"), ("price", "5", "usd")],
        ),
        ("Quero mil e duzentas peças.", "pt", [("qty", "1200", "piece")]),
        ("Vorrei duemila pezzi, grazie.", "it", [("qty", "2000", "piece")]),
        (
            "Ich nehme fünfhundert Stück für zweitausend Euro.",
            "de",
            [("qty", "500", "piece"), ("price", "2000", "eur")],
        ),
        ("Quiero un descuento.", "es", []),
    ],
)
def test_the_amounts_of_a_sentence_are_found(finder, text, language, amounts) -> None:
    got = [(a.kind, a.value, a.unit) for a in finder.find(text, language)]
    assert got == [(kind, Decimal(value), unit) for kind, value, unit in amounts]
