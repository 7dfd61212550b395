"""The check-in history and its pain trend, drawn as a small server-side SVG line chart.

For the care team (the episode's aftercare page) and the patient (Today).
No JavaScript, no chart library: the points are worked out here and the
template writes the ``<svg>``, with a sentence as its text alternative and
the same figures in a table beside it (WCAG 1.1.1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from halluxpath.aftercare.models import CheckIn, Level

SHOWN = 30  # the newest check-ins drawn and listed
WIDTH, HEIGHT = 320, 130  # the SVG's own units; CSS scales it to the column
LEFT, RIGHT, TOP, BOTTOM = 28, 8, 8, 22  # room for the axis labels
PAIN_MAX = 10


@dataclass(frozen=True)
class Row:
    submitted_at: dt.datetime
    pain_score: int | None
    temperature_c: float | None
    level: int
    level_label: str
    check_in_id: int


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    flagged: bool
    label: str


@dataclass(frozen=True)
class History:
    rows: list[Row]  # newest first, as the table lists them
    points: list[Point]  # oldest first, as the line runs
    polyline: str
    summary: str  # the chart's text alternative
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom_y: int = HEIGHT - BOTTOM
    top_y: int = TOP
    mid_y: float = TOP + (HEIGHT - BOTTOM - TOP) / 2
    right_x: int = WIDTH - RIGHT
    first_label: str = ""
    last_label: str = ""


def _pain(check_in: CheckIn) -> int | None:
    value = check_in.answer_values.get("pain_score")
    return value if isinstance(value, int) and 0 <= value <= PAIN_MAX else None


def _temperature(check_in: CheckIn) -> float | None:
    value = check_in.answer_values.get("temperature_c")
    return float(value) if isinstance(value, int | float) else None


def history(check_ins: QuerySet[CheckIn]) -> History:
    """The newest ``SHOWN`` check-ins of ``check_ins`` (already limited by the access helper)."""
    newest = list(check_ins.order_by("-submitted_at", "-pk")[:SHOWN])
    rows = [
        Row(
            c.submitted_at,
            _pain(c),
            _temperature(c),
            c.level,
            Level(c.level).label if c.level in Level.values else str(c.level),
            c.pk,
        )
        for c in newest
    ]
    scored = [r for r in reversed(rows) if r.pain_score is not None]
    if not scored:
        return History(rows, [], "", "No pain scores yet.")
    first, last = scored[0].submitted_at, scored[-1].submitted_at
    span = (last - first).total_seconds()
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    points = []
    for index, row in enumerate(scored):
        if span > 0:
            share = (row.submitted_at - first).total_seconds() / span
        else:
            share = index / max(len(scored) - 1, 1) if len(scored) > 1 else 0.5
        pain = row.pain_score or 0
        points.append(
            Point(
                round(LEFT + share * inner_w, 1),
                round(TOP + (PAIN_MAX - pain) / PAIN_MAX * inner_h, 1),
                row.level > Level.NONE,
                f"{_day(row.submitted_at)}: pain {pain} out of 10",
            )
        )
    return History(
        rows,
        points,
        " ".join(f"{p.x},{p.y}" for p in points),
        _summary(scored),
        first_label=_day(first),
        last_label=_day(last),
    )


def _day(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment).date())


def _summary(scored: list[Row]) -> str:
    scores = [r.pain_score or 0 for r in scored]
    if len(scored) == 1:
        return f"One pain score: {scores[0]} out of 10 on {_day(scored[0].submitted_at)}."
    change = scores[-1] - scores[0]
    direction = "fell" if change < 0 else "rose" if change > 0 else "stayed"
    return (
        f"Pain {direction} from {scores[0]} on {_day(scored[0].submitted_at)} to "
        f"{scores[-1]} out of 10 on {_day(scored[-1].submitted_at)}, over {len(scored)} "
        f"check-ins; highest {max(scores)}, lowest {min(scores)}."
    )
