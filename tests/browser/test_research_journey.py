"""A researcher asks for an export on a phone, watches it being made and downloads it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import screenshot
from tests.browser.test_journeys import serious_violations, sign_in

pytestmark = pytest.mark.browser


def test_a_researcher_makes_and_downloads_an_export_on_a_phone(
    phone: Page, live_server: LiveServer, demo: None, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    sign_in(phone, live_server.url, "researcher")
    phone.get_by_role("link", name="Research exports").click()
    expect(phone.get_by_role("heading", name="Research exports")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(phone) == []
    phone.get_by_label("What is the dataset for?").fill("Recurrence after MIS, audit 2026")
    phone.get_by_role("button", name="Make an export").click()
    expect(phone.get_by_role("heading", name="Status: Waiting to start")).to_be_visible()
    expect(phone.locator("progress")).to_be_visible()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    # The page polls its status and shows the download without a reload.
    expect(phone.get_by_role("heading", name="Status: Ready to download")).to_be_visible(
        timeout=10_000
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(phone) == []
    screenshot(phone, "research-export-ready-phone")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download the zip").click()
    saved = tmp_path / "export.zip"
    download.value.save_as(saved)
    names = zipfile.ZipFile(saved).namelist()
    assert {"episodes.csv", "episodes.parquet", "data_dictionary.csv", "README.md"} <= set(names)
