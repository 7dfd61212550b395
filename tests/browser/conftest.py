"""A real browser: Debian's chromium driven by Playwright against a live server.

Playwright's own browser download does not work on the project's machines, so
the tests launch the distribution's chromium by path. Screenshots of every
journey are written to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db.models.signals import pre_save
from django.utils import timezone
from playwright.sync_api import Browser, Page, sync_playwright

from halluxpath.patients.demo import load_demo
from halluxpath.patients.models import Episode
from halluxpath.sites.models import Site

CHROMIUM = Path(os.environ.get("HALLUXPATH_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the Django ORM
# calls made by the test itself (fixtures, assertions) are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    args = [*CHROMIUM_ARGS, *(["--no-sandbox"] if os.geteuid() == 0 else [])]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale="en-GB",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db: None) -> None:
    load_demo(40)


@pytest.fixture(autouse=True)
def _password_only_sign_in(transactional_db: None) -> Iterator[None]:
    """The journeys sign staff in by password: every site made or found here needs no
    second factor (tests/accounts and test_accounts_journey turn it on to test it)."""

    def no_second_factor(sender: type[Site], instance: Site, **kwargs: object) -> None:
        if instance._state.adding:
            instance.second_factor_required = False

    pre_save.connect(no_second_factor, sender=Site, dispatch_uid="browser-no-second-factor")
    Site.objects.update(second_factor_required=False)
    yield
    pre_save.disconnect(sender=Site, dispatch_uid="browser-no-second-factor")


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def issue_demo_patients_plan(days_ago: int) -> Episode:
    """Give the demo ``patient`` account's first foot a plan, operated ``days_ago`` days ago."""
    from halluxpath.accounts.models import User
    from halluxpath.aftercare.actions import issue_plan
    from halluxpath.aftercare.schemas import PlanIssue
    from halluxpath.audit.context import Actor
    from halluxpath.patients.models import Patient

    episode = Patient.objects.get(user__username="patient").episodes.order_by("pk").first()
    assert episode is not None
    issue_plan(
        Actor(User.objects.get(username="nurse")),
        episode.pk,
        PlanIssue(operated_on=timezone.localdate() - dt.timedelta(days=days_ago)),
    )
    return episode
