"""The demo's films drawn when first needed (imaging.drawing): the same film, drawn once."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from halluxpath.imaging import drawing
from halluxpath.imaging.demo import load_demo_films
from halluxpath.imaging.models import Measurement, PendingDrawing, Radiograph
from halluxpath.imaging.synthetic import FootGeometry, landmarks, render
from halluxpath.patients.demo import load_demo

TODAY = dt.date(2026, 11, 25)


def on_disk(relative: str) -> Path:
    return Path(settings.MEDIA_ROOT) / relative


@pytest.fixture
def pending(db: None) -> list[Radiograph]:
    load_demo(6, today=TODAY)
    assert load_demo_films(today=TODAY) > 0
    return list(Radiograph.objects.order_by("pk"))


def test_the_landmarks_without_drawing_are_the_drawn_films_landmarks() -> None:
    for seed, side in ((1, "right"), (2, "left"), (3, "left")):
        geometry = FootGeometry(
            hva_deg=20 + seed,
            ima_deg=11,
            hvia_deg=7,
            dmaa_deg=8,
            sesamoid_fraction=0.5,
            side=side,
            width=240,
            height=312,
            pixel_spacing_mm=(0.625, 0.625),
            translation_pct=50 if seed == 3 else None,
            seed=seed,
        )
        assert landmarks(geometry) == render(geometry).landmarks


def test_an_order_survives_its_json(pending: list[Radiograph]) -> None:
    for row in PendingDrawing.objects.all():
        order = drawing.FilmOrder.from_json(row.order)
        assert order.to_json() == row.order
    with pytest.raises(ValueError, match="version"):
        drawing.FilmOrder.from_json({**row.order, "version": 99})


def test_the_demo_leaves_its_films_to_draw_with_their_readings_made(
    pending: list[Radiograph],
) -> None:
    assert pending
    assert all(not film.sha256 for film in pending)
    assert PendingDrawing.objects.count() == len(pending)
    assert all(not on_disk(film.display_file).exists() for film in pending)
    assert Measurement.objects.filter(radiograph__in=pending).count() >= len(pending)


def test_the_first_view_draws_the_film_with_the_facts_its_row_had(
    pending: list[Radiograph], caplog: pytest.LogCaptureFixture
) -> None:
    film = pending[0]
    before = {k: getattr(film, k) for k in drawing.FACT_FIELDS}
    order_of_first = PendingDrawing.objects.get(pk=film.pk).order
    client = Client()
    client.force_login(film.uploaded_by)
    with caplog.at_level(logging.WARNING, logger="halluxpath.imaging.drawing"):
        response = client.get(f"/radiographs/{film.pk}/image.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x89PNG"  # type: ignore[attr-defined]
    film.refresh_from_db()
    assert not PendingDrawing.objects.filter(pk=film.pk).exists()
    assert film.sha256 == hashlib.sha256(on_disk(film.stored_file).read_bytes()).hexdigest()
    assert {k: getattr(film, k) for k in drawing.FACT_FIELDS} == before
    sample = drawing.draw(drawing.FilmOrder.from_json(order_of_first))
    assert tuple(drawing.file_facts(sample.image)) == drawing.FACT_FIELDS  # refreshed by drawn
    assert not caplog.records  # the row said what the file says
    download = client.get(f"/radiographs/{film.pk}/file")
    assert download.status_code == 200
    # A film not yet drawn is drawn by its download too.
    other = pending[1]
    assert client.get(f"/radiographs/{other.pk}/file").status_code == 200
    other.refresh_from_db()
    assert other.sha256


def test_the_background_task_draws_the_rest_once(pending: list[Radiograph]) -> None:
    assert drawing.draw_pending(limit=2) == 2
    assert drawing.draw_pending() == len(pending) - 2
    assert drawing.draw_pending() == 0
    for film in Radiograph.objects.all():
        assert film.sha256 == hashlib.sha256(on_disk(film.stored_file).read_bytes()).hexdigest()
        assert on_disk(film.display_file).read_bytes()[:4] == b"\x89PNG"


def test_of_two_readers_at_once_only_one_stores_the_film(
    pending: list[Radiograph], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second reader draws while the first stores: it finds the claim gone, keeps
    nothing, and the row's digest is the file's."""
    film = pending[0]
    real_draw = drawing.draw
    inner: list[bool] = []

    def draw_while_another_stores(order: drawing.FilmOrder) -> drawing.DrawnFilm:
        drawn = real_draw(order)
        if not inner:
            monkeypatch.setattr(drawing, "draw", real_draw)
            inner.append(drawing._draw_one(film.pk))  # the other reader, done first
        return drawn

    monkeypatch.setattr(drawing, "draw", draw_while_another_stores)
    assert drawing._draw_one(film.pk) is False
    assert inner == [True]
    film.refresh_from_db()
    assert film.sha256 == hashlib.sha256(on_disk(film.stored_file).read_bytes()).hexdigest()


def test_a_film_that_cannot_be_drawn_stays_pending_and_the_others_are_drawn(
    pending: list[Radiograph], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = pending[0]
    real_draw = drawing.draw

    def sometimes(order: drawing.FilmOrder) -> drawing.DrawnFilm:
        if order.to_json() == PendingDrawing.objects.get(pk=broken.pk).order:
            raise OSError("disk full")
        return real_draw(order)

    monkeypatch.setattr(drawing, "draw", sometimes)
    assert drawing.draw_pending() == len(pending) - 1
    broken.refresh_from_db()
    assert PendingDrawing.objects.filter(pk=broken.pk).exists()
    assert not broken.sha256
    client = Client()
    client.force_login(broken.uploaded_by)
    page = client.get(f"/radiographs/{broken.pk}/")
    assert page.status_code == 200  # the page opens; only its image waits
    monkeypatch.setattr(drawing, "draw", real_draw)
    assert drawing.draw_pending() == 1


def test_films_drawn_at_once_leave_nothing_pending(db: None) -> None:
    load_demo(3, today=TODAY)
    added = load_demo_films(today=TODAY, draw_now=True)
    assert added
    assert not PendingDrawing.objects.exists()
    for film in Radiograph.objects.all():
        assert film.sha256
        assert on_disk(film.display_file).exists()
