"""Audit test helpers: a clock the test moves, and events written and sealed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from halluxpath.accounts.models import Role
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from tests.conftest import Clinic


@dataclass
class Clock:
    now: datetime

    def advance(self, **elapsed: float) -> None:
        self.now += timedelta(**elapsed)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """``timezone.now()`` for events, seals and checks alike, moved by the test."""
    clock = Clock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def views_of_patient_a(clinic: Clinic, count: int) -> list[int]:
    """``count`` views of patient A's record by the surgeon; their ids, ascending."""
    actor = Actor(clinic.user(Role.SURGEON), "192.0.2.10")
    for n in range(count):
        record(
            actor,
            "view",
            object_type="patient",
            object_id=clinic.patient_a.pk,
            patient_id=clinic.patient_a.pk,
            detail={"n": n},
        )
    return list(AuditEvent.objects.order_by("id").values_list("id", flat=True))[-count:]
