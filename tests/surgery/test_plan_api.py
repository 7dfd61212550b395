"""The plan, the checklist and the consent sheet through the API: the same actions as the pages.

The plan's figures (lever arm, translation, suggestion) are computed by the
action from the stored reading of the film: neither the API body nor the
page's form has a field for them, so a forged figure cannot get in.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.core.checklist import items_of
from halluxpath.core.planning import lever_arm_mm
from halluxpath.imaging.models import Measurement
from halluxpath.patients.models import Episode
from halluxpath.surgery import actions
from halluxpath.surgery.models import ConsentSheet, SafetyChecklist, SurgicalPlan
from tests.api.problems import problem
from tests.conftest import Clinic
from tests.surgery.test_pages import measured_episode

PLAN: dict[str, Any] = {
    "findings": {
        "mtp_arthritis_grade": "none",
        "m1_head_lateral_edge": "angular",
        "target_ima_deg": 7,
    },
    "choice": {
        "technique": "mis_distal_metatarsal_osteotomy",
        "akin": True,
        "fixation": [
            {
                "bone": "m1",
                "kind": "bevel_tip_screw",
                "count": 2,
                "diameter_mm": 3.5,
                "length_mm": 24,
            }
        ],
    },
}


def put(client: Client, url: str, body: Any) -> Any:
    return client.put(url, json.dumps(body), content_type="application/json")


def post(client: Client, url: str, body: Any = None) -> Any:
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def measured(clinic: Clinic, client: Client, tmp_path: Any, settings: Any) -> Episode:
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(clinic.user(Role.SURGEON))
    return measured_episode(clinic, tmp_path)


def expected_shift_mm(measurement: Measurement, target_deg: float) -> float:
    spacing = measurement.landmarks["pixel_spacing_mm"]
    lever = lever_arm_mm(measurement.landmarks["points"], (spacing[0], spacing[1]))
    assert lever is not None
    step = float(measurement.results["ima_deg"]) - target_deg
    return lever * math.tan(math.radians(step))


def test_the_plan_translation_is_computed_from_the_stored_reading(
    client: Client, measured: Episode
) -> None:
    response = put(client, f"/api/v1/episodes/{measured.pk}/plan", PLAN)
    assert response.status_code == 200, response.content
    body = response.json()
    plan = SurgicalPlan.objects.get()
    measurement = Measurement.objects.get()
    assert plan.measurement == measurement
    assert plan.planned_shift_mm == pytest.approx(expected_shift_mm(measurement, 7.0))
    assert body["planned_shift_mm"] == pytest.approx(plan.planned_shift_mm)
    assert body["suggested"]["akin"] is True  # HVIA 11°: R-SEL-6
    assert plan.input_values["results"]["ima_deg"] == measurement.results["ima_deg"]
    assert plan.inputs["schema"] == "halluxpath.plan-inputs/1"
    assert plan.fixation_rows[0]["kind"] == "bevel_tip_screw"


@pytest.mark.parametrize(
    "forged",
    [
        {"planned_shift_mm": 1.0},
        {"translation": {"shift_mm": 1.0, "shift_pct": 5.0}},
        {"suggested": {"technique": "lapidus"}},
        {"results": {"ima_deg": 8.0}},
        {"measurement_id": 1},
    ],
)
def test_a_forged_figure_in_the_plan_body_is_refused_and_nothing_written(
    client: Client, measured: Episode, forged: dict[str, Any]
) -> None:
    response = put(client, f"/api/v1/episodes/{measured.pk}/plan", {**PLAN, **forged})
    problem(response, 422)
    inside = put(
        client,
        f"/api/v1/episodes/{measured.pk}/plan",
        {**PLAN, "findings": {**PLAN["findings"], **forged}},
    )
    problem(inside, 422)
    assert not SurgicalPlan.objects.exists()


def test_a_forged_figure_posted_with_the_plan_form_is_not_used(
    clinic: Clinic, client: Client, measured: Episode
) -> None:
    form = {
        "version": "0",
        "action": "save",
        "find-mtp_arthritis_grade": "none",
        "find-m1_head_lateral_edge": "angular",
        "find-target_ima_deg": "7",
        "find-ima_deg": "30",
        "find-planned_shift_mm": "1",
        "planned_shift_mm": "1",
        "choice-technique": "mis_distal_metatarsal_osteotomy",
        "fix-TOTAL_FORMS": "0",
        "fix-INITIAL_FORMS": "0",
        "fix-MIN_NUM_FORMS": "0",
        "fix-MAX_NUM_FORMS": "6",
    }
    saved = client.post(reverse("surgery:plan", args=[measured.pk]), form, follow=True)
    assert "Plan saved" in saved.content.decode()
    plan = SurgicalPlan.objects.get()
    assert plan.planned_shift_mm == pytest.approx(expected_shift_mm(Measurement.objects.get(), 7.0))


def test_the_surgeons_own_lever_arm_is_kept_beside_the_films(
    client: Client, measured: Episode
) -> None:
    body = {**PLAN, "findings": {**PLAN["findings"], "lever_mm": 60, "shaft_width_mm": 12}}
    response = put(client, f"/api/v1/episodes/{measured.pk}/plan", body)
    assert response.status_code == 200
    plan = SurgicalPlan.objects.get()
    assert plan.input_values["lever_mm"] == 60
    assert plan.input_values["lever_mm_from_film"] is not None
    ima = float(Measurement.objects.get().results["ima_deg"])
    assert plan.planned_shift_mm == pytest.approx(60 * math.tan(math.radians(ima - 7)))


def test_a_stale_plan_version_is_a_conflict_and_nothing_is_written(
    client: Client, measured: Episode
) -> None:
    url = f"/api/v1/episodes/{measured.pk}/plan"
    assert put(client, url, PLAN).status_code == 200
    changed = {**PLAN, "version": 1, "choice": {**PLAN["choice"], "akin": False}}
    assert put(client, url, changed).status_code == 200
    stale = put(client, url, {**PLAN, "version": 1, "choice": {**PLAN["choice"], "notes": "x"}})
    problem(stale, 409, says="changed by someone else")
    plan = SurgicalPlan.objects.get()
    assert (plan.version, plan.akin, plan.notes) == (2, False, "")


def test_without_a_measured_film_the_plan_api_says_what_to_do(
    clinic: Clinic, client: Client
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    episode = clinic.patient_a.episodes.get()
    response = put(client, f"/api/v1/episodes/{episode.pk}/plan", PLAN)
    problem(response, 422, says="radiograph")


def test_the_plan_api_hides_other_teams_and_refuses_read_only_roles(
    clinic: Clinic, client: Client, measured: Episode
) -> None:
    client.force_login(clinic.surgeon_b)
    assert put(client, f"/api/v1/episodes/{measured.pk}/plan", PLAN).status_code == 404
    client.force_login(clinic.user(Role.PHYSIOTHERAPIST))
    assert put(client, f"/api/v1/episodes/{measured.pk}/plan", PLAN).status_code == 403
    assert not SurgicalPlan.objects.exists()


def test_consent_sheets_and_checklist_phases_through_the_api(
    clinic: Clinic, client: Client, measured: Episode
) -> None:
    consent = f"/api/v1/episodes/{measured.pk}/consent-sheets"
    refused = post(client, consent)
    problem(refused, 422, says="Save the operative plan first")
    put(client, f"/api/v1/episodes/{measured.pk}/plan", PLAN)
    issued = post(client, consent)
    assert issued.status_code == 201
    assert issued.json()["number"] == 1
    assert ConsentSheet.objects.get().content["schema"] == "halluxpath.consent-sheet/1"

    phases = f"/api/v1/episodes/{measured.pk}/checklist/phases"
    early = post(
        client,
        phases,
        {"version": 1, "phase": "time_out", "ticked": [i.number for i in items_of("time_out")]},
    )
    problem(early, 422, says="Complete Sign In")
    sign_in = {
        "version": 1,
        "phase": "sign_in",
        "ticked": [i.number for i in items_of("sign_in")],
        "site_marked": True,
        "marked_by": "surgeon",
    }
    unnamed = post(client, phases, sign_in)
    problem(unnamed, 422, says="Name the surgeon and the anaesthetist")
    sign_in["team"] = TEAM
    done = post(client, phases, sign_in)
    assert done.status_code == 200, done.content
    assert done.json()["completed"] == ["sign_in"]
    stale = post(client, phases, {**sign_in, "phase": "time_out", "ticked": []})
    problem(stale, 409)
    time_out = post(
        client,
        phases,
        {"version": 2, "phase": "time_out", "ticked": [i.number for i in items_of("time_out")]},
    )
    assert time_out.status_code == 200
    assert time_out.json()["laterality"]["ok"] is True  # the Sign In's team is kept
    sheet = SafetyChecklist.objects.get()
    assert sheet.ticks[11]["confirmed_by"] == "Dr Ann Aesthetist"  # the anaesthetist's item
    assert sheet.ticks[11]["role"] == "anaesthetist"
    assert sheet.ticks[10]["confirmed_by"] == "Ms Sue Surgeon"
    assert sheet.site_marked
    assert set(sheet.phases_done) == {"sign_in", "time_out"}
    unknown = post(client, phases, {"version": 3, "phase": "sign_off", "ticked": []})
    problem(unknown, 422)


TEAM = {
    "surgeon": "Ms Sue Surgeon",
    "anaesthetist": "Dr Ann Aesthetist",
    "scrub_nurse": "Sam Scrub",
}


def test_the_api_plan_is_what_the_page_shows(
    clinic: Clinic, client: Client, measured: Episode
) -> None:
    put(client, f"/api/v1/episodes/{measured.pk}/plan", PLAN)
    page = client.get(reverse("surgery:plan", args=[measured.pk]))
    assert page.context["findings_form"].initial["m1_head_lateral_edge"] == "angular"
    assert page.context["choice_form"].initial["akin"] is True
    actions.issue_consent_sheet(Actor(clinic.user(Role.SURGEON)), measured.pk)
    assert (
        "Sheet 1 (PDF)"
        in client.get(reverse("surgery:consent", args=[measured.pk])).content.decode()
    )
