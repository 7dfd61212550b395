"""What the complications actions share: the operation date and the checks on a record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from halluxpath.aftercare.access import AFTERCARE_PLANS
from halluxpath.audit.context import Actor
from halluxpath.complications.schemas import ComplicationInput
from halluxpath.core.complications import Kind, grades_of, is_grade_of
from halluxpath.patients.models import Episode
from halluxpath.surgery.access import OPERATIVE_RECORDS

PAGE_ONLY = (
    "The complications register has no JSON endpoints yet; they come with the registry "
    "API of issue 13, and the pages are its one front door until then."
)

# The fields of a complication an amendment may change, in form order.
FIELDS = (
    "kind",
    "description",
    "onset_on",
    "grade_system",
    "grade",
    "treatment",
    "reoperation",
    "reoperated_on",
    "reoperation_reason",
    "implant_removed",
    "resolved_on",
)


def _operation_date(actor: Actor, episode: Episode) -> dt.date | None:
    """The day of the operation: the operative record's, else the aftercare plan's (booked)."""
    # Read to check a date, not shown: no view event (the action records its own).
    recorded = OPERATIVE_RECORDS.queryset(actor).filter(episode=episode)
    operated_on = recorded.values_list("operated_on", flat=True).first()
    if operated_on is not None:
        return operated_on
    booked = AFTERCARE_PLANS.queryset(actor).filter(episode=episode)
    return booked.values_list("operated_on", flat=True).first()


def _check_complication(actor: Actor, episode: Episode, data: ComplicationInput) -> None:
    """Refuse a record that cannot be true, naming each field (nothing is saved).

    The onset is not before the operation (a complication *of* the operation)
    nor in the future (the input's date type); the grade is one of its own
    system's (DOMAIN §7: never converted); a reoperation has its date and
    reason, not before the onset; the resolution is not before the onset.
    """
    errors: dict[str, str] = {}
    operated_on = _operation_date(actor, episode)
    if operated_on is None:
        errors["onset_on"] = (
            "No operation is recorded for this episode yet: record the operation (or "
            "issue the aftercare plan with its date) before a complication."
        )
    elif data.onset_on < operated_on:
        errors["onset_on"] = (
            f"The onset cannot be before the operation ({date_format(operated_on)})."
        )
    if not is_grade_of(data.grade_system, data.grade):
        codes = ", ".join(g.code for g in grades_of(data.grade_system))
        errors["grade"] = (
            f"Grade {data.grade or '(none)'} is not a grade of {data.grade_system.label}: "
            f"choose one of {codes}."
        )
    if data.kind == Kind.OTHER and not data.description.strip():
        errors["description"] = "Say in a few words what happened (the kind is Other)."
    if data.reoperation:
        if data.reoperated_on is None:
            errors["reoperated_on"] = "Give the date of the reoperation."
        elif data.reoperated_on < data.onset_on:
            errors["reoperated_on"] = "The reoperation cannot be before the onset."
        if not data.reoperation_reason.strip():
            errors["reoperation_reason"] = "Give the reason for the reoperation."
    elif data.reoperated_on is not None or data.reoperation_reason.strip():
        errors["reoperation"] = (
            "A reoperation date or reason is given: tick Reoperation, or clear them."
        )
    if data.resolved_on is not None and data.resolved_on < data.onset_on:
        errors["resolved_on"] = "The resolution cannot be before the onset."
    if errors:
        raise ValidationError(errors)


def stored_values(data: ComplicationInput) -> dict[str, Any]:
    """The model field values of an input (text trimmed; no reoperation fields without one)."""
    return {
        "kind": data.kind.value,
        "description": data.description.strip(),
        "onset_on": data.onset_on,
        "grade_system": data.grade_system.value,
        "grade": data.grade,
        "treatment": data.treatment.strip(),
        "reoperation": data.reoperation,
        "reoperated_on": data.reoperated_on,
        "reoperation_reason": data.reoperation_reason.strip(),
        "implant_removed": data.implant_removed,
        "resolved_on": data.resolved_on,
    }


def as_json(values: dict[str, Any]) -> dict[str, Any]:
    """Field values as the audit log and amendment history store them (dates as ISO text)."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}
