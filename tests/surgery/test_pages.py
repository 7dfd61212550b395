"""The assessment and plan pages: flags shown with sources, suggestion and decision kept."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.core.landmarks import landmarks_from_document
from halluxpath.core.radiograph import TimePoint
from halluxpath.imaging import actions as imaging_actions
from halluxpath.imaging.models import Measurement
from halluxpath.imaging.schemas import FilmDetails
from halluxpath.imaging.synthetic import FootGeometry, render, write_dicom
from halluxpath.patients.models import Episode
from halluxpath.surgery.models import PreoperativeAssessment, SurgicalPlan
from tests.conftest import Clinic

ASSESSMENT = {
    "smoking": "current",
    "diabetes": "type2",
    "hba1c_mmol_mol": "72",
    "hba1c_date": "2026-10-01",
    "neuropathy": "none",
    "inflammatory_arthritis": "none",
    "asa_grade": "II",
    "oestrogen": "none",
    "anaesthesia": "ankle_block",
    "anaesthesia_reason": "preference",
    "version": "0",
}


@pytest.fixture
def surgeon(clinic: Clinic, client: Client) -> Client:
    client.force_login(clinic.user(Role.SURGEON))
    return client


def test_the_assessment_shows_each_raised_risk_with_its_rule_and_source(
    clinic: Clinic, surgeon: Client
) -> None:
    episode = clinic.patient_a.episodes.get()
    url = reverse("surgery:assessment", args=[episode.pk])
    response = surgeon.post(url, ASSESSMENT, follow=True)
    body = response.content.decode()
    assert "Pre-operative assessment saved" in body
    assert "Current smoker" in body
    assert "at or above 69 mmol/mol" in body
    assert "DOMAIN §6 [59]" in body
    saved = PreoperativeAssessment.objects.get()
    assert {f["rule"] for f in saved.risk_flags} >= {"§6 smoking", "§6 diabetes"}
    assert AuditEvent.objects.filter(object_type="assessment", action="create").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hba1c_mmol_mol": "7.5"}, "between 20 and 200"),
        ({"hba1c_date": ""}, "date of the HbA1c"),
        ({"bmi": "500"}, "BMI must lie"),
    ],
)
def test_impossible_values_are_refused_at_the_form_and_nothing_is_saved(
    clinic: Clinic, surgeon: Client, change: dict[str, str], message: str
) -> None:
    episode = clinic.patient_a.episodes.get()
    response = surgeon.post(
        reverse("surgery:assessment", args=[episode.pk]), {**ASSESSMENT, **change}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PreoperativeAssessment.objects.exists()


def test_a_stale_assessment_edit_is_a_conflict(clinic: Clinic, surgeon: Client) -> None:
    episode = clinic.patient_a.episodes.get()
    url = reverse("surgery:assessment", args=[episode.pk])
    surgeon.post(url, ASSESSMENT)
    surgeon.post(url, {**ASSESSMENT, "version": "1", "smoking": "ex"})
    stale = surgeon.post(url, {**ASSESSMENT, "version": "1", "smoking": "never"})
    assert "changed by someone else" in stale.content.decode()
    assert PreoperativeAssessment.objects.get().smoking == "ex"


def measured_episode(clinic: Clinic, tmp_path: Any, **geometry: Any) -> Episode:
    episode = clinic.patient_a.episodes.get()
    episode.side = "right"
    episode.save()
    film = render(
        FootGeometry(
            **{
                "hva_deg": 32.0,
                "ima_deg": 14.0,
                "hvia_deg": 11.0,
                "dmaa_deg": 6.0,
                "sesamoid_fraction": 0.5,
                "width": 500,
                "height": 650,
                "pixel_spacing_mm": (0.3, 0.3),
                "seed": 2,
                **geometry,
            }
        )
    )
    path = tmp_path / "pre.dcm"
    write_dicom(film, path)
    actor = Actor(clinic.user(Role.SURGEON))
    with path.open("rb") as handle:
        radiograph = imaging_actions.upload_radiograph(
            actor,
            episode.pk,
            handle,
            path.stat().st_size,
            FilmDetails(time_point=TimePoint.PRE_OPERATIVE),
        )
    imaging_actions.save_measurement(
        actor,
        radiograph.pk,
        radiograph.version,
        landmarks_from_document(copy.deepcopy(film.landmarks)),
    )
    return episode


def test_the_plan_page_suggests_from_the_film_and_keeps_suggestion_and_decision(
    clinic: Clinic, surgeon: Client, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    episode = measured_episode(clinic, tmp_path)
    url = reverse("surgery:plan", args=[episode.pk])
    page = surgeon.get(url)
    body = page.content.decode()
    assert "MIS distal metatarsal osteotomy" in body
    assert "R-SEL-6" in body  # HVIA 11° → Akin
    assert "First-order geometric model" in body
    lever = page.context["findings_form"].initial["lever_mm"]
    assert lever > 0
    form = {
        "version": "0",
        "action": "save",
        "find-mtp_arthritis_grade": "none",
        "find-m1_head_lateral_edge": "angular",
        "find-surgeon_mis_trained": "on",
        "find-target_ima_deg": "7",
        "find-lever_mm": str(lever),
        "find-shaft_width_mm": "12",
        "choice-technique": "mis_distal_metatarsal_osteotomy",  # Akin declined
        "fix-TOTAL_FORMS": "2",
        "fix-INITIAL_FORMS": "0",
        "fix-MIN_NUM_FORMS": "0",
        "fix-MAX_NUM_FORMS": "6",
        "fix-0-bone": "m1",
        "fix-0-kind": "bevel_tip_screw",
        "fix-0-count": "2",
        "fix-0-diameter_mm": "3.5",
        "fix-0-length_mm": "24",
        "fix-1-bone": "p1",
        "fix-1-kind": "",
    }
    saved = surgeon.post(url, form, follow=True)
    assert "Plan saved" in saved.content.decode()
    plan = SurgicalPlan.objects.get()
    assert plan.suggested["akin"] is True
    assert plan.akin is False  # the surgeon's choice is kept beside the suggestion
    assert plan.fixation_rows == [
        {"bone": "m1", "kind": "bevel_tip_screw", "count": 2, "diameter_mm": 3.5, "length_mm": 24.0}
    ]
    assert plan.planned_shift_mm is not None
    assert plan.planned_shift_mm > 0
    assert plan.measurement == Measurement.objects.get()
    picture = surgeon.get(reverse("surgery:plan_overlay", args=[episode.pk]))
    assert picture["Content-Type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG")


def test_an_implant_without_a_size_is_refused(
    clinic: Clinic, surgeon: Client, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    episode = measured_episode(clinic, tmp_path)
    form = {
        "version": "0",
        "action": "save",
        "find-mtp_arthritis_grade": "none",
        "find-m1_head_lateral_edge": "angular",
        "find-target_ima_deg": "7",
        "find-lever_mm": "45",
        "find-shaft_width_mm": "12",
        "choice-technique": "mis_distal_metatarsal_osteotomy",
        "fix-TOTAL_FORMS": "1",
        "fix-INITIAL_FORMS": "0",
        "fix-MIN_NUM_FORMS": "0",
        "fix-MAX_NUM_FORMS": "6",
        "fix-0-bone": "m1",
        "fix-0-kind": "bevel_tip_screw",
        "fix-0-count": "2",
    }
    response = surgeon.post(reverse("surgery:plan", args=[episode.pk]), form)
    assert "An implant needs the diameter" in response.content.decode()
    assert not SurgicalPlan.objects.exists()


def test_without_a_measured_film_the_plan_page_says_what_to_do(
    clinic: Clinic, surgeon: Client
) -> None:
    episode = clinic.patient_a.episodes.get()
    body = surgeon.get(reverse("surgery:plan", args=[episode.pk])).content.decode()
    assert "Upload a pre-operative radiograph" in body


def test_other_teams_and_read_only_roles_cannot_change_the_plan(
    clinic: Clinic, client: Client
) -> None:
    episode = clinic.patient_a.episodes.get()
    client.force_login(clinic.surgeon_b)
    assert client.get(reverse("surgery:assessment", args=[episode.pk])).status_code == 404
    client.force_login(clinic.user(Role.PHYSIOTHERAPIST))
    response = client.post(reverse("surgery:assessment", args=[episode.pk]), ASSESSMENT)
    assert response.status_code == 200
    assert not PreoperativeAssessment.objects.exists()


def test_saving_the_plan_again_unchanged_keeps_its_implants(
    clinic: Clinic, surgeon: Client, tmp_path: Any, settings: Any
) -> None:
    """Regression: bound formsets with initial rows dropped unchanged rows."""
    settings.MEDIA_ROOT = tmp_path / "media"
    episode = measured_episode(clinic, tmp_path)
    url = reverse("surgery:plan", args=[episode.pk])
    form = {
        "action": "save",
        "find-mtp_arthritis_grade": "none",
        "find-m1_head_lateral_edge": "angular",
        "find-target_ima_deg": "7",
        "find-lever_mm": "45",
        "find-shaft_width_mm": "12",
        "choice-technique": "mis_distal_metatarsal_osteotomy",
        "fix-TOTAL_FORMS": "1",
        "fix-INITIAL_FORMS": "0",
        "fix-MIN_NUM_FORMS": "0",
        "fix-MAX_NUM_FORMS": "6",
        "fix-0-bone": "m1",
        "fix-0-kind": "bevel_tip_screw",
        "fix-0-count": "2",
        "fix-0-diameter_mm": "3.5",
        "fix-0-length_mm": "24",
    }
    surgeon.post(url, {**form, "version": "0"})
    surgeon.post(url, {**form, "version": "1"})
    plan = SurgicalPlan.objects.get()
    assert plan.version == 2
    assert len(plan.fixation_rows) == 1
