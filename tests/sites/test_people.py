"""Administrators run their own site's accounts: add, change, deactivate, never delete."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role, User
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.sites.actions import people
from halluxpath.sites.schemas import NewUser, UserChanges
from tests.conftest import Clinic, World, make_user

PASSWORD = "a-long-enough-pass-phrase"


def new_person(**overrides: object) -> dict[str, object]:
    return {
        "username": "j.bloggs",
        "first_name": "Jo",
        "last_name": "Bloggs",
        "email": "jo@example.org",
        "role": "nurse",
        "teams": ["Team A"],
        "password": PASSWORD,
        **overrides,
    }


def test_an_administrator_adds_a_nurse_to_a_team_who_can_then_sign_in(clinic: Clinic) -> None:
    admin = Client()
    admin.force_login(clinic.user("admin"))
    assert "Team A" in admin.get(reverse("people:user_create")).content.decode()
    response = admin.post(reverse("people:user_create"), new_person(), follow=True)
    assert "Jo Bloggs can now sign in" in response.content.decode()
    person = User.objects.get(username="j.bloggs")
    assert person.role == Role.NURSE
    assert person.site == clinic.user("admin").site
    assert [t.name for t in person.care_teams.all()] == ["Team A"]
    assert AuditEvent.objects.filter(action="create", object_type="user").exists()
    nurse = Client()
    signed = nurse.post(reverse("accounts:login"), {"username": "J.Bloggs", "password": PASSWORD})
    assert signed.status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "surgeon\u200b", "cannot be used"),
        ("username", "ｓurgeon", "already exists"),
        ("username", "SURGEON", "already exists"),
        ("username", "x" * 151, "at most 150"),
        ("username", "", "required"),
        ("password", "password12345", "too common"),
        ("password", "short", "too short"),
        ("email", "not-an-address", "valid email"),
        ("first_name", "x" * 151, "at most 150"),
        ("role", "superuser", "valid choice"),
        ("teams", ["No such team"], "valid choice"),
        ("role", "researcher", "Only surgeons, nurses and physiotherapists join teams"),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_saved(
    clinic: Clinic, client: Client, field: str, value: object, message: str
) -> None:
    client.force_login(clinic.user("admin"))
    before = User.objects.count()
    response = client.post(reverse("people:user_create"), new_person(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_an_administrator_changes_a_role_and_teams(clinic: Clinic, client: Client) -> None:
    nurse = clinic.user("nurse")
    client.force_login(clinic.user("admin"))
    url = reverse("people:user_edit", args=[nurse.pk])
    assert "Nurse" in client.get(url).content.decode()
    data = {"first_name": "Nina", "last_name": "Nightingale", "email": "", "role": "surgeon"}
    response = client.post(url, {**data, "teams": ["Team A", "Team B"]})
    assert response.status_code == 302
    nurse.refresh_from_db()
    assert nurse.role == Role.SURGEON
    assert nurse.get_full_name() == "Nina Nightingale"
    assert sorted(t.name for t in nurse.care_teams.all()) == ["Team A", "Team B"]
    event = AuditEvent.objects.get(action="change", object_type="user")
    assert event.detail["changes"]["role"] == {"before": "nurse", "after": "surgeon"}


def test_deactivation_keeps_the_history_and_ends_the_sessions(clinic: Clinic) -> None:
    nurse = clinic.user("nurse")
    nurse.set_password(PASSWORD)
    nurse.save()
    session = Client()
    session.post(reverse("accounts:login"), {"username": "nurse", "password": PASSWORD})
    assert session.get(reverse("patients:worklist")).status_code == 200
    admin = Client()
    admin.force_login(clinic.user("admin"))
    admin.post(reverse("people:user_deactivate", args=[nurse.pk]))
    nurse.refresh_from_db()
    assert not nurse.is_active
    assert User.objects.filter(pk=nurse.pk).exists()
    assert session.get(reverse("patients:worklist")).status_code == 302
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(nurse.pk) for s in Session.objects.all()
    )
    again = Client().post(reverse("accounts:login"), {"username": "nurse", "password": PASSWORD})
    assert again.status_code == 200
    listed = admin.get(reverse("people:users")).content.decode()
    assert ">Nurse Test</a>" not in listed
    everyone = admin.get(reverse("people:users"), {"show": "deactivated"}).content.decode()
    assert '>Nurse Test</a> <span class="status">deactivated</span>' in everyone
    admin.post(reverse("people:user_reactivate", args=[nurse.pk]))
    nurse.refresh_from_db()
    assert nurse.is_active


def test_an_administrator_cannot_deactivate_themselves(clinic: Clinic) -> None:
    admin = clinic.user("admin")
    with pytest.raises(ValidationError, match="your own account"):
        people.deactivate_user(Actor(admin), admin.pk)


def test_the_last_administrator_cannot_be_removed(clinic: Clinic) -> None:
    admin = clinic.user("admin")
    other = make_user("admin-2", Role.ADMIN)
    people.deactivate_user(Actor(admin), other.pk)
    with pytest.raises(ValidationError, match="last active administrator"):
        people.update_user(Actor(other), admin.pk, UserChanges(role=Role.NURSE))
    people.reactivate_user(Actor(admin), other.pk)
    people.update_user(Actor(other), admin.pk, UserChanges(role=Role.NURSE))
    with pytest.raises(ValidationError, match="last active administrator"):
        people.deactivate_user(Actor(None), other.pk)  # not even from the command line


def test_the_last_administrator_message_shows_on_the_page(clinic: Clinic, client: Client) -> None:
    admin = clinic.user("admin")
    client.force_login(admin)
    response = client.post(
        reverse("people:user_edit", args=[admin.pk]), {"role": "nurse", "teams": []}
    )
    assert "last active administrator" in response.content.decode()
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_administrators_see_and_change_only_their_own_sites_people(
    world: World, client: Client
) -> None:
    client.force_login(world.admin)
    listed = client.get(reverse("people:users")).content.decode()
    assert "W-Surgeon Test" in listed
    assert "W-Surgeon-C Test" not in listed
    assert client.get(reverse("people:user_edit", args=[world.surgeon_c.pk])).status_code == 404
    deactivate = reverse("people:user_deactivate", args=[world.surgeon_c.pk])
    assert client.post(deactivate).status_code == 404
    world.surgeon_c.refresh_from_db()
    assert world.surgeon_c.is_active
    with pytest.raises(PermissionDenied):
        people.create_user(
            Actor(world.admin),
            NewUser(username="intruder", role=Role.NURSE, site=world.site2, password=PASSWORD),
        )


@pytest.mark.parametrize("role", ["surgeon", "nurse", "physiotherapist", "patient", "researcher"])
def test_only_administrators_reach_the_people_pages(
    clinic: Clinic, client: Client, role: str
) -> None:
    client.force_login(clinic.user(role))
    assert client.get(reverse("people:users")).status_code == 403
    assert client.get(reverse("people:site_settings")).status_code == 403
    target = clinic.user("nurse").pk
    assert client.post(reverse("people:user_deactivate", args=[target])).status_code == 403


def test_the_people_list_and_forms_are_in_full_names(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user("admin"))
    page = client.get(reverse("people:users")).content.decode()
    assert "Surgeon Test" in page
    assert "sites/sites.css" in page
    assert 'href="/site/people/"' in page  # the admin's menu
    assert 'href="/site/settings/"' in page
    assert 'href="/account/"' in page


def test_portal_accounts_stay_patients_and_staff_never_become_patients(
    clinic: Clinic, client: Client
) -> None:
    admin = clinic.user("admin")
    client.force_login(admin)
    assert 'value="patient"' not in client.get(reverse("people:user_create")).content.decode()
    with pytest.raises(ValidationError, match="invitation"):
        people.update_user(Actor(admin), clinic.user("patient").pk, UserChanges(role=Role.NURSE))
    with pytest.raises(ValidationError, match="invitation"):
        people.update_user(Actor(admin), clinic.user("nurse").pk, UserChanges(role=Role.PATIENT))
    page = client.get(reverse("people:user_edit", args=[clinic.user("patient").pk]))
    assert 'value="surgeon"' not in page.content.decode()
    response = client.post(
        reverse("people:user_create"), {**new_person(), "role": "patient", "teams": []}
    )
    assert "valid choice" in response.content.decode()


def test_the_list_shows_staff_patients_or_deactivated_accounts(
    clinic: Clinic, client: Client
) -> None:
    client.force_login(clinic.user("admin"))
    staff = client.get(reverse("people:users")).content.decode()
    assert ">Surgeon Test</a>" in staff
    assert ">Patient Test</a>" not in staff
    patients = client.get(reverse("people:users"), {"show": "patients"}).content.decode()
    assert ">Patient Test</a>" in patients
    assert ">Surgeon Test</a>" not in patients
    found = client.get(reverse("people:users"), {"q": "nurse", "show": "<script>"})
    assert ">Nurse Test</a>" in found.content.decode()
    assert (
        client.get(reverse("people:users"), {"q": "x" * 10_000, "page": "abc"}).status_code == 200
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "x" * 151, "at most 150"),
        ("last_name", "x" * 151, "at most 150"),
        ("email", "a@" + "b" * 260 + ".org", "at most 254"),
        ("role", "", "required"),
        ("role", "patient", "valid choice"),
        ("teams", ["Team C"], "valid choice"),
    ],
)
def test_bad_changes_are_form_errors_and_the_page_still_opens(
    clinic: Clinic, client: Client, field: str, value: object, message: str
) -> None:
    nurse = clinic.user("nurse")
    client.force_login(clinic.user("admin"))
    url = reverse("people:user_edit", args=[nurse.pk])
    data = {"first_name": "N", "last_name": "T", "email": "", "role": "nurse", "teams": []}
    response = client.post(url, {**data, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    nurse.refresh_from_db()
    assert nurse.first_name == "Nurse"
    assert client.get(url).status_code == 200


def test_hostile_names_are_shown_as_text(clinic: Clinic, client: Client) -> None:
    nurse = clinic.user("nurse")
    client.force_login(clinic.user("admin"))
    url = reverse("people:user_edit", args=[nurse.pk])
    hostile = '<script>alert("x")</script>'
    data = {"first_name": hostile, "last_name": "\u202eevil", "email": "", "role": "nurse"}
    assert client.post(url, {**data, "teams": ["Team A"]}).status_code == 302
    for page in (reverse("people:users"), url, reverse("audit:events")):
        body = client.get(page).content.decode()
        assert "<script>alert" not in body


def test_the_create_user_command_stores_the_normal_form(db: None) -> None:
    from unittest import mock

    from django.core.management import CommandError, call_command

    with mock.patch("getpass.getpass", return_value=PASSWORD):
        call_command("create_user", "Dr.Foster", "--role", "surgeon")
        assert User.objects.filter(username="dr.foster").exists()
        with pytest.raises(CommandError, match="cannot be used"):
            call_command("create_user", "dr\u200bfoster", "--role", "surgeon")
