"""The pages no journey visits at phone size still fit 390 px (issue 12 item 10).

Each area's journeys check their own pages; this covers the rest, as the
demo shows them: the audit log, the research counts, the outbox, the triage
list, the worklist with every filter, the patient's own pages.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from halluxpath.demo import load_everything
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import serious_violations, sign_in

pytestmark = pytest.mark.browser

PAGES = {
    "admin": ["/audit/", "/site/people/", "/site/settings/", "/pathways/"],
    "researcher": ["/research/"],
    "nurse": ["/worklist/?status=all", "/triage/", "/reminders/", "/worklist/theatre/"],
    "patient": ["/me/today/", "/me/", "/me/plan/", "/me/documents/", "/me/check-in/"],
}


@pytest.fixture
def whole_demo(transactional_db: None) -> None:
    load_everything(20)


@pytest.mark.usefixtures("whole_demo")
@pytest.mark.parametrize("role", list(PAGES))
def test_every_other_page_fits_a_phone(phone: Page, live_server: LiveServer, role: str) -> None:
    sign_in(phone, live_server.url, role)
    for path in PAGES[role]:
        response = phone.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200, path
        width = phone.evaluate("document.documentElement.scrollWidth")
        screenshot(phone, f"phone{path.replace('/', '-').split('?')[0]}")
        assert width <= 390, f"{path} is {width} px wide at 390 px"
        assert serious_violations(phone) == [], path
