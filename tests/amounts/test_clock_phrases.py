"""Clock phrases that count minutes towards or past an hour (issue 19, third dev
split): "twenty past three" is 3:20, "ten to eight" 7:50, 八点差一刻 7:45, "в половине
пятого" 4:30; and two bare hours joined before am or pm are a range of times, never
a range of numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.amounts.helpers import clock


@pytest.mark.parametrize(
    ("said", "language", "time"),
    [
        ("The driver will be here at twenty past three.", "en", "3:20"),
        ("Come back at ten to eight.", "en", "7:50"),
        ("We open at five past nine in the morning.", "en", "9:05"),
        ("It's twenty-five to four.", "en", "3:35"),
        ("Call me at 10 past 6 pm.", "en", "18:10"),
        ("八点差一刻到工厂", "zh", "7:45"),
        ("十点差五分开会", "zh", "9:55"),
        ("Я приду в половине пятого.", "ru", "4:30"),
        ("Встретимся в четверть третьего.", "ru", "2:15"),
    ],
)
def test_minutes_to_or_past_an_hour_are_one_time(finder, said, language, time) -> None:
    (amount,) = finder.find(said, language)
    assert (amount.kind, amount.value, amount.high) == ("time", clock(time), None)


@pytest.mark.parametrize(
    ("said", "low", "high"),
    [
        ("Deliver between 2 and 4 pm.", "14:00", "16:00"),
        ("Open from 9 to 5 pm.", "9:00", "17:00"),
        ("We are here 8 to 11 am.", "8:00", "11:00"),
    ],
)
def test_two_bare_hours_before_am_or_pm_are_a_range_of_times(finder, said, low, high) -> None:
    (amount,) = finder.find(said, "en")
    assert (amount.kind, amount.value, amount.high) == ("time", clock(low), clock(high))


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("I need five to six boxes.", [("qty", Decimal(5), Decimal(6))]),  # a range of boxes
        ("ten to twelve pieces", [("qty", Decimal(10), Decimal(12))]),
        ("половина двух тысяч", []),  # half of two thousand: no time (and no number here)
    ],
)
def test_a_count_towards_a_number_stays_a_count(finder, said, found) -> None:
    language = "ru" if said.startswith("половина") else "en"
    got = [(a.kind, a.value, a.high) for a in finder.find(said, language) if a.kind != "num"]
    assert got == found
