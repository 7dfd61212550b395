"""The annotated radiograph: the display image with axes, landmarks and values drawn on."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.timezone import localtime
from PIL import Image, ImageDraw, ImageFont

from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core.geometry import Vec, place_labels
from halluxpath.imaging import storage
from halluxpath.imaging.access import MEASUREMENTS, RADIOGRAPHS
from halluxpath.imaging.drawing import drawn
from halluxpath.imaging.models import Measurement, Radiograph

AXES = (
    ("m1_proximal", "m1_distal", (255, 196, 0), 0.6),
    ("m2_proximal", "m2_distal", (0, 200, 255), 0.3),
    ("p1_proximal", "p1_distal", (255, 80, 80), 0.5),
    ("d1_proximal", "d1_distal", (255, 120, 220), 0.5),
    ("m1_articular_medial", "m1_articular_lateral", (120, 255, 120), 0.3),
    ("tibial_sesamoid_medial", "tibial_sesamoid_lateral", (255, 255, 255), 0.0),
    ("osteotomy_medial_cortex", "osteotomy_lateral_cortex", (200, 160, 255), 0.0),
)
LABELS = (
    ("p1_distal", "HVA", "hva_deg", "°"),
    ("m2_distal", "IMA", "ima_deg", "°"),
    ("d1_distal", "HVIA", "hvia_deg", "°"),
    ("m1_articular_lateral", "DMAA", "dmaa_deg", "°"),
    ("tibial_sesamoid_lateral", "Sesamoid", "sesamoid_position", ""),
    ("head_medial_cortex", "Shift", "translation_pct", "%"),
)


def _extended(
    a: tuple[float, float], b: tuple[float, float], extend: float
) -> list[tuple[float, float]]:
    dx, dy = b[0] - a[0], b[1] - a[1]
    return [(a[0] - dx * extend, a[1] - dy * extend), (b[0] + dx * extend, b[1] + dy * extend)]


def render_png(radiograph: Radiograph, measurement: Measurement) -> bytes:
    with Image.open(storage.media_path(drawn(radiograph).display_file)) as grey:
        canvas = grey.convert("RGB")
    draw = ImageDraw.Draw(canvas)
    size = max(canvas.size)
    stroke = max(2, size // 600)
    radius = max(4, size // 250)
    font = ImageFont.load_default(size=max(14, size // 60))
    points: dict[str, Any] = measurement.landmarks.get("points", {})
    results: dict[str, Any] = measurement.results
    for first, second, colour, extend in AXES:
        if first in points and second in points:
            draw.line(
                _extended(tuple(points[first]), tuple(points[second]), extend),
                fill=colour,
                width=stroke,
            )
    for x, y in points.values():
        draw.ellipse(
            (x - radius, y - radius, x + radius, y + radius), outline=(255, 255, 0), width=stroke
        )
    observer = measurement.observer.get_full_name() or measurement.observer.username
    summary = (
        f"HalluxPath · {radiograph.get_time_point_display()} "
        f"{date_format(radiograph.acquired_on)} · severity {results.get('severity') or '—'} "
        f"· measured by {observer} {date_format(localtime(measurement.created_at))}"
    )
    caption = draw.textbbox((2 * radius, 2 * radius), summary, font=font, stroke_width=stroke)
    anchors: list[Vec] = []
    texts: list[str] = []
    for anchor, name, key, unit in LABELS:
        value = results.get(key)
        if anchor in points and value is not None:
            anchors.append((float(points[anchor][0]), float(points[anchor][1])))
            texts.append(f"{name} {value}{unit}")
    sizes: list[Vec] = []
    for text in texts:
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font, stroke_width=stroke)
        sizes.append((float(right - left), float(bottom - top)))
    # Values are placed so that no two overlap (issue 12 item 3), beside their landmark.
    bounds = (0.0, 0.0, float(canvas.width), float(canvas.height))
    occupied = ((caption[0], caption[1], caption[2] - caption[0], caption[3] - caption[1]),)
    boxes = place_labels(anchors, sizes, bounds, gap=2 * radius, occupied=occupied)
    for text, box in zip(texts, boxes, strict=True):
        draw.text(
            (box[0], box[1]),
            text,
            fill=(255, 255, 0),
            font=font,
            stroke_width=stroke,
            stroke_fill=(0, 0, 0),
        )
    draw.text(
        (2 * radius, 2 * radius),
        summary,
        fill=(255, 255, 255),
        font=font,
        stroke_width=stroke,
        stroke_fill=(0, 0, 0),
    )
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG", compress_level=3)
    return buffer.getvalue()


@dataclass(frozen=True)
class AnnotatedExport:
    png: bytes
    filename: str


def export_annotated(actor: Actor, radiograph_id: int, measurement_id: int) -> AnnotatedExport:
    """A reading drawn on its film, for download (page and API); audited as an export.

    Both records are read through their access helpers: a film or reading the
    actor may not see is a 404.
    """
    radiograph = RADIOGRAPHS.get(actor, radiograph_id)
    measurement = MEASUREMENTS.get(actor, measurement_id, radiograph=radiograph)
    png = render_png(radiograph, measurement)
    record(
        actor,
        "export",
        object_type="radiograph",
        object_id=radiograph.pk,
        patient_id=radiograph.episode.patient_id,
        detail={"format": "annotated_png", "measurement": measurement.pk},
    )
    return AnnotatedExport(png, f"radiograph-{radiograph.pk}-measurement-{measurement.pk}.png")
