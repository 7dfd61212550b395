"""Staff actions on the outbox: try a failed reminder again, or stop it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.patients.access import require_editor
from halluxpath.reminders.access import REMINDERS
from halluxpath.reminders.models import Kind, OutboxMessage, Status
from halluxpath.reminders.schedule import contact


def _message_for(actor: Actor, pk: int) -> OutboxMessage:
    """The reminder locked for the change: 404 unless the actor may see it, 403 unless change."""
    REMINDERS.get(actor, pk, purpose="edit")
    return OutboxMessage.objects.select_for_update().select_related("patient").get(pk=pk)


def retry(actor: Actor, pk: int) -> OutboxMessage:
    """A failed reminder goes back to the queue with a fresh count of tries.

    It goes to the patient's address as it is now, so correcting the address
    and then trying again reaches them.
    """
    require_editor(actor, "Your role cannot resend reminders.")
    with transaction.atomic():
        message = _message_for(actor, pk)
        if message.status != Status.FAILED:
            return message  # already retried (a double click) or never failed
        if message.kind == Kind.PLAN_PROBLEM:
            raise ValidationError(
                "This is not a message but a plan the reminder worker could not read: "
                "correct the plan (issue it again); the next run of the worker reads it again."
            )
        address = contact(message.patient)
        if address is None:
            raise ValidationError(
                "The patient's record has no e-mail address or mobile number: add one first."
            )
        message.channel, message.recipient = address  # the address as corrected since
        message.status = Status.PENDING
        message.attempts = 0
        message.next_attempt_at = timezone.now()
        message.lease_until = None
        message.lease_token = ""
        message.save(
            update_fields=[
                "status",
                "attempts",
                "next_attempt_at",
                "lease_until",
                "lease_token",
                "channel",
                "recipient",
            ]
        )
        record(
            actor,
            "change",
            object_type="reminder",
            object_id=message.pk,
            patient_id=message.patient_id,
            detail={"retry": message.dedup_key, "last_error": message.last_error},
        )
    return message


def stop(actor: Actor, pk: int) -> OutboxMessage:
    """Stop a failed or waiting reminder (e.g. the address is known to be wrong)."""
    require_editor(actor, "Your role cannot stop reminders.")
    with transaction.atomic():
        message = _message_for(actor, pk)
        if message.status in (Status.PENDING, Status.FAILED):
            message.status = Status.STOPPED
            message.save(update_fields=["status"])
            record(
                actor,
                "change",
                object_type="reminder",
                object_id=message.pk,
                patient_id=message.patient_id,
                detail={"cancel": message.dedup_key},
            )
    return message
