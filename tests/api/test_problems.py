"""One error body on every endpoint: RFC 9457 problem details, never a 500 for bad input."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from halluxpath.accounts.models import Role
from halluxpath.api.errors import KINDS, Problem
from tests.api.problems import problem
from tests.conftest import Clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurse(clinic: Clinic) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(clinic.user(Role.NURSE))
    return client


def test_no_credentials_is_a_401_saying_how_to_sign_in(clinic: Clinic) -> None:
    answer = Client().get(f"/api/v1/patients/{clinic.patient_a.pk}")
    body = problem(answer, 401, says="Bearer")
    assert body["type"].endswith("not-signed-in")
    assert answer["WWW-Authenticate"].startswith("Bearer")


def test_an_address_no_endpoint_serves_is_a_problem_404(nurse: Client) -> None:
    for url in ("/api/v1/no-such-thing", "/api/v2/patients/1", "/api/"):
        problem(nurse.get(url), 404)


def test_a_hidden_record_is_the_same_404_as_a_missing_one(clinic: Clinic, nurse: Client) -> None:
    hidden = problem(nurse.get(f"/api/v1/patients/{clinic.patient_b.pk}"), 404)
    missing = problem(nurse.get("/api/v1/patients/999999"), 404)
    assert hidden == missing


def test_a_body_that_is_not_json_is_a_400(clinic: Clinic, nurse: Client) -> None:
    for body in ("{", "\xff\xfe", "[1, 2", "null null"):
        answer = nurse.post("/api/v1/patients", body, content_type="application/json")
        problem(answer, 400, says="parse")


def test_schema_errors_name_each_field(clinic: Clinic, nurse: Client) -> None:
    body = {
        "patient": {"hospital_number": "X", "date_of_birth": "9999-99-99"},
        "first_episode": {"side": "middle"},
    }
    answer = nurse.post("/api/v1/patients", json.dumps(body), content_type="application/json")
    found = problem(answer, 422, says="does not match the schema")
    fields = {e["field"] for e in found["errors"]}
    assert "body.body.patient.date_of_birth" in fields or any(
        f.endswith("patient.date_of_birth") for f in fields
    )
    assert any(f.endswith("first_episode.side") for f in fields)
    assert any(f.endswith("patient.given_name") for f in fields)  # missing


def test_an_action_s_refusal_names_its_field(clinic: Clinic, nurse: Client) -> None:
    body = {
        "patient": {
            "hospital_number": "R-1",
            "given_name": "Mary",
            "family_name": "Seacole",
            "date_of_birth": "1899-12-31",
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
    answer = nurse.post("/api/v1/patients", json.dumps(body), content_type="application/json")
    found = problem(answer, 422)
    assert found["errors"]
    assert all(e["message"] for e in found["errors"])


def test_an_oversized_body_is_a_413_on_any_endpoint(clinic: Clinic, nurse: Client) -> None:
    huge = json.dumps({"padding": "x" * (6 * 1024 * 1024)})
    for url in ("/api/v1/patients", f"/api/v1/patients/{clinic.patient_a.pk}/episodes"):
        problem(nurse.post(url, huge, content_type="application/json"), 413, says="larger")


def test_a_wrong_id_in_the_path_is_a_problem_not_a_500(nurse: Client) -> None:
    problem(nurse.get("/api/v1/patients/not-a-number"), 422, says="path.patient_id")
    answer = nurse.get("/api/v1/patients/99999999999999999999999")
    assert answer.status_code in (404, 422)
    problem(answer, answer.status_code)


def test_every_kind_has_a_title_and_a_tag_uri() -> None:
    for status in (400, 401, 403, 404, 409, 412, 413, 422, 428, 429):
        body = Problem(status, "what happened").body()
        assert body["type"].startswith("tag:halluxpath.org,2026:problem:")
        assert body["title"] == KINDS[body["type"].rsplit(":", 1)[1]]
        assert (body["status"], body["detail"], body["errors"]) == (status, "what happened", [])
    assert Problem(418, "teapot").body()["type"] == "about:blank"
    assert Problem(422, "x", warnings=[1]).body()["warnings"] == [1]


def test_the_openapi_document_offers_both_sign_ins_and_the_problem_body(nurse: Client) -> None:
    answer = nurse.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = answer.json()
    assert {"TokenAuth", "StaffSession"} <= set(document["components"]["securitySchemes"])
    assert "ProblemOut" in document["components"]["schemas"]
