"""From a PNG film to a signed operative record, following only the next-step button.

Issue 12's journey test, at desktop and at phone size: a surgeon opens the
episode, uploads a PNG film (recording its side), places the landmarks,
records the assessment, saves the plan, prepares the consent sheet and records
the signature, completes the WHO checklist and writes and signs the operative
record, without once going back to the patient page; the episode ends at
"operated", moved there by the work itself.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from halluxpath.patients.models import Episode, StatusChange
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import sign_in
from tests.browser.test_landmark_tool import (
    PRE_OP,
    click_at_image,
    episode_with_film,
    episode_with_png,
)

pytestmark = pytest.mark.browser
__all__ = ["episode_with_film", "episode_with_png"]


def next_step(page: Page, action: str) -> None:
    """Click the episode's next-step button, which must say ``action``."""
    button = page.locator("nav.next-step a.button.primary")
    expect(button).to_have_text(f"Next: {action}")
    button.click()


@pytest.mark.parametrize("screen", ["page", "phone"])
def test_from_a_png_film_to_a_signed_record_by_the_next_step_alone(
    screen: str,
    request: pytest.FixtureRequest,
    live_server: LiveServer,
    episode_with_png: tuple[Episode, Path, dict[str, Any]],
) -> None:
    page: Page = request.getfixturevalue(screen)
    episode, path, truth = episode_with_png
    Episode.objects.filter(pk=episode.pk).update(status="referred")
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    sign_in(page, live_server.url, "surgeon")
    page.goto(f"{live_server.url}/episodes/{episode.pk}/")

    next_step(page, "Measure the radiograph")
    page.get_by_label("Radiograph file").set_input_files(str(path))
    page.get_by_label("Time point").select_option("pre_op")
    page.get_by_label("Date taken").fill((timezone.localdate()).isoformat())
    page.get_by_label("Side shown on the film").select_option(episode.side)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Place the landmarks below")).to_be_visible()
    for name in PRE_OP:
        click_at_image(page, *truth["points"][name])
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Saved at")).to_be_visible()
    expect(page.locator("[data-readings] [data-reading]")).to_have_count(1)

    next_step(page, "Record the assessment")
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_text("Pre-operative assessment saved")).to_be_visible()

    next_step(page, "Make the plan")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text("Plan saved")).to_be_visible()

    next_step(page, "Prepare the consent sheet")
    page.get_by_role("button", name="Prepare a new sheet").click()
    expect(page.get_by_text("Consent sheet 1 prepared")).to_be_visible()
    page.get_by_role("button", name="Record the signature").click()
    expect(page.get_by_text("The patient's signature is recorded")).to_be_visible()

    next_step(page, "Complete the safety checklist")
    expect(page.get_by_text(f"All three say {episode.side.upper()}")).to_be_visible()
    for phase in ("Sign In", "Time Out", "Sign Out"):
        section = page.locator(
            "section.card", has=page.get_by_role("heading", name=re.compile(phase))
        )
        if phase == "Sign In":
            section.get_by_label("Surgeon").fill("Alex Morgan")
            section.get_by_label("Anaesthetist").fill("Dr Ann Aesthetist")
            section.get_by_label("Scrub nurse or ODP").fill("Sam Scrub")
        for box in section.locator("input[name=item]").all():
            box.check()
        section.get_by_role("button", name=f"Complete {phase}").click()
        expect(page.get_by_text(f"{phase} complete")).to_be_visible()

    next_step(page, "Write and sign the operative record")
    page.get_by_role("button", name="Save record").click()
    expect(page.get_by_text("Operative record saved")).to_be_visible()
    page.get_by_label("I have checked this record and sign it as the operating surgeon").check()
    page.get_by_role("button", name="Sign the operative record").click()
    expect(page.get_by_text("Operative record signed")).to_be_visible()
    expect(page.locator("nav.next-step a.button.primary")).to_have_text(
        "Next: Issue the aftercare plan"
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, f"journey-signed-{screen}")

    page.get_by_role("link", name=re.compile("All steps of the")).click()
    expect(page.get_by_text("Operated").first).to_be_visible()
    assert Episode.objects.get(pk=episode.pk).status == "operated"
    causes = list(StatusChange.objects.filter(episode=episode).values_list("cause", flat=True))
    assert any(c.startswith("operative record signed by") for c in causes)
    patient_page = f"{live_server.url}/patients/{episode.patient_id}/"
    assert patient_page not in visited, "the journey needed the patient page"
    if screen == "phone":
        assert width <= 390, f"the operation page is {width} px wide at 390 px"
