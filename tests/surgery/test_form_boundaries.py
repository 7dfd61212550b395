"""Every field of the surgery forms, given the boundary values of its type, answers with a form
error or a success, never a 500, and every page and download of the record still renders."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.surgery.forms import AssessmentForm, OperativeRecordForm, PlanFindingsForm
from halluxpath.surgery.models import OperativeRecord, SurgicalPlan
from tests.conftest import Clinic
from tests.surgery.test_operation import RECORD
from tests.surgery.test_pages import ASSESSMENT, measured_episode

BOUNDARIES = (
    "",
    "-1e308",
    "nan",
    "abc",
    "9999-12-31",
    "x" * 5000,
    "<script>alert(1)</script>\u202e\U0001f9b6",
)


def renders(client: Client, *names: tuple[str, list[Any]]) -> None:
    for name, args in names:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name


@pytest.fixture
def surgeon(clinic: Clinic, client: Client, tmp_path: Any, settings: Any) -> Client:
    settings.MEDIA_ROOT = tmp_path / "media"
    client.raise_request_exception = True
    client.force_login(clinic.user(Role.SURGEON))
    return client


@pytest.mark.parametrize(
    "field",
    [
        *OperativeRecordForm.base_fields,
        "inc-0-length_mm",
        "imp-0-diameter_mm",
        "imp-0-lot",
        "inc-TOTAL_FORMS",
        "version",
    ],
)
def test_every_operative_record_field_takes_boundary_values(
    clinic: Clinic, surgeon: Client, field: str
) -> None:
    episode = clinic.patient_a.episodes.get()
    url = reverse("surgery:operation", args=[episode.pk])
    for value in BOUNDARIES:
        version = OperativeRecord.objects.first()
        posted = {**RECORD, "version": str(version.version if version else 0), field: value}
        response = surgeon.post(url, posted)
        assert response.status_code in (200, 302), (field, value)
    renders(surgeon, ("surgery:operation", [episode.pk]))
    if OperativeRecord.objects.exists():
        renders(surgeon, ("surgery:operative_note", [episode.pk]))


@pytest.mark.parametrize("field", [*AssessmentForm.base_fields])
def test_every_assessment_field_takes_boundary_values(
    clinic: Clinic, surgeon: Client, field: str
) -> None:
    episode = clinic.patient_a.episodes.get()
    url = reverse("surgery:assessment", args=[episode.pk])
    for value in BOUNDARIES:
        response = surgeon.post(url, {**ASSESSMENT, field: value})
        assert response.status_code in (200, 302), (field, value)
    renders(surgeon, ("surgery:assessment", [episode.pk]))


def test_every_plan_field_takes_boundary_values(
    clinic: Clinic, surgeon: Client, tmp_path: Any
) -> None:
    episode = measured_episode(clinic, tmp_path)
    url = reverse("surgery:plan", args=[episode.pk])
    base = {
        "action": "save",
        "find-mtp_arthritis_grade": "none",
        "find-m1_head_lateral_edge": "angular",
        "find-target_ima_deg": "7",
        "choice-technique": "mis_distal_metatarsal_osteotomy",
        "fix-TOTAL_FORMS": "1",
        "fix-INITIAL_FORMS": "0",
        "fix-0-bone": "m1",
        "fix-0-kind": "bevel_tip_screw",
        "fix-0-count": "2",
        "fix-0-diameter_mm": "3.5",
        "fix-0-length_mm": "24",
    }
    fields = [
        *(f"find-{name}" for name in PlanFindingsForm.base_fields),
        "choice-technique",
        "choice-notes",
        "fix-0-count",
        "fix-0-length_mm",
        "fix-TOTAL_FORMS",
    ]
    for field in fields:
        for value in BOUNDARIES:
            saved = SurgicalPlan.objects.first()
            version = str(saved.version if saved else 0)
            response = surgeon.post(url, {**base, "version": version, field: value})
            assert response.status_code in (200, 302), (field, value)
    renders(surgeon, ("surgery:plan", [episode.pk]), ("surgery:plan_overlay", [episode.pk]))
