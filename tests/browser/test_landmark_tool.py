"""The landmark tool in chromium: upload a film, place every landmark by clicking, save."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from halluxpath.accounts.models import User
from halluxpath.core.landmarks import LANDMARK_ORDER
from halluxpath.core.radiograph import measure_document
from halluxpath.imaging.models import Measurement, Radiograph
from halluxpath.imaging.synthetic import FootGeometry, render, write_dicom, write_png
from halluxpath.patients.models import Episode
from tests.browser.conftest import screenshot
from tests.browser.test_journeys import serious_violations, sign_in

pytestmark = pytest.mark.browser

PRE_OP = [
    name for name in LANDMARK_ORDER if not name.startswith(("osteotomy", "head_"))
]  # the twelve of a pre-op film


def js_number(value: float) -> str:
    """How JavaScript's String() writes a number (no trailing .0)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def click_at_image(page: Page, x: float, y: float) -> None:
    page.locator("[data-landmark-layer]").wait_for()
    screen = page.evaluate(
        """([x, y]) => {
            const viewport = document.querySelector('[data-viewport]');
            const box = viewport.getBoundingClientRect();
            if (box.top < 0 || box.bottom > window.innerHeight) {
                viewport.scrollIntoView({block: 'start'});
            }
            const svg = document.querySelector('[data-landmark-layer]');
            const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM());
            return [p.x, p.y];
        }""",
        [x, y],
    )
    page.mouse.click(screen[0], screen[1])


def _film(side: str) -> Any:
    """The journeys' synthetic film: a moderate deformity, 900 × 1200 px at 0.18 mm."""
    return render(
        FootGeometry(
            hva_deg=31.0,
            ima_deg=14.0,
            hvia_deg=9.0,
            dmaa_deg=11.0,
            sesamoid_fraction=0.7,
            side=side,
            width=900,
            height=1200,
            pixel_spacing_mm=(0.18, 0.18),
            seed=3,
        )
    )


@pytest.fixture
def episode_with_film(
    transactional_db: None, tmp_path: Path
) -> tuple[Episode, Path, dict[str, Any]]:
    from halluxpath.patients.demo import load_demo

    load_demo(12)
    episode = Episode.objects.filter(care_team__name="Forefoot team A").order_by("pk").first()
    assert episode is not None
    film = _film(episode.side)
    path = tmp_path / "film.dcm"
    write_dicom(film, path)
    return episode, path, film.landmarks


def test_a_surgeon_uploads_a_film_places_all_landmarks_and_saves(
    page: Page, live_server: LiveServer, episode_with_film: tuple[Episode, Path, dict[str, Any]]
) -> None:
    episode, path, truth = episode_with_film
    sign_in(page, live_server.url, "surgeon")
    page.goto(f"{live_server.url}/episodes/{episode.pk}/radiographs/new/")
    page.get_by_label("Radiograph file").set_input_files(str(path))
    page.get_by_label("Time point").select_option("pre_op")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Place the landmarks below")).to_be_visible()
    save = page.get_by_role("button", name="Save")
    expect(save).to_be_disabled()
    layer = page.locator("[data-landmark-layer]")
    expect(layer).to_have_attribute("viewBox", "0 0 900 1200")

    for count, name in enumerate(PRE_OP, start=1):
        x, y = truth["points"][name]
        click_at_image(page, x, y)
        expect(page.locator(f'[data-landmark="{name}"]')).to_have_count(1)
        if count < 4:
            expect(save).to_be_disabled()
    expect(save).to_be_enabled()
    expect(page.locator('[data-measure="severity"]')).not_to_have_text("")
    screenshot(page, "landmark-tool")
    assert serious_violations(page) == []
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/landmarks" in r.url
    ) as sent:
        save.click()
    expect(page.get_by_role("status").filter(has_text="Saved at")).to_be_visible()
    # The tool saves through the API, naming the film version it measured on.
    response = sent.value
    assert response.url.endswith(
        f"/api/v1/radiographs/{Measurement.objects.get().radiograph_id}/landmarks"
    )
    assert response.status == 201
    assert response.request.headers["if-match"] == '"1"'

    saved = Measurement.objects.get()
    for name in PRE_OP:
        placed, intended = saved.landmarks["points"][name], truth["points"][name]
        assert math.dist(placed, intended) < 2.0, name
    assert set(saved.landmarks["points"]) == set(PRE_OP)
    assert saved.results == measure_document(saved.landmarks)
    for key in ("hva_deg", "ima_deg", "hvia_deg", "dmaa_deg", "sesamoid_position", "severity"):
        expect(page.locator(f'[data-measure="{key}"]')).to_have_text(str(saved.results[key]))
    assert abs(saved.results["hva_deg"] - 31.0) < 0.6
    assert abs(saved.results["ima_deg"] - 14.0) < 0.6

    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the film page must not scroll sideways on a phone"
    page.set_viewport_size({"width": 1280, "height": 900})

    page.reload()  # a saved film opens with its saved landmarks drawn
    for name in PRE_OP:
        marker = page.locator(f'[data-landmark="{name}"]')
        expect(marker).to_have_attribute("cx", js_number(saved.landmarks["points"][name][0]))


def test_undo_redo_skip_and_the_keyboard(
    page: Page, live_server: LiveServer, episode_with_film: tuple[Episode, Path, dict[str, Any]]
) -> None:
    episode, path, truth = episode_with_film
    sign_in(page, live_server.url, "surgeon")
    page.goto(f"{live_server.url}/episodes/{episode.pk}/radiographs/new/")
    page.get_by_label("Radiograph file").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Place the landmarks below")).to_be_visible()
    first = truth["points"]["m1_proximal"]
    click_at_image(page, *first)
    expect(page.locator('[data-landmark="m1_proximal"]')).to_have_count(1)
    page.get_by_role("button", name="Undo").click()
    expect(page.locator('[data-landmark="m1_proximal"]')).to_have_count(0)
    page.get_by_role("button", name="Redo").click()
    expect(page.locator('[data-landmark="m1_proximal"]')).to_have_count(1)

    layer = page.locator("[data-landmark-layer]")
    layer.focus()
    page.keyboard.press("Escape")  # nothing selected: arrows move the cursor
    page.keyboard.press("Enter")  # places m1_distal at the cursor (the image centre)
    expect(page.locator('[data-landmark="m1_distal"]')).to_have_attribute("cx", "450")
    page.keyboard.press("ArrowRight")  # the new point is selected: nudge it
    cx = float(page.locator('[data-landmark="m1_distal"]').get_attribute("cx") or 0)
    assert cx > 450

    for name in ("m2_proximal", "m2_distal"):
        click_at_image(page, *truth["points"][name])
    expect(page.get_by_role("button", name="Save")).to_be_enabled()
    expect(page.locator("[data-prompt]")).to_contain_text("Proximal phalanx")
    page.get_by_role("button", name="Skip Proximal phalanx (for HVA)").click()
    expect(page.locator("[data-prompt]")).to_contain_text("Distal phalanx")
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("[data-prompt]")).to_contain_text("Proximal phalanx")


@pytest.fixture
def episode_with_png(
    episode_with_film: tuple[Episode, Path, dict[str, Any]], tmp_path: Path
) -> tuple[Episode, Path, dict[str, Any]]:
    """The same film as a PNG: no side, no date, no pixel size in the file."""
    episode = episode_with_film[0]
    film = _film(episode.side)
    path = tmp_path / "film.png"
    write_png(film, path)
    return episode, path, film.landmarks


def overlapping_labels(page: Page) -> list[str]:
    boxes = page.eval_on_selector_all(
        "[data-label-box]",
        "els => els.map(e => e.getAttribute('data-label-box').split(' ').map(Number))",
    )
    return [
        f"{a} and {b}"
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]
    ]


def no_sideways_scroll(page: Page, url: str, name: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    screenshot(page, f"phone-{name}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{url} is {width} px wide on a 390 px phone"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_png_film_gets_its_side_recorded_and_the_saved_reading_appears_at_once(
    page: Page, live_server: LiveServer, episode_with_png: tuple[Episode, Path, dict[str, Any]]
) -> None:
    episode, path, truth = episode_with_png
    side = episode.side
    surgeon = User.objects.get(username="surgeon").get_full_name()
    sign_in(page, live_server.url, "surgeon")
    upload_url = f"{live_server.url}/episodes/{episode.pk}/radiographs/new/"
    page.goto(upload_url)
    page.get_by_label("Radiograph file").set_input_files(str(path))
    page.get_by_label("Time point").select_option("pre_op")
    page.get_by_label("Date taken").fill("2026-03-14")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Place the landmarks below")).to_be_visible()
    expect(page.get_by_text("No side is recorded for this film")).to_be_visible()

    # Record the side on the film page, as read from the film's marker.
    form = page.locator("form[action$='/details/']")
    form.get_by_label("Side shown on the film").select_option(side)
    form.get_by_role("button", name="Record the film's details").click()
    expect(page.get_by_text("The film's details have been recorded")).to_be_visible()
    expect(page.locator("[data-film-facts]")).to_contain_text(
        f"Side recorded as {side} by {surgeon}"
    )
    expect(page.get_by_text("No side is recorded for this film")).to_have_count(0)
    film = Radiograph.objects.get(episode=episode)
    assert film.laterality == side
    assert film.version == 2

    # The guide is drawn for this foot, and a pre-operative film asks for twelve points.
    expect(page.locator("[data-diagram]")).to_have_attribute("data-diagram-side", side)
    expect(page.locator("[data-diagram-point]")).to_have_count(12)
    expect(page.locator("[data-landmark-list] li")).to_have_count(12)

    save = page.get_by_role("button", name="Save")
    expect(page.locator("[data-reading]")).to_have_count(0)
    for name in PRE_OP:
        click_at_image(page, *truth["points"][name])
        expect(page.locator(f'[data-landmark="{name}"]')).to_have_count(1)
    expect(page.locator("[data-prompt]")).to_contain_text("All landmarks placed")
    expect(page.locator('[data-measure="severity"]')).not_to_have_text("")
    assert overlapping_labels(page) == []

    page.evaluate("window.__notReloaded = true")
    save.click()
    expect(page.get_by_role("status").filter(has_text="Saved at")).to_be_visible()
    reading = page.locator("[data-readings] [data-reading]")
    expect(reading).to_have_count(1)
    expect(reading).to_contain_text(f"{surgeon} (you)")
    expect(reading).to_contain_text("Hallux valgus angle (HVA)")
    assert page.evaluate("window.__notReloaded === true"), "the list updated without a reload"
    saved = Measurement.objects.get()
    expect(reading).to_contain_text(f"{saved.results['hva_deg']} °")
    assert set(saved.landmarks["points"]) == set(PRE_OP)
    screenshot(page, "landmark-tool-png-saved")
    assert serious_violations(page) == []

    film_url = f"{live_server.url}/radiographs/{film.pk}/"
    no_sideways_scroll(page, film_url, "film")
    no_sideways_scroll(page, upload_url, "upload")
    compare = f"{live_server.url}/episodes/{episode.pk}/radiographs/compare/"
    no_sideways_scroll(page, compare, "compare")
    no_sideways_scroll(page, f"{live_server.url}/radiographs/agreement/", "agreement")


def test_an_implausible_reading_asks_for_confirmation_before_it_is_saved(
    page: Page, live_server: LiveServer, episode_with_film: tuple[Episode, Path, dict[str, Any]]
) -> None:
    episode, path, truth = episode_with_film
    sign_in(page, live_server.url, "surgeon")
    page.goto(f"{live_server.url}/episodes/{episode.pk}/radiographs/new/")
    page.get_by_label("Radiograph file").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Place the landmarks below")).to_be_visible()
    points = dict(truth["points"])
    m2 = points["m2_proximal"]
    lateral = 1 if points["m2_proximal"][0] > points["m1_proximal"][0] else -1
    points["m2_distal"] = [m2[0] + lateral * 350.0, m2[1] - 380.0]  # an IMA no foot has
    for name in ("m1_proximal", "m1_distal", "m2_proximal", "m2_distal"):
        click_at_image(page, *points[name])
    page.get_by_role("button", name="Save").click()
    box = page.locator("[data-implausible]")
    expect(box).to_be_visible()
    expect(box).to_contain_text("IMA")
    expect(box).to_contain_text("plausible range")
    assert not Measurement.objects.exists()
    box.get_by_role("button", name="Save anyway").click()
    expect(page.get_by_role("status").filter(has_text="Saved at")).to_be_visible()
    expect(page.locator("[data-readings]")).to_contain_text("Saved after a warning: IMA")
    assert Measurement.objects.count() == 1
