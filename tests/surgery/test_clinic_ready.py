"""Issue 12, surgery side: each finding of the probe as a regression test, page and API."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.imaging.models import Measurement
from halluxpath.patients.models import Episode
from halluxpath.surgery import actions
from halluxpath.surgery.models import (
    ConsentSheet,
    OperativeRecord,
    PreoperativeAssessment,
    SurgicalPlan,
)
from tests.conftest import Clinic
from tests.surgery.forms_as_sent import untouched_form
from tests.surgery.test_operation import RECORD
from tests.surgery.test_pages import measured_episode
from tests.surgery.test_plan_api import PLAN, TEAM

HOSTILE_TEXT = {
    "4000 without spaces": "x" * 4000,
    "4000 in words": ("osteotomy " * 400)[:4000],
    "many newlines": "a\n" * 2000,
    "only newlines": "\n" * 4000,
    "right to left": ("שלום עולם مرحبا بالعالم " * 160)[:4000],
    "emoji": "🦶🏽😀👍🏿" * 1000,
    "chinese": "中文字符" * 1000,
    "markup": "<b>&amp; <script>alert(1)</script> ]]> <para>" * 80,
    "controls and combining": "e\u0301\u200b\u202e\x07\x1b zalgo a\u0336\u0337\u0338" * 150,
}


def pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )


def strict_json(content: bytes) -> Any:
    """JSON as the standard has it: NaN and Infinity are refused."""

    def refuse(name: str) -> None:
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(content, parse_constant=refuse)


def put(client: Client, url: str, body: Any) -> Any:
    return client.put(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def surgeon(clinic: Clinic, client: Client, tmp_path: Any, settings: Any) -> Client:
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(clinic.user(Role.SURGEON))
    return client


@pytest.fixture
def measured(clinic: Clinic, surgeon: Client, tmp_path: Any) -> Episode:
    return measured_episode(clinic, tmp_path)


def record_url(episode: Episode) -> str:
    return f"/api/v1/episodes/{episode.pk}/operative-record"


CONTENT = {
    "anaesthesia_primary": "ankle_block",
    "incisions": [{"site": "medial_m1_neck", "length_mm": 3}],
    "implants": [{"bone": "m1", "kind": "bevel_tip_screw", "diameter_mm": 3.5, "length_mm": 24}],
}


# --- item 4: prefilled completely or not at all; the record from the plan; confirm to sign ---


def test_the_plan_page_saves_on_the_first_click_with_its_suggestion_untouched(
    surgeon: Client, measured: Episode
) -> None:
    url = reverse("surgery:plan", args=[measured.pk])
    page = surgeon.get(url).content.decode()
    posted = {**untouched_form(page, "find-target_ima_deg"), "action": ["save"]}
    saved = surgeon.post(url, posted, follow=True)
    assert "Plan saved" in saved.content.decode(), saved.context["choice_form"].errors
    assert SurgicalPlan.objects.get().fixation_rows == []  # nothing half-filled was stored


def test_a_half_filled_fixation_row_is_listed_in_the_error_summary(
    surgeon: Client, measured: Episode
) -> None:
    url = reverse("surgery:plan", args=[measured.pk])
    posted = untouched_form(surgeon.get(url).content.decode(), "find-target_ima_deg")
    posted.update({"action": ["save"], "fix-0-kind": ["bevel_tip_screw"]})
    body = surgeon.post(url, posted).content.decode()
    assert "Fixation row 1, length (mm): An implant needs the length." in body
    assert not SurgicalPlan.objects.exists()


def test_a_new_operative_record_starts_from_the_plan(surgeon: Client, measured: Episode) -> None:
    assert put(surgeon, f"/api/v1/episodes/{measured.pk}/plan", PLAN).status_code == 200
    page = surgeon.get(reverse("surgery:operation", args=[measured.pk]))
    initial = page.context["form"].initial
    assert initial["akin_done"] is True
    assert initial["osteotomy_level"] == "distal_metaphyseal"
    assert initial["osteotomy_instrument"] == "burr"
    rows = page.context["implants"].initial
    assert (
        rows
        == [{"bone": "m1", "kind": "bevel_tip_screw", "diameter_mm": 3.5, "length_mm": 24.0}] * 2
    )  # two screws planned, one row each
    assert "Started from the saved plan" in page.content.decode()
    posted = untouched_form(page.content.decode(), "inc-TOTAL_FORMS")
    saved = surgeon.post(reverse("surgery:operation", args=[measured.pk]), posted, follow=True)
    assert "Operative record saved" in saved.content.decode()
    content = OperativeRecord.objects.get().record_content
    assert len(content["implants"]) == 2
    assert content["osteotomies"][-1]["type"] == "closing_wedge_akin"


def test_signing_asks_for_confirmation_first(clinic: Clinic, surgeon: Client) -> None:
    episode = clinic.patient_a.episodes.get()
    url = reverse("surgery:operation", args=[episode.pk])
    surgeon.post(url, {**RECORD, "version": "0"})
    page = surgeon.get(url).content.decode()
    assert "Sign: you will not be able to edit, only amend" in page
    refused = surgeon.post(url, {"action": "sign", "version": "1"}, follow=True)
    assert "Tick the box to confirm the signature" in refused.content.decode()
    assert not OperativeRecord.objects.get().is_signed


def test_the_operation_form_lists_formset_errors_in_its_summary(
    clinic: Clinic, surgeon: Client
) -> None:
    episode = clinic.patient_a.episodes.get()
    response = surgeon.post(
        reverse("surgery:operation", args=[episode.pk]),
        {**RECORD, "version": "0", "inc-0-length_mm": "600", "imp-0-length_mm": ""},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Incision 1, length (mm):" in body
    assert "Implant 1, length (mm): This field is required." in body
    assert "data-error-summary" in body
    assert 'href="#id_imp-0-length_mm"' in body  # linked to the row's field
    assert not OperativeRecord.objects.exists()


# --- item 5: implausible measurements give a warning, not an absurd suggestion ---


def test_an_implausible_ima_gives_a_warning_and_no_translation(
    surgeon: Client, measured: Episode
) -> None:
    measurement = Measurement.objects.get()
    Measurement.objects.filter(pk=measurement.pk).update(
        results={**measurement.results, "ima_deg": 50.8, "hvia_deg": -53.5}
    )
    page = surgeon.get(reverse("surgery:plan", args=[measured.pk])).content.decode()
    assert "The IMA of 50.8° lies outside -5 to 25°" in page
    assert "The HVIA of -53.5° lies outside" in page
    assert "492" not in page
    response = put(surgeon, f"/api/v1/episodes/{measured.pk}/plan", PLAN)
    assert response.status_code == 200  # a warning, not a refusal
    body = response.json()
    assert body["planned_shift_pct"] is None
    assert {f["rule"] for f in body["suggested"]["findings"]} >= {"R-PLAN-0"}


# --- item 9: consent signed, with the scan; the sheet's date of birth and signature lines ---


def scan_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), (250, 250, 250)).save(buffer, "PNG")
    return buffer.getvalue()


MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def sheet(surgeon: Client, measured: Episode) -> ConsentSheet:
    put(surgeon, f"/api/v1/episodes/{measured.pk}/plan", PLAN)
    return actions.issue_consent_sheet(Actor(measured.responsible_surgeon), measured.pk)


def test_the_consent_sheet_carries_the_date_of_birth_and_signature_lines(
    surgeon: Client, sheet: ConsentSheet
) -> None:
    response = surgeon.get(reverse("surgery:consent_pdf", args=[sheet.episode_id, 1]))
    text = pdf_text(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert "born 17 May 1960" in text
    assert "hospital number A-0001" in text
    for line in ("Patient", "Clinician taking consent", "Interpreter (if one was used)", "Date"):
        assert line in text


def test_the_signed_consent_is_recorded_with_its_scan_on_the_page(
    clinic: Clinic, surgeon: Client, sheet: ConsentSheet
) -> None:
    url = reverse("surgery:consent", args=[sheet.episode_id])
    today = timezone.localdate().isoformat()
    refused = surgeon.post(
        url,
        {
            "action": "signature",
            "number": "1",
            "signed_on": today,
            "interpreter_name": "Ana Interpreter",
            "interpreter_language": "Portuguese",
            "signed_copy": SimpleUploadedFile("scan.pdf", b"not a pdf at all", "application/pdf"),
        },
    )
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "not a PDF or a picture" in body
    assert 'value="Ana Interpreter"' in body  # the other fields keep their values
    saved = surgeon.post(
        url,
        {
            "action": "signature",
            "number": "1",
            "signed_on": today,
            "interpreter_name": "Ana Interpreter",
            "interpreter_language": "Portuguese",
            "signed_copy": SimpleUploadedFile("scan.pdf", MINIMAL_PDF, "application/pdf"),
        },
        follow=True,
    )
    assert "signature is recorded" in saved.content.decode()
    recorded = ConsentSheet.objects.get()
    assert recorded.consent_taken_by == clinic.user(Role.SURGEON)
    assert recorded.signed_copy_type == "application/pdf"
    assert "interpreter Ana Interpreter (Portuguese)" in saved.content.decode()
    copy = surgeon.get(reverse("surgery:consent_signed_copy", args=[sheet.episode_id, 1]))
    assert b"".join(copy.streaming_content) == MINIMAL_PDF  # type: ignore[attr-defined]
    assert copy["Cache-Control"] == "private, no-store"
    again = surgeon.post(
        url, {"action": "signature", "number": "1", "signed_on": today}, follow=True
    )
    assert "already recorded" in again.content.decode()
    surgeon.force_login(clinic.surgeon_b)
    other = surgeon.get(reverse("surgery:consent_signed_copy", args=[sheet.episode_id, 1]))
    assert other.status_code == 404


@pytest.mark.parametrize(
    ("signed_on", "message"),
    [("1999-12-31", "cannot be before"), ("9999-12-31", "cannot be in the future"), ("x", "")],
)
def test_the_consent_signature_date_is_plausible(
    surgeon: Client, sheet: ConsentSheet, signed_on: str, message: str
) -> None:
    url = reverse("surgery:consent", args=[sheet.episode_id])
    page = surgeon.post(url, {"action": "signature", "number": "1", "signed_on": signed_on})
    assert page.status_code == 200
    assert message in page.content.decode()
    api = surgeon.post(
        f"/api/v1/episodes/{sheet.episode_id}/consent-sheets/1/signature",
        {"signed_on": signed_on},
    )
    assert api.status_code == 422
    assert not ConsentSheet.objects.get().is_signed


def test_the_consent_signature_api_takes_an_image_scan(
    surgeon: Client, sheet: ConsentSheet
) -> None:
    url = f"/api/v1/episodes/{sheet.episode_id}/consent-sheets/1/signature"
    response = surgeon.post(
        url,
        {
            "signed_on": timezone.localdate().isoformat(),
            "signed_copy": SimpleUploadedFile("scan.png", scan_png(), "image/png"),
        },
    )
    assert response.status_code == 200, response.content
    assert len(response.json()["signed_copy_sha256"]) == 64
    assert ConsentSheet.objects.get().signed_copy_type == "image/jpeg"  # re-encoded, no metadata
    missing = surgeon.post(
        f"/api/v1/episodes/{sheet.episode_id}/consent-sheets/9/signature",
        {"signed_on": timezone.localdate().isoformat()},
    )
    assert missing.status_code == 404


def test_the_checklist_names_the_team_and_who_confirmed_each_item(
    clinic: Clinic, surgeon: Client, sheet: ConsentSheet
) -> None:
    url = reverse("surgery:checklist", args=[sheet.episode_id])
    items = [str(n) for n in range(1, 8)]
    unnamed = surgeon.post(url, {"phase": "sign_in", "version": "1", "item": items}, follow=True)
    assert "Name the surgeon and the anaesthetist" in unnamed.content.decode()
    named = surgeon.post(
        url,
        {
            "phase": "sign_in",
            "version": "1",
            "item": items,
            **{f"team-{role}": name for role, name in TEAM.items()},
        },
        follow=True,
    )
    body = named.content.decode()
    assert "Sign In complete" in body
    assert "Confirmed by Dr Ann Aesthetist (Anaesthetist)" in body
    assert "Confirmed by Sam Scrub (Scrub nurse or ODP)" in body
    assert 'value="Dr Ann Aesthetist"' in body  # the Time Out starts with the same team


# --- item 12: every PDF lays out any text the form accepts; extreme dates ---


@pytest.mark.parametrize("kind", sorted(HOSTILE_TEXT))
def test_the_operative_note_lays_out_any_text_the_form_accepts(
    clinic: Clinic, surgeon: Client, kind: str
) -> None:
    episode = clinic.patient_a.episodes.get()
    text = HOSTILE_TEXT[kind][:4000]
    url = reverse("surgery:operation", args=[episode.pk])
    form = {
        **RECORD,
        "version": "0",
        "notes": text,
        "rotation": text[:100],
        "conversion_to_open": "on" if text.strip() else "",
        "conversion_reason": text[:300],
        "imp-0-manufacturer": text[:100],
        "imp-0-lot": text[:60],
    }
    saved = surgeon.post(url, form)
    assert saved.status_code == 302, saved.context["form"].errors
    note = surgeon.get(reverse("surgery:operative_note", args=[episode.pk]))
    assert note.status_code == 200
    assert "Operative note" in pdf_text(note.content)
    assert surgeon.get(url).status_code == 200


@pytest.mark.parametrize("kind", ["4000 without spaces", "right to left", "emoji", "markup"])
def test_the_consent_sheet_lays_out_any_name(
    clinic: Clinic, surgeon: Client, measured: Episode, kind: str
) -> None:
    patient = measured.patient
    patient.given_name = HOSTILE_TEXT[kind][:100]
    patient.save()
    put(surgeon, f"/api/v1/episodes/{measured.pk}/plan", PLAN)
    issued = surgeon.post(reverse("surgery:consent", args=[measured.pk]), follow=True)
    assert "Consent sheet 1 prepared" in issued.content.decode()
    sheet = surgeon.get(reverse("surgery:consent_pdf", args=[measured.pk, 1]))
    assert "Your bunion operation" in pdf_text(b"".join(sheet.streaming_content))  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("operated_on", "message"),
    [
        ("1999-12-31", "cannot be before"),
        ("0001-01-01", "cannot be before"),
        ("9999-12-31", "cannot be in the future"),
    ],
)
def test_the_operation_date_is_plausible_on_the_page_and_the_api(
    clinic: Clinic, surgeon: Client, operated_on: str, message: str
) -> None:
    episode = clinic.patient_a.episodes.get()
    page = surgeon.post(
        reverse("surgery:operation", args=[episode.pk]),
        {**RECORD, "version": "0", "operated_on": operated_on},
    )
    assert page.status_code == 200
    assert message in page.content.decode()
    api = put(surgeon, record_url(episode), {"operated_on": operated_on, "content": CONTENT})
    assert api.status_code == 422
    assert "operated_on" in api.content.decode()
    assert not OperativeRecord.objects.exists()


def test_records_stored_with_extreme_dates_still_render(clinic: Clinic, surgeon: Client) -> None:
    episode = clinic.patient_a.episodes.get()
    OperativeRecord.objects.create(
        episode=episode,
        operated_on=dt.date(9999, 12, 31),
        content={"incisions": [{"site": "medial_m1_neck", "length_mm": 3.0}]},
        recorded_by=clinic.user(Role.SURGEON),
    )
    PreoperativeAssessment.objects.create(
        episode=episode,
        hba1c_date=dt.date(1, 1, 1),
        flags=[],
        recorded_by=clinic.user(Role.SURGEON),
    )
    assert surgeon.get(reverse("surgery:operation", args=[episode.pk])).status_code == 200
    assert surgeon.get(reverse("surgery:operative_note", args=[episode.pk])).status_code == 200
    assert surgeon.get(reverse("surgery:assessment", args=[episode.pk])).status_code == 200


def test_the_hba1c_date_is_plausible_on_the_page_and_the_api(
    clinic: Clinic, surgeon: Client
) -> None:
    episode = clinic.patient_a.episodes.get()
    from tests.surgery.test_pages import ASSESSMENT

    for day in ("0001-01-01", "9999-12-31"):
        page = surgeon.post(
            reverse("surgery:assessment", args=[episode.pk]), {**ASSESSMENT, "hba1c_date": day}
        )
        assert page.status_code == 200
        assert "has-error" in page.content.decode()
        api = put(
            surgeon,
            f"/api/v1/episodes/{episode.pk}/assessment",
            {"diabetes": "type2", "hba1c_mmol_mol": 60, "hba1c_date": day},
        )
        assert api.status_code == 422
    assert not PreoperativeAssessment.objects.exists()


# --- item 13: one schema for page and API, checked before storing; legacy rows render ---


@pytest.mark.parametrize(
    "change",
    [
        {"implants": ["x"]},
        {"osteotomies": "abc"},
        {"incisions": "abc"},
        {"intraop_events": ["explosion"]},
        {"notes": {"nested": ["deep"]}},
        {"tourniquet_minutes": "NaN"},
    ],
)
def test_the_record_api_refuses_unchecked_content_with_422(
    clinic: Clinic, surgeon: Client, change: dict[str, Any]
) -> None:
    episode = clinic.patient_a.episodes.get()
    response = put(
        surgeon,
        record_url(episode),
        {"operated_on": "2026-11-20", "content": {**CONTENT, **change}},
    )
    assert response.status_code == 422, response.content
    assert not OperativeRecord.objects.exists()


def test_a_legacy_record_with_unreadable_parts_renders_them_as_unreadable(
    clinic: Clinic, surgeon: Client
) -> None:
    episode = clinic.patient_a.episodes.get()
    record = OperativeRecord.objects.create(
        episode=episode,
        operated_on=dt.date(2026, 11, 2),
        content={
            "osteotomies": "abc",
            "implants": ["x", {"bone": "m1", "kind": "staple", "diameter_mm": [1]}],
            "incisions": [{"site": "medial_m1_neck", "length_mm": 3.0}],
            "intraop_events": "burn",
            "notes": {"deep": [1, 2]},
        },
        signed_content=["not", "an", "object"],
        recorded_by=clinic.user(Role.SURGEON),
    )
    page = surgeon.get(reverse("surgery:operation", args=[episode.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "unreadable" in body
    assert "osteotomies" in body
    note = surgeon.get(reverse("surgery:operative_note", args=[episode.pk]))
    assert note.status_code == 200
    assert "Unreadable in this stored record" in pdf_text(note.content)
    OperativeRecord.objects.filter(pk=record.pk).update(content="just text")
    assert surgeon.get(reverse("surgery:operation", args=[episode.pk])).status_code == 200
    assert surgeon.get(reverse("surgery:operative_note", args=[episode.pk])).status_code == 200


# --- item 14: a patient with no risk factors has an assessment ---


def test_a_patient_without_risk_factors_can_have_an_assessment_saved(
    clinic: Clinic, surgeon: Client
) -> None:
    patient = clinic.patient_a
    patient.date_of_birth = dt.date(1990, 1, 1)  # under 60: not even age is a risk factor
    patient.save()
    episode = patient.episodes.get()
    url = reverse("surgery:assessment", args=[episode.pk])
    posted = untouched_form(surgeon.get(url).content.decode(), "smoking")
    saved = surgeon.post(url, posted, follow=True)
    assert "Pre-operative assessment saved" in saved.content.decode()
    assert PreoperativeAssessment.objects.get().risk_flags == []
    api = put(surgeon, f"/api/v1/episodes/{episode.pk}/assessment", {"version": 1})
    assert api.status_code == 200
    assert api.json()["flags"] == []
    assert "No risk factor raised a flag" in surgeon.get(url).content.decode()


# --- item 15: a non-numeric version is a form error; the translation endpoint is finite ---


@pytest.mark.parametrize("version", ["abc", "-1", "1e3", "9" * 30, ""])
def test_a_non_numeric_version_is_a_form_error_on_the_plan_and_operation_pages(
    clinic: Clinic, surgeon: Client, measured: Episode, version: str
) -> None:
    url = reverse("surgery:plan", args=[measured.pk])
    posted = untouched_form(surgeon.get(url).content.decode(), "find-target_ima_deg")
    posted.update({"action": ["save"], "version": [version]})
    response = surgeon.post(url, posted, follow=True)
    assert response.status_code == 200
    if version:
        assert "version field was not understood" in response.content.decode()
        assert not SurgicalPlan.objects.exists()
    operation = reverse("surgery:operation", args=[measured.pk])
    saved = surgeon.post(operation, {**RECORD, "version": version}, follow=True)
    assert saved.status_code == 200
    signed = surgeon.post(
        operation, {"action": "sign", "version": version, "confirm": "on"}, follow=True
    )
    assert signed.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"ima_pre_deg": "nan"},
        {"ima_pre_deg": "inf"},
        {"lever_mm": "-inf"},
        {"shaft_width_mm": "NaN"},
        {"ima_pre_deg": "1e308"},
        {"ima_pre_deg": "89.9", "ima_target_deg": "-5"},
    ],
)
def test_the_translation_endpoint_refuses_non_finite_input(
    clinic: Clinic, client: Client, query: dict[str, str]
) -> None:
    client.force_login(clinic.user(Role.NURSE))
    params = {"ima_pre_deg": "15", "ima_target_deg": "7", "lever_mm": "50", "shaft_width_mm": "12"}
    response = client.get("/api/v1/planning/translation", {**params, **query})
    assert response.status_code == 422
    strict_json(response.content)


@pytest.mark.parametrize(
    "query",
    [
        {"lever_mm": "1e308"},
        {"shaft_width_mm": "1e-308"},
        {"ima_pre_deg": "50.8"},
        {"ima_pre_deg": "84.9", "ima_target_deg": "-5", "lever_mm": "1e300"},
    ],
)
def test_the_translation_endpoint_always_answers_finite_json(
    clinic: Clinic, client: Client, query: dict[str, str]
) -> None:
    client.force_login(clinic.user(Role.NURSE))
    params = {"ima_pre_deg": "15", "ima_target_deg": "7", "lever_mm": "50", "shaft_width_mm": "12"}
    response = client.get("/api/v1/planning/translation", {**params, **query})
    assert response.status_code == 200
    body = strict_json(response.content)
    assert body["shift_pct"] <= 100
    if query.get("ima_pre_deg") == "50.8":
        assert "outside -5 to 25°" in body["warnings"][0]
        assert body["reachable"] is False


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_the_surgery_api_refuses_non_finite_numbers_in_a_body(
    clinic: Clinic, surgeon: Client, literal: str
) -> None:
    episode = clinic.patient_a.episodes.get()
    assessment = surgeon.put(
        f"/api/v1/episodes/{episode.pk}/assessment",
        f'{{"bmi": {literal}}}',
        content_type="application/json",
    )
    assert assessment.status_code == 422
    record = surgeon.put(
        record_url(episode),
        json.dumps({"operated_on": "2026-11-20", "content": CONTENT}).replace(
            '"ankle_block"', f'"ankle_block", "fluoro_time_s": {literal}'
        ),
        content_type="application/json",
    )
    assert record.status_code == 422
    assert not PreoperativeAssessment.objects.exists()
    assert not OperativeRecord.objects.exists()


def test_a_refused_checklist_phase_keeps_what_was_entered_in_its_form(
    surgeon: Client, sheet: ConsentSheet
) -> None:
    url = reverse("surgery:checklist", args=[sheet.episode_id])
    response = surgeon.post(
        url,
        {"phase": "sign_in", "version": "1", "item": ["1", "3"], "team-surgeon": "Ms Sue Surgeon"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "data-error-summary" in body
    assert "still open: 2, 4, 5, 6, 7" in body
    assert 'value="Ms Sue Surgeon"' in body
    assert 'value="3" checked' in body
