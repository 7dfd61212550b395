"""The audit log is append-only and tampering with it is detected."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.audit import record
from halluxpath.audit.chain import verify
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AppendOnlyError, AuditEvent
from halluxpath.audit.sealer import seal_pending
from halluxpath.cli import main
from halluxpath.core.hashchain import Problem
from tests.conftest import Clinic


def write_events(clinic: Clinic, count: int = 5) -> list[int]:
    """``count`` views of patient A's record; their ids (not 1, 2, ... on PostgreSQL)."""
    actor = Actor(clinic.user(Role.SURGEON), "192.0.2.10")
    for n in range(count):
        record(
            actor,
            "view",
            object_type="patient",
            object_id=clinic.patient_a.pk,
            patient_id=clinic.patient_a.pk,
            detail={"n": n, "note": "ünïcode ✓"},
        )
    return list(AuditEvent.objects.order_by("id").values_list("id", flat=True))[-count:]


def test_the_chain_of_a_fresh_log_verifies(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    write_events(clinic)
    seal_pending()
    report = verify()
    assert report.ok
    assert report.checked == 5
    call_command("audit", "verify")
    assert "intact: 5 events" in capsys.readouterr().out


def test_an_edited_row_breaks_the_chain_and_the_command_fails(clinic: Clinic) -> None:
    third = write_events(clinic)[2]
    with connection.cursor() as cursor:  # behind the application's back
        cursor.execute(
            "UPDATE audit_auditevent SET actor_username = %s WHERE id = %s",
            ["someone-else", third],
        )
    report = verify()
    assert not report.ok
    assert report.broken_at == third
    with pytest.raises(CommandError, match=f"BROKEN at event {third}") as failure:
        call_command("audit", "verify")
    assert failure.value.returncode == 1


def test_the_console_command_exits_non_zero_on_a_broken_chain(clinic: Clinic) -> None:
    second = write_events(clinic)[1]
    seal_pending()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [second])
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", "verify"])
    assert exit_info.value.code == 1


def test_removing_the_newest_events_is_detected(clinic: Clinic) -> None:
    fourth = write_events(clinic)[3]
    seal_pending()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id >= %s", [fourth])
    report = verify()
    assert not report.ok
    assert (report.kind, report.broken_at) == (Problem.EVENT_DELETED, fourth)
    assert "seal 1 holds it" in report.problem


def test_the_application_cannot_change_or_delete_events(clinic: Clinic) -> None:
    write_events(clinic, 1)
    event = AuditEvent.objects.get()
    event.action = "nothing"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(action="nothing")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert verify().ok


def test_events_carry_actor_role_patient_address_and_outcome(clinic: Clinic) -> None:
    write_events(clinic, 1)
    event = AuditEvent.objects.get()
    assert (
        event.actor_username,
        event.actor_role,
        event.action,
        event.object_type,
        event.patient_id,
        event.client_address,
        event.outcome,
    ) == ("surgeon", "surgeon", "view", "patient", clinic.patient_a.pk, "192.0.2.10", "success")
    assert event.occurred_at.tzinfo is not None


def test_only_administrators_open_the_audit_page(clinic: Clinic, client: Client) -> None:
    for role in Role:
        if role == Role.ADMIN:
            continue
        client.force_login(clinic.user(role))
        assert client.get(reverse("audit:events")).status_code == 403


def test_the_audit_page_filters_events(clinic: Clinic, client: Client) -> None:
    write_events(clinic, 3)
    record(
        Actor(clinic.user(Role.NURSE)),
        "change",
        object_type="patient",
        object_id=clinic.patient_b.pk,
        patient_id=clinic.patient_b.pk,
        outcome="denied",
    )
    client.force_login(clinic.user(Role.ADMIN))
    url = reverse("audit:events")
    page = client.get(url, {"actor": "nurse"}).content.decode()
    assert "1 event<" in page
    page = client.get(
        url, {"outcome": "denied", "patient": str(clinic.patient_b.pk)}
    ).content.decode()
    assert "1 event<" in page
    page = client.get(url, {"action": "view", "actor": "surgeon"}).content.decode()
    assert "3 events" in page
    bad = client.get(url, {"since": "not-a-date", "patient": "abc"})
    assert bad.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain() -> None:
    """Two threads appending at once, with no lock between them: every event is kept."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def append_many(worker: int) -> None:
        try:
            for n in range(25):
                record(Actor(None), "view", object_type="test", detail={"w": worker, "n": n})
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(append_many, [1, 2]))
    report = verify()
    assert report.ok
    assert report.checked == 50
    seal_pending()
    assert verify().sealed == 50
