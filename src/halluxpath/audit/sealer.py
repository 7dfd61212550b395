"""The sealer: binds new audit events into the chain of seals, one batch per seal.

Only one sealer seals at a time: each seal is made in one transaction that
first locks the ``SealHead`` row, which appends never touch (on SQLite every
transaction is IMMEDIATE, so writers take turns anyway). Two sealers started
by mistake therefore take turns too, and each one reads what is left to seal
only once it holds the lock, so no event is sealed twice.

What is left to seal is every event above the highest id sealed so far, and
those in gaps the merge delay still keeps open (core.hashchain: ids are
allocated at INSERT, transactions commit in any order). The stored digest is
sealed as it is, never recomputed from the row: an event changed before it
was sealed then fails ``audit verify`` instead of being sealed as changed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from halluxpath.audit.chain import merge_delay
from halluxpath.audit.models import AuditEvent, AuditSeal, SealHead
from halluxpath.core.hashchain import (
    GENESIS_DIGEST,
    Seal,
    SealingHorizon,
    make_seal,
    seal_digest,
    sealing_horizon,
)

SEAL_BATCH_SIZE = 5000  # events per seal at most: one seal's work stays well under a second
_GAPS_PER_QUERY = 100  # SQLite limits how deeply one WHERE clause may nest


class SealerError(RuntimeError):
    """The seals are not as the sealer left them: sealing stops until someone looks."""


@dataclass(frozen=True)
class SealingResult:
    seals: int = 0
    events: int = 0


def _horizon(now: datetime) -> SealingHorizon:
    delay = merge_delay()
    boundary = (
        AuditSeal.objects.filter(sealed_at__lt=now - delay)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    settled = 0
    if boundary is not None:
        settled = (
            AuditSeal.objects.filter(number__lte=boundary)
            .order_by("-last_event_id")
            .values_list("last_event_id", flat=True)
            .first()
        ) or 0
    recent = AuditSeal.objects.filter(number__gt=boundary or 0).order_by("number")
    return sealing_horizon(
        [seal.to_core() for seal in recent],
        settled_high_water=settled,
        now=now,
        merge_delay=delay,
    )


def _unsealed(horizon: SealingHorizon, limit: int) -> list[tuple[int, str]]:
    """Up to ``limit`` events still to seal, as ``(id, digest)`` in id order."""
    events = AuditEvent.objects.order_by("id").values_list("id", "digest")
    found = list(events.filter(id__gt=horizon.high_water)[:limit])
    gaps = horizon.open_gaps
    for start in range(0, len(gaps), _GAPS_PER_QUERY):
        in_gaps = Q()
        for first, last in gaps[start : start + _GAPS_PER_QUERY]:
            in_gaps |= Q(id__range=(first, last))
        found += events.filter(in_gaps)[:limit]
    return sorted(found)[:limit]


def _locked_head() -> SealHead:
    """The sealer's row, locked until the transaction ends: sealers take turns here."""
    head = SealHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    # Migration audit.0003 makes the row; it is made again only for a log with no seals.
    if AuditSeal.objects.exists():
        raise SealerError("the sealer's record of the newest seal is missing")
    try:
        with transaction.atomic():
            SealHead.objects.create(pk=1, number=0, digest=GENESIS_DIGEST)
    except IntegrityError:
        pass  # another sealer made it first; its lock is released once it commits
    return SealHead.objects.select_for_update().get(pk=1)


def seal_once(batch_size: int = SEAL_BATCH_SIZE) -> Seal | None:
    """Make one seal over the oldest events still to seal, if there are any."""
    with transaction.atomic():
        head = _locked_head()
        previous_row = AuditSeal.objects.filter(number=head.number).first()
        previous = previous_row.to_core() if previous_row is not None else None
        if head.number and (
            previous is None
            or previous.digest != head.digest
            or seal_digest(previous) != previous.digest
        ):
            raise SealerError(
                f"seal {head.number} is not as the sealer left it: run `halluxpath audit verify`"
            )
        if AuditSeal.objects.filter(number__gt=head.number).exists():
            raise SealerError(
                f"there are seals after seal {head.number} that this sealer did not make"
            )
        now = timezone.now()  # after the lock: a seal's time is when it was made
        entries = _unsealed(_horizon(now), batch_size)
        if not entries:
            return None
        seal = make_seal(previous, entries, sealed_at=now, merge_delay=merge_delay())
        AuditSeal.from_core(seal).save(force_insert=True)
        head.number, head.digest = seal.number, seal.digest
        head.save(update_fields=["number", "digest"])
    return seal


def seal_pending(
    batch_size: int = SEAL_BATCH_SIZE, stop: threading.Event | None = None
) -> SealingResult:
    """Seal everything there is to seal now, one seal per batch (stops early on ``stop``)."""
    seals = events = 0
    while stop is None or not stop.is_set():
        seal = seal_once(batch_size)
        if seal is None:
            break
        seals += 1
        events += seal.event_count
    return SealingResult(seals, events)
