"""On a phone: a patient opens their documents and downloads the aftercare plan PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from halluxpath.audit.models import AuditEvent
from tests.browser.conftest import issue_demo_patients_plan, screenshot
from tests.browser.test_journeys import serious_violations, sign_in

pytestmark = pytest.mark.browser


def test_a_patient_downloads_the_aftercare_plan_on_a_phone(
    phone: Page, live_server: LiveServer, demo: None
) -> None:
    episode = issue_demo_patients_plan(days_ago=2)
    plan = episode.aftercare_plan
    sign_in(phone, live_server.url, "patient")
    phone.get_by_role("link", name="Today").click()
    phone.get_by_role("link", name="Your documents").click()
    expect(phone.get_by_role("heading", name="Your documents", level=1)).to_be_visible()
    side = episode.get_side_display().lower()
    expect(phone.get_by_role("heading", name=f"Your aftercare plan, {side} foot")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(phone) == []
    screenshot(phone, "documents-phone")

    with phone.expect_download() as download_info:
        phone.get_by_role("link", name=f"Download your aftercare plan, {side} foot").click()
    download = download_info.value
    assert download.suggested_filename == f"aftercare-plan-{episode.side}-foot.pdf"
    data = Path(download.path()).read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert episode.patient.full_name in text
    assert "Call 999 for sudden breathlessness or chest pain" in text
    assert "Foot up most of the day" in text
    assert AuditEvent.objects.filter(
        action="view",
        object_type="aftercare_plan",
        object_id=str(plan.pk),
        actor_username="patient",
    ).exists()
