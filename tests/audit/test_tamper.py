"""Editing, deleting, inserting or reordering events behind the application's back is caught.

Tampering is done with raw SQL through Django's connection, as someone with
write access to the database would; the same tests run on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from halluxpath.accounts.models import Role
from halluxpath.audit import record
from halluxpath.audit.chain import verify
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent, AuditSeal
from halluxpath.audit.sealer import SealerError, seal_once, seal_pending
from halluxpath.core.hashchain import Problem, entry_digest
from tests.audit.conftest import Clock, views_of_patient_a
from tests.conftest import Clinic

COLUMNS = (
    "occurred_at, actor_id, actor_username, actor_role, action, object_type, object_id, "
    "patient_id, client_address, outcome, detail, digest"
)


def sql(statement: str, params: Sequence[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def copy_event(source: int, new_id: int) -> None:
    """Insert a copy of event ``source`` under ``new_id``: a well-formed event, digest and all."""
    sql(
        f"INSERT INTO audit_auditevent (id, {COLUMNS}) "  # noqa: S608 (fixed column list)
        f"SELECT %s, {COLUMNS} FROM audit_auditevent WHERE id = %s",
        [new_id, source],
    )


def sealed_views(clinic: Clinic, count: int = 6) -> list[int]:
    ids = views_of_patient_a(clinic, count)
    seal_pending()
    assert verify().ok
    return ids


def test_an_edited_sealed_event_is_caught_and_named(clinic: Clinic) -> None:
    ids = sealed_views(clinic)
    sql("UPDATE audit_auditevent SET actor_username = %s WHERE id = %s", ["someone", ids[2]])
    report = verify()
    assert (report.ok, report.kind, report.broken_at) == (False, Problem.EVENT_CHANGED, ids[2])
    with pytest.raises(CommandError, match=f"BROKEN at event {ids[2]}: event changed"):
        call_command("audit", "verify")


def test_an_edit_with_its_digest_recomputed_is_caught_by_the_seal(clinic: Clinic) -> None:
    ids = sealed_views(clinic)
    forged = AuditEvent.objects.get(pk=ids[1])
    forged.actor_username = "someone"
    sql(
        "UPDATE audit_auditevent SET actor_username = %s, digest = %s WHERE id = %s",
        ["someone", entry_digest(forged.digest_payload()), ids[1]],
    )
    report = verify()
    assert (report.ok, report.kind) == (False, Problem.EVENT_CHANGED)
    assert "changed together with its digest" in report.problem


def test_a_deleted_sealed_event_is_caught_and_named(clinic: Clinic) -> None:
    ids = sealed_views(clinic)
    sql("DELETE FROM audit_auditevent WHERE id = %s", [ids[0]])
    report = verify()
    assert (report.ok, report.kind, report.broken_at) == (False, Problem.EVENT_DELETED, ids[0])


def test_an_event_inserted_into_sealed_history_is_caught(clinic: Clinic, clock: Clock) -> None:
    ids = views_of_patient_a(clinic, 3)
    sql("DELETE FROM audit_auditevent WHERE id = %s", [ids[1]])  # as a rolled-back insert would
    seal_pending()
    clock.advance(minutes=11)  # past the merge delay: the gap is closed
    copy_event(ids[0], ids[1])
    report = verify()
    assert (report.ok, report.kind, report.broken_at) == (False, Problem.EVENT_INSERTED, ids[1])
    assert seal_pending().events == 0  # and the sealer will not vouch for it
    assert not verify().ok


def test_a_late_commit_within_the_merge_delay_is_not_yet_sealed_then_sealed(
    clinic: Clinic, clock: Clock
) -> None:
    """Event 2's transaction commits after event 3 was sealed: PostgreSQL allows it."""
    ids = views_of_patient_a(clinic, 3)
    sql("DELETE FROM audit_auditevent WHERE id = %s", [ids[1]])
    seal_pending()
    clock.advance(minutes=1)
    copy_event(ids[0], ids[1])  # commits now, with the id it was given before event 3's
    report = verify()
    assert report.ok
    assert (report.sealed, report.unsealed) == (2, 1)
    assert seal_pending().events == 1
    seals = list(AuditSeal.objects.values_list("event_ranges", flat=True))
    assert seals == [[[ids[0], ids[0]], [ids[2], ids[2]]], [[ids[1], ids[1]]]]
    clock.advance(hours=1)
    report = verify()
    assert (report.ok, report.sealed, report.unsealed) == (True, 3, 0)


def test_two_events_swapping_ids_are_reported_reordered(clinic: Clinic) -> None:
    ids = sealed_views(clinic)
    a, b = ids[1], ids[3]
    sql("UPDATE audit_auditevent SET id = %s WHERE id = %s", [-1, a])
    sql("UPDATE audit_auditevent SET id = %s WHERE id = %s", [a, b])
    sql("UPDATE audit_auditevent SET id = %s WHERE id = %s", [b, -1])
    report = verify()
    assert (report.ok, report.kind) == (False, Problem.EVENTS_REORDERED)
    with pytest.raises(CommandError, match="events reordered"):
        call_command("audit", "verify")


def test_two_events_swapping_contents_are_reported_reordered(clinic: Clinic) -> None:
    """Each row keeps its id and digest; what they say about whom changes places."""
    surgeon = Actor(clinic.user(Role.SURGEON))
    for patient in (clinic.patient_a, clinic.patient_b, clinic.patient_a):
        record(
            surgeon, "change", object_type="patient", object_id=patient.pk, patient_id=patient.pk
        )
    seal_pending()
    first, second = AuditEvent.objects.order_by("id")[:2]
    for target, source in ((first, second), (second, first)):
        sql(
            "UPDATE audit_auditevent SET occurred_at = %s, object_id = %s, patient_id = %s "
            "WHERE id = %s",
            [source.occurred_at, source.object_id, source.patient_id, target.pk],
        )
    report = verify()
    assert (report.ok, report.kind, report.broken_at) == (
        False,
        Problem.EVENTS_REORDERED,
        first.pk,
    )


def test_an_edited_seal_is_caught(clinic: Clinic) -> None:
    sealed_views(clinic)
    sql("UPDATE audit_auditseal SET merge_delay_seconds = %s WHERE number = 1", [99_999])
    report = verify()
    assert (report.ok, report.kind, report.broken_at) == (False, Problem.SEAL_CHANGED, 1)
    with pytest.raises(SealerError):
        seal_once()


def test_a_removed_seal_is_caught_in_the_middle_and_at_the_end(clinic: Clinic) -> None:
    views_of_patient_a(clinic, 6)
    seal_pending(batch_size=2)
    sql("DELETE FROM audit_auditseal WHERE number = 3", [])
    report = verify()
    assert (report.ok, report.kind, report.broken_at) == (False, Problem.SEAL_REMOVED, 3)
    assert "ends at seal 2 but 3 were made" in report.problem
    with pytest.raises(CommandError, match="seal 3 is not as the sealer left it") as refused:
        call_command("audit", "seal")
    assert refused.value.returncode == 1
    sql("DELETE FROM audit_auditseal WHERE number = 1", [])
    report = verify()
    assert (report.ok, report.kind, report.broken_at) == (False, Problem.SEAL_REMOVED, 1)


def test_events_not_yet_sealed_are_reported_but_are_no_failure(
    clinic: Clinic, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    sealed_views(clinic, 2)
    views_of_patient_a(clinic, 3)
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert (
        "audit log intact: 2 events sealed in 1 seal; 3 not yet sealed (newest at 2026-11-25 "
        in out
    )
    assert "newest seal 1:" in out


def test_a_history_rewritten_with_new_seals_differs_from_the_digest_kept_elsewhere(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = sealed_views(clinic, 3)
    kept = AuditSeal.objects.get(number=1).digest
    call_command("audit", "verify", "--known-seal", f"1:{kept}")
    # Someone edits an event, then throws the seals away and seals again.
    sql("UPDATE audit_auditevent SET actor_username = %s WHERE id = %s", ["someone", ids[0]])
    forged = AuditEvent.objects.get(pk=ids[0])
    sql(
        "UPDATE audit_auditevent SET digest = %s WHERE id = %s",
        [entry_digest(forged.digest_payload()), ids[0]],
    )
    sql("DELETE FROM audit_auditseal", [])
    sql("DELETE FROM audit_sealhead", [])
    seal_pending()
    assert verify().ok  # nothing in the database itself can tell
    with pytest.raises(CommandError, match="kept elsewhere"):
        call_command("audit", "verify", "--known-seal", f"1:{kept}")
