"""Questionnaire time points, windows and chasing (core.schedule, DOMAIN §14)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halluxpath.core.schedule import (
    CALL_AFTER_DAYS,
    DEFAULT,
    TIME_POINTS,
    Progress,
    ScheduleError,
    TimePoint,
    checked,
    default_time_point,
    from_data,
    progress,
)

OPERATED = dt.date(2026, 3, 2)
KNOWN = ("moxfq", "eq5d5l", "nrs_pain", "satisfaction", "return_to_activity")


def test_the_default_windows_are_those_of_domain_14() -> None:
    windows = {w.time_point: (w.opens_on, w.closes_on) for w in DEFAULT.windows(OPERATED)}
    assert list(windows) == list(TIME_POINTS)
    assert windows["baseline"] == (dt.date(2025, 12, 2), OPERATED)  # 90 days before
    assert windows["6w"] == (OPERATED + dt.timedelta(12), OPERATED + dt.timedelta(72))
    assert windows["6m"] == (OPERATED + dt.timedelta(152), OPERATED + dt.timedelta(212))
    assert windows["12m"] == (OPERATED + dt.timedelta(335), OPERATED + dt.timedelta(395))
    assert windows["24m"] == (OPERATED + dt.timedelta(700), OPERATED + dt.timedelta(760))


def test_the_bofas_set_is_asked_at_baseline_6_and_12_months() -> None:
    for key in ("baseline", "6m", "12m"):
        point = DEFAULT.time_point(key)
        assert point is not None
        assert {"moxfq", "eq5d5l", "nrs_pain"} <= set(point.instruments)


def test_chasing_is_at_opening_then_7_and_14_days_then_a_call_at_21() -> None:
    window = DEFAULT.window("6m", OPERATED)
    assert window is not None
    assert [(d - window.opens_on).days for d in window.chase_days()] == [0, 7, 14]
    assert (window.call_from() - window.opens_on).days == CALL_AFTER_DAYS
    assert window.call_from(reachable=False) == window.opens_on


def test_a_short_window_sends_no_reminder_after_it_closes() -> None:
    schedule = checked([TimePoint("6m", 180, 190, ("nrs_pain",))], KNOWN)
    window = schedule.windows(OPERATED)[0]
    assert [(d - window.opens_on).days for d in window.chase_days()] == [0, 7]


@pytest.mark.parametrize(
    ("day", "status", "expected"),
    [
        (151, None, Progress.DUE),
        (152, None, Progress.OPEN),
        (212, "in_progress", Progress.IN_PROGRESS),
        (213, "in_progress", Progress.MISSED),
        (213, None, Progress.MISSED),
        (400, "completed", Progress.COMPLETED),
        (100, "completed", Progress.COMPLETED),
    ],
)
def test_progress_at_the_edges_of_the_window(
    day: int, status: str | None, expected: Progress
) -> None:
    window = DEFAULT.window("6m", OPERATED)
    assert window is not None
    assert progress(window, OPERATED + dt.timedelta(day), status) == expected


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([TimePoint("3m", 60, 120, ())], "not a time point"),
        ([TimePoint("6m", 190, 180, ())], "closes before it opens"),
        ([TimePoint("6m", 100, 500, ())], "at most 366 days"),
        ([TimePoint("baseline", -90, 5, ())], "closes on the day of the operation"),
        ([TimePoint("6w", 0, 60, ())], "opens after the operation"),
        ([TimePoint("6m", 150, 210, ("nrs_pain", "nrs_pain"))], "asked twice"),
        ([TimePoint("6m", 150, 210, ("aofas",))], "aofas is not an instrument"),
        ([default_time_point("6m", ()), default_time_point("6m", ())], "given twice"),
    ],
)
def test_a_schedule_a_site_cannot_use_is_refused(points: list[TimePoint], message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        checked(points, KNOWN)


def test_a_schedule_reads_back_as_stored() -> None:
    assert checked(list(from_data(DEFAULT.as_data()).time_points), KNOWN) == DEFAULT
    for bad in ("abc", [1], [{"key": "6m", "opens_days": "x", "closes_days": 3}]):
        with pytest.raises(ScheduleError):
            from_data(bad)


@given(st.dates(dt.date(2000, 1, 1), dt.date(2090, 1, 1)), st.integers(-120, 800))
def test_a_day_is_in_at_most_one_default_window(operated_on: dt.date, offset: int) -> None:
    today = operated_on + dt.timedelta(days=offset)
    open_ = [w for w in DEFAULT.windows(operated_on) if w.is_open(today)]
    assert len(open_) <= 1
