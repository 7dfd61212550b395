"""Every write to radiographs and their measurements (validate, one transaction, audit)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from halluxpath.accounts.models import User
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core.landmarks import LandmarkError, landmarks_from_document
from halluxpath.core.radiograph import measure
from halluxpath.imaging import storage
from halluxpath.imaging.access import radiograph_for
from halluxpath.imaging.ingest import IngestedImage, ingest
from halluxpath.imaging.limits import UploadRefused
from halluxpath.imaging.models import Measurement, Radiograph, SpacingSource, TimePoint
from halluxpath.patients.access import episode_for, require_editor
from halluxpath.patients.models import Episode
from halluxpath.records import EditConflict

MIN_CALIBRATION_PIXELS = 20.0
CALIBRATION_RANGE_MM = (1.0, 300.0)


def _editor(actor: Actor) -> User:
    return require_editor(actor, "Your role cannot add or change radiographs.")


@contextmanager
def stored_radiograph(
    episode: Episode,
    image: IngestedImage,
    *,
    time_point: str,
    acquired_on: dt.date,
    weight_bearing: bool,
    uploaded_by: User,
) -> Iterator[Radiograph]:
    """Write an ingested film's files and its row in one step.

    The body of the ``with`` runs inside the same transaction (to add the
    audit event, or the demo's landmarks); if anything fails, the row is rolled
    back and the files are removed, so nothing is left behind.
    """
    paths = storage.store(
        image.stored_bytes, image.stored_suffix, storage.encode_png(image.display)
    )
    try:
        with transaction.atomic():
            yield Radiograph.objects.create(
                episode=episode,
                time_point=time_point,
                acquired_on=acquired_on,
                weight_bearing=weight_bearing,
                laterality=image.laterality,
                source_format=image.source_format,
                stored_file=paths[0],
                display_file=paths[1],
                sha256=paths[2],
                width=image.width,
                height=image.height,
                row_spacing_mm=image.spacing.row_mm if image.spacing else None,
                column_spacing_mm=image.spacing.column_mm if image.spacing else None,
                spacing_source=image.spacing.source if image.spacing else SpacingSource.UNKNOWN,
                pixel_review=image.pixel_review,
                deidentification=image.deidentification,
                uploaded_by=uploaded_by,
            )
    except BaseException:
        storage.remove(paths[0], paths[1])
        raise


def upload_radiograph(
    actor: Actor,
    episode_id: int,
    upload: IO[bytes],
    size: int,
    *,
    time_point: str,
    acquired_on: dt.date | None,
    weight_bearing: bool = True,
) -> Radiograph:
    """Check, de-identify and store a film for an episode.

    Raises ``ValidationError`` (with the reason a clinician can act on) for a
    file that cannot be accepted; in that case nothing is stored.
    """
    user = _editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    if time_point not in TimePoint.values:
        raise ValidationError({"time_point": "Choose the time point of the film."})
    try:
        image = ingest(upload, size)
    except UploadRefused as refusal:
        record(
            actor,
            "create",
            object_type="radiograph",
            patient_id=episode.patient_id,
            outcome="failed",
            detail={"reason": str(refusal)[:300]},
        )
        raise ValidationError({"file": str(refusal)}) from None
    taken = acquired_on or image.acquired_on
    if taken is None:
        raise ValidationError(
            {"acquired_on": "The file does not say when it was taken: enter the date of the film."}
        )
    if taken > timezone.localdate():
        raise ValidationError({"acquired_on": "The film's date cannot be in the future."})
    if taken < episode.patient.date_of_birth:
        raise ValidationError({"acquired_on": "The film's date is before the patient was born."})
    if image.laterality and image.laterality != episode.side:
        raise ValidationError(
            {
                "file": f"The file says this is a {image.laterality.upper()} "
                f"foot, but this episode is for the "
                f"{episode.side.upper()} foot. Check the film and the "
                "episode."
            }
        )
    with stored_radiograph(
        episode,
        image,
        time_point=time_point,
        acquired_on=taken,
        weight_bearing=weight_bearing,
        uploaded_by=user,
    ) as radiograph:
        record(
            actor,
            "create",
            object_type="radiograph",
            object_id=radiograph.pk,
            patient_id=episode.patient_id,
            detail={
                "time_point": time_point,
                "acquired_on": taken,
                "format": image.source_format,
                "sha256": radiograph.sha256,
                "size": [image.width, image.height],
                "spacing_source": radiograph.spacing_source,
                "deidentification": image.deidentification,
            },
        )
    return radiograph


def _locked(actor: Actor, radiograph_id: int, expected_version: int | None) -> Radiograph:
    radiograph = (
        Radiograph.objects.select_for_update().select_related("episode").get(pk=radiograph_id)
    )
    if expected_version is not None and radiograph.version != expected_version:
        raise EditConflict("film", radiograph.version)
    return radiograph


def calibrate(
    actor: Actor,
    radiograph_id: int,
    expected_version: int,
    first: tuple[float, float],
    second: tuple[float, float],
    length_mm: float,
) -> Radiograph:
    """Set an isotropic pixel size from two points a known distance apart.

    For example the two edges of a 25 mm marker ball. This corrects for
    magnification at the level of the marker, which detector spacing does not.
    """
    _editor(actor)
    radiograph_for(actor, radiograph_id, purpose="edit")
    low, high = CALIBRATION_RANGE_MM
    if not (math.isfinite(length_mm) and low <= length_mm <= high):
        raise ValidationError(
            {"length_mm": f"Enter a known length between {low:g} and {high:g} mm."}
        )
    coordinates = (*first, *second)
    if not all(math.isfinite(c) for c in coordinates):
        raise ValidationError("The calibration points are not numbers.")
    pixels = math.dist(first, second)
    if pixels < MIN_CALIBRATION_PIXELS:
        raise ValidationError(
            f"The two calibration points are only {pixels:.1f} pixels apart; "
            f"place them at least {MIN_CALIBRATION_PIXELS:g} pixels apart."
        )
    with transaction.atomic():
        radiograph = _locked(actor, radiograph_id, expected_version)
        for x, y in (first, second):
            if not (0 <= x <= radiograph.width and 0 <= y <= radiograph.height):
                raise ValidationError("A calibration point lies outside the image.")
        spacing = length_mm / pixels
        before = {"spacing": radiograph.pixel_spacing_mm, "source": radiograph.spacing_source}
        radiograph.row_spacing_mm = radiograph.column_spacing_mm = spacing
        radiograph.spacing_source = SpacingSource.CALIBRATION
        radiograph.calibration = {
            "points": [list(first), list(second)],
            "length_mm": length_mm,
            "pixel_spacing_mm": spacing,
            "by": actor.user.username if actor.user else "",
            "at": timezone.now().isoformat(),
        }
        radiograph.version += 1
        radiograph.save()
        record(
            actor,
            "change",
            object_type="radiograph",
            object_id=radiograph.pk,
            patient_id=radiograph.episode.patient_id,
            detail={"calibration": radiograph.calibration, "before": before},
        )
    return radiograph


def confirm_pixel_review(actor: Actor, radiograph_id: int, expected_version: int) -> Radiograph:
    """A person has looked at the picture and found no identifying text in it."""
    _editor(actor)
    radiograph_for(actor, radiograph_id, purpose="edit")
    with transaction.atomic():
        radiograph = _locked(actor, radiograph_id, expected_version)
        radiograph.pixel_review = "confirmed"
        radiograph.version += 1
        radiograph.save(update_fields=["pixel_review", "version"])
        record(
            actor,
            "change",
            object_type="radiograph",
            object_id=radiograph.pk,
            patient_id=radiograph.episode.patient_id,
            detail={"pixel_review": "confirmed"},
        )
    return radiograph


def save_measurement(actor: Actor, radiograph_id: int, document: Any) -> Measurement:
    """Store one observer's landmark set, keeping their earlier sets as history."""
    user = _editor(actor)
    radiograph = radiograph_for(actor, radiograph_id, purpose="edit")
    try:
        landmarks = landmarks_from_document(document)
    except LandmarkError as error:
        raise ValidationError(str(error)) from None
    for name, (x, y) in landmarks.points.items():
        if not (0 <= x <= radiograph.width and 0 <= y <= radiograph.height):
            raise ValidationError(f"Landmark '{name}' lies outside the image.")
    if landmarks.pixel_spacing_mm != radiograph.pixel_spacing_mm:
        raise ValidationError(
            "The film's pixel size changed while you were measuring "
            "(someone calibrated it). Reload the page and save again."
        )
    results = measure(landmarks).to_json()
    now = timezone.now()
    with transaction.atomic():
        Measurement.objects.select_for_update().filter(
            radiograph=radiograph, observer=user, superseded_at__isnull=True
        ).update(superseded_at=now)
        measurement = Measurement.objects.create(
            radiograph=radiograph, observer=user, landmarks=landmarks.to_document(), results=results
        )
        record(
            actor,
            "create",
            object_type="measurement",
            object_id=measurement.pk,
            patient_id=radiograph.episode.patient_id,
            detail={"radiograph": radiograph.pk, "results": results},
        )
    return measurement
