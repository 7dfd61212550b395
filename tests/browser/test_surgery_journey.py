"""From a measured film to a saved plan and a downloaded consent sheet, in chromium."""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from halluxpath.accounts.models import User
from halluxpath.audit.context import Actor
from halluxpath.core.landmarks import landmarks_from_document
from halluxpath.core.radiograph import TimePoint
from halluxpath.imaging import actions as imaging_actions
from halluxpath.imaging.schemas import FilmDetails
from halluxpath.imaging.synthetic import FootGeometry, render, write_dicom
from halluxpath.patients.demo import load_demo
from halluxpath.patients.models import Episode
from halluxpath.surgery.models import SurgicalPlan
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import serious_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def measured_episode(transactional_db: None, tmp_path: Path, settings: object) -> Episode:
    load_demo(12)
    surgeon = User.objects.get(username="surgeon")
    episode = Episode.objects.filter(responsible_surgeon=surgeon).order_by("pk").first()
    assert episode is not None
    film = render(
        FootGeometry(
            hva_deg=34.0,
            ima_deg=15.0,
            hvia_deg=12.0,
            dmaa_deg=8.0,
            sesamoid_fraction=0.7,
            side=episode.side,
            width=500,
            height=650,
            pixel_spacing_mm=(0.3, 0.3),
            seed=4,
        )
    )
    path = tmp_path / "pre.dcm"
    write_dicom(film, path)
    actor = Actor(surgeon)
    with path.open("rb") as handle:
        radiograph = imaging_actions.upload_radiograph(
            actor,
            episode.pk,
            handle,
            path.stat().st_size,
            FilmDetails(time_point=TimePoint.PRE_OPERATIVE),
        )
    imaging_actions.save_measurement(
        actor,
        radiograph.pk,
        radiograph.version,
        landmarks_from_document(copy.deepcopy(film.landmarks)),
    )
    return episode


def test_surgeon_goes_from_measurements_to_a_signed_operative_record(
    page: Page, live_server: LiveServer, measured_episode: Episode, tmp_path: Path
) -> None:
    episode = measured_episode
    sign_in(page, live_server.url, "surgeon")
    page.goto(f"{live_server.url}/patients/{episode.patient_id}/")
    card = page.locator(
        "article.episode",
        has=page.get_by_role("heading", name=f"{episode.get_side_display()} foot"),
    )
    card.get_by_role("link", name="Pre-operative assessment").click()
    page.get_by_label("Smoking").select_option("current")
    page.get_by_label("BMI (kg/m²)").fill("36")
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_text("Pre-operative assessment saved")).to_be_visible()
    expect(page.get_by_text("Current smoker: forefoot complications").first).to_be_visible()
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/episodes/{episode.pk}/plan/")
    expect(page.get_by_text("MIS distal metatarsal osteotomy").first).to_be_visible()
    expect(page.get_by_text("R-SEL-6").first).to_be_visible()  # HVIA 12°: Akin
    expect(page.get_by_label("Add an Akin osteotomy")).to_be_checked()
    # The suggested implants are advice: the rows start empty (no half-filled suggestion).
    expect(page.locator("#id_fix-0-kind")).to_have_value("")
    page.locator("#id_fix-0-kind").select_option("bevel_tip_screw")
    page.locator("#id_fix-0-count").fill("2")
    page.locator("#id_fix-0-diameter_mm").fill("3.5")
    page.locator("#id_fix-0-length_mm").fill("26")
    expect(page.locator("#id_fix-1-bone")).to_have_value("p1")
    page.locator("#id_fix-1-kind").select_option("cannulated_screw")
    page.locator("#id_fix-1-diameter_mm").fill("3.0")
    page.locator("#id_fix-1-length_mm").fill("20")
    screenshot(page, "plan")
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text("Plan saved")).to_be_visible()
    plan = SurgicalPlan.objects.get(episode=episode)
    assert plan.akin
    assert len(plan.fixation_rows) == 2

    page.goto(f"{live_server.url}/episodes/{episode.pk}/consent/")
    page.get_by_role("button", name="Prepare a new sheet").click()
    expect(page.get_by_text("Consent sheet 1 prepared")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Sheet 1 (PDF)").click()
    data = Path(download_info.value.path()).read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert episode.patient.full_name in text
    assert "Akin" in text
    assert "Risks that are higher for you" in text
    assert "You smoke" in text
    assert "Your weight" in text
    assert "born " in text
    assert "Clinician taking consent" in text

    # The patient signs the paper sheet; its scan is kept beside the sheet.
    scan = tmp_path / "signed.png"
    Image.new("RGB", (620, 877), (255, 255, 255)).save(scan)
    page.get_by_label("Scanned signed form (optional)").set_input_files(str(scan))
    page.get_by_role("button", name="Record the signature").click()
    expect(page.get_by_text("The patient's signature is recorded")).to_be_visible()
    expect(page.get_by_role("link", name="signed copy")).to_be_visible()

    # The WHO checklist: the side agrees three ways, so every phase completes.
    page.goto(f"{live_server.url}/episodes/{episode.pk}/checklist/")
    expect(page.get_by_text(f"All three say {episode.side.upper()}")).to_be_visible()
    for phase in ("Sign In", "Time Out", "Sign Out"):
        section = page.locator(
            "section.card", has=page.get_by_role("heading", name=re.compile(phase))
        )
        if phase == "Sign In":
            section.get_by_label("Surgeon").fill("Ms Sue Surgeon")
            section.get_by_label("Anaesthetist").fill("Dr Ann Aesthetist")
            section.get_by_label("Scrub nurse or ODP").fill("Sam Scrub")
        for box in section.locator("input[name=item]").all():
            box.check()
        section.get_by_role("button", name=f"Complete {phase}").click()
        expect(page.get_by_text(f"{phase} complete")).to_be_visible()
    expect(page.get_by_text("Confirmed by Dr Ann Aesthetist (Anaesthetist)").first).to_be_visible()

    # The operative record, then the surgeon's signature.
    page.goto(f"{live_server.url}/episodes/{episode.pk}/operation/")
    # Started from the plan: two M1 screws and the Akin's screw, the Akin ticked.
    expect(page.locator("#id_imp-0-kind")).to_have_value("bevel_tip_screw")
    expect(page.locator("#id_imp-2-bone")).to_have_value("p1")
    expect(page.get_by_label("Akin osteotomy of the proximal phalanx")).to_be_checked()
    page.get_by_label("Operative time, skin to skin (min)").fill("42")
    page.get_by_role("button", name="Save record").click()
    expect(page.get_by_text("Operative record saved")).to_be_visible()
    expect(page.get_by_text("Sign: you will not be able to edit, only amend")).to_be_visible()
    page.get_by_label("I have checked this record and sign it as the operating surgeon").check()
    page.get_by_role("button", name="Sign the operative record").click()
    expect(page.get_by_text("Operative record signed")).to_be_visible()
    screenshot(page, "operative-record")
    with page.expect_download() as note_info:
        page.get_by_role("link", name="Operative note (PDF)").click()
    note = Path(note_info.value.path()).read_bytes()
    note_text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(note)).pages).split()
    )
    assert "Signed by" in note_text
    assert "Bevel-tip screw" in note_text


SURGERY_PAGES = ("assessment", "plan", "consent", "checklist", "operation")


def test_the_surgery_pages_fit_a_phone_without_sideways_scrolling(
    phone: Page, live_server: LiveServer, measured_episode: Episode
) -> None:
    """Issue 12, item 10: the operation page was 825 px wide in a 390 px screen."""
    episode = measured_episode
    surgeon = User.objects.get(username="surgeon")
    sign_in(phone, live_server.url, "surgeon")
    for name in SURGERY_PAGES:
        phone.goto(f"{live_server.url}/episodes/{episode.pk}/{name}/")
        if name == "plan":
            phone.get_by_role("button", name="Save plan").click()
            expect(phone.get_by_text("Plan saved")).to_be_visible()
            phone.goto(f"{live_server.url}/episodes/{episode.pk}/consent/")
            phone.get_by_role("button", name="Prepare a new sheet").click()
        if name == "operation":
            long_word = "x" * 4000
            phone.get_by_label("Notes").fill(long_word)
            phone.get_by_role("button", name="Save record").click()
            expect(phone.get_by_text("Operative record saved")).to_be_visible()
        width = phone.evaluate("document.documentElement.scrollWidth")
        screenshot(phone, f"phone-{name}")
        assert width <= 390, f"{name} is {width} px wide at 390 px"
    assert surgeon.is_active
