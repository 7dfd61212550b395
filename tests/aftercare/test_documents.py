"""The patient's documents page, the aftercare plan PDF, and who may download what."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.http import FileResponse, HttpResponseBase
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from halluxpath.accounts.models import Role, User
from halluxpath.aftercare import plan_pdf
from halluxpath.aftercare.actions import adjust_item, issue_plan
from halluxpath.aftercare.models import AftercarePlan
from halluxpath.aftercare.schemas import PlanIssue, PlanItemAdjustment
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.patients.models import Episode, Patient
from halluxpath.surgery import actions as surgery_actions
from halluxpath.surgery.models import ConsentSheet, SurgicalPlan
from tests.conftest import Clinic

OPERATED = dt.date(2026, 11, 2)
HOSTILE = "<b>&</b><script>alert(1)</script> ]]> &amp; <para>"


def episode_of(patient: Patient) -> Episode:
    return patient.episodes.get()


def give_plan(patient: Patient, staff: User) -> AftercarePlan:
    return issue_plan(
        Actor(staff),
        episode_of(patient).pk,
        PlanIssue(operated_on=OPERATED),
    )


def give_consent_sheet(patient: Patient, surgeon: User) -> ConsentSheet:
    SurgicalPlan.objects.create(
        episode=episode_of(patient),
        inputs={},
        suggested={},
        technique="mis_distal_metatarsal_osteotomy",
        akin=False,
        target_ima_deg=7.0,
        decided_by=surgeon,
    )
    return surgery_actions.issue_consent_sheet(Actor(surgeon), episode_of(patient).pk)


@pytest.fixture
def documented(clinic: Clinic, settings: Any, tmp_path: Any) -> Clinic:
    """Both patients have an aftercare plan and a consent sheet."""
    settings.MEDIA_ROOT = tmp_path / "media"
    give_plan(clinic.patient_a, clinic.user(Role.NURSE))
    give_plan(clinic.patient_b, clinic.surgeon_b)
    give_consent_sheet(clinic.patient_a, clinic.user(Role.SURGEON))
    give_consent_sheet(clinic.patient_b, clinic.surgeon_b)
    return clinic


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def without_tokens(page: bytes) -> bytes:
    """The page without its per-response CSRF token (masked afresh on every render)."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", page)


def body(response: HttpResponseBase) -> bytes:
    assert isinstance(response, FileResponse)
    return b"".join(response.streaming_content)  # type: ignore[arg-type]


def test_the_plan_pdf_names_the_patient_and_lists_every_item_with_the_red_flags(
    clinic: Clinic,
) -> None:
    plan = give_plan(clinic.patient_a, clinic.user(Role.NURSE))
    data = plan_pdf.render(plan, clinic.patient_a)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Ada Lovelace" in text
    assert "A-0001" in text
    assert "Left" in text
    assert "2 Nov 2026" in text  # the operation date, in the locale's format
    for item in plan.item_list:
        assert " ".join(item["title"].split()) in text
        assert " ".join(item["instructions"].split()) in text
    # DOMAIN §12, as on the Today page.
    assert "Call 999 for sudden breathlessness or chest pain" in text
    assert "bleeding that does not stop" in text
    # A range and a single visit day.
    assert "From 2 Nov 2026 to 14 Dec 2026" in text  # the shoe, 6 weeks
    assert "16 Nov 2026" in text  # wound check at 2 weeks
    assert "MIS distal osteotomy with screws, day case" in text
    assert "version 1" in text
    assert "DOMAIN" not in text  # no reference codes shown to a patient (issue 12 item 10)
    assert "§" not in text
    assert "contact the clinic" in text  # the site has no number: plain words, no blank


def test_typed_text_is_printed_literally_and_does_not_break_the_pdf(clinic: Clinic) -> None:
    nurse = clinic.user(Role.NURSE)
    plan = give_plan(clinic.patient_a, nurse)
    plan = adjust_item(
        Actor(nurse),
        episode_of(clinic.patient_a).pk,
        plan.version,
        PlanItemAdjustment(
            item_key="visit-2w",
            starts_on=OPERATED + dt.timedelta(days=15),
            instructions=HOSTILE,
            reason="testing",
        ),
    )
    visit = next(i for i in plan.item_list if i["key"] == "visit-2w")
    visit["time"], visit["place"] = "10:30:00", "Clinic <3 & Co"
    plan.save()
    clinic.patient_a.given_name = "Ada <i>"
    text = pdf_text(plan_pdf.render(plan, clinic.patient_a))
    assert "<b>&</b><script>alert(1)</script> ]]> &amp; <para>" in text
    assert "Ada <i> Lovelace" in text
    assert "17 Nov 2026 · at 10:30 · Clinic <3 & Co" in text  # the installation formats


def test_the_patient_lists_and_downloads_only_their_own_documents(
    documented: Clinic, client: Client
) -> None:
    client.force_login(documented.user(Role.PATIENT))
    page = client.get(reverse("aftercare:documents")).content.decode()
    own_plan = reverse("aftercare:document_plan", args=[episode_of(documented.patient_a).pk])
    own_sheet = ConsentSheet.objects.get(episode__patient=documented.patient_a)
    own_sheet_url = reverse("aftercare:document_consent", args=[own_sheet.pk])
    assert "Your aftercare plan, left foot" in page
    assert "Consent sheet 1" in page
    assert own_plan in page
    assert own_sheet_url in page
    assert page.count("Download") == 2

    plan = client.get(own_plan)
    assert plan.status_code == 200
    assert plan["Content-Type"] == "application/pdf"
    assert plan["Content-Disposition"] == 'attachment; filename="aftercare-plan-left-foot.pdf"'
    assert plan["Cache-Control"] == "private, no-store"
    assert "Ada Lovelace" in pdf_text(body(plan))

    sheet = client.get(own_sheet_url)
    assert sheet.status_code == 200
    assert sheet["Cache-Control"] == "private, no-store"
    assert sheet["Content-Disposition"].startswith("attachment;")
    assert "Your bunion operation" in pdf_text(body(sheet))


def test_another_patients_documents_answer_404_like_missing_ones(
    documented: Clinic, client: Client
) -> None:
    client.force_login(documented.user(Role.PATIENT))
    other_episode = episode_of(documented.patient_b)
    other_sheet = ConsentSheet.objects.get(episode=other_episode)
    missing_episode = Episode.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    missing_sheet = ConsentSheet.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    others = [
        client.get(reverse("aftercare:document_plan", args=[other_episode.pk])),
        client.get(reverse("aftercare:document_consent", args=[other_sheet.pk])),
    ]
    missing = [
        client.get(reverse("aftercare:document_plan", args=[missing_episode])),
        client.get(reverse("aftercare:document_consent", args=[missing_sheet])),
    ]
    for refused, absent in zip(others, missing, strict=True):
        assert refused.status_code == absent.status_code == 404
        assert without_tokens(refused.content) == without_tokens(absent.content)
        assert b"Hopper" not in refused.content
    assert not AuditEvent.objects.filter(
        patient_id=documented.patient_b.pk, actor_role=Role.PATIENT, outcome="success"
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="episode", object_id=str(other_episode.pk), outcome="denied"
    ).exists()


def test_an_episode_without_a_plan_has_no_plan_pdf(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.PATIENT))
    episode = episode_of(clinic.patient_a)
    assert client.get(reverse("aftercare:document_plan", args=[episode.pk])).status_code == 404
    page = client.get(reverse("aftercare:documents")).content.decode()
    assert "Nothing here yet" in page


def test_staff_cannot_use_the_patient_documents_pages(documented: Clinic, client: Client) -> None:
    client.force_login(documented.user(Role.NURSE))
    episode = episode_of(documented.patient_a)
    assert client.get(reverse("aftercare:documents")).status_code == 403
    assert client.get(reverse("aftercare:document_plan", args=[episode.pk])).status_code == 403


def test_the_care_team_downloads_the_plan_pdf_and_others_get_404(
    documented: Clinic, client: Client
) -> None:
    episode = episode_of(documented.patient_a)
    url = reverse("aftercare:plan_pdf", args=[episode.pk])
    client.force_login(documented.user(Role.PHYSIOTHERAPIST))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="aftercare-plan-a-0001-left.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    assert "Ada Lovelace" in pdf_text(body(response))
    page = client.get(reverse("aftercare:plan", args=[episode.pk])).content.decode()
    assert url in page

    client.force_login(documented.surgeon_b)  # team B: not this patient's care team
    assert client.get(url).status_code == 404
    client.force_login(documented.user(Role.PATIENT))
    assert client.get(url).status_code == 403


def test_every_download_is_in_the_audit_log(documented: Clinic, client: Client) -> None:
    episode = episode_of(documented.patient_a)
    plan = AftercarePlan.objects.get(episode=episode)
    sheet = ConsentSheet.objects.get(episode=episode)
    client.force_login(documented.user(Role.PATIENT))
    client.get(reverse("aftercare:document_plan", args=[episode.pk]))
    client.get(reverse("aftercare:document_consent", args=[sheet.pk]))
    client.force_login(documented.user(Role.SURGEON))
    client.get(reverse("aftercare:plan_pdf", args=[episode.pk]))
    seen = AuditEvent.objects.filter(action="view", patient_id=documented.patient_a.pk)
    plan_views = seen.filter(object_type="aftercare_plan", object_id=str(plan.pk))
    assert sorted(plan_views.values_list("actor_username", flat=True)) == ["patient", "surgeon"]
    assert seen.filter(
        object_type="consent_sheet", object_id=str(sheet.pk), actor_username="patient"
    ).exists()


def test_the_today_page_links_to_the_documents(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.PATIENT))
    page = client.get(reverse("aftercare:today")).content.decode()
    assert reverse("aftercare:documents") in page
