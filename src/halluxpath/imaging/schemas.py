"""Typed inputs of the imaging actions, the same for the pages and the JSON API.

A form's cleaned data is validated into one of these (``model_validate``) and
the API takes them as request bodies, so both front doors hand an action
exactly the same thing. Enumerations are the core's (``core.radiograph``),
so OpenAPI lists their values. No input carries a figure the software
computes: the pixel size of a calibration and every measure of a landmark
set are derived by the action (the landmark set itself is the core's
``LandmarkSet``, read by the core's strict parser).
"""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, Field

from halluxpath.core.landmarks import FilmView
from halluxpath.core.radiograph import Laterality, TimePoint

Point = tuple[float, float]


class Input(Schema):
    """An action's input: immutable, unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class FilmDetails(Input):
    """What the person storing a film says about it (the file may say when it was taken)."""

    time_point: TimePoint = Field(description="When in the episode the film was taken")
    acquired_on: dt.date | None = Field(
        default=None, description="Date taken; may be left out for a DICOM file that records it"
    )
    weight_bearing: bool = Field(
        default=True, description="Standing film; angles of a non-standing film are not graded"
    )
    laterality: Laterality | None = Field(
        default=None,
        description=(
            "The foot the film shows, as read on the film; may be left out for a DICOM file "
            "that records it. Refused when it differs from the episode's side or the file's."
        ),
    )
    view: FilmView = Field(default=FilmView.DP, description="The projection (v1: dorsoplantar)")


class FilmDetailsChange(Input):
    """A correction of what is known about a stored film; a field left out stays as it is.

    Each value changed is recorded with who and when; a DICOM file's own
    header value is kept beside it, so the film page can show it as corrected.
    """

    laterality: Laterality | None = Field(default=None, description="The foot the film shows")
    view: FilmView | None = Field(default=None, description="The projection (v1: dorsoplantar)")
    acquired_on: dt.date | None = Field(default=None, description="The date the film was taken")


class Calibration(Input):
    """Two points on the image a known distance apart, e.g. the edges of a 25 mm marker ball."""

    first: Point = Field(description="Image pixel coordinates (x, y) of one end")
    second: Point = Field(description="Image pixel coordinates (x, y) of the other end")
    length_mm: float = Field(description="The known distance between them, 1 to 300 mm")
