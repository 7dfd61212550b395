"""The complications pages fit a phone (390 px, as tests/browser) and pass the axe checks."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from halluxpath.audit.context import Actor
from halluxpath.complications import actions
from halluxpath.complications.models import RecurrenceProposal
from halluxpath.patients.demo import DEMO_PASSWORD
from halluxpath.sites.models import Site
from tests.browser.test_journeys import serious_violations, sign_in
from tests.complications.conftest import Operated, operated  # noqa: F401 (fixture)
from tests.complications.test_register import new

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("transactional_db")
def test_the_complications_pages_fit_a_phone(
    phone: Page,
    live_server: LiveServer,
    operated: Operated,  # noqa: F811
) -> None:
    Site.objects.update(second_factor_required=False)
    operated.surgeon.set_password(DEMO_PASSWORD)
    operated.surgeon.save()
    complication = actions.record_complication(
        Actor(operated.surgeon), operated.episode.pk, new(description="Redness " * 30)
    )
    operated.measure(operated.film(300), 24.0)
    proposal = RecurrenceProposal.objects.get()
    sign_in(phone, live_server.url, operated.surgeon.username)
    for path in (
        f"/episodes/{operated.episode.pk}/complications/",
        f"/complications/{complication.pk}/",
        f"/recurrence/{proposal.pk}/",
    ):
        response = phone.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200, path
        assert phone.url.endswith(path), f"{path}: not signed in ({phone.url})"
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide at 390 px"
        assert serious_violations(phone) == [], path
