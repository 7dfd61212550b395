"""Rows written before the surgical JSON fields had a schema version still read (version 0)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.core.checklist import Phase, items_of
from halluxpath.imaging.models import Measurement
from halluxpath.surgery import actions
from halluxpath.surgery.models import (
    Amendment,
    ConsentSheet,
    OperativeRecord,
    PreoperativeAssessment,
    SafetyChecklist,
    SurgicalPlan,
)
from halluxpath.surgery.schemas import PhaseInput
from tests.conftest import Clinic
from tests.surgery.test_pages import measured_episode

SMOKING_FLAG = {
    "rule": "§6 smoking",
    "raises": ["infection", "delayed wound healing"],
    "message": "Current smoker: forefoot complications 36.4 % in current smokers.",
    "source": "DOMAIN §6 [59]",
    "unverified": False,
    "action": "Advise stopping smoking before surgery.",
}


def test_an_unversioned_assessment_shows_its_flags(clinic: Clinic, client: Client) -> None:
    episode = clinic.patient_a.episodes.get()
    saved = PreoperativeAssessment.objects.create(
        episode=episode, smoking="current", flags=[SMOKING_FLAG], recorded_by=clinic.surgeon_b
    )
    assert saved.risk_flags == [SMOKING_FLAG]
    client.force_login(clinic.user(Role.NURSE))
    page = client.get(reverse("surgery:assessment", args=[episode.pk])).content.decode()
    assert "Current smoker: forefoot complications" in page


def test_an_unversioned_plan_reads_and_saves_again_stamped(
    clinic: Clinic, client: Client, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    episode = measured_episode(clinic, tmp_path)
    fixation = [
        {"bone": "m1", "kind": "bevel_tip_screw", "count": 2, "diameter_mm": 3.5, "length_mm": 22}
    ]
    plan = SurgicalPlan.objects.create(
        episode=episode,
        measurement=Measurement.objects.get(),
        inputs={
            "measurement": Measurement.objects.get().pk,
            "results": {"ima_deg": 14.0},
            "findings": {"mtp_arthritis_grade": "mild", "target_ima_deg": 8.0, "lever_mm": 50.0},
            "translation": None,
        },
        suggested={"technique": "mis_distal_metatarsal_osteotomy", "akin": True},
        technique="mis_distal_metatarsal_osteotomy",
        target_ima_deg=8.0,
        fixation=fixation,
        decided_by=clinic.user(Role.SURGEON),
    )
    assert plan.fixation_rows == fixation
    assert plan.suggestion_values["akin"] is True
    client.force_login(clinic.user(Role.SURGEON))
    page = client.get(reverse("surgery:plan", args=[episode.pk]))
    assert page.status_code == 200
    assert page.context["findings_form"].initial["mtp_arthritis_grade"] == "mild"
    assert page.context["implants"].initial[0]["length_mm"] == 22
    consent = actions.issue_consent_sheet(Actor(clinic.user(Role.SURGEON)), episode.pk)
    assert consent.number == 1


def test_an_unversioned_checklist_goes_on_from_where_it_was(
    clinic: Clinic, client: Client, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    episode = measured_episode(clinic, tmp_path)
    now = timezone.now().isoformat()
    SafetyChecklist.objects.create(
        episode=episode,
        ticked={str(i.number): {"by": "nurse", "at": now} for i in items_of("sign_in")},
        completed={"sign_in": {"by": "nurse", "at": now}},
        version=2,
    )
    client.force_login(clinic.user(Role.NURSE))
    page = client.get(reverse("surgery:checklist", args=[episode.pk])).content.decode()
    assert "Complete — recorded by nurse" in page
    # The legacy Sign In counts: the refusal is about the Time Out, not the Sign In.
    with pytest.raises(ValidationError, match="Complete Time Out"):
        actions.complete_checklist_phase(
            Actor(clinic.user(Role.NURSE)),
            episode.pk,
            2,
            PhaseInput(phase=Phase.SIGN_OUT, ticked=[i.number for i in items_of("sign_out")]),
        )
    assert set(SafetyChecklist.objects.get().phases_done) == {"sign_in"}


def test_an_unversioned_operative_record_and_amendment_show_and_print(
    clinic: Clinic, client: Client
) -> None:
    episode = clinic.patient_a.episodes.get()
    content = {
        "anaesthesia_primary": "ankle_block",
        "osteotomies": [
            {"bone": "m1", "level": "subcapital", "type": "chevron", "instrument": "burr"}
        ],
        "incisions": [{"site": "medial_m1_neck", "length_mm": 8.0}],
        "implants": [
            {"bone": "m1", "kind": "bevel_tip_screw", "diameter_mm": 3.5, "length_mm": 24}
        ],
        "incisions_over_5mm": [{"site": "medial_m1_neck", "length_mm": 8.0}],
        "operative_time_min": 50.0,
    }
    record = OperativeRecord.objects.create(
        episode=episode,
        operated_on=dt.date(2026, 11, 2),
        content=content,
        signed_content={**content, "operative_time_min": 45.0, "operated_on": "2026-11-02"},
        signed_by=clinic.user(Role.SURGEON),
        signed_at=timezone.now(),
        recorded_by=clinic.user(Role.SURGEON),
    )
    Amendment.objects.create(
        record=record,
        changes={"operative_time_min": {"before": 45.0, "after": 50.0}},
        reason="Time misread",
        author=clinic.user(Role.SURGEON),
    )
    client.force_login(clinic.user(Role.SURGEON))
    page = client.get(reverse("surgery:operation", args=[episode.pk]))
    body = page.content.decode()
    assert "outside the MIS definition" in body
    assert "Skin to skin (min): 45 → 50" in body
    assert page.context["form"].initial["osteotomy_level"] == "subcapital"
    note = client.get(reverse("surgery:operative_note", args=[episode.pk])).content
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(note)).pages).split())
    assert "Subcapital" in text
    assert "Time misread" in text


def test_an_unversioned_consent_sheet_lists_its_risks_and_confirms_the_side(
    clinic: Clinic, client: Client
) -> None:
    episode = clinic.patient_a.episodes.get()
    ConsentSheet.objects.create(
        episode=episode,
        number=1,
        content={"side": episode.side, "personal_risks": [{"topic": "Smoking"}]},
        pdf_file="consent/legacy.pdf",
        sha256="0" * 64,
        prepared_by=clinic.user(Role.SURGEON),
    )
    client.force_login(clinic.user(Role.NURSE))
    page = client.get(reverse("surgery:consent", args=[episode.pk])).content.decode()
    assert "personal risks: Smoking" in page
    checklist = client.get(reverse("surgery:checklist", args=[episode.pk])).content.decode()
    assert f"Consent sheet: <strong>{episode.side.upper()}" in checklist
