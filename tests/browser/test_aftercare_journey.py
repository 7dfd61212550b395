"""On a phone: a patient reports a red flag; a nurse sees it and acknowledges it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from halluxpath.aftercare.models import Alert
from tests.browser.conftest import issue_demo_patients_plan, screenshot
from tests.browser.test_journeys import serious_violations, sign_in

pytestmark = pytest.mark.browser


def phone_page(browser: Browser) -> Page:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_a_patient_reports_a_red_flag_and_a_nurse_acknowledges_it(
    browser: Browser, live_server: LiveServer, demo: None
) -> None:
    patient = phone_page(browser)
    sign_in(patient, live_server.url, "patient")
    patient.get_by_role("link", name="Check-in").click()
    expect(patient.get_by_role("heading", name="How is your foot today?")).to_be_visible()
    patient.get_by_label("How bad is the pain now? (0 none, 10 worst)").fill("6")
    patient.get_by_label("Temperature, if you took it (°C)").fill("38.6")
    patient.get_by_label("Redness is spreading from the wounds").check()
    screenshot(patient, "check-in-phone")
    assert serious_violations(patient) == []
    patient.get_by_role("button", name="Send").click()
    expect(patient.get_by_role("heading", name="Contact the clinic today")).to_be_visible()
    width = patient.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(patient, "check-in-result-phone")
    assert {a.rule for a in Alert.objects.all()} == {"R3", "R5"}
    patient.context.close()

    nurse = phone_page(browser)
    sign_in(nurse, live_server.url, "nurse")
    nurse.get_by_role("link", name="Triage").click()
    card = nurse.locator("article.alert-card").filter(has_text="R5").first
    expect(card).to_be_visible()
    card.get_by_label("Seen in clinic today").check()
    card.get_by_label("Details").fill("Cellulitis, antibiotics started")
    card.get_by_role("button", name="Acknowledge").click()
    expect(nurse.get_by_text("Alert acknowledged")).to_be_visible()
    screenshot(nurse, "triage-phone")
    assert Alert.objects.filter(rule="R5", acknowledged_at__isnull=False).count() == 1
    nurse.context.close()


def test_the_patient_reads_todays_instructions_on_a_phone(
    browser: Browser, live_server: LiveServer, demo: None
) -> None:
    issue_demo_patients_plan(days_ago=2)
    page = phone_page(browser)
    sign_in(page, live_server.url, "patient")
    page.get_by_role("link", name="Today").click()
    expect(page.get_by_role("heading", name="Today: day 2 after your operation")).to_be_visible()
    expect(page.get_by_text("Foot up most of the day")).to_be_visible()
    expect(page.get_by_text("Your check-in is due today.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your appointments")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
    screenshot(page, "today-phone")
    page.get_by_role("link", name="Your whole plan, day by day").click()
    expect(page.locator(".timeline li.current")).to_contain_text("day 2 · today")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
    screenshot(page, "timeline-phone")
    page.context.close()


def _fits(page: Page, name: str) -> None:
    """No sideways scrolling at 390 px and no serious accessibility problem (issue 12 item 10)."""
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} is {width} px wide"
    assert serious_violations(page) == [], name
    screenshot(page, f"{name}-phone")


def test_every_aftercare_page_fits_a_phone(
    browser: Browser, live_server: LiveServer, demo: None
) -> None:
    from halluxpath.accounts.models import User
    from halluxpath.patients.access import visible_patients
    from halluxpath.sites.models import Site

    Site.objects.update(
        phone_in_hours="01632 960123",
        phone_out_of_hours="01632 960999",
        address="Foot Clinic, Level 2\nTest Hospital",
    )
    episode = issue_demo_patients_plan(days_ago=9)
    patient = phone_page(browser)
    sign_in(patient, live_server.url, "patient")
    patient.goto(f"{live_server.url}/me/check-in/")
    _fits(patient, "check-in")
    patient.get_by_label("How bad is the pain now? (0 none, 10 worst)").fill("7")
    patient.get_by_label("My calf or thigh is painful, swollen, warm or red").check()
    patient.get_by_role("button", name="Send").click()
    expect(patient.get_by_role("link", name="01632 960123").first).to_be_visible()
    _fits(patient, "check-in-result-urgent")
    for path, name in (("/me/today/", "today"), ("/me/plan/", "timeline")):
        patient.goto(live_server.url + path)
        _fits(patient, name)
    expect(patient.get_by_role("heading", name="Your plan, day by day")).to_be_visible()
    patient.goto(f"{live_server.url}/me/today/")
    expect(patient.get_by_role("img", name="Pain score at each check-in")).to_be_visible()
    patient.goto(f"{live_server.url}/me/documents/")
    _fits(patient, "documents")
    patient.context.close()

    nurse = phone_page(browser)
    sign_in(nurse, live_server.url, "nurse")
    expect(nurse.get_by_role("link", name="Triage")).to_contain_text("open alert")
    nurse.goto(f"{live_server.url}/triage/")
    expect(nurse.get_by_role("heading", name="Triage")).to_be_visible()
    _fits(nurse, "triage")
    nurse.goto(f"{live_server.url}/episodes/{episode.pk}/aftercare/")
    expect(nurse.get_by_role("heading", name="Check-ins and pain")).to_be_visible()
    _fits(nurse, "aftercare-plan")
    nurse.goto(f"{live_server.url}/reminders/?status=pending")
    _fits(nurse, "outbox")
    someone = visible_patients(User.objects.get(username="nurse")).filter(user__isnull=True).first()
    assert someone is not None
    nurse.goto(f"{live_server.url}/patients/{someone.pk}/")
    nurse.get_by_role("button", name="Invite to the patient portal").click()
    expect(nurse.get_by_role("heading", name="Invitation link")).to_be_visible()
    _fits(nurse, "invitation-link")
    nurse.context.close()

    admin = phone_page(browser)
    sign_in(admin, live_server.url, "admin")
    admin.goto(f"{live_server.url}/pathways/")
    _fits(admin, "pathways")
    admin.get_by_role("link", name="MIS distal osteotomy with screws, day case").click()
    _fits(admin, "pathway")
    admin.context.close()
