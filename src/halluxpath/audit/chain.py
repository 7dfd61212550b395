"""Appending audit events, and checking them against the chain of seals (core.hashchain).

An append is one INSERT of a row that carries its own digest: no head row,
no lock shared between requests, no read of any other event. Binding events
into the history is the sealer's work (audit.sealer).
"""

from __future__ import annotations

import json
from collections.abc import Generator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent, AuditSeal, SealHead
from halluxpath.core.hashchain import (
    LoggedEvent,
    LogReport,
    Seal,
    SealRecord,
    entry_digest,
    verify_log,
)


def merge_delay() -> timedelta:
    """How long a gap left by a late commit stays open (core.hashchain, docs/operations.md)."""
    return timedelta(seconds=settings.AUDIT_MERGE_DELAY_SECONDS)


def as_stored(detail: dict[str, Any]) -> dict[str, Any]:
    """Turn dates, decimals and the like into strings, exactly as stored.

    The digest is computed over what the database will give back, so the
    value is passed through JSON once before hashing.
    """
    return json.loads(json.dumps(detail, default=str, allow_nan=False))  # type: ignore[no-any-return]


def append(
    actor: Actor,
    action: str,
    *,
    object_type: str,
    object_id: object,
    patient_id: int | None,
    outcome: str,
    detail: dict[str, Any],
    occurred_at: datetime | None = None,
) -> AuditEvent:
    user = actor.user
    event = AuditEvent(
        occurred_at=occurred_at or timezone.now(),
        actor_id=user.pk if user is not None else None,
        actor_username=user.username if user is not None else "",
        actor_role=user.role if user is not None else "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id not in (None, "") else "",
        patient_id=patient_id,
        client_address=actor.client_address,
        outcome=outcome,
        detail=as_stored(detail),
    )
    event.digest = entry_digest(event.digest_payload())
    event.save(force_insert=True)
    return event


def _seals(newest: int | None, order: str) -> Generator[Seal]:
    rows = AuditSeal.objects.order_by(order)
    if newest is not None:
        rows = rows.filter(number__lte=newest)
    for row in rows.iterator(chunk_size=2000):
        yield row.to_core()


def _events() -> Generator[LoggedEvent]:
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        yield LoggedEvent(event.pk, event.occurred_at, event.digest_payload(), event.digest)


def verify(*, known: SealRecord | None = None) -> LogReport:
    """Check every event against its seal and the seals against the sealer's record.

    Seals are read up to the sealer's record of the newest one, so a seal
    made while this runs is left for the next check; its events count as not
    yet sealed.
    """
    head_row = SealHead.objects.filter(pk=1).first()
    head = SealRecord(head_row.number, head_row.digest) if head_row is not None else None
    newest = head.number if head is not None else None
    readers = (_seals(newest, "number"), _events(), _seals(newest, "first_event_id"))
    try:
        return verify_log(
            readers[0],
            readers[1],
            seals_by_first_event=readers[2],
            head=head,
            now=timezone.now(),
            merge_delay=merge_delay(),
            known=known,
        )
    finally:
        for reader in readers:  # a problem stops the check early: close the cursors now
            reader.close()
