"""A log written by the hash-chained release verifies once migrated to sealing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from halluxpath.audit import record
from halluxpath.audit.chain import verify
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditSeal
from halluxpath.audit.sealer import SealingResult, seal_pending
from halluxpath.core.hashchain import GENESIS_DIGEST, event_digest

CHAINED = [("audit", "0001_initial")]


def write_chained_log(apps: Apps, count: int) -> None:
    """Events as the chained release appended them: sequence, previous digest, digest."""
    event_model = apps.get_model("audit", "AuditEvent")
    previous = GENESIS_DIGEST
    for sequence in range(1, count + 1):
        event = event_model(
            sequence=sequence,
            occurred_at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC) + timedelta(minutes=sequence),
            actor_id=None,
            actor_username="",
            actor_role="system",
            action="view",
            object_type="patient",
            object_id=str(sequence),
            patient_id=sequence,
            client_address="192.0.2.7",
            outcome="success",
            detail={"n": sequence, "note": "ünïcode ✓"},
            previous_digest=previous,
        )
        payload = {
            "sequence": sequence,
            "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
            **{
                name: getattr(event, name)
                for name in (
                    "actor_id",
                    "actor_username",
                    "actor_role",
                    "action",
                    "object_type",
                    "object_id",
                    "patient_id",
                    "client_address",
                    "outcome",
                    "detail",
                )
            },
        }
        event.digest = previous = event_digest(previous, payload)
        event.save()
    apps.get_model("audit", "ChainHead").objects.create(pk=1, sequence=count, digest=previous)


@pytest.fixture
def chained_release(transactional_db: None) -> Iterator[Apps]:
    """The audit tables as the chained release had them; migrated forward again afterwards."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("audit")
    executor.migrate(CHAINED)
    try:
        yield executor.loader.project_state(CHAINED).apps
    finally:
        with connection.cursor() as cursor:  # whatever the test left, the next test starts clean
            cursor.execute("DELETE FROM audit_auditevent")
            if "audit_chainhead" in connection.introspection.table_names(cursor):
                cursor.execute("DELETE FROM audit_chainhead")
        MigrationExecutor(connection).migrate(latest)


def migrate_forward() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("audit"))


def test_a_chained_log_is_sealed_by_the_migration_and_verifies(chained_release: Apps) -> None:
    write_chained_log(chained_release, 7)
    migrate_forward()
    report = verify()
    assert (report.ok, report.sealed, report.seals, report.unsealed) == (True, 7, 1, 0)
    assert AuditSeal.objects.get().event_count == 7
    assert seal_pending() == SealingResult()
    record(Actor(None), "view", object_type="patient", object_id=1, patient_id=1)
    assert seal_pending() == SealingResult(seals=1, events=1)
    assert verify().ok


def test_a_broken_chained_log_stops_the_migration(chained_release: Apps) -> None:
    write_chained_log(chained_release, 4)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET object_id = 'forged' WHERE sequence = 2")
    with pytest.raises(RuntimeError, match="audit chain is broken at event 2"):
        migrate_forward()
