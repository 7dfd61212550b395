"""The episode page, the worklist and the theatre list in chromium, at desktop and phone size."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from halluxpath.aftercare.models import AftercarePlan
from halluxpath.patients.models import Episode
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import serious_violations, sign_in

pytestmark = pytest.mark.browser


def _an_open_episode() -> Episode:
    episode = (
        Episode.objects.filter(care_team__name="Forefoot team A")
        .exclude(status="discharged")
        .order_by("pk")
        .first()
    )
    assert episode is not None
    return episode


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide on a 390 px phone"


@pytest.mark.parametrize("size", ["page", "phone"])
def test_the_episode_page_shows_every_step_and_the_next_one(
    request: pytest.FixtureRequest, live_server: LiveServer, demo: None, size: str
) -> None:
    browser_page: Page = request.getfixturevalue(size)
    episode = _an_open_episode()
    sign_in(browser_page, live_server.url, "surgeon")
    browser_page.goto(f"{live_server.url}/episodes/{episode.pk}/")
    expect(browser_page.get_by_role("heading", name="Steps")).to_be_visible()
    expect(browser_page.get_by_text("WHO safety checklist")).to_be_visible()
    expect(browser_page.get_by_role("heading", name="Status history")).to_be_visible()
    screenshot(browser_page, f"episode-{size}")
    assert serious_violations(browser_page) == []
    if size == "phone":
        _no_sideways_scroll(browser_page)
        browser_page.goto(f"{live_server.url}/patients/{episode.patient_id}/")
        expect(browser_page.get_by_role("heading", name="Episodes of care")).to_be_visible()
        _no_sideways_scroll(browser_page)


def test_the_worklist_sorts_and_the_theatre_list_fits_a_phone(
    phone: Page, live_server: LiveServer, demo: None
) -> None:
    sign_in(phone, live_server.url, "surgeon")
    phone.goto(f"{live_server.url}/worklist/?sort=-operation")
    expect(phone.get_by_role("heading", name="Worklist")).to_be_visible()
    _no_sideways_scroll(phone)
    screenshot(phone, "worklist-sorted-phone")
    plan = AftercarePlan.objects.order_by("-operated_on").first()
    day = plan.operated_on if plan is not None else timezone.localdate()
    phone.goto(f"{live_server.url}/worklist/theatre/?day={day.isoformat()}")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Theatre list")
    _no_sideways_scroll(phone)
    screenshot(phone, "theatre-list-phone")


def test_the_theatre_list_prints_one_table_without_navigation(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    sign_in(page, live_server.url, "surgeon")
    page.goto(f"{live_server.url}/worklist/theatre/")
    assert serious_violations(page) == []
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("form.filters")).to_be_hidden()
    expect(page.locator("table.theatre-list")).to_be_visible()
    assert page.locator("table").count() == 1
