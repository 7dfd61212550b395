"""On a phone: a patient sends a wound photo with a check-in; a nurse sees it on triage."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, FilePayload, Locator, Page, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from halluxpath.aftercare.models import CheckIn
from halluxpath.patients.models import Patient
from tests.aftercare.test_wound_photo import phone_jpeg
from tests.browser.conftest import screenshot
from tests.browser.test_aftercare_journey import phone_page
from tests.browser.test_journeys import serious_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def wait_until_shown(page: Page, image: Locator) -> None:
    """Wait until the browser has decoded the image (the triage list loads them lazily)."""
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )


def test_a_patient_sends_a_wound_photo_and_the_nurse_sees_it_on_triage(
    phone: Page, browser: Browser, live_server: LiveServer, demo: None
) -> None:
    sign_in(phone, live_server.url, "patient")
    phone.get_by_role("link", name="Check-in").click()
    phone.get_by_label("How bad is the pain now? (0 none, 10 worst)").fill("4")
    phone.get_by_label("Redness is spreading from the wounds").check()
    photo = phone.get_by_label("Photo of the wound")
    expect(phone.get_by_text("Photos are only seen by your care team.")).to_be_visible()
    payload: FilePayload = {
        "name": "IMG_2041.jpg",
        "mimeType": "image/jpeg",
        "buffer": phone_jpeg(),
    }
    photo.set_input_files(files=[payload])
    assert serious_violations(phone) == []
    screenshot(phone, "wound-photo-check-in-phone")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", name="Contact the clinic today")).to_be_visible()
    own = phone.get_by_role("img", name="The photo of your wound that you sent")
    expect(own).to_be_visible()
    wait_until_shown(phone, own)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(phone) == []
    screenshot(phone, "wound-photo-result-phone")
    saved = CheckIn.objects.get(submitted_by__username="patient")
    assert saved.photo.startswith("wound-photos/")

    nurse = phone_page(browser)
    sign_in(nurse, live_server.url, "nurse")
    nurse.get_by_role("link", name="Triage").click()
    family = Patient.objects.get(user__username="patient").family_name.upper()
    card = nurse.locator("article.alert-card").filter(has_text=family).filter(has_text="R5")
    thumbnail = card.get_by_role("img", name="Wound photo sent by")
    expect(thumbnail).to_be_visible()
    wait_until_shown(nurse, thumbnail)
    assert nurse.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(nurse) == []
    screenshot(nurse, "wound-photo-triage-phone")
    width, height = stored_size(nurse, live_server.url + (thumbnail.get_attribute("src") or ""))
    assert (width, height) == (600, 800)  # stored upright from the EXIF orientation
    nurse.context.close()


def stored_size(page: Page, src: str) -> tuple[int, int]:
    response = page.request.get(src)
    assert response.status == 200
    assert response.headers["cache-control"] == "private, no-store"
    return Image.open(io.BytesIO(response.body())).size
