"""A patient answers a questionnaire on a phone: one question per screen, stops, resumes,
sends and is thanked (issue 13 item 2)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from halluxpath.accounts.models import CareTeam, Role
from halluxpath.audit.context import Actor
from halluxpath.outcomes.actions import load_instrument
from halluxpath.outcomes.models import QuestionnaireResponse, Score
from halluxpath.outcomes.schemas import InstrumentFile
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import serious_violations
from tests.conftest import first_site, make_patient, make_user
from tests.outcomes.conftest import operated
from tests.outcomes.definitions import moxfq_file

pytestmark = pytest.mark.browser
PASSWORD = "a long questionnaire password 42"


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_patient_answers_on_a_phone_stops_half_way_resumes_and_is_thanked(
    phone: Page, live_server: LiveServer, transactional_db: None
) -> None:
    team = CareTeam.objects.create(name="Forefoot", site=first_site())
    surgeon = make_user("q-surgeon", Role.SURGEON, team)
    admin = make_user("q-admin", Role.ADMIN)
    account = make_user("q-patient", Role.PATIENT, password=PASSWORD)
    patient = make_patient("Q-0001", surgeon, team, user=account)
    load_instrument(Actor(admin), InstrumentFile(definition_text=json.dumps(moxfq_file())))
    episode = operated(patient.episodes.get(), 182)

    _sign_in(phone, live_server.url, "q-patient")
    phone.goto(f"{live_server.url}/me/today/")
    expect(phone.get_by_text("ready for you")).to_be_visible()
    phone.get_by_role("link", name="Manchester-Oxford Foot Questionnaire (MOXFQ)").click()
    expect(phone.get_by_text("1 of 16", exact=True)).to_be_visible()
    expect(phone.get_by_text("Invented question 1")).to_be_visible()
    assert serious_violations(phone) == []
    screenshot(phone, "questionnaire-question-phone")
    for n in range(1, 9):
        expect(phone.get_by_text(f"{n} of 16", exact=True)).to_be_visible()
        phone.get_by_label("invented answer 2").check()
        phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_text("9 of 16", exact=True)).to_be_visible()
    phone.get_by_role("link", name="Stop for now").click()  # half way

    phone.goto(f"{live_server.url}/me/today/")
    phone.get_by_role("link", name="Manchester-Oxford Foot Questionnaire (MOXFQ)").click()
    expect(phone.get_by_text("9 of 16", exact=True)).to_be_visible()  # resumed where they stopped
    phone.get_by_role("button", name="Back").click()
    expect(phone.get_by_text("8 of 16", exact=True)).to_be_visible()
    expect(phone.get_by_label("invented answer 2")).to_be_checked()
    phone.get_by_role("button", name="Next").click()
    for n in range(9, 17):
        expect(phone.get_by_text(f"{n} of 16", exact=True)).to_be_visible()
        phone.get_by_label("invented answer 1").check()
        phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_text("You answered 16 of 16 questions.")).to_be_visible()
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(phone.get_by_text("What happens next")).to_be_visible()
    assert serious_violations(phone) == []
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone
    screenshot(phone, "questionnaire-thanks-phone")

    response = QuestionnaireResponse.objects.get(episode=episode)
    assert response.is_completed
    assert Score.objects.get(response=response, domain="index").value == 37.5  # 24 of 64
