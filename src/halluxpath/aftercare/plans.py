"""Reading aftercare plans: as core objects, the patient's day, the check-in days.

The writes (issuing a plan, moving an item, booking a visit) are in
aftercare.actions.plans.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from halluxpath.aftercare.models import AftercarePlan, CheckIn, Level
from halluxpath.core import cadence, pathway
from halluxpath.patients.models import Episode


def days_since_operation(episode: Episode, today: dt.date) -> int:
    """Days since the operation, or since referral when no operation is recorded."""
    from halluxpath.surgery.models import OperativeRecord

    record_ = OperativeRecord.objects.filter(episode=episode).first()
    start = record_.operated_on if record_ else episode.referred_on
    return max((today - start).days, 0)


def as_core(plan: AftercarePlan) -> pathway.Plan:
    """The stored plan as core.pathway objects, for the same date logic everywhere."""
    items = tuple(
        pathway.PlanItem(
            key=i["key"],
            category=i["category"],
            title=i["title"],
            instructions=i["instructions"],
            starts_on=dt.date.fromisoformat(i["starts_on"]),
            ends_on=dt.date.fromisoformat(i["ends_on"]) if i["ends_on"] else None,
            source=i["source"],
            time=dt.time.fromisoformat(i["time"]) if i.get("time") else None,
            place=i.get("place", ""),
        )
        for i in plan.item_list
    )
    return pathway.Plan(plan.template, plan.template_version, plan.operated_on, items)


@dataclasses.dataclass(frozen=True)
class PortalDay:
    """What the patient's Today page shows (core.pathway, core.cadence)."""

    day: int  # days since the operation
    now: list[pathway.PlanItem]
    upcoming: list[pathway.PlanItem]
    appointments: list[pathway.PlanItem]
    check_in_due: bool


@dataclasses.dataclass(frozen=True)
class CheckInDays:
    """The clinic-local days on which an episode's patient checked in, and those with alerts."""

    sent: frozenset[dt.date] = frozenset()
    flagged: frozenset[dt.date] = frozenset()


def check_in_days(episode_ids: Iterable[int], since: dt.date) -> dict[int, CheckInDays]:
    """Each episode's check-in days from ``since`` on (for core.cadence and the reminders).

    A day is the patient's site's calendar day (sites.Site.time_zone), so a
    check-in sent late in the evening counts for that evening at the clinic.
    """
    # A day either side of UTC covers every zone; the exact day is decided per row.
    start = dt.datetime.combine(since - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    sent: dict[int, set[dt.date]] = defaultdict(set)
    flagged: dict[int, set[dt.date]] = defaultdict(set)
    rows = CheckIn.objects.filter(episode__in=list(episode_ids), submitted_at__gte=start)
    zones: dict[str, ZoneInfo] = {}
    for episode_id, submitted_at, level, zone_name in rows.values_list(
        "episode_id", "submitted_at", "level", "episode__patient__site__time_zone"
    ):
        zone = zones.setdefault(zone_name, ZoneInfo(zone_name))
        day = submitted_at.astimezone(zone).date()
        if day < since:
            continue
        sent[episode_id].add(day)
        if level > Level.NONE:
            flagged[episode_id].add(day)
    return {e: CheckInDays(frozenset(days), frozenset(flagged[e])) for e, days in sent.items()}


def _recent(plan: AftercarePlan, today: dt.date) -> CheckInDays:
    """The last 8 days: enough for the cadence's 7 daily days after a red flag."""
    found = check_in_days([plan.episode_id], today - dt.timedelta(days=8))
    return found.get(plan.episode_id, CheckInDays())


def portal_day(plan: AftercarePlan, today: dt.date) -> PortalDay:
    """Today's instructions, what comes next, the visits ahead and whether a check-in is due."""
    core_plan = as_core(plan)
    recent = _recent(plan, today)
    return PortalDay(
        day=(today - plan.operated_on).days,
        now=core_plan.due_on(today),
        upcoming=[i for i in core_plan.items if i.starts_on > today][:6],
        appointments=[
            i for i in core_plan.items if i.category == "follow_up" and i.starts_on >= today
        ],
        check_in_due=today not in recent.sent
        and cadence.is_check_in_day(plan.operated_on, today, recent.flagged),
    )


def next_check_in(plan: AftercarePlan, today: dt.date) -> dt.date | None:
    """The next day after ``today`` on which a check-in is asked for (core.cadence)."""
    return next(
        cadence.check_in_days(
            plan.operated_on,
            today + dt.timedelta(days=1),
            today + dt.timedelta(days=cadence.WEEKLY_UNTIL_DAY + 7),
            _recent(plan, today).flagged,
        ),
        None,
    )
