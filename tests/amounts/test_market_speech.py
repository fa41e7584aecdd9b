"""Amounts as they are said at the counter (issue 19, fourth dev split): compressed
Chinese ranges that keep their hundreds (两千三四块), times with their part of the day
or a quarter before the hour, a British "half seven", ranges said with "or", a
Russian noun before its number (about that many), halves and pairs said in one word
(半个月, 俩礼拜, أسبوعين), a discount said with "knock off" or 对折; and words with a
number in them that count nothing (一块儿, 三天打鱼两天晒网, "in two minds"), a period
that is a rate's (一天能做多少个), a unit that is an article ("one carton weigh"); and
"half a dozen" at the end of a clause, six, never one dozen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from interpreter.amounts.amount import Approx
from tests.amounts.helpers import only, read

# ---- ranges ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "kind", "low", "high", "unit"),
    [
        ("一台要两千三四块", "price", "2300", "2400", "yuan"),  # never 3 to 4
        ("每个颜色一百五六十双", "qty", "150", "160", "pair"),  # never 50 to 60
        ("一千二三百个", "qty", "1200", "1300", "piece"),
        ("一万五六千件", "qty", "15000", "16000", "piece"),
        ("一百二十三四个", "qty", "123", "124", "piece"),
        ("十五六万块", "price", "150000", "160000", "yuan"),
        ("十五六个", "qty", "15", "16", "piece"),
        ("3千五六百块", "price", "3500", "3600", "yuan"),  # as Whisper writes 三千五六百
        ("两三百个", "qty", "200", "300", "piece"),
    ],
)
def test_a_chinese_compressed_range_keeps_its_hundreds(finder, said, kind, low, high, unit) -> None:
    amount = only(finder, said, "zh")
    assert (amount.kind, amount.value, amount.high, amount.unit) == (
        kind, Decimal(low), Decimal(high), unit,
    )  # fmt: skip


def test_a_compressed_range_that_cannot_be_one_is_no_amount(finder) -> None:
    assert read(finder, "两千三四千块", "zh") == []  # thousands after thousands: not one


@pytest.mark.parametrize(
    ("said", "kind", "low", "high", "unit"),
    [
        ("一台要2千3四块", "price", "2300", "2400", "yuan"),  # never 2300 and then 4 yuan
        ("两千3四块", "price", "2300", "2400", "yuan"),
        ("2千3四百个", "qty", "2300", "2400", "piece"),  # 两千三四百个
    ],
)
def test_a_compressed_range_half_in_digits_keeps_its_thousands(
    finder, said, kind, low, high, unit
) -> None:
    amount = only(finder, said, "zh")
    assert (amount.kind, amount.value, amount.high, amount.unit) == (
        kind, Decimal(low), Decimal(high), unit,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("said", "low", "high"),
    [
        ("利润有百分之五六十", "50", "60"),  # never a plain 50 to 60
        ("百分之二三十的定金", "20", "30"),
        ("涨了百分之三四", "3", "4"),  # never 34%
    ],
)
def test_a_compressed_range_after_baifenzhi_is_a_percent_range(finder, said, low, high) -> None:
    amount = only(finder, said, "zh")
    assert (amount.kind, amount.value, amount.high, amount.said[:3]) == (
        "percent", Decimal(low), Decimal(high), "百分之",
    )  # fmt: skip


@pytest.mark.parametrize(
    "said",
    [
        "第三四个不要了",  # the third or fourth one: never 3 to 4 pieces
        "要第三个",
        "第三到五个有问题",
        "第二天到货",  # the next day, never 2 days
    ],
)
def test_an_ordinal_counts_nothing(finder, said) -> None:
    assert read(finder, said, "zh") == []


def test_an_ordinal_leaves_the_amount_after_it(finder) -> None:
    assert read(finder, "第一批要500个", "zh") == [("qty", Decimal(500), "piece")]


def test_a_range_whose_high_end_adds_dimes_to_the_same_yuan_is_one_range(finder) -> None:
    amount = only(finder, "三块到三块五一个，看数量", "zh")
    assert (amount.kind, amount.value, amount.high, amount.unit) == (
        "price", Decimal(3), Decimal("3.5"), "yuan",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("said", "language", "unit"),
    [
        ("Serían dos o tres contenedores.", "es", "container"),
        ("Nur zwei oder drei Kisten, bitte.", "de", "carton"),
        ("Il faut deux ou trois cartons.", "fr", "carton"),
        ("Servono due o tre scatole.", "it", "carton"),
        ("São duas ou três caixas.", "pt", "carton"),
    ],
)
def test_two_numbers_said_with_or_are_a_range(finder, said, language, unit) -> None:
    amount = only(finder, said, language)
    assert (amount.kind, amount.value, amount.high, amount.unit) == (
        "qty", Decimal(2), Decimal(3), unit,
    )  # fmt: skip


def test_two_far_apart_numbers_said_with_or_are_no_range(finder) -> None:
    assert all(a.exact for a in finder.find("Dos o veinte cajas.", "es"))


# ---- approximate amounts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "value", "unit"),
    [
        ("Возьму штук двадцать на пробу.", "20", "piece"),
        ("Нужно метров сто.", "100", "meter"),
        ("Подождите минут десять.", None, None),  # minutes are no unit of the table
    ],
)
def test_a_russian_noun_before_its_number_says_about_that_many(finder, said, value, unit) -> None:
    found = finder.find(said, "ru")
    if value is None:
        assert all(a.kind == "num" for a in found)
        return
    (amount,) = found
    assert (amount.kind, amount.value, amount.unit, amount.approx) == (
        "qty", Decimal(value), unit, Approx.AROUND,
    )  # fmt: skip


@pytest.mark.parametrize(
    "said",
    [
        "Мне нужно 500 штук, двадцать из них красные.",  # the number after is its own
        "В день двадцать штук.",  # 20 pieces a day, never about 20 days
        "Дайте пятьсот штук двадцать коробок.",
    ],
)
def test_a_russian_noun_with_its_own_number_is_no_inverted_amount(finder, said) -> None:
    assert all(a.approx is not Approx.AROUND for a in finder.find(said, "ru"))


# ---- times of day ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "language", "time"),
    [
        ("下午4:30到物流园提货", "zh", "16:30"),
        ("晚上8:15见", "zh", "20:15"),
        ("差一刻十二点再打给我", "zh", "11:45"),
        ("差三刻八点", "zh", "7:15"),
        ("I have to be back at the hotel by half seven.", "en", "7:30"),
        ("See you at half ten.", "en", "10:30"),
        ("Send the photos before 6 in the evening.", "en", "18:00"),
        ("I'll call you at 9 in the morning.", "en", "9:00"),
    ],
)
def test_a_time_says_its_part_of_the_day_or_its_quarter(finder, said, language, time) -> None:
    hours, minutes = time.split(":")
    amount = only(finder, said, language)
    assert (amount.kind, amount.value) == ("time", Decimal(int(hours) * 60 + int(minutes)))


@pytest.mark.parametrize(
    "said",
    [
        "I'll take half seven hundred.",
        "Half seven of them are broken.",
        "We sold 6 in the evening.",
    ],
)
def test_half_an_hour_word_is_a_time_only_after_a_word_that_leads_to_one(finder, said) -> None:
    assert all(a.kind != "time" for a in finder.find(said, "en"))


def test_a_clock_written_in_digits_with_no_part_of_the_day_stays_as_said(finder) -> None:
    assert all(a.kind != "time" for a in finder.find("2024:05", "zh"))
    assert read(finder, "4:30到", "zh") == [("time", Decimal(270), "")]


# ---- halves and pairs said in one word ---------------------------------------------------


@pytest.mark.parametrize(
    ("said", "kind", "value", "unit"),
    [
        ("样品一共两斤半", "qty", "2.5", "jin"),
        ("一共三米半", "qty", "3.5", "meter"),
        ("半个月就能做好", "duration", "0.5", "month"),
        ("等了半个小时", "duration", "0.5", "hour"),
    ],
)
def test_a_chinese_half_belongs_to_the_unit_beside_it(finder, said, kind, value, unit) -> None:
    assert read(finder, said, "zh") == [(kind, Decimal(value), unit)]


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("一千克半", "1.5"),  # never 1000.5 grams
        ("样品两千克半", "2.5"),
        ("2千克半就够了", "2.5"),
        ("三公斤半", "3.5"),
    ],
)
def test_a_half_after_qianke_is_half_a_kilogram(finder, said, value) -> None:
    assert read(finder, said, "zh") == [("qty", Decimal(value), "kilogram")]


@pytest.mark.parametrize("said", ["一千米半", "大概一千米五"])
def test_a_part_after_qianmi_is_unsure_and_counts_nothing(finder, said) -> None:
    # 一千米半 is 1.5 kilometres, a unit the table lacks: never 1000.5 metres
    assert read(finder, said, "zh") == []


@pytest.mark.parametrize(
    ("said", "value", "approx"),
    [("一共两百件以上", "200", Approx.MORE), ("一共五十个左右", "50", Approx.AROUND)],
)
def test_the_number_before_a_vague_word_is_the_one_nearest_it(finder, said, value, approx) -> None:
    amount = only(finder, said, "zh")  # never the 一 of 一共 with a unit 共两百件
    assert (amount.kind, amount.value, amount.unit, amount.approx) == (
        "qty", Decimal(value), "piece", approx,
    )  # fmt: skip


@pytest.mark.parametrize("said", ["大半个月都没消息", "一个半月", "半个西瓜"])
def test_a_half_of_something_else_is_no_half_of_a_period(finder, said) -> None:
    assert ("duration", Decimal("0.5"), "month") not in read(finder, said, "zh")


@pytest.mark.parametrize(
    ("said", "value", "unit"),
    [
        ("等了俩礼拜还没到", "2", "week"),
        ("仨月都没回款", "3", "month"),
        ("坐车俩小时才到", "2", "hour"),
    ],
)
def test_lia_and_sa_are_two_and_three_with_their_measure_word(finder, said, value, unit) -> None:
    assert read(finder, said, "zh") == [("duration", Decimal(value), unit)]


@pytest.mark.parametrize("said", ["咱俩一起去", "他们仨都来了", "俩苹果"])
def test_lia_and_sa_without_a_unit_count_nothing_we_read(finder, said) -> None:
    assert read(finder, said, "zh") == []


@pytest.mark.parametrize(
    ("said", "kind", "value", "unit"),
    [
        ("A dollar and a half is too much for this.", "price", "1.5", "usd"),
        ("The whole process took a month and a half.", "duration", "1.5", "month"),
        ("It takes an hour and a half.", "duration", "1.5", "hour"),
    ],
)
def test_one_unit_and_a_half_is_one_and_a_half(finder, said, kind, value, unit) -> None:
    assert read(finder, said, "en") == [(kind, Decimal(value), unit)]


@pytest.mark.parametrize(
    ("said", "value", "unit"),
    [
        ("الإنتاج يحتاج أسبوعين", "2", "week"),
        ("التوصيل خلال يومين", "2", "day"),
        ("انتظرنا شهرين", "2", "month"),
    ],
)
def test_an_arabic_dual_is_two_of_its_unit(finder, said, value, unit) -> None:
    assert read(finder, said, "ar") == [("duration", Decimal(value), unit)]


def test_two_hundred_in_construct_is_two_hundred(finder) -> None:
    assert read(finder, "أريد مئتي زوج من الأحذية", "ar") == [("qty", Decimal(200), "pair")]


# ---- discounts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "language", "off"),
    [
        ("Knock off 8% and I'll order today.", "en", "8"),
        ("Can you take off 5%?", "en", "5"),
        ("库存款打对折处理", "zh", "50"),
    ],
)
def test_a_share_knocked_off_is_a_discount(finder, said, language, off) -> None:
    assert read(finder, said, language) == [("discount", Decimal(off), "")]


def test_folding_in_half_is_no_discount(finder) -> None:
    assert read(finder, "把布对折一下", "zh") == []


# ---- number words that count nothing ---------------------------------------------------


@pytest.mark.parametrize(
    ("said", "language"),
    [
        ("下午我们一块儿去仓库看看", "zh"),
        ("工人三天打鱼两天晒网可不行", "zh"),
        ("I'm in two minds about the packaging.", "en"),
    ],
)
def test_an_idiom_with_a_number_word_counts_nothing(finder, said, language) -> None:
    assert read(finder, said, language) == []


@pytest.mark.parametrize(("said", "yuan"), [("一块儿钱一个", "1"), ("二十一块儿一个", "21")])
def test_yikuair_beside_money_or_a_number_is_still_yuan(finder, said, yuan) -> None:
    assert read(finder, said, "zh") == [("price", Decimal(yuan), "yuan")]


# ---- articles -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("一天能出上千双", [("qty", Decimal(1000), "pair")]),  # a thousand pairs a day
        ("你们工厂一天能做多少个？", []),  # how many a day
        ("一个月能做五万个", [("qty", Decimal(50000), "piece")]),
        ("一天就到", [("duration", Decimal(1), "day")]),  # in a day: a duration
        ("海运要一个月", [("duration", Decimal(1), "month")]),
    ],
)
def test_one_period_before_a_count_is_the_period_of_a_rate(finder, said, found) -> None:
    assert read(finder, said, "zh") == found


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("What does one carton weigh?", []),
        ("One set comes with 6 pieces.", [("qty", Decimal(6), "piece")]),
        ("I want one carton.", [("qty", Decimal(1), "carton")]),
    ],
)
def test_one_unit_whose_weight_or_contents_are_asked_is_an_article(finder, said, found) -> None:
    assert read(finder, said, "en") == found


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("I want half a dozen.", [("num", Decimal(6), "")]),  # never one dozen
        ("Half a dozen, please.", [("num", Decimal(6), "")]),
        ("A dozen.", [("qty", Decimal(1), "dozen")]),
        ("Two dozen should do.", [("qty", Decimal(2), "dozen")]),
    ],
)
def test_half_a_dozen_at_the_end_of_a_clause_is_six(finder, said, found) -> None:
    assert read(finder, said, "en") == found
