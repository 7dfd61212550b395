"""Inviting a patient to the portal, and the patient accepting (one-time links)."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from halluxpath.accounts import permissions
from halluxpath.accounts.models import Role, User
from halluxpath.accounts.passwords import set_checked_password
from halluxpath.accounts.usernames import normalise_username
from halluxpath.aftercare.invitations import REFUSED, VALID_FOR, token_hash, usable
from halluxpath.aftercare.models import Invitation
from halluxpath.aftercare.schemas import InvitationAcceptance, InvitationSending
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.frontdoor import page_only
from halluxpath.patients.access import patient_for
from halluxpath.patients.models import Patient
from halluxpath.reminders.models import Kind, OutboxMessage


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


def send_invitation(actor: Actor, patient_id: int, data: InvitationSending) -> OutboxMessage:
    """Put the invitation link in the outbox, to the patient's e-mail or mobile (once).

    The reminder worker sends it like a reminder: leased, marked as soon as
    the channel takes it, and keyed by the invitation, so pressing the button
    twice (or once per channel) queues one message. The link lives in the
    outbox only until it is sent (reminders.worker blanks it then).
    """
    if actor.user is None or not permissions.may_change_clinical_records(actor.user):
        raise PermissionDenied("Your role cannot invite patients.")
    patient = patient_for(actor, patient_id, purpose="edit")
    address = patient.email if data.channel == "email" else patient.phone
    if not address:
        what = "e-mail address" if data.channel == "email" else "mobile number"
        raise ValidationError(f"The patient's record has no {what}: add one first.")
    episode = patient.episodes.order_by("-referred_on", "-pk").first()
    if episode is None:
        raise ValidationError("The patient has no episode of care yet.")
    site = patient.site
    link = site.url(reverse("aftercare:accept_invitation", args=[data.token]))
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(patient=patient, token_hash=token_hash(data.token))
            .first()
        )
        if (
            invitation is None
            or invitation.used_at is not None
            or invitation.expires_at <= timezone.now()
        ):
            raise ValidationError(
                "This invitation can no longer be sent (it was used, has expired, or is not "
                "this patient's): make a new one."
            )
        now = timezone.now()
        message, created = OutboxMessage.objects.get_or_create(
            dedup_key=f"{Kind.INVITATION}:{invitation.pk}",
            defaults={
                "kind": Kind.INVITATION,
                "patient": patient,
                "episode": episode,
                "channel": data.channel,
                "recipient": address,
                "subject": f"Your invitation to the {site.name} patient portal"[:200],
                "body": (
                    f"Hello {patient.given_name}, {site.name} invites you to its patient "
                    f"portal, where you can follow your aftercare plan and tell the clinic how "
                    f"your foot is. Create your account with this link (it works once, for "
                    f"{VALID_FOR.days} days): {link} — {site.name}"
                ),
                "source": "aftercare.invitations",
                "due_at": now,
                "next_attempt_at": now,
            },
        )
        if created:
            record(
                actor,
                "create",
                object_type="reminder",
                object_id=message.pk,
                patient_id=patient.pk,
                detail={"invitation": invitation.pk, "channel": data.channel},
            )
    return message
