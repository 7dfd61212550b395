"""When a patient is asked for a symptom check-in (DOMAIN §12, check-in cadence).

The project default, there being no national standard: daily on days 1–14,
twice weekly in weeks 3–6, weekly in weeks 7–12, then only the PROM time
points of §14. Any red-flag answer switches the patient back to daily check-ins
for the next 7 days.

Week *n* is days 7(n−1)+1 … 7n after the operation (day 0), so week 3 starts
on day 15. "Twice weekly" is the first and fourth day of each week (days 15,
18, 22, 25, …); "weekly" is the first day of each week (43, 50, …, 78).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

DAILY_UNTIL_DAY = 14
TWICE_WEEKLY_UNTIL_DAY = 42
WEEKLY_UNTIL_DAY = 84
DAILY_AFTER_RED_FLAG_DAYS = 7

SOURCE = "DOMAIN §12, check-in cadence (project default)"


def _routine_day(day: int) -> bool:
    if 1 <= day <= DAILY_UNTIL_DAY:
        return True
    if day <= TWICE_WEEKLY_UNTIL_DAY:
        return (day - DAILY_UNTIL_DAY - 1) % 7 in (0, 3)
    if day <= WEEKLY_UNTIL_DAY:
        return (day - TWICE_WEEKLY_UNTIL_DAY - 1) % 7 == 0
    return False


def is_check_in_day(
    operated_on: dt.date, day: dt.date, red_flag_days: Iterable[dt.date] = ()
) -> bool:
    """Whether the patient is asked for a check-in on ``day``.

    ``red_flag_days`` are the dates of check-ins that raised an alert; each
    makes the 7 following days daily check-in days.
    """
    offset = (day - operated_on).days
    if offset < 1:
        return False
    if _routine_day(offset):
        return True
    return any(1 <= (day - flagged).days <= DAILY_AFTER_RED_FLAG_DAYS for flagged in red_flag_days)


def check_in_days(
    operated_on: dt.date,
    start: dt.date,
    end: dt.date,
    red_flag_days: Iterable[dt.date] = (),
) -> Iterator[dt.date]:
    """The check-in days from ``start`` to ``end`` inclusive, in order.

    Only days 1 to ``WEEKLY_UNTIL_DAY`` after the operation and 7 days after a
    red flag can be check-in days, so the walk is limited to those; it stops at
    the calendar's last day instead of overflowing (dates as far as date.max).
    """
    flagged = tuple(red_flag_days)
    windows = [(_after(operated_on, 1), _after(operated_on, WEEKLY_UNTIL_DAY))]
    windows += [(_after(f, 1), _after(f, DAILY_AFTER_RED_FLAG_DAYS)) for f in flagged]
    day = max(start, min(first for first, _ in windows))
    last = min(end, max(final for _, final in windows))
    while day <= last:
        if is_check_in_day(operated_on, day, flagged):
            yield day
        if day == dt.date.max:
            return
        day += dt.timedelta(days=1)


def _after(day: dt.date, days: int) -> dt.date:
    """``day`` plus ``days``, held at the calendar's last day."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max
