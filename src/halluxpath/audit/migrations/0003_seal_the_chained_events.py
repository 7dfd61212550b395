"""Carry the hash-chained log over to sealing: check the old chain, then seal it.

Until now each event's digest chained to the one before it, under one locked
head row. Here the old chain is checked exactly as ``audit verify`` checked
it; if it is broken the migration stops (sealing it would vouch for the
tampering). Otherwise each event gets its own digest (core.hashchain) and the
events are sealed in id order, 5,000 to a seal, all with the migration's
time. Reversing recomputes the old chained digests and removes the seals.
"""

from datetime import UTC, timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from halluxpath.core.hashchain import (
    GENESIS_DIGEST,
    ChainedEvent,
    entry_digest,
    event_digest,
    make_seal,
    verify_chain,
)

BATCH = 5000


def _fields(event):
    return {
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "actor_role": event.actor_role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "patient_id": event.patient_id,
        "client_address": event.client_address,
        "outcome": event.outcome,
        "detail": event.detail,
    }


def _chained_payload(event):
    # AuditEvent.chain_payload() as it was: the sequence, and the time as stored.
    return {
        "sequence": event.sequence,
        **_fields(event),
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
    }


def seal_chained_events(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    AuditSeal = apps.get_model("audit", "AuditSeal")
    SealHead = apps.get_model("audit", "SealHead")
    events = AuditEvent.objects.order_by("sequence")
    head = ChainHead.objects.filter(pk=1).first()
    report = verify_chain(
        (
            ChainedEvent(e.sequence, _chained_payload(e), e.previous_digest, e.digest)
            for e in events.iterator(chunk_size=2000)
        ),
        head_sequence=head.sequence if head else 0,
        head_digest=head.digest if head else GENESIS_DIGEST,
    )
    if not report.ok:
        raise RuntimeError(
            f"the audit chain is broken at event {report.broken_at}: {report.problem}. "
            "It cannot be sealed as it is: find out what happened (restore the log from a "
            "backup that verifies) before migrating."
        )
    changed = []
    for event in events.iterator(chunk_size=2000):
        event.digest = entry_digest(_fields(event))
        changed.append(event)
        if len(changed) == 2000:
            AuditEvent.objects.bulk_update(changed, ["digest"])
            changed = []
    AuditEvent.objects.bulk_update(changed, ["digest"])
    delay = timedelta(seconds=settings.AUDIT_MERGE_DELAY_SECONDS)
    now = timezone.now()
    previous = None
    entries = []

    def seal(entries, previous):
        made = make_seal(previous, entries, sealed_at=now, merge_delay=delay)
        AuditSeal.objects.create(
            number=made.number,
            sealed_at=made.sealed_at,
            first_event_id=made.first_event_id,
            last_event_id=made.last_event_id,
            event_count=made.event_count,
            event_ranges=[list(r) for r in made.event_ranges],
            merge_delay_seconds=made.merge_delay_seconds,
            batch_digest=made.batch_digest,
            contents_digest=made.contents_digest,
            previous_digest=made.previous_digest,
            digest=made.digest,
        )
        return made

    for pair in AuditEvent.objects.order_by("id").values_list("id", "digest").iterator(2000):
        entries.append(pair)
        if len(entries) == BATCH:
            previous, entries = seal(entries, previous), []
    if entries:
        previous = seal(entries, previous)
    SealHead.objects.create(
        pk=1,
        number=previous.number if previous else 0,
        digest=previous.digest if previous else GENESIS_DIGEST,
    )


def unseal(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    apps.get_model("audit", "AuditSeal").objects.all().delete()
    apps.get_model("audit", "SealHead").objects.all().delete()
    changed = []
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000):
        event.digest = event_digest(event.previous_digest, _chained_payload(event))
        changed.append(event)
    AuditEvent.objects.bulk_update(changed, ["digest"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_seals"),
    ]

    operations = [migrations.RunPython(seal_chained_events, unseal)]
