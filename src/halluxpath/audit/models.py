"""The append-only audit log (DOMAIN §18: who saw and changed what) and its seals.

Rows are never updated or deleted by the application: ``AuditEvent`` and
``AuditSeal`` refuse ``save()`` on an existing row and ``delete()``, and their
query sets refuse bulk ``update()`` and ``delete()``. Changes made behind the
application's back (raw SQL, a restored backup) are caught by ``halluxpath
audit verify`` (core.hashchain says how).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from django.db import models

from halluxpath.core.hashchain import Seal

_Row = TypeVar("_Row", bound=models.Model)


class AppendOnlyError(RuntimeError):
    """An attempt to change or remove an audit event or seal."""


class AppendOnlyQuerySet(models.QuerySet[_Row]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("the audit log cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("the audit log cannot be deleted from")


class AppendOnly(models.Model):
    """Rows are written once: no save over an existing row, no delete."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("the audit log cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("the audit log cannot be deleted from")


class Outcome(models.TextChoices):
    SUCCESS = "success", "Success"
    DENIED = "denied", "Denied"
    CONFLICT = "conflict", "Conflict"
    FAILED = "failed", "Failed"


class AuditEvent(AppendOnly):
    """One thing someone did or saw, with its own digest; a seal binds it to the history."""

    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    patient_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    detail = models.JSONField(default=dict, blank=True)
    digest = models.CharField(max_length=64)

    objects: ClassVar[AppendOnlyQuerySet[AuditEvent]] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type} {self.object_id}"

    def digest_payload(self) -> dict[str, Any]:
        """The fields the digest covers, in JSON-ready form (not the id: see core.hashchain)."""
        return {
            "occurred_at": self.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "actor_role": self.actor_role,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "patient_id": self.patient_id,
            "client_address": self.client_address,
            "outcome": self.outcome,
            "detail": self.detail,
        }


class AuditSeal(AppendOnly):
    """A batch of events bound, in id order, into the chain of seals (core.hashchain)."""

    number = models.PositiveBigIntegerField(unique=True)
    sealed_at = models.DateTimeField()
    first_event_id = models.BigIntegerField(db_index=True)
    last_event_id = models.BigIntegerField(db_index=True)
    event_count = models.PositiveIntegerField()
    event_ranges = models.JSONField()  # [[first, last], ...]: exactly the ids sealed
    merge_delay_seconds = models.PositiveIntegerField()
    batch_digest = models.CharField(max_length=64)
    contents_digest = models.CharField(max_length=64)
    previous_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)

    objects: ClassVar[AppendOnlyQuerySet[AuditSeal]] = AppendOnlyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"audit seal {self.number}: events {self.first_event_id}–{self.last_event_id}"

    @classmethod
    def from_core(cls, seal: Seal) -> AuditSeal:
        return cls(
            number=seal.number,
            sealed_at=seal.sealed_at,
            first_event_id=seal.first_event_id,
            last_event_id=seal.last_event_id,
            event_count=seal.event_count,
            event_ranges=[list(r) for r in seal.event_ranges],
            merge_delay_seconds=seal.merge_delay_seconds,
            batch_digest=seal.batch_digest,
            contents_digest=seal.contents_digest,
            previous_digest=seal.previous_digest,
            digest=seal.digest,
        )

    def to_core(self) -> Seal:
        sealed_at: datetime = self.sealed_at
        return Seal(
            number=self.number,
            sealed_at=sealed_at,
            event_ranges=tuple((int(first), int(last)) for first, last in self.event_ranges),
            event_count=self.event_count,
            merge_delay_seconds=self.merge_delay_seconds,
            batch_digest=self.batch_digest,
            contents_digest=self.contents_digest,
            previous_digest=self.previous_digest,
            digest=self.digest,
        )


class SealHead(models.Model):
    """The newest seal's number and digest: one row, locked by the sealer (never by appends).

    Holding this row's lock is what lets only one sealer seal at a time on
    PostgreSQL; SQLite runs every transaction IMMEDIATE, which does the same.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    number = models.PositiveBigIntegerField(default=0)
    digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit seals up to {self.number}"
