"""Synthetic films drawn when first needed: the demo's films without the wait (issue 13 item 7).

Drawing a synthetic film and putting it through the upload pipeline (the
DICOM file with fake identifying data, its reading and de-identification,
the display PNG) is about 60 ms of CPU; the demo has some 560 of them, more
than the rest of its load together. Their landmarks and readings come from
the geometry, not from the pixels, so the demo stores each film's row,
landmarks and readings at once, with a ``PendingDrawing`` holding the order,
and leaves the pixels for later:

- ``drawn(radiograph)`` is the one way to a film's files: every reader (the
  display image and the download, ``imaging.annotate``, ``surgery.overlay``)
  calls it first. A film already drawn (every upload) returns at once; a
  pending one is drawn now, its files written where its row says and its
  digest filled in;
- ``draw_pending`` draws the rest in the background, oldest first: the task
  ``imaging.tasks.draw_pending_films``, which the demo load enqueues for the
  site's worker (``halluxpath db_worker``, started by ``run_workers``).

Two readers of one pending film store it once: each draws, then deletes the
pending row in a transaction, and only the one that deleted it writes the
files (the other finds nothing to delete and reads what the first wrote).
A drawing that fails changes nothing: the film stays pending and the reader
gets the error (a logged 500 for that image only; the film's page opens).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from halluxpath.imaging import storage
from halluxpath.imaging.ingest import IngestedImage, ingest
from halluxpath.imaging.models import DEIDENTIFICATION, PendingDrawing, Radiograph, SpacingSource
from halluxpath.imaging.synthetic import FootGeometry, render, write_dicom

log = logging.getLogger(__name__)

ORDER_VERSION = 1


@dataclass(frozen=True)
class FilmPlan:
    time_point: str
    geometry: FootGeometry
    taken: dt.date


@dataclass(frozen=True)
class FilmOrder:
    """What it takes to draw one synthetic film and put it through the pipeline."""

    plan: FilmPlan
    hospital_number: str

    def to_json(self) -> dict[str, Any]:
        geometry = dataclasses.asdict(self.plan.geometry)
        geometry["pixel_spacing_mm"] = list(self.plan.geometry.pixel_spacing_mm)
        return {
            "version": ORDER_VERSION,
            "time_point": self.plan.time_point,
            "taken": self.plan.taken.isoformat(),
            "hospital_number": self.hospital_number,
            "geometry": geometry,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FilmOrder:
        if data.get("version") != ORDER_VERSION:
            raise ValueError(f"unknown film order version {data.get('version')!r}")
        geometry = dict(data["geometry"])
        geometry["pixel_spacing_mm"] = tuple(geometry["pixel_spacing_mm"])
        return cls(
            FilmPlan(
                data["time_point"], FootGeometry(**geometry), dt.date.fromisoformat(data["taken"])
            ),
            data["hospital_number"],
        )


@dataclass(frozen=True)
class DrawnFilm:
    """A drawn film as the upload pipeline returned it, with the true landmarks.

    ``display_png`` is ``storage.encode_png(image.display)``, made where the
    film was drawn (a worker process, for the demo's films drawn at once).
    """

    landmarks: dict[str, Any]
    image: IngestedImage
    display_png: bytes


def draw(order: FilmOrder) -> DrawnFilm:
    """Draw the film, write it as a JPEG DICOM file with identifying data, ingest it.

    The same path an uploaded file takes (reading, de-identification, the
    display image), in memory instead of through a scratch file.
    """
    film = render(order.plan.geometry)
    buffer = io.BytesIO()
    write_dicom(
        film,
        buffer,
        transfer_syntax="jpeg_baseline",
        patient_name=f"DEMO^{order.hospital_number}",
        patient_id=order.hospital_number,
        acquired_on=order.plan.taken,
    )
    size = buffer.tell()
    image = ingest(buffer, size)
    return DrawnFilm(film.landmarks, image, storage.encode_png(image.display))


def file_facts(image: IngestedImage) -> dict[str, Any]:
    """The film row's columns that come from its file (the rest are the uploader's)."""
    spacing = image.spacing
    return {
        "source_format": image.source_format,
        "file_laterality": image.laterality,
        "file_acquired_on": image.acquired_on,
        "width": image.width,
        "height": image.height,
        "row_spacing_mm": spacing.row_mm if spacing else None,
        "column_spacing_mm": spacing.column_mm if spacing else None,
        "spacing_source": spacing.source if spacing else SpacingSource.UNKNOWN,
        "pixel_review": image.pixel_review,
        "deidentification": DEIDENTIFICATION.stamp(image.deidentification),
    }


def drawn(radiograph: Radiograph) -> Radiograph:
    """The film with its files on disk: a pending synthetic film is drawn now.

    Call before reading ``stored_file`` or ``display_file``. Returns the same
    object, its digest filled in if it was drawn here or by another reader.
    """
    if radiograph.sha256:
        return radiograph
    _draw_one(radiograph.pk)
    radiograph.refresh_from_db(fields=["sha256", *FACT_FIELDS])
    return radiograph


FACT_FIELDS = (
    "source_format",
    "file_laterality",
    "file_acquired_on",
    "width",
    "height",
    "row_spacing_mm",
    "column_spacing_mm",
    "spacing_source",
    "pixel_review",
    "deidentification",
)


def _draw_one(pk: int) -> bool:
    """Draw one pending film if nobody else has: True if this call stored it.

    Drawn outside any transaction (it takes tens of milliseconds, and on SQLite
    a write transaction holds every other writer); then, in one transaction,
    the pending row is deleted (the claim: of two readers that drew the same
    film, the second finds it gone and drops its copy), the files written where
    the row says and the digest stored.
    """
    pending = PendingDrawing.objects.filter(pk=pk).first()
    if pending is None:
        return False
    film = draw(FilmOrder.from_json(pending.order))
    facts = file_facts(film.image)
    with transaction.atomic():
        if PendingDrawing.objects.filter(pk=pk).delete()[0] == 0:
            return False
        radiograph = Radiograph.objects.get(pk=pk)
        changed = sorted(k for k, v in facts.items() if getattr(radiograph, k) != v)
        if changed:  # the file is the truth: its facts replace those stored before drawing
            log.warning("film %s: the drawn file differs from its row in %s", pk, changed)
        digest = storage.store_at(
            radiograph.stored_file,
            film.image.stored_bytes,
            radiograph.display_file,
            film.display_png,
        )
        Radiograph.objects.filter(pk=pk).update(sha256=digest, **facts)
    return True


def draw_pending(limit: int | None = None) -> int:
    """Draw pending films, oldest first, each in its own transaction; return how many.

    A film that cannot be drawn is logged and left pending; the others go on.
    """
    done = 0
    queue = PendingDrawing.objects.order_by("pk").values_list("pk", flat=True)
    for pk in list(queue[:limit] if limit is not None else queue):
        try:
            done += _draw_one(pk)
        except Exception:
            log.exception("film %s could not be drawn; it stays pending", pk)
    return done
