"""Outbox rows for the reminder tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from halluxpath.patients.models import Episode
from halluxpath.reminders.models import OutboxMessage


def make_messages(
    episode: Episode,
    count: int,
    *,
    due: dt.datetime | None = None,
    channel: str = "email",
    recipient: str = "ada@example.org",
    prefix: str = "test",
) -> list[OutboxMessage]:
    when = due or timezone.now() - dt.timedelta(minutes=1)
    return OutboxMessage.objects.bulk_create(
        OutboxMessage(
            dedup_key=f"{prefix}:{i}",
            kind="check_in",
            patient_id=episode.patient_id,
            episode=episode,
            channel=channel,
            recipient=recipient,
            subject="How is your foot today?",
            body=f"Message {i}",
            source="test",
            due_at=when,
            next_attempt_at=when,
        )
        for i in range(count)
    )
