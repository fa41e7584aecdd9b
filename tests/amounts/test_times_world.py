"""Times of day as the counter says them in every language: "a las tres y media de la
tarde" is 15:30, never 3.5; "halb drei" 2:30, never 3; "в 3 часа дня" 15:00, never a
duration of 3 hours; 九点二十 9:20, never 9.2. And what only looks like a time (一点都
不贵, "Wir liefern in 3 Stunden") stays what it is."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.amounts.helpers import clock, kinds_and_values

LANGUAGES = ("en", "zh", "es", "fr", "de", "it", "pt", "ru", "ar")


@pytest.mark.parametrize(
    ("said", "language", "time"),
    [
        ("Nos vemos a las tres y media de la tarde.", "es", "15:30"),
        ("Abrimos a las nueve de la mañana.", "es", "9:00"),
        ("Llego a las diez menos cuarto.", "es", "9:45"),
        ("Cerramos a las 8 de la noche.", "es", "20:00"),
        ("Passo aí às dez e meia da manhã.", "pt", "10:30"),
        ("Fechamos às seis da tarde.", "pt", "18:00"),
        ("Ci vediamo alle tre e mezza del pomeriggio.", "it", "15:30"),
        ("Arrivo alle 17.", "it", "17:00"),
        ("Rendez-vous à 9 heures et quart.", "fr", "9:15"),
        ("On ferme à six heures du soir.", "fr", "18:00"),
        ("Je passe à 14h30.", "fr", "14:30"),
        ("Treffen wir uns um halb drei am Nachmittag.", "de", "14:30"),
        ("Wir öffnen um 9 Uhr.", "de", "9:00"),
        ("Um Viertel vor acht bin ich da.", "de", "7:45"),
        ("Приходите в 3 часа дня.", "ru", "15:00"),
        ("Встречаемся в девять часов утра.", "ru", "9:00"),
        ("نلتقي الساعة 3 مساء", "ar", "15:00"),
        ("نفتح الساعة التاسعة والنصف", "ar", "9:30"),
    ],
)
def test_a_time_of_the_day_is_read_in_every_language(finder, said, language, time) -> None:
    assert kinds_and_values(finder, said, language) == [("time", clock(time))]


def test_a_spanish_afternoon_time_is_read_on_the_24_hour_clock(finder) -> None:
    (amount,) = finder.find("a las tres de la tarde", "es")
    assert (amount.kind, amount.value) == ("time", clock("15:00"))


def test_two_times_joined_are_one_range_in_every_language(finder) -> None:
    for said, language in [
        ("Il negozio è aperto dalle 9 alle 17.", "it"),
        ("Abrimos de las 9 a las 17.", "es"),
        ("Estamos abertos das 9 às 17.", "pt"),
        ("Wir haben von 9 bis 17 Uhr offen.", "de"),
        ("Ouvert de 9h à 17h.", "fr"),
    ]:
        (amount,) = finder.find(said, language)
        assert (amount.kind, amount.value, amount.high) == (
            "time", clock("9:00"), clock("17:00"),
        ), said  # fmt: skip


@pytest.mark.parametrize(
    ("said", "language", "found"),
    [
        ("Wir liefern in 3 Stunden.", "de", [("duration", Decimal(3))]),
        ("Доставка за 3 часа.", "ru", [("duration", Decimal(3))]),
        ("Ça prend 9 heures.", "fr", [("duration", Decimal(9))]),
        ("Quiero las tres cajas.", "es", [("qty", Decimal(3))]),
        ("Vendo a las tres tiendas.", "es", [("num", Decimal(3))]),  # to the three shops
        ("Son tres y medio kilos.", "es", [("qty", Decimal("3.5"))]),
    ],
)
def test_what_is_not_a_time_of_day_stays_what_it_is(finder, said, language, found) -> None:
    assert kinds_and_values(finder, said, language) == found


def test_chinese_minutes_without_fen_are_a_time_not_a_decimal(finder) -> None:
    assert kinds_and_values(finder, "我们九点二十开门", "zh") == [("time", clock("9:20"))]
    assert kinds_and_values(finder, "下午三点四十五到", "zh") == [("time", clock("15:45"))]
    assert kinds_and_values(finder, "三点五", "zh") == [("num", Decimal("3.5"))]  # still a decimal


def test_yidian_a_little_is_no_time(finder) -> None:
    assert kinds_and_values(finder, "这个一点都不贵", "zh") == []
    assert kinds_and_values(finder, "便宜一点吧", "zh") == []
    assert kinds_and_values(finder, "下午一点来", "zh") == [("time", clock("13:00"))]
    assert kinds_and_values(finder, "一点半到", "zh") == [("time", clock("1:30"))]


def test_a_clock_time_with_a_part_of_the_day_in_words_is_24_hour(finder) -> None:
    assert kinds_and_values(finder, "Come back at 2:30 this afternoon.", "en") == [
        ("time", clock("14:30"))
    ]
    assert kinds_and_values(finder, "It leaves at 7:15 in the evening.", "en") == [
        ("time", clock("19:15"))
    ]


@pytest.mark.parametrize(
    ("said", "language"),
    [
        ("a las tres y media de la tarde", "es"),
        ("um halb drei am Nachmittag", "de"),
        ("dalle 9 alle 17", "it"),
        ("в 3 часа дня", "ru"),
    ],
)
def test_a_time_said_in_any_language_reads_back_the_same(finder, said, language) -> None:
    (amount,) = finder.find(said, language)
    for target in LANGUAGES:
        written = finder.render(amount, target)
        assert [a.key for a in finder.find(written, target)] == [amount.key], (target, written)
