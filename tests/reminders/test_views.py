"""The care team sees failed reminders of their own patients and can retry or stop them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.audit.models import AuditEvent
from halluxpath.reminders.models import OutboxMessage, Status
from tests.conftest import Clinic
from tests.reminders.conftest import make_messages


def failed(clinic: Clinic) -> tuple[OutboxMessage, OutboxMessage]:
    clinic.patient_a.email = "ada@example.org"
    clinic.patient_a.save()
    mine = make_messages(clinic.patient_a.episodes.get(), 1, prefix="a")[0]
    theirs = make_messages(clinic.patient_b.episodes.get(), 1, prefix="b")[0]
    OutboxMessage.objects.update(
        status=Status.FAILED, attempts=5, last_error="The mail server refused the address."
    )
    return mine, theirs


def test_failures_are_listed_for_the_team_only(clinic: Clinic, client: Client) -> None:
    failed(clinic)
    client.force_login(clinic.user(Role.NURSE))
    page = client.get(reverse("reminders:outbox")).content.decode()
    assert "Ada Lovelace" in page  # full names (issue 12 item 10)
    assert "Hopper" not in page
    assert "The mail server refused the address." in page
    assert "Failed after the last try (1)" in page
    assert AuditEvent.objects.filter(object_type="reminder_list").exists()


def test_retry_and_stop(clinic: Clinic, client: Client) -> None:
    mine, _ = failed(clinic)
    client.force_login(clinic.user(Role.NURSE))
    url = reverse("reminders:change", args=[mine.pk])
    client.post(url, {"do": "retry"})
    client.post(url, {"do": "retry"})  # a double click changes nothing more
    mine.refresh_from_db()
    assert (mine.status, mine.attempts) == (Status.PENDING, 0)
    assert AuditEvent.objects.filter(object_type="reminder", object_id=str(mine.pk)).count() == 1
    client.post(url, {"do": "stop"})
    mine.refresh_from_db()
    assert mine.status == Status.STOPPED


def test_another_teams_reminder_is_not_found(clinic: Clinic, client: Client) -> None:
    _, theirs = failed(clinic)
    client.force_login(clinic.user(Role.NURSE))
    response = client.post(reverse("reminders:change", args=[theirs.pk]), {"do": "retry"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.FAILED


@pytest.mark.parametrize("role", [Role.PHYSIOTHERAPIST, Role.RESEARCHER, Role.PATIENT])
def test_roles_that_may_not_change(clinic: Clinic, client: Client, role: Role) -> None:
    mine, _ = failed(clinic)
    client.force_login(clinic.user(role))
    response = client.post(reverse("reminders:change", args=[mine.pk]), {"do": "retry"})
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.status == Status.FAILED


def test_an_unknown_status_filter_falls_back_to_failures(clinic: Clinic, client: Client) -> None:
    failed(clinic)
    client.force_login(clinic.user(Role.NURSE))
    response = client.get(reverse("reminders:outbox"), {"status": "<script>"})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_retry_goes_to_the_corrected_address(clinic: Clinic, client: Client) -> None:
    mine, _ = failed(clinic)
    clinic.patient_a.email = "ada.lovelace@example.org"
    clinic.patient_a.save()
    client.force_login(clinic.user(Role.NURSE))
    client.post(reverse("reminders:change", args=[mine.pk]), {"do": "retry"})
    mine.refresh_from_db()
    assert (mine.status, mine.channel, mine.recipient) == (
        Status.PENDING,
        "email",
        "ada.lovelace@example.org",
    )


def test_retry_without_any_address_says_so(clinic: Clinic, client: Client) -> None:
    mine, _ = failed(clinic)
    clinic.patient_a.email = ""
    clinic.patient_a.save()
    client.force_login(clinic.user(Role.NURSE))
    response = client.post(
        reverse("reminders:change", args=[mine.pk]), {"do": "retry"}, follow=True
    )
    assert "no e-mail address or mobile number" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == Status.FAILED
