"""Noting a call to a patient on the questionnaire "to call" list."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from halluxpath.access import signed_in
from halluxpath.accounts import permissions
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core.schedule import TimePointKey
from halluxpath.frontdoor import page_only
from halluxpath.outcomes.access import CALLS
from halluxpath.outcomes.models import QuestionnaireCall
from halluxpath.outcomes.schemas import CallNote
from halluxpath.patients.access import episode_for


@page_only("the to-call list is a page for the clinic's staff; the API serves clinical records")
def note_call(actor: Actor, data: CallNote) -> QuestionnaireCall:
    """Staff called (or tried to call) the patient: it leaves the list for a week."""
    user = signed_in(actor)
    if not permissions.may_change_clinical_records(user):
        raise PermissionDenied(CALLS.refusal)
    episode = episode_for(actor, data.episode_id, purpose="edit")
    if data.time_point not in TimePointKey.values():
        raise ValidationError(f"{data.time_point!r} is not a time point.")
    with transaction.atomic():
        call = QuestionnaireCall.objects.create(
            episode=episode, time_point=data.time_point, note=data.note.strip(), called_by=user
        )
        record(
            actor,
            "create",
            object_type="questionnaire_call",
            object_id=call.pk,
            patient_id=episode.patient_id,
            detail={"time_point": data.time_point, "note": call.note},
        )
    return call
