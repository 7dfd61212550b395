"""Issuing and adjusting aftercare plans (validate, one transaction, audit)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from halluxpath.accounts.models import User
from halluxpath.aftercare import pathways
from halluxpath.aftercare.models import AftercarePlan, CheckIn, Level, PlanChange
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import cadence, pathway
from halluxpath.patients.access import episode_for, require_editor
from halluxpath.records import check_version


def _editor(actor: Actor) -> User:
    return require_editor(actor, "Your role cannot change aftercare plans.")


def _item_json(item: pathway.PlanItem) -> dict[str, Any]:
    data = dataclasses.asdict(item)
    data["starts_on"] = item.starts_on.isoformat()
    data["ends_on"] = item.ends_on.isoformat() if item.ends_on else None
    data["time"] = item.time.strftime("%H:%M") if item.time else None
    return data


def issue_plan(
    actor: Actor,
    episode_id: int,
    *,
    operated_on: dt.date,
    fixation: str,
    antibiotics_prescribed: bool,
    vte_prophylaxis: bool,
    automatic_car: bool | None,
    template_name: str = pathway.MIS_SCREWS.name,
    work: str | None = None,
) -> AftercarePlan:
    """Build (or rebuild) the episode's plan from the template's newest version."""
    from halluxpath.surgery.models import PreoperativeAssessment

    user = _editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    assessment = PreoperativeAssessment.objects.filter(episode=episode).first()
    risk_rules = sorted({f["rule"] for f in assessment.risk_flags}) if assessment else []
    template = pathways.current(template_name)
    try:
        built = pathway.build_plan(
            template,
            operated_on,
            side=episode.side,
            fixation=fixation,
            risk_rules=risk_rules,
            antibiotics_prescribed=antibiotics_prescribed,
            vte_prophylaxis=vte_prophylaxis,
            automatic_car=automatic_car,
            work=work,
        )
    except ValueError as error:
        raise ValidationError(str(error)) from None
    options = {
        "fixation": fixation,
        "antibiotics_prescribed": antibiotics_prescribed,
        "vte_prophylaxis": vte_prophylaxis,
        "automatic_car": automatic_car,
        "work": work,
        "risk_rules": risk_rules,
    }
    items = [_item_json(i) for i in built.items]
    with transaction.atomic():
        plan, created = AftercarePlan.objects.select_for_update().get_or_create(
            episode=episode,
            defaults={
                "template": built.template,
                "template_version": built.template_version,
                "operated_on": operated_on,
                "options": options,
                "items": items,
                "issued_by": user,
            },
        )
        if not created:
            plan.template, plan.template_version = built.template, built.template_version
            plan.operated_on, plan.options, plan.items = operated_on, options, items
            plan.issued_by, plan.issued_at = user, timezone.now()
            plan.version += 1
            plan.save()
        record(
            actor,
            "create" if created else "change",
            object_type="aftercare_plan",
            object_id=plan.pk,
            patient_id=episode.patient_id,
            detail={"template": f"{built.template} v{built.template_version}", "options": options},
        )
    return plan


def adjust_item(
    actor: Actor,
    episode_id: int,
    expected_version: int,
    item_key: str,
    *,
    starts_on: dt.date,
    instructions: str,
    reason: str,
    time: dt.time | None = None,
    place: str = "",
) -> AftercarePlan:
    """Move or reword one item of an issued plan; the change is recorded with its reason.

    A follow-up visit can also be given the booked time and place, which the
    calendar and the reminders then show.
    """
    user = _editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for the change."})
    if not instructions.strip():
        raise ValidationError({"instructions": "The instructions cannot be empty."})
    with transaction.atomic():
        plan = AftercarePlan.objects.select_for_update().filter(episode=episode).first()
        if plan is None:
            raise ValidationError("Issue the plan first.")
        check_version("aftercare plan", plan.version, expected_version)
        if starts_on < plan.operated_on:
            raise ValidationError({"starts_on": "An item cannot start before the operation."})
        items = list(plan.items)
        index = next((i for i, item in enumerate(items) if item["key"] == item_key), None)
        if index is None:
            raise ValidationError(f"The plan has no item {item_key!r}.")
        before = dict(items[index])
        after = {**before, "starts_on": starts_on.isoformat(), "instructions": instructions.strip()}
        if before["category"] == "follow_up":
            after["time"] = time.strftime("%H:%M") if time else None
            after["place"] = place.strip()[:200]
        elif time or place.strip():
            raise ValidationError("Only a follow-up visit has a time and a place.")
        if after == before:
            raise ValidationError("Nothing changed.")
        if before.get("ends_on") and after["starts_on"] > before["ends_on"]:
            after["ends_on"] = after["starts_on"]
        items[index] = after
        plan.items = sorted(
            items, key=lambda i: (i["starts_on"], i["category"] != "follow_up", i["key"])
        )
        plan.version += 1
        plan.save(update_fields=["items", "version"])
        PlanChange.objects.create(
            plan=plan,
            item_key=item_key,
            before=before,
            after=after,
            reason=reason.strip()[:500],
            changed_by=user,
        )
        record(
            actor,
            "change",
            object_type="aftercare_plan",
            object_id=plan.pk,
            patient_id=episode.patient_id,
            detail={"item": item_key, "before": before, "after": after, "reason": reason.strip()},
        )
    return plan


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
        for i in plan.items
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
    """Each episode's check-in days from ``since`` on (for core.cadence and the reminders)."""
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(since, dt.time(), tzinfo=zone)
    sent: dict[int, set[dt.date]] = defaultdict(set)
    flagged: dict[int, set[dt.date]] = defaultdict(set)
    rows = CheckIn.objects.filter(episode__in=list(episode_ids), submitted_at__gte=start)
    for episode_id, submitted_at, level in rows.values_list("episode_id", "submitted_at", "level"):
        day = submitted_at.astimezone(zone).date()
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
