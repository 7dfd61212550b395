"""Radiographs over HTTP: store a film, save landmarks, read the readings and their drawings.

The same actions and refusals as the pages (imaging.actions): ``422
{"detail": ...}`` names what was refused, ``409`` an edit on a film that
changed since the version you sent, ``404`` a film or reading you may not
see, ``403`` a role that may not change it.

Saving landmarks takes the ``halluxpath.landmarks/1`` document itself as the
body (spec/measurements.md), read by the core's strict parser as
``/measurements/compute`` reads it; since the contract allows no other key in
it, the film version you measured on goes in the ``If-Match`` header, and the
confirmation of implausible values in the query (``?confirm_implausible=true``,
docs/api.md). A film's side, view and date are changed with ``PATCH``, also
naming its version in ``If-Match``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Header, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from halluxpath.api.errors import Problem, ProblemOut, problem_responses
from halluxpath.api.measurements import TOO_LARGE_FOR_LANDMARKS, MeasurementsOut
from halluxpath.audit.context import Actor
from halluxpath.core.landmarks import LandmarkError, NotJsonError, parse_landmarks_json
from halluxpath.core.plausibility import implausible_values
from halluxpath.core.radiograph import TimePoint
from halluxpath.imaging import actions, annotate
from halluxpath.imaging.access import MEASUREMENTS, RADIOGRAPHS
from halluxpath.imaging.actions.landmarks import ImplausibleMeasures
from halluxpath.imaging.models import Measurement, Radiograph
from halluxpath.imaging.schemas import Calibration, FilmDetails, FilmDetailsChange

router = Router(tags=["radiographs"])

LANDMARKS_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "description": "halluxpath.landmarks/1 document"}
            }
        },
    }
}


def _person(user: Any) -> str | None:
    return (user.get_full_name() or user.username) if user is not None else None


class RadiographOut(Schema):
    id: int
    episode: int
    version: int = Field(description="Send it back (If-Match, or version) to change the film")
    time_point: TimePoint
    acquired_on: dt.date
    weight_bearing: bool
    laterality: str = Field(description="'left', 'right', or '' when nobody has recorded it")
    laterality_recorded_by: str | None = Field(
        description="Who recorded or corrected the side by hand (null: it is the file's)"
    )
    laterality_recorded_at: dt.datetime | None
    file_laterality: str = Field(description="The side the DICOM file itself states, or ''")
    view: str
    file_acquired_on: dt.date | None = Field(description="The date the DICOM file states")
    acquired_on_recorded_by: str | None
    source_format: str
    width: int
    height: int
    pixel_spacing_mm: tuple[float, float] | None = Field(
        description="(row, column) in DICOM order, or null when unknown"
    )
    spacing_source: str
    pixel_review: str


class WarningOut(Schema):
    measure: str = Field(description="The output key, e.g. ima_deg")
    value: float
    low: float
    high: float
    unit: str
    source: str = Field(description="Where the plausible range comes from")
    message: str


class ImplausibleOut(ProblemOut):
    warnings: list[WarningOut] = Field(
        default_factory=list,
        description="Measures outside their plausible range; empty for any other refusal",
    )


class MeasurementOut(Schema):
    id: int
    radiograph: int
    observer: str
    observer_name: str
    current: bool = Field(description="False once the same observer saved a newer set")
    saved_at: dt.datetime
    landmarks: dict[str, Any] = Field(description="The halluxpath.landmarks/1 document saved")
    results: MeasurementsOut
    warnings: list[WarningOut] = Field(
        description="Measures outside their plausible range (saved because you confirmed them)"
    )


class VersionIn(Schema):
    version: int


class CalibrationIn(Calibration):
    version: int = Field(description="The film version you calibrated on")


def _film(radiograph: Radiograph) -> dict[str, Any]:
    return {
        "id": radiograph.pk,
        "episode": radiograph.episode_id,
        "version": radiograph.version,
        "time_point": radiograph.time_point,
        "acquired_on": radiograph.acquired_on,
        "weight_bearing": radiograph.weight_bearing,
        "laterality": radiograph.laterality,
        "laterality_recorded_by": _person(radiograph.laterality_recorded_by),
        "laterality_recorded_at": radiograph.laterality_recorded_at,
        "file_laterality": radiograph.file_laterality,
        "view": radiograph.view,
        "file_acquired_on": radiograph.file_acquired_on,
        "acquired_on_recorded_by": _person(radiograph.acquired_on_recorded_by),
        "source_format": radiograph.source_format,
        "width": radiograph.width,
        "height": radiograph.height,
        "pixel_spacing_mm": radiograph.pixel_spacing_mm,
        "spacing_source": radiograph.spacing_source,
        "pixel_review": radiograph.pixel_review,
    }


def _reading(measurement: Measurement) -> dict[str, Any]:
    return {
        "id": measurement.pk,
        "radiograph": measurement.radiograph_id,
        "observer": measurement.observer.username,
        "observer_name": _person(measurement.observer),
        "current": measurement.is_current,
        "saved_at": measurement.created_at,
        "landmarks": measurement.landmarks,
        "results": measurement.results,
        "warnings": [w.to_json() for w in implausible_values(measurement.results)],
    }


def _expected_version(if_match: str | None) -> int | None:
    """The film version named by ``If-Match`` (``3`` or ``"3"``), or None if absent or bad."""
    text = (if_match or "").strip().removeprefix("W/").strip('"')
    return int(text) if text.isdigit() else None


@router.post(
    "/episodes/{episode_id}/radiographs",
    response={201: RadiographOut, **problem_responses(403, 422)},
    summary="Store a film for an episode (multipart: the file and its details)",
    description=(
        "The same checks as the upload page: DICOM, PNG or JPEG within the size limits, "
        "de-identified before it is stored; the date may come from the DICOM file."
    ),
)
def upload(
    request: HttpRequest,
    episode_id: int,
    file: File[UploadedFile],
    details: Form[FilmDetails],
) -> Status[dict[str, Any]]:
    radiograph = actions.upload_radiograph(
        Actor.from_request(request), episode_id, file, file.size or 0, details
    )
    return Status(201, _film(radiograph))


@router.get(
    "/radiographs/{radiograph_id}",
    response=RadiographOut,
    summary="A film's details, with the version to send back when changing it",
)
def radiograph(request: HttpRequest, radiograph_id: int) -> dict[str, Any]:
    return _film(RADIOGRAPHS.get(Actor.from_request(request), radiograph_id))


@router.post(
    "/radiographs/{radiograph_id}/landmarks",
    response={
        201: MeasurementOut,
        **problem_responses(400, 403, 409, 413, 428),
        422: ImplausibleOut,
    },
    url_name="save_landmarks",
    by_alias=True,
    summary="Save your landmark set on a film; the measures are computed from it",
    description=(
        "Body: a `halluxpath.landmarks/1` document (spec/measurements.md). Header "
        "`If-Match`: the film version you measured on (409 if the film changed since). "
        "Returns the saved reading with its `halluxpath.measurements/1` results (201); "
        "400 for a body that is not JSON, 422 with `detail` for landmarks that cannot "
        "be measured on this film. Your earlier set on the film is kept as history. "
        "A measure outside its plausible range is not saved: 422 with `warnings` naming "
        "each value, its range and the range's source; send the same body again with "
        "`?confirm_implausible=true` to save it anyway (the saved reading lists them in "
        "`warnings`). 413 for a body far larger than any landmarks document."
    ),
    openapi_extra=LANDMARKS_BODY,
)
def save_landmarks(
    request: HttpRequest,
    radiograph_id: int,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
    confirm_implausible: Annotated[bool, Query()] = False,
) -> Status[dict[str, Any]]:
    expected = _expected_version(if_match)
    if expected is None:
        raise Problem(428, "Send the film version you measured on in the If-Match header.")
    try:
        body = request.body
    except RequestDataTooBig:
        raise Problem(413, TOO_LARGE_FOR_LANDMARKS) from None
    try:
        landmarks = parse_landmarks_json(body)
    except NotJsonError as error:
        raise Problem(400, f"The landmarks were not sent as JSON: {error}") from None
    except LandmarkError as error:
        raise Problem(422, str(error)) from None
    try:
        saved = actions.save_measurement(
            Actor.from_request(request),
            radiograph_id,
            expected,
            landmarks,
            confirm_implausible=confirm_implausible,
        )
    except ImplausibleMeasures as refusal:
        raise Problem(
            422, refusal.messages[0], warnings=[w.to_json() for w in refusal.warnings]
        ) from None
    return Status(201, _reading(saved))


@router.patch(
    "/radiographs/{radiograph_id}",
    response={200: RadiographOut, **problem_responses(403, 409, 422, 428)},
    url_name="change_radiograph",
    summary="Record or correct a film's side, view or date (who and when are kept)",
    description=(
        "Body: any of `laterality` ('left' or 'right'), `view` ('dp') and `acquired_on`; "
        "a key left out is unchanged. Header `If-Match`: the film version you saw (409 if "
        "it changed since). The same action as the film page: each change is audited with "
        "its before and after, and a DICOM file's own values are kept beside the film's."
    ),
)
def change_radiograph(
    request: HttpRequest,
    radiograph_id: int,
    body: FilmDetailsChange,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Status[dict[str, Any]]:
    expected = _expected_version(if_match)
    if expected is None:
        raise Problem(428, "Send the film version you saw in the If-Match header.")
    saved = actions.record_film_details(Actor.from_request(request), radiograph_id, expected, body)
    return Status(200, _film(saved))


@router.get(
    "/radiographs/{radiograph_id}/measurements",
    response=list[MeasurementOut],
    by_alias=True,
    summary="Every reading of a film, newest first (current and superseded)",
)
def measurements(request: HttpRequest, radiograph_id: int) -> list[dict[str, Any]]:
    actor = Actor.from_request(request)
    film = RADIOGRAPHS.get(actor, radiograph_id)
    return [_reading(m) for m in MEASUREMENTS.queryset(actor).filter(radiograph=film)]


@router.get(
    "/radiographs/{radiograph_id}/measurements/{measurement_id}/annotated.png",
    response={200: None},
    summary="A reading drawn on its film (PNG download)",
    openapi_extra={"responses": {200: {"content": {"image/png": {}}}}},
)
def annotated(request: HttpRequest, radiograph_id: int, measurement_id: int) -> HttpResponse:
    export = annotate.export_annotated(Actor.from_request(request), radiograph_id, measurement_id)
    response = HttpResponse(export.png, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@router.post(
    "/radiographs/{radiograph_id}/calibration",
    response={200: RadiographOut, **problem_responses(403, 409, 422)},
    summary="Set the film's pixel size from two points a known distance apart",
)
def calibrate(
    request: HttpRequest, radiograph_id: int, body: CalibrationIn
) -> Status[dict[str, Any]]:
    data = Calibration(first=body.first, second=body.second, length_mm=body.length_mm)
    saved = actions.calibrate(Actor.from_request(request), radiograph_id, body.version, data)
    return Status(200, _film(saved))


@router.post(
    "/radiographs/{radiograph_id}/pixel-review",
    response={200: RadiographOut, **problem_responses(403, 409)},
    summary="Record that the picture was checked: no identifying text in it",
)
def confirm_pixel_review(
    request: HttpRequest, radiograph_id: int, body: VersionIn
) -> Status[dict[str, Any]]:
    saved = actions.confirm_pixel_review(Actor.from_request(request), radiograph_id, body.version)
    return Status(200, _film(saved))
