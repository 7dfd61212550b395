"""Issuing and adjusting aftercare plans: validate, one transaction, audit (DOMAIN §11)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from halluxpath.accounts.models import User
from halluxpath.aftercare import pathways, stored
from halluxpath.aftercare.models import AftercarePlan, PlanChange
from halluxpath.aftercare.schemas import PlanIssue, PlanItemAdjustment, VisitBooking
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import pathway
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


def issue_plan(actor: Actor, episode_id: int, data: PlanIssue) -> AftercarePlan:
    """Build (or rebuild) the episode's plan from the template's newest version.

    The risk rules come from the stored pre-operative assessment, never from
    the caller (DOMAIN §11.4).
    """
    from halluxpath.surgery.models import PreoperativeAssessment

    user = _editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    problem = pathway.operation_date_problem(data.operated_on, timezone.localdate())
    if problem:
        raise ValidationError({"operated_on": problem})
    assessment = PreoperativeAssessment.objects.filter(episode=episode).first()
    risk_rules = sorted({f["rule"] for f in assessment.risk_flags}) if assessment else []
    template = pathways.current(
        data.template or pathway.MIS_SCREWS.name, site_id=episode.patient.site_id
    )
    try:
        built = pathway.build_plan(
            template,
            data.operated_on,
            side=episode.side,
            fixation=data.fixation,
            risk_rules=risk_rules,
            antibiotics_prescribed=data.antibiotics_prescribed,
            vte_prophylaxis=data.vte_prophylaxis,
            automatic_car=data.automatic_car,
            work=data.work,
        )
    except ValueError as error:
        raise ValidationError(str(error)) from None
    options = {
        "fixation": data.fixation,
        "antibiotics_prescribed": data.antibiotics_prescribed,
        "vte_prophylaxis": data.vte_prophylaxis,
        "automatic_car": data.automatic_car,
        "work": data.work,
        "risk_rules": risk_rules,
    }
    items = stored.PLAN_ITEMS.stamp({"items": [_item_json(i) for i in built.items]})
    with transaction.atomic():
        plan, created = AftercarePlan.objects.select_for_update().get_or_create(
            episode=episode,
            defaults={
                "template": built.template,
                "template_version": built.template_version,
                "operated_on": data.operated_on,
                "options": stored.PLAN_OPTIONS.stamp(options),
                "items": items,
                "issued_by": user,
            },
        )
        if not created:
            plan.template, plan.template_version = built.template, built.template_version
            plan.operated_on, plan.items = data.operated_on, items
            plan.options = stored.PLAN_OPTIONS.stamp(options)
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
    actor: Actor, episode_id: int, expected_version: int, data: PlanItemAdjustment
) -> AftercarePlan:
    """Move or reword one item of an issued plan; the change is recorded with its reason.

    A follow-up visit can also be given the booked time and place, which the
    calendar and the reminders then show.
    """
    if not data.instructions.strip():
        raise ValidationError({"instructions": "The instructions cannot be empty."})

    def change(before: dict[str, Any]) -> dict[str, Any]:
        after = {
            **before,
            "starts_on": data.starts_on.isoformat(),
            "instructions": data.instructions.strip(),
        }
        if before["category"] == "follow_up":
            after["time"] = data.time.strftime("%H:%M") if data.time else None
            after["place"] = data.place.strip()[:200]
        elif data.time or data.place.strip():
            raise ValidationError("Only a follow-up visit has a time and a place.")
        return after

    return _change_item(actor, episode_id, expected_version, data.item_key, data.reason, change)


def book_visit(
    actor: Actor, episode_id: int, expected_version: int, data: VisitBooking
) -> AftercarePlan:
    """Give a follow-up visit its booked time and place (and day, if it moved)."""
    if not data.place.strip():
        raise ValidationError({"place": "Say where the visit is."})

    def change(before: dict[str, Any]) -> dict[str, Any]:
        if before["category"] != "follow_up":
            raise ValidationError("Only a follow-up visit has a time and a place.")
        starts_on = data.starts_on.isoformat() if data.starts_on else before["starts_on"]
        return {
            **before,
            "starts_on": starts_on,
            "time": data.time.strftime("%H:%M"),
            "place": data.place.strip()[:200],
        }

    return _change_item(actor, episode_id, expected_version, data.item_key, data.reason, change)


def _change_item(
    actor: Actor,
    episode_id: int,
    expected_version: int,
    item_key: str,
    reason: str,
    change: Callable[[dict[str, Any]], dict[str, Any]],
) -> AftercarePlan:
    user = _editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the change."})
    with transaction.atomic():
        plan = AftercarePlan.objects.select_for_update().filter(episode=episode).first()
        if plan is None:
            raise ValidationError("Issue the plan first.")
        check_version("aftercare plan", plan.version, expected_version)
        items = plan.item_list
        index = next((i for i, item in enumerate(items) if item["key"] == item_key), None)
        if index is None:
            raise ValidationError(f"The plan has no item {item_key!r}.")
        before = dict(items[index])
        after = change(before)
        problem = pathway.item_date_problem(
            dt.date.fromisoformat(after["starts_on"]), plan.operated_on
        )
        if problem:
            raise ValidationError({"starts_on": problem})
        if after == before:
            raise ValidationError("Nothing changed.")
        if before.get("ends_on") and after["starts_on"] > before["ends_on"]:
            after["ends_on"] = after["starts_on"]
        items[index] = after
        ordered = sorted(
            items, key=lambda i: (i["starts_on"], i["category"] != "follow_up", i["key"])
        )
        plan.items = stored.PLAN_ITEMS.stamp({"items": ordered})
        plan.version += 1
        plan.save(update_fields=["items", "version"])
        PlanChange.objects.create(
            plan=plan,
            item_key=item_key,
            before=stored.PLAN_ITEM.stamp(before),
            after=stored.PLAN_ITEM.stamp(after),
            reason=reason[:500],
            changed_by=user,
        )
        record(
            actor,
            "change",
            object_type="aftercare_plan",
            object_id=plan.pk,
            patient_id=episode.patient_id,
            detail={"item": item_key, "before": before, "after": after, "reason": reason},
        )
    return plan
