"""What is known about a stored film: side, view and date; pixel size; the pixel review."""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.imaging.access import RADIOGRAPHS
from halluxpath.imaging.actions._shared import _check_film_date, _editor, _locked_film
from halluxpath.imaging.models import CALIBRATION, PixelReview, Radiograph, SpacingSource
from halluxpath.imaging.schemas import Calibration, FilmDetailsChange
from halluxpath.records import change_detail, field_changes
from halluxpath.registry.actions import refresh_case

MIN_CALIBRATION_PIXELS = 20.0
CALIBRATION_RANGE_MM = (1.0, 300.0)


def calibrate(
    actor: Actor, radiograph_id: int, expected_version: int, data: Calibration
) -> Radiograph:
    """Set an isotropic pixel size from two points a known distance apart.

    For example the two edges of a 25 mm marker ball. This corrects for
    magnification at the level of the marker, which detector spacing does not.
    The pixel size is computed here from the points and the length.
    """
    _editor(actor)
    RADIOGRAPHS.get(actor, radiograph_id, purpose="edit")
    low, high = CALIBRATION_RANGE_MM
    if not (math.isfinite(data.length_mm) and low <= data.length_mm <= high):
        raise ValidationError(
            {"length_mm": f"Enter a known length between {low:g} and {high:g} mm."}
        )
    if not all(math.isfinite(c) for c in (*data.first, *data.second)):
        raise ValidationError("The calibration points are not numbers.")
    pixels = math.dist(data.first, data.second)
    if pixels < MIN_CALIBRATION_PIXELS:
        raise ValidationError(
            f"The two calibration points are only {pixels:.1f} pixels apart; "
            f"place them at least {MIN_CALIBRATION_PIXELS:g} pixels apart."
        )
    with transaction.atomic():
        radiograph = _locked_film(radiograph_id, expected_version)
        for x, y in (data.first, data.second):
            if not (0 <= x <= radiograph.width and 0 <= y <= radiograph.height):
                raise ValidationError("A calibration point lies outside the image.")
        spacing = data.length_mm / pixels
        before = {"spacing": radiograph.pixel_spacing_mm, "source": radiograph.spacing_source}
        content = {
            "points": [list(data.first), list(data.second)],
            "length_mm": data.length_mm,
            "pixel_spacing_mm": spacing,
            "by": actor.user.username if actor.user else "",
            "at": timezone.now().isoformat(),
        }
        radiograph.row_spacing_mm = radiograph.column_spacing_mm = spacing
        radiograph.spacing_source = SpacingSource.CALIBRATION
        radiograph.calibration = CALIBRATION.stamp(content)
        radiograph.version += 1
        radiograph.save()
        record(
            actor,
            "change",
            object_type="radiograph",
            object_id=radiograph.pk,
            patient_id=radiograph.episode.patient_id,
            detail={"calibration": content, "before": before, "version": radiograph.version},
        )
    return radiograph


def confirm_pixel_review(actor: Actor, radiograph_id: int, expected_version: int) -> Radiograph:
    """A person has looked at the picture and found no identifying text in it."""
    _editor(actor)
    RADIOGRAPHS.get(actor, radiograph_id, purpose="edit")
    with transaction.atomic():
        radiograph = _locked_film(radiograph_id, expected_version)
        radiograph.pixel_review = PixelReview.CONFIRMED
        radiograph.version += 1
        radiograph.save(update_fields=["pixel_review", "version"])
        record(
            actor,
            "change",
            object_type="radiograph",
            object_id=radiograph.pk,
            patient_id=radiograph.episode.patient_id,
            detail={"pixel_review": "confirmed", "version": radiograph.version},
        )
    return radiograph


def record_film_details(
    actor: Actor, radiograph_id: int, expected_version: int, data: FilmDetailsChange
) -> Radiograph:
    """Record or correct the film's side, view and date, each with who and when.

    A PNG or JPEG film carries no side, so the Time Out's three-way check
    (DOMAIN §9) can only use one a person read on the film. A DICOM file's
    own values stay in ``file_laterality`` and ``file_acquired_on``, so a
    correction is shown as one. A side that differs from the episode's is
    stored (the film page says so and the Time Out check will not pass):
    refusing it would leave the wrong side on record.
    """
    user = _editor(actor)
    RADIOGRAPHS.get(actor, radiograph_id, purpose="edit")
    with transaction.atomic():
        radiograph = _locked_film(radiograph_id, expected_version)
        if data.acquired_on is not None:
            _check_film_date(data.acquired_on, radiograph.episode)
        before = {
            "laterality": radiograph.laterality,
            "view": radiograph.view,
            "acquired_on": radiograph.acquired_on.isoformat(),
        }
        after = dict(before)
        if data.laterality is not None:
            after["laterality"] = data.laterality.value
        if data.view is not None:
            after["view"] = data.view.value
        if data.acquired_on is not None:
            after["acquired_on"] = data.acquired_on.isoformat()
        changes = field_changes(before, after)
        if not changes:
            return radiograph
        now = timezone.now()
        if "laterality" in changes:
            radiograph.laterality = after["laterality"]
            radiograph.laterality_recorded_by, radiograph.laterality_recorded_at = user, now
        if "view" in changes:
            radiograph.view = after["view"]
            radiograph.view_recorded_by, radiograph.view_recorded_at = user, now
        if "acquired_on" in changes and data.acquired_on is not None:
            radiograph.acquired_on = data.acquired_on
            radiograph.acquired_on_recorded_by, radiograph.acquired_on_recorded_at = user, now
        radiograph.version += 1
        radiograph.save()
        record(
            actor,
            "change",
            object_type="radiograph",
            object_id=radiograph.pk,
            patient_id=radiograph.episode.patient_id,
            detail=change_detail(changes, radiograph.version),
        )
        refresh_case(radiograph.episode_id)
    return radiograph
