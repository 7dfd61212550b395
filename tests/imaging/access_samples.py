"""One film and one reading on a given episode, for the access-matrix test.

The film row points at no file (the helpers never open it); the reading is a
real landmark set measured by the core, written as the save action writes it.
The film's JSON fields are stored bare, as releases before their schema tags
wrote them: the helpers must serve those rows all the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Model

from halluxpath.core.landmarks import landmarks_from_document
from halluxpath.core.radiograph import TimePoint, measure
from halluxpath.imaging.models import Measurement, Radiograph, SourceFormat
from halluxpath.patients.models import Episode

LANDMARKS = {
    "schema": "halluxpath.landmarks/1",
    "points": {
        "m1_proximal": [612.0, 1840.5],
        "m1_distal": [655.2, 1215.0],
        "m2_proximal": [820.0, 1790.0],
        "m2_distal": [960.0, 1150.0],
        "p1_proximal": [690.0, 1020.0],
        "p1_distal": [835.0, 760.0],
    },
}


def radiograph(episode: Episode) -> Radiograph:
    return Radiograph.objects.create(
        episode=episode,
        time_point=TimePoint.PRE_OPERATIVE,
        acquired_on=dt.date(2026, 1, 5),
        source_format=SourceFormat.PNG,
        stored_file=f"radiographs/sample-{episode.pk}.png",
        display_file=f"radiographs/sample-{episode.pk}-display.png",
        sha256="0" * 64,
        width=1200,
        height=2000,
        deidentification={"removed": []},
        uploaded_by=episode.responsible_surgeon,
    )


def measurement(episode: Episode) -> Measurement:
    landmarks = landmarks_from_document(LANDMARKS)
    return Measurement.objects.create(
        radiograph=radiograph(episode),
        observer=episode.responsible_surgeon,
        landmarks=landmarks.to_document(),
        results=measure(landmarks).to_json(),
    )


SAMPLES: dict[str, Callable[[Episode], Model]] = {
    "radiograph": radiograph,
    "measurement": measurement,
}
