"""The surgical record through the JSON API: same actions, same refusals."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from halluxpath.accounts.models import Role
from halluxpath.surgery.models import OperativeRecord, PreoperativeAssessment
from tests.api.problems import problem
from tests.conftest import Clinic

CONTENT = {
    "anaesthesia_primary": "ankle_block",
    "incisions": [{"site": "medial_m1_neck", "length_mm": 3}],
    "implants": [{"bone": "m1", "kind": "bevel_tip_screw", "diameter_mm": 3.5, "length_mm": 24}],
}


def put(client: Client, url: str, body: Any) -> Any:
    return client.put(url, json.dumps(body), content_type="application/json")


def test_the_assessment_api_returns_the_flags(clinic: Clinic, client: Client) -> None:
    episode = clinic.patient_a.episodes.get()
    client.force_login(clinic.user(Role.SURGEON))
    url = f"/api/v1/episodes/{episode.pk}/assessment"
    response = put(client, url, {"smoking": "current"})
    assert response.status_code == 200
    assert response.json()["flags"][0]["rule"] == "§6 smoking"
    stale = put(client, url, {"version": 7, "smoking": "never"})
    problem(stale, 409)
    bad = put(
        client,
        url,
        {"version": 1, "diabetes": "type2", "hba1c_mmol_mol": 7.5, "hba1c_date": "2026-10-01"},
    )
    problem(bad, 422, says="hba1c_mmol_mol")
    assert PreoperativeAssessment.objects.get().smoking == "current"


def test_the_record_api_refuses_impossible_values_and_unsigned_checklists(
    clinic: Clinic, client: Client
) -> None:
    episode = clinic.patient_a.episodes.get()
    client.force_login(clinic.user(Role.SURGEON))
    url = f"/api/v1/episodes/{episode.pk}/operative-record"
    bad = put(
        client,
        url,
        {
            "operated_on": "2026-11-20",
            "content": {**CONTENT, "implants": [{"kind": "bevel_tip_screw"}]},
        },
    )
    problem(bad, 422, says="diameter")
    assert not OperativeRecord.objects.exists()
    good = put(client, url, {"operated_on": "2026-11-20", "content": CONTENT})
    assert good.status_code == 200
    sign = client.post(f"{url}/sign", json.dumps({"version": 1}), content_type="application/json")
    problem(sign, 422, says="checklist is not complete")


def test_the_api_hides_other_teams_and_refuses_read_only_roles(
    clinic: Clinic, client: Client
) -> None:
    episode = clinic.patient_a.episodes.get()
    client.force_login(clinic.surgeon_b)
    assert put(client, f"/api/v1/episodes/{episode.pk}/assessment", {}).status_code == 404
    client.force_login(clinic.user(Role.PHYSIOTHERAPIST))
    assert put(client, f"/api/v1/episodes/{episode.pk}/assessment", {}).status_code == 403


def test_the_translation_endpoint_reproduces_the_domain_test_case(
    clinic: Clinic, client: Client
) -> None:
    client.force_login(clinic.user(Role.NURSE))
    response = client.get(
        "/api/v1/planning/translation",
        {"ima_pre_deg": 15, "ima_target_deg": 7, "lever_mm": 50, "shaft_width_mm": 12},
    )
    body = response.json()
    assert round(body["shift_mm"], 1) == 7.0
    assert round(body["shift_pct"]) == 59
    bad = client.get(
        "/api/v1/planning/translation",
        {"ima_pre_deg": 15, "ima_target_deg": 7, "lever_mm": 0, "shaft_width_mm": 12},
    )
    problem(bad, 422)


def test_the_api_lists_each_vocabulary_by_value(clinic: Clinic, client: Client) -> None:
    from halluxpath.api.urls import api

    schemas = api.get_openapi_schema()["components"]["schemas"]
    assert schemas["Smoking"]["enum"] == ["never", "ex", "current"]
    assert "mis_distal_metatarsal_osteotomy" in schemas["Technique"]["enum"]
    assert schemas["Phase"]["enum"] == ["sign_in", "time_out", "sign_out"]
    client.force_login(clinic.user(Role.SURGEON))
    episode = clinic.patient_a.episodes.get()
    bad = put(client, f"/api/v1/episodes/{episode.pk}/assessment", {"smoking": "sometimes"})
    problem(bad, 422)
    assert not PreoperativeAssessment.objects.exists()


def test_amendments_are_listed_after_a_signed_record_is_changed(
    clinic: Clinic, client: Client
) -> None:
    import datetime as dt

    from django.utils import timezone

    from halluxpath.audit.context import Actor
    from halluxpath.surgery import actions
    from halluxpath.surgery.schemas import OperativeRecordInput

    episode = clinic.patient_a.episodes.get()
    client.force_login(clinic.user(Role.SURGEON))
    url = f"/api/v1/episodes/{episode.pk}/operative-record"
    assert client.get(f"{url}/amendments").status_code == 404  # no record yet
    put(client, url, {"operated_on": "2026-11-20", "content": CONTENT})
    OperativeRecord.objects.update(signed_at=timezone.now(), version=2)  # signed elsewhere
    stale = put(client, url, {"version": 1, "operated_on": "2026-11-20", "content": CONTENT})
    problem(stale, 409)
    changed = {**CONTENT, "operative_time_min": 50}
    refused = put(client, url, {"version": 2, "operated_on": "2026-11-20", "content": changed})
    problem(refused, 422, says="give the reason")
    body = {"version": 2, "operated_on": "2026-11-20", "content": changed, "reason": "Clock"}
    assert put(client, url, body).status_code == 200
    listed = client.get(f"{url}/amendments").json()
    assert listed[0]["reason"] == "Clock"
    assert listed[0]["changes"]["operative_time_min"] == {"before": None, "after": 50.0}
    saved = actions.save_operative_record(
        Actor(clinic.user(Role.SURGEON)),
        episode.pk,
        3,
        OperativeRecordInput.model_validate(
            {"operated_on": dt.date(2026, 11, 20), "content": changed, "reason": ""}
        ),
    )
    assert saved.version == 3  # unchanged: nothing to amend
    client.force_login(clinic.surgeon_b)
    assert client.get(f"{url}/amendments").status_code == 404
