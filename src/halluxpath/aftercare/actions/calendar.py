"""The patient's private calendar address: renew it (the old one stops) or stop it.

Each is one transaction with its audit event, so a failure part-way leaves
the old address working and the audit log claiming nothing.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from halluxpath.access import NOT_FOUND
from halluxpath.accounts import permissions
from halluxpath.aftercare.ical import token_hash
from halluxpath.aftercare.models import CalendarFeed
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.frontdoor import page_only
from halluxpath.patients.access import visible_patients
from halluxpath.patients.models import Patient

PATIENT_FRONT_DOOR = (
    "the patient portal is the patient's front door; the API serves staff and integrations"
)
REFUSAL = "The calendar address is the patient's own to renew or stop."


def _own_patient(actor: Actor, patient_id: int) -> Patient:
    if actor.user is None or not permissions.may_report_own_check_in(actor.user):
        raise PermissionDenied(REFUSAL)
    patient = visible_patients(actor.user).filter(pk=patient_id).first()
    if patient is None:  # not their own record: as if it did not exist
        raise Http404(NOT_FOUND)
    return patient


@page_only(PATIENT_FRONT_DOOR)
def new_feed(actor: Actor, patient_id: int) -> str:
    """Stop the patient's feeds and make a new one; returns its token (shown once)."""
    patient = _own_patient(actor, patient_id)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        revoked = CalendarFeed.objects.filter(patient=patient, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        feed = CalendarFeed.objects.create(patient=patient, token_hash=token_hash(token))
        record(
            actor,
            "create",
            object_type="calendar_feed",
            object_id=feed.pk,
            patient_id=patient.pk,
            detail={"revoked": revoked},
        )
    return token


@page_only(PATIENT_FRONT_DOOR)
def stop_feeds(actor: Actor, patient_id: int) -> int:
    """Stop every live feed of the patient; returns how many were stopped."""
    patient = _own_patient(actor, patient_id)
    with transaction.atomic():
        count = CalendarFeed.objects.filter(patient=patient, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        record(
            actor,
            "change",
            object_type="calendar_feed",
            patient_id=patient.pk,
            detail={"revoked": count},
        )
    return count
