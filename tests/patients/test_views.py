"""The patient pages as a browser without JavaScript sees them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.patients.models import Patient
from tests.conftest import Clinic, make_patient

HOSTILE = '<script>alert("x")</script>'


def create_form(clinic: Clinic, **overrides: str) -> dict[str, Any]:
    return {
        "patient-hospital_number": "N-0042",
        "patient-given_name": "Mary",
        "patient-family_name": "Seacole",
        "patient-date_of_birth": "1955-03-01",
        "patient-sex": "female",
        "patient-phone": "",
        "patient-email": "",
        "episode-side": "left",
        "episode-diagnosis": "Hallux valgus",
        "episode-care_team": str(clinic.team_a.pk),
        "episode-responsible_surgeon": str(clinic.user(Role.SURGEON).pk),
        "episode-referred_on": "2026-03-01",
        **overrides,
    }


@pytest.fixture
def nurse_client(clinic: Clinic, client: Client) -> Client:
    client.force_login(clinic.user(Role.NURSE))
    return client


def test_worklist_search_by_name_and_by_number(clinic: Clinic, nurse_client: Client) -> None:
    make_patient(
        "A-0002", clinic.user(Role.SURGEON), clinic.team_a, given="Rosalind", family="Franklin"
    )
    url = reverse("patients:worklist")
    by_name = nurse_client.get(url, {"q": "frank"}).content.decode()
    assert "FRANKLIN" in by_name
    assert "LOVELACE" not in by_name
    by_number = nurse_client.get(url, {"q": "a-0001"}).content.decode()
    assert "LOVELACE" in by_number
    assert "FRANKLIN" not in by_number
    both_words = nurse_client.get(url, {"q": "Ada Lovelace"}).content.decode()
    assert "LOVELACE" in both_words


def test_worklist_filters_by_status_and_hides_discharged_by_default(
    clinic: Clinic, nurse_client: Client
) -> None:
    make_patient(
        "A-0003", clinic.user(Role.SURGEON), clinic.team_a, family="Curie", status="discharged"
    )
    url = reverse("patients:worklist")
    assert "CURIE" not in nurse_client.get(url).content.decode()
    assert "CURIE" in nurse_client.get(url, {"status": "all"}).content.decode()
    only = nurse_client.get(url, {"status": "discharged"}).content.decode()
    assert "CURIE" in only
    assert "LOVELACE" not in only


def test_worklist_answers_htmx_with_only_the_results(nurse_client: Client) -> None:
    response = nurse_client.get(
        reverse("patients:worklist"), {"q": "Ada"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "LOVELACE" in body


def test_a_nonsense_filter_is_ignored_not_an_error(nurse_client: Client) -> None:
    response = nurse_client.get(
        reverse("patients:worklist"), {"status": "'; DROP TABLE", "page": "-7", "q": "x" * 500}
    )
    assert response.status_code == 200


def test_registering_through_the_page(clinic: Clinic, nurse_client: Client) -> None:
    response = nurse_client.post(reverse("patients:create"), create_form(clinic), follow=True)
    patient = Patient.objects.get(hospital_number="N-0042")
    assert response.redirect_chain[-1][0] == reverse("patients:detail", args=[patient.pk])
    assert "Mary Seacole has been registered" in response.content.decode()


def test_a_double_submitted_registration_creates_one_patient(
    clinic: Clinic, nurse_client: Client
) -> None:
    nurse_client.post(reverse("patients:create"), create_form(clinic))
    again = nurse_client.post(reverse("patients:create"), create_form(clinic))
    assert again.status_code == 200
    assert "already registered" in again.content.decode()
    assert Patient.objects.filter(hospital_number="N-0042").count() == 1


def test_a_wrong_form_keeps_what_was_typed(clinic: Clinic, nurse_client: Client) -> None:
    response = nurse_client.post(
        reverse("patients:create"), create_form(clinic, **{"patient-date_of_birth": "31/02/1950"})
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid date" in body
    assert 'value="Seacole"' in body
    assert not Patient.objects.filter(hospital_number="N-0042").exists()


def test_hostile_text_is_shown_as_text(clinic: Clinic, nurse_client: Client) -> None:
    nurse_client.post(
        reverse("patients:create"), create_form(clinic, **{"patient-given_name": HOSTILE})
    )
    patient = Patient.objects.get(hospital_number="N-0042")
    assert patient.given_name == HOSTILE  # stored as typed
    page = nurse_client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    listing = nurse_client.get(reverse("patients:worklist"), {"q": "script"}).content.decode()
    assert HOSTILE not in listing


def test_a_stale_edit_page_shows_the_conflict_and_keeps_the_input(
    clinic: Clinic, nurse_client: Client
) -> None:
    patient = clinic.patient_a
    url = reverse("patients:edit", args=[patient.pk])
    form = {
        "hospital_number": "A-0001",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth": "1960-05-17",
        "sex": "female",
        "email": "",
        "version": "1",
    }
    first = nurse_client.post(url, {**form, "phone": "07700 900111"})
    assert first.status_code == 302
    second = nurse_client.post(url, {**form, "phone": "07700 900222"})
    body = second.content.decode()
    assert second.status_code == 200
    assert "changed by someone else" in body
    assert 'value="07700 900222"' in body  # what the second editor typed is not lost
    patient.refresh_from_db()
    assert patient.phone == "07700 900111"


def test_status_change_through_the_page(clinic: Clinic, nurse_client: Client) -> None:
    episode = clinic.patient_a.episodes.get()
    response = nurse_client.post(
        reverse("patients:episode_status", args=[episode.pk]),
        {"version": "1", "to_status": "assessed", "note": "seen"},
        follow=True,
    )
    assert "is now assessed" in response.content.decode()
    refused = nurse_client.post(
        reverse("patients:episode_status", args=[episode.pk]),
        {"version": "2", "to_status": "discharged_now"},
        follow=True,
    )
    assert "not understood" in refused.content.decode()
    skipped = nurse_client.post(
        reverse("patients:episode_status", args=[episode.pk]),
        {"version": "2", "to_status": "follow_up"},
        follow=True,
    )
    assert "can only become planned or discharged" in skipped.content.decode()


def test_status_change_needs_post(clinic: Clinic, nurse_client: Client) -> None:
    episode = clinic.patient_a.episodes.get()
    url = reverse("patients:episode_status", args=[episode.pk])
    assert nurse_client.get(url).status_code == 405


def test_every_page_is_served_under_a_strict_content_security_policy(nurse_client: Client) -> None:
    response = nurse_client.get(reverse("patients:worklist"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()  # no inline script
    assert response.headers["X-Frame-Options"] == "DENY"
