"""The audit log names people by full name and role, not only by user name."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from halluxpath.audit import record
from halluxpath.audit.context import Actor
from tests.conftest import Clinic


def test_the_audit_log_shows_full_name_and_role(clinic: Clinic, client: Client) -> None:
    nurse = clinic.user("nurse")
    record(Actor(nurse), "change", object_type="episode", object_id=1)
    client.force_login(clinic.user("admin"))
    page = client.get(reverse("audit:events")).content.decode()
    assert "<td>Nurse Test <small" in page
    assert "<td>Nurse</td>" in page  # the role's label
    assert "<td>nurse</td>" not in page


def test_someone_without_a_full_name_is_shown_by_user_name(clinic: Clinic, client: Client) -> None:
    nurse = clinic.user("nurse")
    nurse.first_name = nurse.last_name = ""
    nurse.save()
    record(Actor(nurse), "change", object_type="episode", object_id=1)
    client.force_login(clinic.user("admin"))
    assert "<td>nurse</td>" in client.get(reverse("audit:events")).content.decode()
