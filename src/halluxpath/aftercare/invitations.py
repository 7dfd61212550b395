"""One-time invitation links to the patient portal.

The link carries a random token; the database keeps only its SHA-256, so a
copy of the database cannot be used to sign in. A link works once and for
``VALID_FOR`` (7 days); a replayed or expired link is refused with a message
that says what to do, and reveals nothing about the patient.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from halluxpath.accounts import permissions
from halluxpath.accounts.models import Role, User
from halluxpath.aftercare.models import Invitation
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.patients.access import patient_for
from halluxpath.patients.models import Patient

VALID_FOR = dt.timedelta(days=7)
REFUSED = (
    "This invitation link cannot be used: it has been used already, it has expired, or "
    "it was copied wrongly. Ask the clinic for a new one."
)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invite(actor: Actor, patient_id: int) -> str:
    """Create an invitation and return its token (shown once, to be sent to the patient)."""
    if actor.user is None or not permissions.may_change_clinical_records(actor.user):
        raise PermissionDenied("Your role cannot invite patients.")
    patient = patient_for(actor, patient_id, purpose="edit")
    if patient.user_id is not None:
        raise ValidationError("This patient already has a portal account.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            patient=patient,
            token_hash=_hash(token),
            created_by=actor.user,
            expires_at=timezone.now() + VALID_FOR,
        )
        record(
            actor,
            "create",
            object_type="invitation",
            object_id=invitation.pk,
            patient_id=patient.pk,
            detail={"expires_at": invitation.expires_at},
        )
    return token


def usable(token: str) -> Invitation:
    """The invitation behind ``token``, or ``ValidationError(REFUSED)``."""
    invitation = (
        Invitation.objects.select_related("patient").filter(token_hash=_hash(token)).first()
    )
    if (
        invitation is None
        or invitation.used_at is not None
        or invitation.expires_at <= timezone.now()
        or invitation.patient.user_id is not None
    ):
        raise ValidationError(REFUSED)
    return invitation


def accept(token: str, username: str, password: str, client_address: str | None) -> User:
    """Create the patient's account from a valid invitation; the link then stops working."""
    with transaction.atomic():
        invitation = usable(token)
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.used_at is not None:
            raise ValidationError(REFUSED)
        patient = Patient.objects.select_for_update().get(pk=invitation.patient_id)
        user = User(
            username=username,
            role=Role.PATIENT,
            site_id=patient.site_id,
            first_name=patient.given_name,
            last_name=patient.family_name,
            email=patient.email,
        )
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from None
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise ValidationError(
                {"username": "That user name is taken; choose another."}
            ) from None
        patient.user = user
        patient.version += 1
        patient.save(update_fields=["user", "version", "updated_at"])
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
        record(
            Actor(user, client_address),
            "create",
            object_type="user",
            object_id=user.pk,
            patient_id=patient.pk,
            detail={"invitation": locked.pk},
        )
    return user
