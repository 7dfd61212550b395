"""Journeys through the real pages in chromium, as the demo users."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from halluxpath.patients.demo import DEMO_PASSWORD
from halluxpath.patients.models import Patient
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_surgeon_finds_a_patient_on_the_worklist_and_opens_it(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    target = (
        Patient.objects.filter(episodes__care_team__name="Forefoot team A")
        .exclude(episodes__status="discharged")
        .order_by("hospital_number")
        .first()
    )
    assert target is not None
    sign_in(page, live_server.url, "surgeon")
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible()
    screenshot(page, "worklist")
    assert serious_violations(page) == []

    page.get_by_label("Search").fill(target.family_name)
    # htmx replaces the results as the surgeon types; no full reload.
    row = page.locator("#worklist-results tbody tr", has_text=target.hospital_number).first
    expect(row).to_be_visible()
    expect(page).to_have_url(re.compile(r"q="))
    row.get_by_role("link").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(target.family_name.upper())
    expect(page.get_by_text(target.hospital_number)).to_be_visible()
    screenshot(page, "patient")
    assert serious_violations(page) == []


def test_surgeon_moves_an_episode_on_with_the_keyboard(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    patient = (
        Patient.objects.filter(
            episodes__status="referred", episodes__care_team__name="Forefoot team A"
        )
        .order_by("hospital_number")
        .first()
    )
    assert patient is not None
    sign_in(page, live_server.url, "surgeon")
    page.goto(f"{live_server.url}/patients/{patient.pk}/")
    button = page.get_by_role("button", name="Mark assessed").first
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("is now assessed")


def test_the_patient_account_sees_its_own_record_and_cannot_reach_staff_pages(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    sign_in(page, live_server.url, "patient")
    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()
    own = Patient.objects.get(user__username="patient")
    expect(page.get_by_text(own.hospital_number)).to_be_visible()
    expect(page.get_by_role("link", name="Worklist")).to_have_count(0)
    for path in ("/worklist/", "/patients/new/", "/audit/", f"/patients/{own.pk}/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 403, path
        expect(
            page.get_by_role("heading", name="This page is not available to you")
        ).to_be_visible()


def test_the_worklist_works_on_a_phone(phone: Page, live_server: LiveServer, demo: None) -> None:
    sign_in(phone, live_server.url, "nurse")
    expect(phone.get_by_role("heading", name="Worklist")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways on a phone"
    screenshot(phone, "worklist-phone")


def test_the_login_page_is_accessible(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    assert serious_violations(page) == []
    screenshot(page, "login")
