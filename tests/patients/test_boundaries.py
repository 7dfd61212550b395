"""Bad input on the patient and episode forms and API: a form error or a 422, never a 500,
and nothing said about another team's patient (issue 12, items 11 and 15)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.patients import actions
from halluxpath.patients.models import Patient
from tests.conftest import Clinic, make_user
from tests.patients.test_api import registration, send
from tests.patients.test_views import create_form

TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
LONG = "x" * 5000
HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def nurse_b(clinic: Clinic) -> Client:
    """A nurse of team B, who cannot see team A's patients."""
    client = Client()
    client.force_login(make_user("nurse-b", Role.NURSE, clinic.team_b))
    return client


def test_another_teams_number_is_refused_without_saying_whose_it_is(
    clinic: Clinic, nurse_b: Client
) -> None:
    form = create_form(clinic, **{"patient-hospital_number": clinic.patient_a.hospital_number})
    form["episode-care_team"] = str(clinic.team_b.pk)
    form["episode-responsible_surgeon"] = str(clinic.surgeon_b.pk)
    page = nurse_b.post(reverse("patients:create"), form).content.decode()
    assert actions.NUMBER_IN_USE.split(".")[0] in page.replace("&#x27;", "'")
    for secret in ("already", "Lovelace", "LOVELACE", "Team A", "exists"):
        assert secret not in page
    assert Patient.objects.filter(hospital_number=clinic.patient_a.hospital_number).count() == 1


def test_another_teams_number_through_the_api_is_the_same_refusal(
    clinic: Clinic, nurse_b: Client
) -> None:
    body = registration(clinic, number=clinic.patient_a.hospital_number)
    body["first_episode"]["care_team"] = clinic.team_b.pk
    body["first_episode"]["responsible_surgeon"] = clinic.surgeon_b.pk
    refused = send(nurse_b, "post", "/api/v1/patients", body)
    assert refused.status_code == 422
    text = refused.content.decode()
    assert "cannot be used" in text
    assert "already" not in text


def test_changing_to_another_teams_number_is_refused_the_same_way(clinic: Clinic) -> None:
    nurse = make_user("nurse-b2", Role.NURSE, clinic.team_b)
    from halluxpath.patients.schemas import PatientChanges

    with pytest.raises(actions.NumberInUse) as refused:
        actions.update_patient(
            Actor(nurse),
            clinic.patient_b.pk,
            clinic.patient_b.version,
            PatientChanges(hospital_number=clinic.patient_a.hospital_number),
        )
    assert refused.value.message_dict["hospital_number"] == [actions.NUMBER_IN_USE]


def test_someone_who_sees_the_patient_is_told_they_are_registered(
    clinic: Clinic, client: Client
) -> None:
    client.force_login(clinic.user(Role.NURSE))
    form = create_form(clinic, **{"patient-hospital_number": clinic.patient_a.hospital_number})
    assert "already registered" in client.post(reverse("patients:create"), form).content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("patient-date_of_birth", "0001-01-01"),
        ("patient-date_of_birth", "1899-12-31"),
        ("patient-date_of_birth", "9999-12-31"),
        ("patient-date_of_birth", TOMORROW),
        ("patient-date_of_birth", "31/02/2020"),
        ("patient-date_of_birth", HOSTILE),
        ("episode-referred_on", "0001-01-01"),
        ("episode-referred_on", "9999-12-31"),
        ("episode-referred_on", TOMORROW),
        ("episode-referred_on", "1950-01-01"),  # before the patient was born
        ("patient-given_name", LONG),
        ("patient-family_name", HOSTILE * 20),
        ("patient-hospital_number", LONG),
        ("patient-phone", LONG),
        ("patient-email", HOSTILE),
        ("episode-diagnosis", LONG),
        ("episode-care_team", "abc"),
        ("episode-responsible_surgeon", "99999999999999999999"),
        ("episode-side", "middle"),
    ],
)
def test_every_bad_registration_is_a_form_error_and_nothing_is_saved(
    clinic: Clinic, client: Client, field: str, value: str
) -> None:
    client.force_login(clinic.user(Role.NURSE))
    response = client.post(reverse("patients:create"), create_form(clinic, **{field: value}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "errorlist" in page or "form-errors" in page
    assert HOSTILE not in page
    assert not Patient.objects.filter(given_name="Mary").exists()


@pytest.mark.parametrize("value", ["1900-01-01", timezone.localdate().isoformat()])
def test_the_earliest_and_latest_birth_dates_are_accepted_and_the_pages_render(
    clinic: Clinic, client: Client, value: str
) -> None:
    client.force_login(clinic.user(Role.NURSE))
    data = create_form(clinic, **{"patient-date_of_birth": value})
    data["episode-referred_on"] = timezone.localdate().isoformat()
    response = client.post(reverse("patients:create"), data, follow=True)
    patient = Patient.objects.get(hospital_number="N-0042")
    assert response.status_code == 200
    episode = patient.episodes.get()
    for url in (
        reverse("patients:detail", args=[patient.pk]),
        reverse("patients:edit", args=[patient.pk]),
        reverse("patients:episode", args=[episode.pk]),
        reverse("patients:episode_edit", args=[episode.pk]),
        reverse("patients:worklist"),
        f"/api/v1/patients/{patient.pk}",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("patient", "date_of_birth"), "0001-01-01", "before 1900"),
        (("patient", "date_of_birth"), "9999-12-31", "future"),
        (("first_episode", "referred_on"), "9999-12-31", "future"),
        (("first_episode", "referred_on"), "0001-01-01", "before the patient's date of birth"),
        (("patient", "date_of_birth"), "not a date", ""),
    ],
)
def test_implausible_dates_through_the_api_are_422(
    clinic: Clinic, client: Client, path: tuple[str, str], value: str, message: str
) -> None:
    client.force_login(clinic.user(Role.NURSE))
    body: dict[str, Any] = registration(clinic)
    body[path[0]][path[1]] = value
    refused = send(client, "post", "/api/v1/patients", body)
    assert refused.status_code == 422
    assert message in refused.content.decode()


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", TOMORROW])
def test_an_implausible_birth_date_on_the_edit_page_is_a_form_error(
    clinic: Clinic, client: Client, value: str
) -> None:
    client.force_login(clinic.user(Role.NURSE))
    patient = clinic.patient_a
    data = {
        "hospital_number": patient.hospital_number,
        "given_name": patient.given_name,
        "family_name": patient.family_name,
        "date_of_birth": value,
        "sex": patient.sex,
        "version": str(patient.version),
    }
    response = client.post(reverse("patients:edit", args=[patient.pk]), data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    patient.refresh_from_db()
    assert patient.date_of_birth == dt.date(1960, 5, 17)
