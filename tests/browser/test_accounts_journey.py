"""Accounts in a real browser: a surgeon sets up the second factor; an admin's pages on a phone."""

from __future__ import annotations

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from halluxpath.sites.models import Site
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import serious_violations, sign_in

pytestmark = pytest.mark.browser


def app_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    app = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    app.time = time.time() + steps_ahead * device.step
    return f"{app.token():06d}"


def test_a_surgeon_sets_up_an_authenticator_and_signs_in_with_it(
    page: Page, live_server: LiveServer, demo: None
) -> None:
    Site.objects.update(second_factor_required=True)
    sign_in(page, live_server.url, "surgeon")
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert serious_violations(page) == []
    device = TOTPDevice.objects.get(user__username="surgeon", confirmed=False)
    page.get_by_label("Code").fill(app_code(device))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    screenshot(page, "recovery-codes")
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, "surgeon")
    expect(page.get_by_role("heading", name="Type your code")).to_be_visible()
    page.get_by_label("Code").fill(app_code(device, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible()


@pytest.mark.parametrize("path", ["/site/people/", "/site/settings/", "/account/"])
def test_the_administrators_pages_fit_a_phone(
    phone: Page, live_server: LiveServer, demo: None, path: str
) -> None:
    sign_in(phone, live_server.url, "admin")
    expect(phone.get_by_role("heading", name="Worklist")).to_be_visible()
    phone.goto(f"{live_server.url}{path}")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{path} must not scroll sideways on a phone"
    assert serious_violations(phone) == []
    screenshot(phone, "admin" + path.strip("/").replace("/", "-") + "-phone")
