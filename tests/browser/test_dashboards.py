"""A real browser opens each dashboard at phone width and downloads each of its tables.

The demo (films, surgery) gives every dashboard operated cases; the surgeon
opens their own, the administrator the site's and the registry's, the
researcher the site's and the registry's de-identified. Each page must fit
390 px, have no serious accessibility violation, show every chart as an
image that loads, and let every table be downloaded as CSV; no download a
researcher makes holds a count of 1 to 7.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from halluxpath.demo import load_everything
from halluxpath.registry.models import CaseSummary
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import serious_violations, sign_in

pytestmark = pytest.mark.browser

DASHBOARDS = {
    "surgeon": ["surgeon", "site"],
    "admin": ["site", "registry"],
    "researcher": ["site", "registry"],
}
SMALL_COUNT = re.compile(r"^[1-7]$")


@pytest.fixture
def whole_demo(transactional_db: None) -> None:
    load_everything(20)
    assert CaseSummary.objects.exists(), "the demo's signed operations should be summarised"


@pytest.mark.usefixtures("whole_demo")
@pytest.mark.parametrize("role", list(DASHBOARDS))
def test_each_dashboard_opens_on_a_phone_and_each_table_downloads(
    phone: Page, live_server: LiveServer, role: str
) -> None:
    sign_in(phone, live_server.url, role)
    for dashboard in DASHBOARDS[role]:
        response = phone.goto(f"{live_server.url}/dashboards/{dashboard}/")
        assert response is not None
        assert response.status == 200
        phone.wait_for_load_state("networkidle")
        screenshot(phone, f"dashboard-{role}-{dashboard}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{dashboard} is {width} px wide at 390 px"
        assert serious_violations(phone) == [], dashboard
        charts = phone.evaluate(
            "[...document.querySelectorAll('.dashboard-chart img')].map(i => i.src)"
        )
        assert charts
        for src in charts:  # lazily loaded below the fold: fetched as the browser would
            chart = phone.request.get(src)
            assert chart.status == 200, src
            assert chart.headers["content-type"] == "image/svg+xml", src
        links = phone.locator("a.download")
        assert links.count() >= 3
        # The first table through the browser's own download; every table through
        # the page's session as the browser would fetch it (a click per table
        # timed out now and then under two test workers, with no answer to show).
        with phone.expect_download(timeout=60_000) as caught:
            links.first.click()
        assert caught.value.suggested_filename.endswith(".csv")
        for href in links.evaluate_all("links => links.map(a => a.href)"):
            table = phone.request.get(href, timeout=60_000)
            assert table.status == 200, href
            assert table.headers["content-type"].startswith("text/csv"), href
            assert "attachment" in table.headers.get("content-disposition", ""), href
            rows = list(csv.reader(io.StringIO(table.text())))
            assert len(rows) >= 2, href
            if role == "researcher" or dashboard == "registry":
                small = [c for row in rows[1:] for c in row if SMALL_COUNT.match(c)]
                assert small == [], href
