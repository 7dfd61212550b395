"""When each questionnaire is due: time points, windows and chasing (DOMAIN §14).

A registry asks for questionnaires at fixed times around the operation (day
0): baseline up to 90 days before it, then 6 weeks (optional), 6, 12 and 24
months (optional) after it, each open for ±30 days (the project default of
DOMAIN §14's minimum dataset). A site may choose which instruments it asks
at each time point and move a window; what it stores is a :class:`Schedule`,
and a site that has stored nothing uses :data:`DEFAULT`.

Day 0 is the operation's date: the operative record's, else the date the
operation is booked for (the aftercare plan's), the same day the aftercare
plan counts from.

Chasing (issue 13): a message when the window opens, another 7 and 14 days
later while the questionnaire is not completed, and from 21 days the episode
is on the staff's "to call" list until the window closes. A patient who
cannot be sent a message (no address, no portal account, reminders turned
off) is on the list from the day the window opens.

Pure: no Django, dates in, dates out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from halluxpath.core.vocabulary import Labelled

SOURCE = "DOMAIN §14 (time points; window ±30 days, project default)"


class TimePointKey(Labelled):
    BASELINE = "baseline", "Before the operation"
    WEEKS_6 = "6w", "6 weeks"
    MONTHS_6 = "6m", "6 months"
    MONTHS_12 = "12m", "12 months"
    MONTHS_24 = "24m", "24 months"


TIME_POINTS: tuple[str, ...] = TimePointKey.values()

# Days from the operation (DOMAIN §14); baseline is the 90 days before it.
OFFSET_DAYS: Mapping[str, int] = {"baseline": 0, "6w": 42, "6m": 182, "12m": 365, "24m": 730}
WINDOW_DAYS = 30  # ± around each follow-up time point (project default, DOMAIN §14)
BASELINE_DAYS_BEFORE = 90  # baseline: up to 90 days before the operation (DOMAIN §14)
LONGEST_WINDOW_DAYS = 366  # a site's window may not be longer than a year

CHASE_AFTER_DAYS = (0, 7, 14)  # messages: at opening, then 7 and 14 days later
CALL_AFTER_DAYS = 21  # then on the "to call" list (a week after the last message)


class ScheduleError(ValueError):
    """A schedule a site cannot use; the message names the time point."""


class Progress(Labelled):
    """Where one questionnaire of one time point stands (shown to staff and patients)."""

    DUE = "due", "Due"  # the window has not opened yet
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    MISSED = "missed", "Missed"  # the window closed without a completed response


@dataclass(frozen=True)
class TimePoint:
    """One time point: its window in days from the operation and its instruments."""

    key: str
    opens_days: int  # first day of the window, days from the operation (negative before)
    closes_days: int  # last day of the window (included)
    instruments: tuple[str, ...]

    @property
    def label(self) -> str:
        return TimePointKey(self.key).label


def _shifted(day: dt.date, days: int) -> dt.date | None:
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return None


@dataclass(frozen=True)
class Window:
    """A time point's window for one operation, in dates."""

    time_point: str
    opens_on: dt.date
    closes_on: dt.date

    def is_open(self, today: dt.date) -> bool:
        return self.opens_on <= today <= self.closes_on

    def chase_days(self) -> tuple[dt.date, ...]:
        """The days a reminder goes out (while the questionnaire is not completed)."""
        return tuple(
            d for n in CHASE_AFTER_DAYS if (d := _shifted(self.opens_on, n)) and d <= self.closes_on
        )

    def call_from(self, reachable: bool = True) -> dt.date:
        """From this day staff are asked to call (the opening day if no message can go)."""
        return _shifted(self.opens_on, CALL_AFTER_DAYS if reachable else 0) or dt.date.max


@dataclass(frozen=True)
class Schedule:
    time_points: tuple[TimePoint, ...]

    def time_point(self, key: str) -> TimePoint | None:
        return next((t for t in self.time_points if t.key == key), None)

    def windows(self, operated_on: dt.date) -> list[Window]:
        """Every time point's window for an operation on ``operated_on``.

        A window beyond the calendar's ends (a stored bad date near year 1 or
        9999) is left out rather than raising.
        """
        found = []
        for t in self.time_points:
            try:
                found.append(
                    Window(
                        t.key,
                        operated_on + dt.timedelta(days=t.opens_days),
                        operated_on + dt.timedelta(days=t.closes_days),
                    )
                )
            except OverflowError:
                continue
        return found

    def window(self, key: str, operated_on: dt.date) -> Window | None:
        return next((w for w in self.windows(operated_on) if w.time_point == key), None)

    def as_data(self) -> list[dict[str, object]]:
        """The stored form (a site's ``QuestionnaireSchedule.time_points``)."""
        return [
            {
                "key": t.key,
                "opens_days": t.opens_days,
                "closes_days": t.closes_days,
                "instruments": list(t.instruments),
            }
            for t in self.time_points
        ]


def default_time_point(key: str, instruments: Sequence[str]) -> TimePoint:
    """A time point with DOMAIN §14's default window."""
    if key == TimePointKey.BASELINE:
        return TimePoint(key, -BASELINE_DAYS_BEFORE, 0, tuple(instruments))
    offset = OFFSET_DAYS[key]
    return TimePoint(key, offset - WINDOW_DAYS, offset + WINDOW_DAYS, tuple(instruments))


# The BOFAS set (MOXFQ, NRS pain, EQ-5D-5L: DOMAIN §14) at baseline, 6, 12 and
# 24 months; pain at 6 weeks; satisfaction after the operation; the days back to
# activities at 6 months. An instrument a site has not loaded is not asked.
DEFAULT_INSTRUMENTS: Mapping[str, tuple[str, ...]] = {
    "baseline": ("moxfq", "eq5d5l", "nrs_pain"),
    "6w": ("nrs_pain",),
    "6m": ("moxfq", "eq5d5l", "nrs_pain", "satisfaction", "return_to_activity"),
    "12m": ("moxfq", "eq5d5l", "nrs_pain", "satisfaction"),
    "24m": ("moxfq", "eq5d5l", "nrs_pain", "satisfaction"),
}

DEFAULT = Schedule(tuple(default_time_point(k, DEFAULT_INSTRUMENTS[k]) for k in TIME_POINTS))


def checked(time_points: Sequence[TimePoint], known: Sequence[str]) -> Schedule:
    """A schedule from a site's time points, refused with the reason if it cannot be used.

    ``known`` are the instrument keys the site may ask (shipped or loaded).
    """
    seen: set[str] = set()
    for t in time_points:
        if t.key not in TIME_POINTS:
            raise ScheduleError(f"{t.key!r} is not a time point ({', '.join(TIME_POINTS)})")
        if t.key in seen:
            raise ScheduleError(f"{TimePointKey(t.key).label}: the time point is given twice")
        seen.add(t.key)
        label = TimePointKey(t.key).label
        if t.opens_days > t.closes_days:
            raise ScheduleError(f"{label}: the window closes before it opens")
        if t.closes_days - t.opens_days > LONGEST_WINDOW_DAYS:
            raise ScheduleError(f"{label}: a window may be at most {LONGEST_WINDOW_DAYS} days")
        if t.key == TimePointKey.BASELINE and t.closes_days > 0:
            raise ScheduleError(f"{label}: the baseline closes on the day of the operation")
        if t.key != TimePointKey.BASELINE and t.opens_days <= 0:
            raise ScheduleError(f"{label}: a follow-up window opens after the operation")
        if len(set(t.instruments)) != len(t.instruments):
            raise ScheduleError(f"{label}: an instrument is asked twice")
        unknown = [i for i in t.instruments if i not in known]
        if unknown:
            raise ScheduleError(f"{label}: {', '.join(unknown)} is not an instrument of this site")
    order = {k: n for n, k in enumerate(TIME_POINTS)}
    return Schedule(tuple(sorted(time_points, key=lambda t: order[t.key])))


def from_data(data: object) -> Schedule:
    """A stored schedule read back (the shape of :meth:`Schedule.as_data`)."""
    if not isinstance(data, Sequence) or isinstance(data, str):
        raise ScheduleError("a schedule is a list of time points")
    points = []
    for row in data:
        if not isinstance(row, Mapping):
            raise ScheduleError("each time point is an object")
        instruments = row.get("instruments", [])
        opens, closes = row.get("opens_days"), row.get("closes_days")
        if not isinstance(opens, int) or not isinstance(closes, int):
            raise ScheduleError(f"{row.get('key')!r}: the window is whole days")
        if not isinstance(instruments, Sequence) or isinstance(instruments, str):
            raise ScheduleError(f"{row.get('key')!r}: instruments is a list")
        points.append(TimePoint(str(row.get("key")), opens, closes, tuple(map(str, instruments))))
    return Schedule(tuple(points))


def progress(window: Window, today: dt.date, status: str | None) -> Progress:
    """Where a questionnaire stands on ``today``: ``status`` is its response's, if any."""
    if status == Progress.COMPLETED:
        return Progress.COMPLETED
    if today < window.opens_on:
        return Progress.DUE
    if today > window.closes_on:
        return Progress.MISSED
    return Progress.IN_PROGRESS if status == Progress.IN_PROGRESS else Progress.OPEN
