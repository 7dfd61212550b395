"""The site rule: nobody at one site sees anything of another (docs/access.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from halluxpath.audit.context import Actor
from halluxpath.core.episode import DEFAULT_DIAGNOSIS
from halluxpath.patients import access, actions
from halluxpath.patients.models import Patient
from halluxpath.patients.schemas import EpisodeDetails, PatientDetails
from halluxpath.sites.actions import SiteInput, add_site
from halluxpath.sites.keys import deid_key, deid_key_path
from halluxpath.sites.models import Site, default_site
from tests.conftest import World, make_patient


def test_staff_of_the_second_site_see_nothing_of_the_first(world: World, client: Client) -> None:
    for user in (world.surgeon_c, world.admin_c):
        assert set(access.visible_patients(user)) == {world.p_other_site}
        assert {e.patient for e in access.visible_episodes(user)} == {world.p_other_site}
        client.force_login(user)
        page = client.get(reverse("patients:worklist"), {"status": "all"}).content.decode()
        assert "Edith" in page
        assert "Ada" not in page
        assert "Grace" not in page
        assert client.get(reverse("patients:detail", args=[world.p_own.pk])).status_code == 404
        episode = world.episode(world.p_own)
        edit = reverse("patients:episode_edit", args=[episode.pk])
        assert client.get(edit).status_code == 404


def test_the_first_sites_admin_sees_only_the_first_site(world: World) -> None:
    assert world.p_other_site not in access.visible_patients(world.admin)
    assert set(access.visible_patients(world.admin)) == {
        world.p_own,
        world.p_same_team,
        world.p_other_team,
    }


def test_research_counts_are_the_sites_own(world: World, client: Client) -> None:
    for n in range(8):
        make_patient(f"C-{n:04d}", world.surgeon_c, world.team_c)
    client.force_login(world.researcher)
    rows = dict(client.get(reverse("patients:research")).context["rows"])
    assert rows["Referred"] == "*"  # site 1's three (suppressed), not site 2's eight as well
    assert access.visible_patients(world.researcher).count() == 0


def test_care_team_and_surgeon_choices_come_from_the_users_site(
    world: World, client: Client
) -> None:
    client.force_login(world.admin_c)
    page = client.get(reverse("patients:create")).content.decode()
    assert "Team C" in page
    assert "Team A" not in page


def _data(number: str) -> PatientDetails:
    return PatientDetails.model_validate(
        {
            "hospital_number": number,
            "given_name": "Rosa",
            "family_name": "Franklin",
            "date_of_birth": dt.date(1950, 7, 25),
            "sex": "female",
        }
    )


def test_a_hospital_number_is_unique_per_site(world: World) -> None:
    episode = {
        "side": "right",
        "diagnosis": DEFAULT_DIAGNOSIS,
        "referred_on": dt.date(2026, 1, 5),
    }
    # W-0001 exists at both sites already (the world made it so); a new one:
    at_c = actions.create_patient(
        Actor(world.admin_c),
        _data("X-0001"),
        EpisodeDetails.model_validate(
            {**episode, "care_team": world.team_c, "responsible_surgeon": world.surgeon_c}
        ),
    )
    at_a = actions.create_patient(
        Actor(world.admin),
        _data("X-0001"),
        EpisodeDetails.model_validate(
            {**episode, "care_team": world.team_a, "responsible_surgeon": world.surgeon}
        ),
    )
    assert (at_a.site, at_c.site) == (world.site1, world.site2)
    with pytest.raises(ValidationError) as refused:
        actions.create_patient(
            Actor(world.admin),
            _data("X-0001"),
            EpisodeDetails.model_validate(
                {**episode, "care_team": world.team_a, "responsible_surgeon": world.surgeon}
            ),
        )
    assert refused.value.message_dict == {"hospital_number": [actions.DUPLICATE_NUMBER]}


def test_an_episode_cannot_use_a_team_of_another_site(world: World) -> None:
    episode = {
        "side": "right",
        "diagnosis": DEFAULT_DIAGNOSIS,
        "referred_on": dt.date(2026, 1, 5),
        "care_team": world.team_c,
        "responsible_surgeon": world.surgeon_c,
    }
    with pytest.raises(ValidationError) as refused:
        actions.create_patient(
            Actor(world.admin), _data("Y-0001"), EpisodeDetails.model_validate(episode)
        )
    assert "care_team" in refused.value.message_dict


def test_existing_rows_are_in_the_default_site(clinic: object) -> None:
    """The migrations made one site and every fixture row belongs to it."""
    site = default_site()
    assert site.slug == "main"
    assert set(Patient.objects.values_list("site", flat=True)) == {site.pk}


def test_pages_show_the_sites_local_date(world: World, client: Client) -> None:
    from django.utils import timezone

    seen: dict[str, str] = {}

    def view(request: object) -> None:
        seen["zone"] = str(timezone.get_current_timezone())

    from halluxpath.sites.middleware import SiteTimeZoneMiddleware

    class Request:
        user = world.surgeon_c

    SiteTimeZoneMiddleware(view)(Request())  # type: ignore[arg-type]
    assert seen["zone"] == "America/New_York"
    assert str(timezone.get_current_timezone()) == str(timezone.get_default_timezone())


def test_each_site_has_its_own_deidentification_key(
    world: World, settings: Settings, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    assert deid_key_path(world.site1) == tmp_path / "deid_key"
    assert deid_key_path(world.site2) == tmp_path / "sites" / "second" / "deid_key"
    first, second = deid_key(world.site1), deid_key(world.site2)
    assert first != second
    assert deid_key(world.site2) == second  # stable once made


def test_an_operator_adds_a_site(db: None) -> None:
    call_command("add_site", "north", "--name", "North Clinic", "--time-zone", "Europe/Oslo")
    assert Site.objects.get(slug="north").zone.key == "Europe/Oslo"
    with pytest.raises(ValidationError) as refused:
        add_site(Actor(None), SiteInput(slug="bad", name="Bad", time_zone="Mars/Olympus"))
    assert "time_zone" in refused.value.message_dict


def test_each_site_remaps_the_same_uid_differently(world: World) -> None:
    """The same original study UID gives a different pseudonym at each site (DOMAIN §18)."""
    from halluxpath.imaging.deid import remap_uid
    from halluxpath.sites.keys import deid_key

    original = "1.2.826.0.1.3680043.8.498.1"
    here = remap_uid(original, deid_key(world.site1))
    there = remap_uid(original, deid_key(world.site2))
    assert here != there
    assert here == remap_uid(original, deid_key(world.site1))  # stable at one site


def test_an_administrator_reads_only_their_own_sites_audit_log(
    world: World, client: Client
) -> None:
    client.force_login(world.surgeon)
    client.get(reverse("patients:detail", args=[world.p_own.pk]))
    client.force_login(world.admin_c)
    page = client.get(reverse("audit:events")).content.decode()
    assert world.surgeon.username not in page
    client.force_login(world.admin)
    page = client.get(reverse("audit:events")).content.decode()
    assert world.surgeon.username in page
