"""Record, amend and mark in error a complication (issue 13 item 3, DOMAIN §7).

Recorded once, then corrected only by amendment: each amendment keeps every
changed field before and after, the reason, the author and the time (as the
operative record's amendments), and the edit carries the version the editor
started from (records.check_version). Nothing is deleted: a complication
recorded by mistake is marked ``entered_in_error`` by an amendment that says
why, and stays in the history.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from halluxpath.aftercare.access import ALERTS
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.complications.access import COMPLICATIONS, complication_editor
from halluxpath.complications.actions._shared import (
    FIELDS,
    PAGE_ONLY,
    _check_complication,
    as_json,
    stored_values,
)
from halluxpath.complications.models import (
    AMENDMENT_CHANGES,
    Complication,
    ComplicationAmendment,
)
from halluxpath.complications.schemas import (
    ComplicationAmendmentInput,
    EnteredInErrorInput,
    NewComplicationInput,
)
from halluxpath.frontdoor import page_only
from halluxpath.patients.access import episode_for
from halluxpath.records import change_detail, check_version, field_changes
from halluxpath.registry.actions import refresh_case


@page_only(PAGE_ONLY)
def record_complication(actor: Actor, episode_id: int, data: NewComplicationInput) -> Complication:
    """Record a complication of the episode, linked to the triage alert it came from, if any."""
    user = complication_editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    _check_complication(actor, episode, data)
    alert = None
    if data.alert_id is not None:
        alert = ALERTS.get(actor, data.alert_id)
        if alert.episode_id != episode.pk:
            raise ValidationError("That alert belongs to another episode.")
    with transaction.atomic():
        if alert is not None:
            already = (
                COMPLICATIONS.queryset(actor)
                .select_for_update(of=("self",))
                .filter(alert=alert, entered_in_error=False)
                .first()
            )
            if already is not None:
                raise ValidationError(
                    "This alert is already recorded as a complication "
                    f"({already.get_kind_display()}): amend that one instead."
                )
        values = stored_values(data)
        complication = Complication.objects.create(
            episode=episode, alert=alert, recorded_by=user, **values
        )
        record(
            actor,
            "create",
            object_type="complication",
            object_id=complication.pk,
            patient_id=episode.patient_id,
            detail={"values": as_json(values), "alert": alert.pk if alert else None},
        )
        refresh_case(complication.episode_id)
    return complication


def _locked(actor: Actor, complication_id: int, expected_version: int) -> Complication:
    complication = (
        COMPLICATIONS.queryset(actor).select_for_update(of=("self",)).get(pk=complication_id)
    )
    check_version("complication", complication.version, expected_version)
    return complication


@page_only(PAGE_ONLY)
def amend_complication(
    actor: Actor, complication_id: int, expected_version: int, data: ComplicationAmendmentInput
) -> Complication:
    """Correct a complication; the amendment keeps what each changed field was, and why."""
    user = complication_editor(actor)
    current = COMPLICATIONS.get(actor, complication_id, purpose="edit")
    if current.entered_in_error:
        raise ValidationError("This complication was entered in error and can no longer change.")
    reason = data.reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for this amendment."})
    _check_complication(actor, current.episode, data)
    with transaction.atomic():
        complication = _locked(actor, complication_id, expected_version)
        before = as_json({name: getattr(complication, name) for name in FIELDS})
        values = stored_values(data)
        changes = field_changes(before, as_json(values))
        if not changes:
            raise ValidationError("Nothing was changed: there is nothing to amend.")
        detail = change_detail(changes, complication.version + 1)
        ComplicationAmendment.objects.create(
            complication=complication,
            changes=AMENDMENT_CHANGES.stamp(detail["changes"]),
            reason=reason,
            author=user,
        )
        for name, value in values.items():
            setattr(complication, name, value)
        complication.version += 1
        complication.save()
        record(
            actor,
            "change",
            object_type="complication",
            object_id=complication.pk,
            patient_id=complication.episode.patient_id,
            detail={**detail, "reason": reason},
        )
        refresh_case(complication.episode_id)
    return complication


@page_only(PAGE_ONLY)
def mark_entered_in_error(
    actor: Actor, complication_id: int, expected_version: int, data: EnteredInErrorInput
) -> Complication:
    """Mark a complication recorded by mistake: kept and shown, never counted, never deleted."""
    user = complication_editor(actor)
    COMPLICATIONS.get(actor, complication_id, purpose="edit")
    reason = data.reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this complication was entered in error."})
    with transaction.atomic():
        complication = _locked(actor, complication_id, expected_version)
        if complication.entered_in_error:
            raise ValidationError("This complication is already marked as entered in error.")
        changes = {"entered_in_error": {"before": False, "after": True}}
        ComplicationAmendment.objects.create(
            complication=complication,
            changes=AMENDMENT_CHANGES.stamp(changes),
            reason=reason,
            author=user,
        )
        complication.entered_in_error = True
        complication.version += 1
        complication.save()
        record(
            actor,
            "change",
            object_type="complication",
            object_id=complication.pk,
            patient_id=complication.episode.patient_id,
            detail={"version": complication.version, "changes": changes, "reason": reason},
        )
        refresh_case(complication.episode_id)
    return complication
