"""Who may see and act on reminders (outbox messages): whoever may see their episode.

Built on the generic helper (halluxpath.access) and the episode rules of
patients.access; trying a reminder again or stopping it is a clinical
editor's (``permissions.may_change_clinical_records``).
"""

from __future__ import annotations

from django.db.models import QuerySet

from halluxpath.access import RecordAccess, register
from halluxpath.accounts.models import User
from halluxpath.patients.access import visible_episodes
from halluxpath.reminders.models import OutboxMessage


def visible_messages(user: User) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(episode__in=visible_episodes(user)).select_related(
        "patient", "episode"
    )


def _message_patient(message: OutboxMessage) -> int:
    return message.patient_id


REMINDERS = register(
    RecordAccess(
        "reminder",
        visible_messages,
        _message_patient,
        refusal="Your role cannot resend or stop reminders.",
    )
)
