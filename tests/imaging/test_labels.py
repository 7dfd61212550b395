"""Value labels never overlap, the guide follows the film's side and phase (issue 12, item 3)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.core.geometry import boxes_overlap, place_labels
from halluxpath.core.radiograph import TimePoint, after_the_operation, landmark_groups
from halluxpath.imaging import actions
from halluxpath.imaging.models import Radiograph
from halluxpath.imaging.schemas import FilmDetails
from halluxpath.imaging.synthetic import SyntheticFilm
from tests.conftest import Clinic
from tests.imaging.conftest import FilmWriter


def test_labels_anchored_at_one_point_are_spread_out_without_overlap() -> None:
    anchors = [(100.0, 100.0)] * 6
    sizes = [(80.0, 18.0)] * 6
    boxes = place_labels(anchors, sizes, (0.0, 0.0, 600.0, 800.0))
    for a, b in itertools.combinations(boxes, 2):
        assert not boxes_overlap(a, b)
    for left, top, w, h in boxes:
        assert 0 <= left <= left + w <= 600
        assert 0 <= top <= top + h <= 800


def test_a_label_avoids_a_caption_already_drawn() -> None:
    caption = (0.0, 0.0, 600.0, 30.0)
    (box,) = place_labels(
        [(10.0, 10.0)], [(50.0, 16.0)], (0.0, 0.0, 600.0, 800.0), occupied=(caption,)
    )
    assert not boxes_overlap(box, caption)


def test_more_labels_than_room_still_never_overlap() -> None:
    boxes = place_labels([(5.0, 5.0)] * 30, [(40.0, 10.0)] * 30, (0.0, 0.0, 50.0, 50.0))
    for a, b in itertools.combinations(boxes, 2):
        assert not boxes_overlap(a, b)


points = st.tuples(st.floats(0, 600), st.floats(0, 800))
label_sizes = st.tuples(st.floats(10, 120), st.floats(8, 30))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(points, label_sizes), min_size=1, max_size=8))
def test_placed_labels_never_overlap(
    labels: list[tuple[tuple[float, float], tuple[float, float]]],
) -> None:
    boxes = place_labels([a for a, _ in labels], [s for _, s in labels], (0.0, 0.0, 600.0, 800.0))
    assert len(boxes) == len(labels)
    for a, b in itertools.combinations(boxes, 2):
        assert not boxes_overlap(a, b)
    for (w, h), box in zip((s for _, s in labels), boxes, strict=True):
        assert box[2:] == (w, h)


# --- which landmarks a film asks for --------------------------------------------------------


def test_a_pre_operative_film_never_asks_for_the_osteotomy_points() -> None:
    day, operated = dt.date(2026, 3, 1), dt.date(2026, 2, 1)
    assert "translation" not in landmark_groups(TimePoint.PRE_OPERATIVE, day, operated)
    assert landmark_groups(TimePoint.PRE_OPERATIVE, day, None) == (
        "p1",
        "d1",
        "articular",
        "sesamoid",
    )
    assert "translation" in landmark_groups(TimePoint.WEEKS_6, day, None)
    assert "translation" in landmark_groups(TimePoint.INTRA_OPERATIVE, day, None)


def test_a_film_filed_as_other_is_post_operative_from_the_operation_day() -> None:
    operated = dt.date(2026, 3, 1)
    assert after_the_operation(TimePoint.OTHER, dt.date(2026, 3, 1), operated)
    assert not after_the_operation(TimePoint.OTHER, dt.date(2026, 2, 28), operated)
    assert not after_the_operation(TimePoint.OTHER, dt.date(2026, 3, 5), None)


def upload(clinic: Clinic, path: Path, time_point: TimePoint, side: str = "right") -> Radiograph:
    episode = clinic.patient_a.episodes.get()
    episode.side = side
    episode.save()
    with path.open("rb") as handle:
        return actions.upload_radiograph(
            Actor(clinic.user(Role.SURGEON)),
            episode.pk,
            handle,
            path.stat().st_size,
            FilmDetails(time_point=time_point, acquired_on=dt.date(2026, 3, 14)),
        )


def test_the_tool_on_a_pre_operative_film_asks_for_twelve_points_and_after_it_fifteen(
    clinic: Clinic, client: Client, dicom_file: FilmWriter
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    pre = upload(clinic, dicom_file(), TimePoint.PRE_OPERATIVE)
    post = upload(clinic, dicom_file(), TimePoint.WEEKS_6)
    config = client.get(reverse("imaging:radiograph", args=[pre.pk])).context["tool_config"]
    assert len(config["guide"]) == 12
    assert not any(g["group"] == "translation" for g in config["guide"])
    body = client.get(reverse("imaging:radiograph", args=[pre.pk])).content.decode()
    assert 'data-measure="translation_pct"' not in body
    config = client.get(reverse("imaging:radiograph", args=[post.pk])).context["tool_config"]
    assert len(config["guide"]) == 15


def test_the_guide_drawing_is_mirrored_for_a_left_foot(
    clinic: Clinic, client: Client, tmp_path: Path, film: SyntheticFilm
) -> None:
    from halluxpath.imaging.synthetic import write_png

    path = tmp_path / "film.png"
    write_png(film, path)
    client.force_login(clinic.user(Role.SURGEON))
    right = upload(clinic, path, TimePoint.PRE_OPERATIVE, side="right")
    body = client.get(reverse("imaging:radiograph", args=[right.pk])).content.decode()
    assert 'data-diagram-side="right"' in body
    assert "matrix(-1 0 0 1 100 0)" not in body
    left = upload(clinic, path, TimePoint.PRE_OPERATIVE, side="left")
    body = client.get(reverse("imaging:radiograph", args=[left.pk])).content.decode()
    assert 'data-diagram-side="left"' in body
    assert "matrix(-1 0 0 1 100 0)" in body
    assert "Where the landmarks go on a left foot" in body


def test_the_annotated_image_still_renders_with_crowded_labels(
    clinic: Clinic, client: Client, dicom_file: FilmWriter, film: SyntheticFilm
) -> None:
    radiograph = upload(clinic, dicom_file(), TimePoint.PRE_OPERATIVE)
    client.force_login(clinic.user(Role.SURGEON))
    saved = client.post(
        f"/api/v1/radiographs/{radiograph.pk}/landmarks",
        json.dumps(film.landmarks),
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert saved.status_code == 201, saved.content
    response = client.get(reverse("imaging:annotated", args=[radiograph.pk, saved.json()["id"]]))
    assert response.status_code == 200
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.size == (600, 800)


pytestmark = pytest.mark.django_db


TOOL_JS = (
    Path(__file__).resolve().parents[2] / "src/halluxpath/imaging/static/imaging/landmark-tool.js"
)


def _node() -> str:
    """Node.js: the system's, else the one Playwright ships for its driver (always installed
    with the test dependencies, so this test runs on a fresh CI machine too)."""
    from playwright._impl._driver import compute_driver_executable

    return shutil.which("node") or str(compute_driver_executable()[0])


NODE = _node()


def test_the_overlay_in_the_browser_places_labels_as_the_core_does(tmp_path: Path) -> None:
    """The landmark tool's JavaScript copy of place_labels gives the same boxes."""
    rng = random.Random(12)
    cases = [
        [
            ((rng.uniform(0, 600), rng.uniform(0, 800)), (rng.uniform(20, 120), 18.0))
            for _ in range(rng.randint(1, 7))
        ]
        for _ in range(40)
    ]
    cases.append([((100.0, 100.0), (80.0, 18.0))] * 6)
    script = tmp_path / "place.mjs"
    script.write_text(
        "globalThis.document = { querySelector: () => null };\n"
        f"const {{ placeLabels }} = await import({json.dumps(TOOL_JS.as_uri())});\n"
        f"const cases = {json.dumps(cases)};\n"
        "console.log(JSON.stringify(cases.map((c) => placeLabels(c.map((l) => l[0]), "
        "c.map((l) => l[1]), [0, 0, 600, 800]))));\n",
        encoding="utf-8",
    )
    done = subprocess.run(  # noqa: S603 (our own script, run by node)
        [str(NODE), str(script)], capture_output=True, text=True, check=True, timeout=60
    )
    from_js = json.loads(done.stdout)
    for case, boxes in zip(cases, from_js, strict=True):
        expected = place_labels(
            [a for a, _ in case], [s for _, s in case], (0.0, 0.0, 600.0, 800.0)
        )
        assert len(boxes) == len(expected)
        for got, want in zip(boxes, expected, strict=True):
            assert got == pytest.approx(list(want))
