"""Radiographs over HTTP: store a film, save landmarks, read the readings and their drawings.

The same actions and refusals as the pages (imaging.actions): ``422
{"detail": ...}`` names what was refused, ``409`` an edit on a film that
changed since the version you sent, ``404`` a film or reading you may not
see, ``403`` a role that may not change it.

Saving landmarks takes the ``halluxpath.landmarks/1`` document itself as the
body (spec/measurements.md), read by the core's strict parser as
``/measurements/compute`` reads it; since the contract allows no other key in
it, the film version you measured on goes in the ``If-Match`` header.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Header, Router, Schema, Status, UploadedFile
from pydantic import Field

from halluxpath.api.measurements import Detail, MeasurementsOut
from halluxpath.audit.context import Actor
from halluxpath.core.landmarks import LandmarkError, NotJsonError, parse_landmarks_json
from halluxpath.core.radiograph import TimePoint
from halluxpath.imaging import actions, annotate
from halluxpath.imaging.access import MEASUREMENTS, RADIOGRAPHS
from halluxpath.imaging.models import Measurement, Radiograph
from halluxpath.imaging.schemas import Calibration, FilmDetails

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


class RadiographOut(Schema):
    id: int
    episode: int
    version: int = Field(description="Send it back (If-Match, or version) to change the film")
    time_point: TimePoint
    acquired_on: dt.date
    weight_bearing: bool
    laterality: str = Field(description="'left', 'right', or '' when the file does not say")
    source_format: str
    width: int
    height: int
    pixel_spacing_mm: tuple[float, float] | None = Field(
        description="(row, column) in DICOM order, or null when unknown"
    )
    spacing_source: str
    pixel_review: str


class MeasurementOut(Schema):
    id: int
    radiograph: int
    observer: str
    current: bool = Field(description="False once the same observer saved a newer set")
    saved_at: dt.datetime
    landmarks: dict[str, Any] = Field(description="The halluxpath.landmarks/1 document saved")
    results: MeasurementsOut


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
        "current": measurement.is_current,
        "saved_at": measurement.created_at,
        "landmarks": measurement.landmarks,
        "results": measurement.results,
    }


def _expected_version(if_match: str | None) -> int | None:
    """The film version named by ``If-Match`` (``3`` or ``"3"``), or None if absent or bad."""
    text = (if_match or "").strip().removeprefix("W/").strip('"')
    return int(text) if text.isdigit() else None


@router.post(
    "/episodes/{episode_id}/radiographs",
    response={201: RadiographOut, 403: Detail, 422: Detail},
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
    response={201: MeasurementOut, 400: Detail, 403: Detail, 409: Detail, 422: Detail, 428: Detail},
    url_name="save_landmarks",
    by_alias=True,
    summary="Save your landmark set on a film; the measures are computed from it",
    description=(
        "Body: a `halluxpath.landmarks/1` document (spec/measurements.md). Header "
        "`If-Match`: the film version you measured on (409 if the film changed since). "
        "Returns the saved reading with its `halluxpath.measurements/1` results (201); "
        "400 for a body that is not JSON, 422 with `detail` for landmarks that cannot "
        "be measured on this film. Your earlier set on the film is kept as history."
    ),
    openapi_extra=LANDMARKS_BODY,
)
def save_landmarks(
    request: HttpRequest,
    radiograph_id: int,
    if_match: Annotated[str | None, Header(alias="If-Match")] = None,
) -> Status[dict[str, Any]]:
    expected = _expected_version(if_match)
    if expected is None:
        return Status(
            428, {"detail": "Send the film version you measured on in the If-Match header."}
        )
    try:
        landmarks = parse_landmarks_json(request.body)
    except NotJsonError as error:
        return Status(400, {"detail": f"The landmarks were not sent as JSON: {error}"})
    except LandmarkError as error:
        return Status(422, {"detail": str(error)})
    saved = actions.save_measurement(
        Actor.from_request(request), radiograph_id, expected, landmarks
    )
    return Status(201, _reading(saved))


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
    response={200: RadiographOut, 403: Detail, 409: Detail, 422: Detail},
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
    response={200: RadiographOut, 403: Detail, 409: Detail},
    summary="Record that the picture was checked: no identifying text in it",
)
def confirm_pixel_review(
    request: HttpRequest, radiograph_id: int, body: VersionIn
) -> Status[dict[str, Any]]:
    saved = actions.confirm_pixel_review(Actor.from_request(request), radiograph_id, body.version)
    return Status(200, _film(saved))
