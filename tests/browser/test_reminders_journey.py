"""An admin edits the pathway; a nurse books a visit and sees a failed reminder."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from halluxpath.reminders.models import OutboxMessage, Status
from tests.browser.conftest import issue_demo_patients_plan, screenshot
from tests.browser.test_aftercare_journey import phone_page
from tests.browser.test_journeys import serious_violations, sign_in

pytestmark = pytest.mark.browser


def test_an_admin_changes_a_pathway_step(page: Page, live_server: LiveServer, demo: None) -> None:
    sign_in(page, live_server.url, "admin")
    page.get_by_role("link", name="Pathways").click()
    page.get_by_role("link", name="MIS distal osteotomy with screws, day case").click()
    page.get_by_role("row").filter(has_text="Wound check (about 2 weeks)").get_by_role(
        "link", name="Change"
    ).click()
    page.get_by_label("First day (0 = the day of the operation)").fill("12")
    page.get_by_label("What you changed and why").fill("Our wound clinic runs on day 12.")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("Saved as version 2.")).to_be_visible()
    expect(page.get_by_text("visit-2w start_day: 14 → 12")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "pathway-history")


def test_a_nurse_books_a_visit_the_patient_sees_it_and_a_failed_reminder_is_retried(
    browser: Browser, live_server: LiveServer, demo: None
) -> None:
    episode = issue_demo_patients_plan(days_ago=3)
    OutboxMessage.objects.create(
        dedup_key="appointment:browser",
        kind="appointment",
        patient=episode.patient,
        episode=episode,
        channel="sms",
        recipient="07700 900123",
        subject="Foot clinic appointment",
        body="Hello",
        source="test",
        due_at=timezone.now(),
        next_attempt_at=timezone.now(),
        status=Status.FAILED,
        attempts=5,
        last_error="No text-message gateway is configured (HALLUXPATH_SMS_BACKEND).",
    )
    nurse = phone_page(browser)
    sign_in(nurse, live_server.url, "nurse")
    nurse.goto(f"{live_server.url}/episodes/{episode.pk}/aftercare/")
    row = nurse.get_by_role("row").filter(has_text="Wound check (about 2 weeks)")
    row.locator("summary", has_text="Change").click()
    row.get_by_label("Booked time").fill("14:30")
    row.get_by_label("Where").fill("Room 4, Outpatients")
    row.get_by_label("Reason for the change").fill("Booked with the patient by phone")
    row.get_by_role("button", name="Save change").click()
    expect(nurse.get_by_text("Plan item changed")).to_be_visible()
    nurse.get_by_role("link", name="Reminders").click()
    expect(nurse.get_by_text("No text-message gateway is configured")).to_be_visible()
    assert serious_violations(nurse) == []
    screenshot(nurse, "reminders-failed-phone")
    nurse.get_by_role("button", name="Try again").click()
    expect(nurse.get_by_text("will be tried again")).to_be_visible()
    assert OutboxMessage.objects.get(dedup_key="appointment:browser").status == Status.PENDING
    nurse.context.close()

    patient = phone_page(browser)
    sign_in(patient, live_server.url, "patient")
    patient.get_by_role("link", name="Today").click()
    visits = patient.locator(
        "section", has=patient.get_by_role("heading", name="Your appointments")
    )
    expect(visits).to_contain_text("14:30")  # the 24-hour clock (site/formats)
    expect(visits).to_contain_text("Room 4, Outpatients")
    assert patient.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(patient, "today-booked-phone")
    patient.context.close()
