"""Radiographs of an episode, their calibration, and the landmark sets measured on them.

A radiograph row points at two files under the data directory: the stored
image (a de-identified DICOM file, or a PNG re-encoded from the upload so no
metadata survives) and the 8-bit display derivative the browser shows. Both
have the same pixel grid, so landmark coordinates on the derivative are the
contract's coordinates on the stored image (spec/measurements.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.formats import date_format

from halluxpath.core.landmarks import FilmView
from halluxpath.core.radiograph import Laterality, TimePoint, labelled_choices
from halluxpath.records import JsonSchema

__all__ = [
    "CALIBRATION",
    "DEIDENTIFICATION",
    "FilmView",
    "Laterality",
    "Measurement",
    "PendingDrawing",
    "PixelReview",
    "Radiograph",
    "SourceFormat",
    "SpacingSource",
    "TimePoint",
]

# The film's calibration: two points, the known length, the pixel size found,
# who and when. Version 0 is the same object stored before it carried a tag.
CALIBRATION = JsonSchema("halluxpath.film-calibration", 1, {0: dict})
# What de-identification removed or replaced on arrival (imaging.deid).
DEIDENTIFICATION = JsonSchema("halluxpath.film-deidentification", 1, {0: dict})


class SourceFormat(models.TextChoices):
    DICOM = "dicom", "DICOM"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"


class SpacingSource(models.TextChoices):
    """Where the pixel size came from (STACK.md: DICOM spacing)."""

    PIXEL_SPACING = "pixel_spacing", "DICOM Pixel Spacing"
    IMAGER_PIXEL_SPACING = "imager_pixel_spacing", "DICOM Imager Pixel Spacing (at the detector)"
    CALIBRATION = "calibration", "Calibrated on a known length"
    UNKNOWN = "unknown", "Unknown"


class PixelReview(models.TextChoices):
    """Whether a person must check the picture itself for identifying text."""

    NOT_NEEDED = "not_needed", "Not needed (the file declares no burned-in text)"
    PENDING = "pending", "To be checked: the file does not say whether text is burned in"
    CONFIRMED = "confirmed", "Checked: no identifying text in the picture"


class Radiograph(models.Model):
    episode = models.ForeignKey(
        "patients.Episode", on_delete=models.PROTECT, related_name="radiographs"
    )
    time_point = models.CharField(max_length=10, choices=labelled_choices(TimePoint))
    acquired_on = models.DateField()
    view = models.CharField(
        max_length=10, choices=labelled_choices(FilmView), default=FilmView.DP.value
    )
    weight_bearing = models.BooleanField(
        default=True, help_text="Standing film; angles of a non-standing film are not graded."
    )
    laterality = models.CharField(
        max_length=5,
        blank=True,
        choices=labelled_choices(Laterality),
        help_text="The foot the film shows: from the file (DICOM ImageLaterality) or staff.",
    )
    # What the file itself said, kept when staff record or correct a value
    # (a PNG or JPEG says nothing: both stay empty).
    file_laterality = models.CharField(
        max_length=5, blank=True, choices=labelled_choices(Laterality)
    )
    file_acquired_on = models.DateField(null=True, blank=True)
    # Who recorded (or corrected) each detail by hand, and when; empty when it
    # came from the file and nobody changed it.
    laterality_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    laterality_recorded_at = models.DateTimeField(null=True, blank=True)
    acquired_on_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acquired_on_recorded_at = models.DateTimeField(null=True, blank=True)
    view_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    view_recorded_at = models.DateTimeField(null=True, blank=True)
    source_format = models.CharField(max_length=10, choices=SourceFormat.choices)
    stored_file = models.CharField(max_length=200, help_text="Path under the media directory.")
    display_file = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64, help_text="Digest of the stored (de-identified) file.")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    row_spacing_mm = models.FloatField(null=True, blank=True)
    column_spacing_mm = models.FloatField(null=True, blank=True)
    spacing_source = models.CharField(
        max_length=24, choices=SpacingSource.choices, default=SpacingSource.UNKNOWN
    )
    calibration = models.JSONField(
        null=True,
        blank=True,
        help_text="Two points, the known length in mm, who and when, if calibrated.",
    )
    pixel_review = models.CharField(
        max_length=12, choices=PixelReview.choices, default=PixelReview.NOT_NEEDED
    )
    deidentification = models.JSONField(
        default=dict, blank=True, help_text="What was removed or replaced on arrival."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["acquired_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(row_spacing_mm__isnull=True) | models.Q(row_spacing_mm__gt=0),
                name="radiograph_row_spacing_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(column_spacing_mm__isnull=True)
                | models.Q(column_spacing_mm__gt=0),
                name="radiograph_column_spacing_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_time_point_display()} film of {date_format(self.acquired_on)}"

    @property
    def pixel_spacing_mm(self) -> tuple[float, float] | None:
        if self.row_spacing_mm and self.column_spacing_mm:
            return (self.row_spacing_mm, self.column_spacing_mm)
        return None

    @property
    def calibration_content(self) -> dict[str, Any] | None:
        """The calibration as the current version reads it (any stored version), or None."""
        return CALIBRATION.read(self.calibration) if self.calibration else None

    @property
    def deidentification_content(self) -> dict[str, Any]:
        """What was removed on arrival, as the current version reads it (any stored version)."""
        return DEIDENTIFICATION.read(self.deidentification or {})


class Measurement(models.Model):
    """One observer's landmark set on one film (the contract's input document).

    Re-measuring adds a row and marks the previous one of the same observer as
    superseded, so history is kept; several observers measure independently.
    """

    radiograph = models.ForeignKey(
        Radiograph, on_delete=models.PROTECT, related_name="measurements"
    )
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    landmarks = models.JSONField(help_text="halluxpath.landmarks/1 document as saved.")
    results = models.JSONField(help_text="halluxpath.measurements/1 output for the landmarks.")
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["radiograph", "observer"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_measurement_per_observer",
            ),
        ]

    def __str__(self) -> str:
        return f"landmarks on {self.radiograph} by {self.observer}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class PendingDrawing(models.Model):
    """A synthetic (demo) film whose files are drawn when first needed (issue 13 item 7).

    The demo stores a film's row, landmarks and readings at once (they come
    from the synthetic geometry) and leaves the pixels for later:
    ``imaging.drawing.drawn`` draws them through the upload pipeline the
    first time anything reads the film's files, and the worker's task
    ``imaging.tasks.draw_pending_films`` draws the rest in the background.
    While this row exists the film's ``sha256`` is empty and its files are
    absent; drawing writes them, fills the digest and deletes this row. Never
    made for an upload.
    """

    radiograph = models.OneToOneField(
        Radiograph, on_delete=models.CASCADE, primary_key=True, related_name="pending_drawing"
    )
    order = models.JSONField(help_text="The synthetic film to draw (imaging.demo.FilmOrder).")

    def __str__(self) -> str:
        return f"drawing of {self.radiograph} still to make"
