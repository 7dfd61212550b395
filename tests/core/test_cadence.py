"""Check-in cadence, DOMAIN §12: daily d1–d14, twice weekly w3–w6, weekly w7–w12."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from halluxpath.core.cadence import check_in_days, is_check_in_day

DAY0 = dt.date(2026, 3, 2)


def offsets(red_flags: tuple[dt.date, ...] = ()) -> list[int]:
    days = check_in_days(DAY0, DAY0, DAY0 + dt.timedelta(days=120), red_flags)
    return [(d - DAY0).days for d in days]


def test_the_default_cadence() -> None:
    assert offsets() == [
        *range(1, 15),  # daily, weeks 1–2
        15, 18, 22, 25, 29, 32, 36, 39,  # twice weekly, weeks 3–6
        43, 50, 57, 64, 71, 78,  # weekly, weeks 7–12
    ]  # fmt: skip


def test_no_check_in_on_the_day_of_the_operation_or_before() -> None:
    assert not is_check_in_day(DAY0, DAY0)
    assert not is_check_in_day(DAY0, DAY0 - dt.timedelta(days=3))


def test_a_red_flag_makes_the_next_seven_days_daily() -> None:
    flagged = DAY0 + dt.timedelta(days=30)
    days = offsets((flagged,))
    assert [d for d in days if 29 <= d <= 40] == [29, 31, 32, 33, 34, 35, 36, 37, 39]
    # after week 12 a red flag still brings 7 daily check-ins
    late = DAY0 + dt.timedelta(days=100)
    assert [d for d in offsets((late,)) if d > 84] == list(range(101, 108))


@given(st.integers(min_value=1, max_value=14))
def test_the_first_two_weeks_are_always_daily(day: int) -> None:
    assert is_check_in_day(DAY0, DAY0 + dt.timedelta(days=day))


@given(st.integers(min_value=85, max_value=2000))
def test_after_twelve_weeks_only_questionnaires_remain(day: int) -> None:
    assert not is_check_in_day(DAY0, DAY0 + dt.timedelta(days=day))


def test_the_cadence_walks_to_the_ends_of_the_calendar_without_overflow() -> None:
    """Issue 12 item 11: date arithmetic on a stored 0001-01-01 or 9999-12-31 never raises."""
    assert list(check_in_days(dt.date.max, dt.date.max, dt.date.max)) == []
    assert list(check_in_days(dt.date.min, dt.date.min, dt.date.max))[:2] == [
        dt.date.min + dt.timedelta(days=1),
        dt.date.min + dt.timedelta(days=2),
    ]
    near_end = dt.date.max - dt.timedelta(days=3)
    assert list(check_in_days(near_end, near_end, dt.date.max)) == [
        near_end + dt.timedelta(days=d) for d in (1, 2, 3)
    ]
    assert list(check_in_days(DAY0, dt.date.max, dt.date.max, (dt.date.max,))) == []
    assert not is_check_in_day(dt.date.min, dt.date.max)


@given(
    st.dates(), st.dates(), st.integers(min_value=0, max_value=30), st.lists(st.dates(), max_size=3)
)
def test_the_walk_gives_the_same_days_as_asking_day_by_day(
    operated_on: dt.date, start: dt.date, length: int, flags: list[dt.date]
) -> None:
    end = min(start + dt.timedelta(days=min(length, (dt.date.max - start).days)), dt.date.max)
    walked = list(check_in_days(operated_on, start, end, flags))
    asked = [
        start + dt.timedelta(days=d)
        for d in range((end - start).days + 1)
        if is_check_in_day(operated_on, start + dt.timedelta(days=d), flags)
    ]
    assert walked == asked
