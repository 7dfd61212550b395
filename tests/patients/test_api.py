"""Patients and episodes through the JSON API: the same actions and refusals as the pages."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from halluxpath.accounts.models import Role
from halluxpath.patients.models import Patient, StatusChange
from tests.api.problems import problem
from tests.conftest import Clinic


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def registration(clinic: Clinic, number: str = "API-0001") -> dict[str, Any]:
    return {
        "patient": {
            "hospital_number": number,
            "given_name": "Mary",
            "family_name": "Seacole",
            "date_of_birth": "1955-03-01",
            "sex": "female",
        },
        "first_episode": {
            "side": "right",
            "diagnosis": "Hallux valgus",
            "responsible_surgeon": clinic.user(Role.SURGEON).pk,
            "care_team": clinic.team_a.pk,
            "referred_on": "2026-02-01",
        },
    }


def test_an_integrator_registers_a_patient_and_reads_it_back(
    clinic: Clinic, client: Client
) -> None:
    client.force_login(clinic.user(Role.NURSE))
    made = send(client, "post", "/api/v1/patients", registration(clinic))
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["hospital_number"] == "API-0001"
    assert [e["side"] for e in body["episodes"]] == ["right"]
    again = client.get(f"/api/v1/patients/{body['id']}")
    assert again.json()["family_name"] == "Seacole"


def test_a_registration_refused_by_the_action_is_422_with_the_field(
    clinic: Clinic, client: Client
) -> None:
    client.force_login(clinic.user(Role.NURSE))
    data = registration(clinic)
    data["patient"]["date_of_birth"] = "1850-01-01"
    refused = send(client, "post", "/api/v1/patients", data)
    problem(refused, 422, says="before 1900")
    assert not Patient.objects.filter(hospital_number="API-0001").exists()


def test_an_unknown_sex_is_refused_by_the_schema(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.NURSE))
    data = registration(clinic)
    data["patient"]["sex"] = "robot"
    assert send(client, "post", "/api/v1/patients", data).status_code == 422


def test_a_stale_edit_is_409_and_changes_nothing(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    url = f"/api/v1/patients/{clinic.patient_a.pk}"
    ok = send(client, "patch", url, {"version": 1, "changes": {"phone": "07700 900123"}})
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    stale = send(client, "patch", url, {"version": 1, "changes": {"phone": "07700 900999"}})
    problem(stale, 409)
    clinic.patient_a.refresh_from_db()
    assert clinic.patient_a.phone == "07700 900123"


def test_status_steps_follow_the_rules_and_roles(clinic: Clinic, client: Client) -> None:
    episode = clinic.patient_a.episodes.get()
    url = f"/api/v1/episodes/{episode.pk}/status"
    client.force_login(clinic.user(Role.PHYSIOTHERAPIST))
    assert send(client, "post", url, {"version": 1, "to_status": "assessed"}).status_code == 403
    client.force_login(clinic.user(Role.SURGEON))
    skipped = send(client, "post", url, {"version": 1, "to_status": "operated"})
    problem(skipped, 422)
    moved = send(client, "post", url, {"version": 1, "to_status": "assessed", "note": "seen"})
    assert moved.json()["status"] == "assessed"
    assert StatusChange.objects.filter(episode=episode, to_status="assessed").count() == 1


def test_another_teams_patient_is_404(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    assert client.get(f"/api/v1/patients/{clinic.patient_b.pk}").status_code == 404
    episode = clinic.patient_b.episodes.get()
    assert client.get(f"/api/v1/episodes/{episode.pk}").status_code == 404


def test_the_journey_of_an_episode_through_the_api(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    episode = clinic.patient_a.episodes.get()
    step = send(
        client,
        "post",
        f"/api/v1/episodes/{episode.pk}/status",
        {"version": 1, "to_status": "assessed", "note": "seen in clinic"},
    )
    assert step.status_code == 200
    body = client.get(f"/api/v1/episodes/{episode.pk}/journey").json()
    assert body["status"] == "assessed"
    assert body["next_step"]["step"] == "radiographs"
    assert [s["state"] for s in body["steps"]][:2] == ["not_started", "not_started"]
    assert body["history"][-1]["cause"] == "manual: seen in clinic"
    hidden = clinic.patient_b.episodes.get()
    assert client.get(f"/api/v1/episodes/{hidden.pk}/journey").status_code == 404
