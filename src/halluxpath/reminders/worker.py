"""The worker that sends due outbox messages.

How it stays correct with several workers, and when one dies:

1. **Claim.** In one short transaction a worker picks up to ``batch_size``
   due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers pass each
   other by; SQLite runs the transaction ``IMMEDIATE``, one writer at a time)
   and stamps them with a fresh random lease token and a lease end. The
   update repeats the "due and not leased" condition, so a row is stamped by
   one worker only; the worker then sends only rows carrying its own token.
2. **Send, then mark.** Each message is marked sent, by token, right after
   the channel accepts it. A worker never starts a send when less than
   ``SAFETY_MARGIN`` of its lease is left; it hands the rest back.
3. **Recover.** Rows of a worker that died keep their token until the lease
   ends; then any worker claims them again. Messages it had sent and marked
   stay sent. At most the one message in flight at the moment of death can
   be sent again, and it carries the same deduplication key as idempotency
   key (reminders.channels), which the gateway uses to drop the repeat.
4. **Retry.** A failure that may pass is tried again after 1, 2, 4, 8 … minutes
   (at most 6 hours); after ``max_attempts`` tries, or at once for a failure
   that cannot pass, the row is marked failed and shown to staff.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from halluxpath.reminders.channels import DeliveryError, Outgoing, Sender, open_sender
from halluxpath.reminders.models import Kind, OutboxMessage, Status

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)
SAFETY_MARGIN = dt.timedelta(seconds=60)  # longer than EMAIL_TIMEOUT
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=6)
LINK_NOT_KEPT = "(An invitation link: not kept once sent.)"


def default_worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: 1, 2, 4, … minutes after the 1st, 2nd, 3rd … try, capped."""
    delay: dt.timedelta = FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20)
    return min(delay, LONGEST_RETRY)


def _due(now: dt.datetime) -> Q:
    return Q(status=Status.PENDING, next_attempt_at__lte=now) & (
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )


def claim(
    worker: str, *, batch_size: int, lease: dt.timedelta = LEASE
) -> tuple[str, list[OutboxMessage]]:
    """Lease up to ``batch_size`` due messages to ``worker``; returns the token and rows."""
    now = timezone.now()
    token = secrets.token_hex(16)
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(_due(now))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return token, []
        OutboxMessage.objects.filter(_due(now), pk__in=ids).update(
            lease_owner=worker[:100],
            lease_token=token,
            lease_until=now + lease,
            attempts=F("attempts") + 1,
        )
    rows = OutboxMessage.objects.filter(lease_token=token, status=Status.PENDING)
    return token, list(rows.order_by("next_attempt_at", "pk"))


def _release(token: str) -> None:
    """Hand unsent rows back at once instead of waiting for the lease to end."""
    OutboxMessage.objects.filter(lease_token=token, status=Status.PENDING).update(
        lease_until=None, lease_token="", attempts=F("attempts") - 1
    )


def _record_failure(message: OutboxMessage, token: str, error: DeliveryError) -> bool:
    """Schedule a retry, or mark the message failed; True when it failed for good."""
    reason = str(error)[:500]
    mine = OutboxMessage.objects.filter(pk=message.pk, lease_token=token)
    if error.retry and message.attempts < settings.HALLUXPATH_REMINDER_MAX_ATTEMPTS:
        mine.update(
            next_attempt_at=timezone.now() + retry_delay(message.attempts),
            lease_until=None,
            lease_token="",
            last_error=reason,
        )
        return False
    mine.update(status=Status.FAILED, lease_until=None, last_error=reason)
    log.warning("reminder %s failed for good after %s tries", message.pk, message.attempts)
    return True


@dataclass
class DrainResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    batches: int = 0


def send_batch(
    worker: str,
    *,
    batch_size: int = 100,
    lease: dt.timedelta = LEASE,
    sender: Sender | None = None,
    stop: threading.Event | None = None,
) -> DrainResult | None:
    """Claim one batch and send it; None when nothing is due."""
    token, messages = claim(worker, batch_size=batch_size, lease=lease)
    if not messages:
        return None
    result = DrainResult(batches=1)
    close: Callable[[], None] = lambda: None  # noqa: E731
    if sender is None:
        sender, close = open_sender()
    lease_ends = min(m.lease_until for m in messages if m.lease_until is not None)
    try:
        for message in messages:
            if (stop is not None and stop.is_set()) or (
                timezone.now() > lease_ends - min(SAFETY_MARGIN, lease / 2)
            ):
                break
            try:
                sender(
                    Outgoing(
                        message.dedup_key,
                        message.channel,
                        message.recipient,
                        message.subject,
                        message.body,
                    )
                )
            except Exception as error:  # one bad message must not stop the rest
                if not isinstance(error, DeliveryError):
                    log.exception("reminder %s: unexpected error while sending", message.pk)
                    error = DeliveryError(f"Unexpected error while sending: {error!r}"[:500])
                if _record_failure(message, token, error):
                    result.failed += 1
                else:
                    result.retrying += 1
                continue
            sent = {"status": Status.SENT, "sent_at": timezone.now(), "lease_until": None}
            if message.kind == Kind.INVITATION:
                sent["body"] = LINK_NOT_KEPT  # the one-time link is not kept once it is out
            OutboxMessage.objects.filter(pk=message.pk, lease_token=token).update(
                **sent, last_error=""
            )
            result.sent += 1
    finally:
        close()
        _release(token)
    return result


def drain(
    worker: str | None = None,
    *,
    batch_size: int = 100,
    lease: dt.timedelta = LEASE,
    sender: Sender | None = None,
    stop: threading.Event | None = None,
) -> DrainResult:
    """Send batches until nothing is due (or ``stop`` is set)."""
    name = worker or default_worker_name()
    total = DrainResult()
    while stop is None or not stop.is_set():
        batch = send_batch(name, batch_size=batch_size, lease=lease, sender=sender, stop=stop)
        if batch is None:
            break
        total.sent += batch.sent
        total.retrying += batch.retrying
        total.failed += batch.failed
        total.batches += 1
    return total
