"""The demo's synthetic films go through the real pipeline, with landmarks, once."""

from __future__ import annotations

import datetime as dt

from halluxpath.imaging.demo import load_demo_films
from halluxpath.imaging.models import Measurement, Radiograph
from halluxpath.patients.demo import load_demo
from halluxpath.patients.models import Episode


def test_assessed_episodes_get_films_with_landmarks_and_a_second_run_adds_none(db: None) -> None:
    load_demo(8, today=dt.date(2026, 11, 25))
    added = load_demo_films()
    assessed = Episode.objects.exclude(status="referred").count()
    assert added >= assessed
    assert Radiograph.objects.count() == added
    assert Measurement.objects.filter(superseded_at__isnull=True).count() >= added
    film = Radiograph.objects.first()
    assert film is not None
    assert film.pixel_spacing_mm == (0.3125, 0.3125)
    assert film.source_format == "dicom"
    assert load_demo_films() == 0
