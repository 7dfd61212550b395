"""One page view is one audit event listing every record the page showed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.audit.chain import verify
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.audit.pageviews import one_event_per_page
from halluxpath.audit.sealer import seal_pending
from halluxpath.patients.access import patient_for
from tests.conftest import Clinic

pytestmark = pytest.mark.urls("tests.audit.pages")


def views() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="view").order_by("id"))


def shown(event: AuditEvent) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = event.detail["records"]
    return records


def test_the_patient_page_writes_one_view_event_listing_the_record(
    clinic: Clinic, client: Client
) -> None:
    patient = clinic.patient_a
    client.force_login(clinic.user(Role.SURGEON))
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 200
    [event] = views()
    assert shown(event) == [{"type": "patient", "id": str(patient.pk), "patient_id": patient.pk}]
    assert (event.object_type, event.object_id, event.patient_id) == (
        "patient",
        str(patient.pk),
        patient.pk,
    )
    assert (event.actor_username, event.client_address) == ("surgeon", "127.0.0.1")


def test_a_page_showing_several_records_is_one_event_without_repeats(
    clinic: Clinic, client: Client
) -> None:
    patient = clinic.patient_a
    episode = patient.episodes.get()
    client.force_login(clinic.user(Role.NURSE))
    client.get(f"/test/chart/{patient.pk}/")
    [event] = views()
    assert shown(event) == [
        {"type": "patient", "id": str(patient.pk), "patient_id": patient.pk},
        {"type": "episode", "id": str(episode.pk), "patient_id": patient.pk},
    ]
    assert "patients" not in event.detail  # one patient: the patient column says it all
    seal_pending()
    assert verify().ok


def test_a_page_that_crashes_after_showing_a_record_still_logs_it(
    clinic: Clinic, client: Client
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    with pytest.raises(RuntimeError, match="broke after reading"):
        client.get(f"/test/crash/{clinic.patient_a.pk}/")
    [event] = views()
    assert event.patient_id == clinic.patient_a.pk


def test_a_refusal_is_written_at_once_and_the_page_view_after_it(
    clinic: Clinic, client: Client
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    client.get(f"/test/refused/{clinic.patient_b.pk}/{clinic.patient_a.pk}/")
    refused, seen = views()
    assert (refused.outcome, refused.object_id) == ("denied", str(clinic.patient_b.pk))
    assert (seen.outcome, seen.patient_id) == ("success", clinic.patient_a.pk)


def test_a_rolled_back_change_leaves_no_event_but_the_view_is_kept(
    clinic: Clinic, client: Client
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    assert client.get(f"/test/rolled-back/{clinic.patient_a.pk}/").status_code == 200
    events = AuditEvent.objects.exclude(action="login")  # force_login records a sign-in
    assert list(events.values_list("action", flat=True)) == ["view"]


def test_the_audit_page_finds_a_view_of_two_patients_under_either(
    clinic: Clinic, client: Client
) -> None:
    a, b = clinic.patient_a.pk, clinic.patient_b.pk
    client.force_login(clinic.user(Role.ADMIN))
    client.get(f"/test/two/{a}/{b}/")
    [event] = views()
    assert [r["patient_id"] for r in shown(event)] == [a, b]
    assert event.detail["patients"] == {str(a): 1, str(b): 1}
    assert event.patient_id == b  # the last record shown heads the event
    for patient in (a, b):
        page = client.get(reverse("audit:events"), {"patient": str(patient)}).content.decode()
        assert "1 event<" in page
        assert "and 1 more shown" in page


def test_outside_a_request_each_view_is_written_at_once(clinic: Clinic) -> None:
    actor = Actor(clinic.user(Role.SURGEON))
    patient_for(actor, clinic.patient_a.pk)
    patient_for(actor, clinic.patient_a.pk)
    assert [e.detail for e in views()] == [{}, {}]


def test_views_by_two_people_in_one_block_are_one_event_each(clinic: Clinic) -> None:
    surgeon, nurse = Actor(clinic.user(Role.SURGEON)), Actor(clinic.user(Role.NURSE))
    with one_event_per_page():
        patient_for(surgeon, clinic.patient_a.pk)
        patient_for(nurse, clinic.patient_a.pk)
        assert views() == []  # nothing is written until the page is done
    assert [e.actor_username for e in views()] == ["surgeon", "nurse"]
