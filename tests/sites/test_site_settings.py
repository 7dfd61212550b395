"""A site's administrators edit its settings: checked, versioned, audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from halluxpath.audit.models import AuditEvent
from halluxpath.core.disclosure import SMALLEST_SHOWN
from halluxpath.sites.models import Site
from tests.conftest import Clinic, World


def settings_of(site: Site, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": site.name,
        "time_zone": site.time_zone,
        "reminder_hour": site.reminder_hour,
        "public_url": site.public_url,
        "phone_in_hours": "+44 (0)20 7946 0000",
        "phone_out_of_hours": "020 7946 0999",
        "address": "1 Foot Street\nLondon",
        "recurrence_hva_threshold": 20,
        "smallest_count_shown": SMALLEST_SHOWN + 2,
        "version": site.version,
        **overrides,
    }
    if values.get("second_factor_required", True) is False:
        values.pop("second_factor_required")
    else:
        values["second_factor_required"] = "on"
    return values


def test_an_administrator_sets_the_clinics_telephones_and_address(
    clinic: Clinic, client: Client
) -> None:
    site = clinic.user("admin").site
    client.force_login(clinic.user("admin"))
    assert "Settings of" in client.get(reverse("people:site_settings")).content.decode()
    response = client.post(
        reverse("people:site_settings"), settings_of(site, second_factor_required=False)
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.phone_in_hours == "+44 (0)20 7946 0000"
    assert site.address == "1 Foot Street\nLondon"
    assert site.recurrence_hva_threshold == 20
    assert not site.second_factor_required
    assert site.version == 2
    event = AuditEvent.objects.get(action="change", object_type="site")
    assert event.detail["changes"]["phone_out_of_hours"]["after"] == "020 7946 0999"
    page = client.get(reverse("people:site_settings")).content.decode()
    assert 'type="tel"' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Mars/Olympus", "not a known time zone"),
        ("time_zone", "../../etc/passwd", "not a known time zone"),
        ("reminder_hour", "24", "less than or equal to 23"),
        ("reminder_hour", "-1", "greater than or equal to 0"),
        ("reminder_hour", "ten", "whole number"),
        ("phone_in_hours", "call <script>", "Use digits"),
        ("phone_in_hours", "1" * 31, "at most 30"),
        ("address", "x" * 501, "at most 500"),
        ("name", "", "required"),
        ("name", "x" * 201, "at most 200"),
        ("public_url", "javascript:alert(1)", "valid URL"),
        ("recurrence_hva_threshold", "17", "valid choice"),
        ("smallest_count_shown", str(SMALLEST_SHOWN - 1), "Ensure this value is greater"),
        ("smallest_count_shown", "1e9", "whole number"),
        ("version", "abc", "out of date"),
        ("version", "99999999999999999999", "out of date"),
    ],
)
def test_bad_settings_are_form_errors_and_nothing_changes(
    clinic: Clinic, client: Client, field: str, value: str, message: str
) -> None:
    site = clinic.user("admin").site
    client.force_login(clinic.user("admin"))
    response = client.post(reverse("people:site_settings"), settings_of(site, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    site.refresh_from_db()
    assert site.version == 1
    assert client.get(reverse("people:site_settings")).status_code == 200


def test_two_administrators_editing_at_once_get_a_conflict(clinic: Clinic, client: Client) -> None:
    site = clinic.user("admin").site
    client.force_login(clinic.user("admin"))
    stale = settings_of(site)
    assert client.post(reverse("people:site_settings"), settings_of(site)).status_code == 302
    response = client.post(reverse("people:site_settings"), {**stale, "name": "Other name"})
    assert "changed by someone else" in response.content.decode()
    site.refresh_from_db()
    assert site.name != "Other name"


def test_an_administrator_changes_only_their_own_site(world: World, client: Client) -> None:
    client.force_login(world.admin_c)
    site2 = world.site2
    response = client.post(reverse("people:site_settings"), settings_of(site2, name="Renamed"))
    assert response.status_code == 302
    world.site1.refresh_from_db()
    site2.refresh_from_db()
    assert site2.name == "Renamed"
    assert world.site1.name != "Renamed"
