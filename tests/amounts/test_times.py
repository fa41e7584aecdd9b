"""Times of day (amounts/times.py): 七点半 is 7:30, never 7; 十点一刻 10:15, never 10.1;
"seven thirty" 7:30, never 37. Minutes after midnight, 24-hour where the part of the
day is said, and written back in every language in a form read as the same time."""

from __future__ import annotations

import pytest

from tests.amounts.helpers import clock


@pytest.mark.parametrize(
    ("said", "language", "time"),
    [
        ("明天七点半开门", "zh", "7:30"),
        ("十点一刻见", "zh", "10:15"),
        ("两点三刻装车", "zh", "2:45"),
        ("八点零五分出发", "zh", "8:05"),
        ("下午4点半之前付款", "zh", "16:30"),
        ("差十分六点", "zh", "5:50"),
        ("中午12点吃饭", "zh", "12:00"),
        ("明天8:30发货", "zh", "8:30"),
        ("Come back at seven thirty.", "en", "7:30"),
        ("I'll be here at half past seven.", "en", "7:30"),
        ("It closes at quarter to six.", "en", "5:45"),
        ("The flight lands at 2:15 pm.", "en", "14:15"),
        ("at eight o'clock tonight", "en", "20:00"),
    ],
)
def test_a_time_of_day_is_minutes_after_midnight(finder, said, language, time) -> None:
    (amount,) = finder.find(said, language)
    assert (amount.kind, amount.value) == ("time", clock(time))


def test_two_times_joined_are_one_range_and_share_the_part_of_the_day(finder) -> None:
    (amount,) = finder.find("下午两点到四点都在", "zh")
    assert (amount.kind, amount.value, amount.high) == ("time", clock("14:00"), clock("16:00"))
    (amount,) = finder.find("We open 9 am to 5 pm.", "en")
    assert (amount.value, amount.high) == (clock("9:00"), clock("17:00"))


def test_a_decimal_point_is_not_a_time(finder) -> None:
    assert [(a.kind, str(a.value)) for a in finder.find("三点五", "zh")] == [("num", "3.5")]
    assert [(a.kind, str(a.value)) for a in finder.find("一百点25", "zh")] == [("num", "100.25")]


@pytest.mark.parametrize(
    ("said", "language"),
    [("早上9点到下午5点", "zh"), ("下午4点半之前付款", "zh"), ("at half past seven", "en"),
     ("The van comes at 8:30.", "en"), ("凌晨三点到货", "zh")],
)  # fmt: skip
def test_a_time_written_in_any_language_reads_back_the_same(finder, said, language) -> None:
    (amount,) = finder.find(said, language)
    for target in ("en", "zh", "es", "fr", "de", "it", "pt", "ru", "ar"):
        written = finder.render(amount, target)
        assert [a.key for a in finder.find(written, target)] == [amount.key], (target, written)
    assert finder.render(amount, "en").endswith(("am", "pm"))
