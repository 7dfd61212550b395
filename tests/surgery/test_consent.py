"""The consent sheet: built from the plan and the assessment, kept as shown, readable."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.core import consent
from halluxpath.core.risk import Smoking
from halluxpath.surgery import actions
from halluxpath.surgery.models import ConsentSheet, SurgicalPlan
from halluxpath.surgery.schemas import AssessmentInput
from tests.conftest import Clinic


def test_personal_risks_come_first_in_plain_words_with_sources() -> None:
    content = consent.build(
        patient_name="Ada Lovelace",
        side="left",
        procedure="MIS distal metatarsal osteotomy",
        akin=True,
        flags=[
            {"rule": "§6 smoking", "source": "DOMAIN §6 [59]"},
            {"rule": "§6 smoking", "source": "DOMAIN §6 [59]"},
            {"rule": "unknown", "source": ""},
        ],
    )
    assert [r.topic for r in content.personal_risks] == ["Smoking"]
    assert content.personal_risks[0].source == "DOMAIN §6 [59]"
    assert "Akin" in content.procedure
    assert len(content.goals) == 4
    assert any("1 in 100 get an infection" in r.text for r in content.general_risks)


@pytest.fixture
def planned(clinic: Clinic, settings: Any, tmp_path: Any) -> Clinic:
    settings.MEDIA_ROOT = tmp_path / "media"
    episode = clinic.patient_a.episodes.get()
    SurgicalPlan.objects.create(
        episode=episode,
        inputs={},
        suggested={},
        technique="mis_distal_metatarsal_osteotomy",
        akin=False,
        target_ima_deg=7.0,
        decided_by=clinic.user(Role.SURGEON),
    )
    actions.save_assessment(
        Actor(clinic.user(Role.SURGEON)),
        episode.pk,
        None,
        AssessmentInput(smoking=Smoking.CURRENT, bmi=35.0),
    )
    return clinic


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_a_sheet_is_issued_kept_and_downloaded_with_the_patients_own_risks(
    planned: Clinic, client: Client
) -> None:
    episode = planned.patient_a.episodes.get()
    client.force_login(planned.user(Role.NURSE))
    response = client.post(reverse("surgery:consent", args=[episode.pk]), follow=True)
    assert "Consent sheet 1 prepared" in response.content.decode()
    download = client.get(reverse("surgery:consent_pdf", args=[episode.pk, 1]))
    data = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Ada Lovelace" in text
    assert "Risks that are higher for you" in text
    assert "You smoke" in text
    assert "Your weight" in text
    assert "About 1 in 100 get an infection" in text
    sheet = ConsentSheet.objects.get()
    assert sheet.content["personal_risks"][0]["topic"] == "Smoking"


def test_a_new_sheet_never_changes_an_old_one(planned: Clinic, client: Client) -> None:
    episode = planned.patient_a.episodes.get()
    client.force_login(planned.user(Role.SURGEON))
    client.post(reverse("surgery:consent", args=[episode.pk]))
    first = ConsentSheet.objects.get(number=1)
    actions.save_assessment(
        Actor(planned.user(Role.SURGEON)),
        episode.pk,
        1,
        AssessmentInput(smoking=Smoking.NEVER, bmi=24.0),
    )
    client.post(reverse("surgery:consent", args=[episode.pk]))
    second = ConsentSheet.objects.get(number=2)
    first.refresh_from_db()
    assert first.content["personal_risks"] != second.content["personal_risks"]
    topics = {r["topic"] for r in second.content["personal_risks"]}
    assert "Smoking" not in topics
    assert "Weight" not in topics
    assert "Age" in topics  # born 1960: over 60
    assert first.sha256 != second.sha256


def test_without_a_plan_no_sheet_is_made(clinic: Clinic, client: Client) -> None:
    episode = clinic.patient_a.episodes.get()
    client.force_login(clinic.user(Role.SURGEON))
    response = client.post(reverse("surgery:consent", args=[episode.pk]), follow=True)
    assert "Save the operative plan first" in response.content.decode()
    assert not ConsentSheet.objects.exists()


def test_a_sheet_missing_from_storage_is_a_plain_404_and_a_log_line(
    planned: Clinic, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    from halluxpath.imaging.storage import media_path

    episode = planned.patient_a.episodes.get()
    client.force_login(planned.user(Role.NURSE))
    client.post(reverse("surgery:consent", args=[episode.pk]))
    media_path(ConsentSheet.objects.get().pdf_file).unlink()  # storage restored without it
    response = client.get(reverse("surgery:consent_pdf", args=[episode.pk, 1]))
    assert response.status_code == 404
    assert "stored file cannot be read" in caplog.text
