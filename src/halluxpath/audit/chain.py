"""Appending to and verifying the audit hash chain (core.hashchain)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent, ChainHead
from halluxpath.core.hashchain import (
    GENESIS_DIGEST,
    ChainedEvent,
    ChainReport,
    event_digest,
    verify_chain,
)


def _json_ready(detail: dict[str, Any]) -> dict[str, Any]:
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
) -> AuditEvent:
    user = actor.user
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"sequence": 0, "digest": GENESIS_DIGEST}
        )
        event = AuditEvent(
            sequence=head.sequence + 1,
            occurred_at=timezone.now(),
            actor_id=user.pk if user is not None else None,
            actor_username=user.username if user is not None else "",
            actor_role=user.role if user is not None else "system",
            action=action,
            object_type=object_type,
            object_id=str(object_id) if object_id not in (None, "") else "",
            patient_id=patient_id,
            client_address=actor.client_address,
            outcome=outcome,
            detail=_json_ready(detail),
            previous_digest=head.digest,
        )
        event.digest = event_digest(head.digest, event.chain_payload())
        event.save()
        head.sequence = event.sequence
        head.digest = event.digest
        head.save(update_fields=["sequence", "digest"])
    return event


def _stored_events() -> Iterator[ChainedEvent]:
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        yield ChainedEvent(
            event.sequence, event.chain_payload(), event.previous_digest, event.digest
        )


def verify() -> ChainReport:
    """Check the whole stored chain against its recorded head."""
    head = ChainHead.objects.filter(pk=1).first()
    return verify_chain(
        _stored_events(),
        head_sequence=head.sequence if head else 0,
        head_digest=head.digest if head else GENESIS_DIGEST,
    )
