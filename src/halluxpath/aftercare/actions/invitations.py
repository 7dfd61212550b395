"""Inviting a patient to the portal, and the patient accepting (one-time links)."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from halluxpath.accounts import permissions
from halluxpath.accounts.models import Role, User
from halluxpath.accounts.passwords import set_checked_password
from halluxpath.accounts.usernames import normalise_username
from halluxpath.aftercare.invitations import REFUSED, VALID_FOR, token_hash, usable
from halluxpath.aftercare.models import Invitation
from halluxpath.aftercare.schemas import InvitationAcceptance
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.frontdoor import page_only
from halluxpath.patients.access import patient_for
from halluxpath.patients.models import Patient


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
            token_hash=token_hash(token),
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


@page_only(
    "the patient portal is the patient's front door (an anonymous visitor holding the link); "
    "the API serves staff and integrations"
)
def accept_invitation(data: InvitationAcceptance, client_address: str | None) -> User:
    """Create the patient's account from a valid invitation; the link then stops working."""
    try:
        username = normalise_username(data.username)
    except ValidationError as error:
        raise ValidationError({"username": error.messages}) from None
    with transaction.atomic():
        invitation = usable(data.token)
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
        set_checked_password(user, data.password)
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
