"""``POST /api/v1/measurements/compute``: the measurement contract over HTTP.

The body is parsed by the core's strict parser (spec/measurements.md,
Errors), not by a generic JSON schema, so the API refuses exactly what the
command line refuses, with the same message.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from halluxpath.api.errors import Problem, problem_responses
from halluxpath.core.landmarks import LandmarkError, parse_landmarks_json
from halluxpath.core.radiograph import measure

router = Router(tags=["measurements"])

TOO_LARGE_FOR_LANDMARKS = "The body is far larger than any landmarks document."


class MeasurementsOut(Schema):
    """The ``halluxpath.measurements/1`` document: every key always present."""

    schema_: str = Field("halluxpath.measurements/1", alias="schema")
    hva_deg: float | None
    ima_deg: float | None
    hvia_deg: float | None
    dmaa_deg: float | None
    sesamoid_position: int | None
    sesamoid_lateral_fraction: float | None
    translation_pct: float | None
    osteotomy_width_mm: float | None
    severity: str | None
    hallux_varus: bool | None


@router.post(
    "/compute",
    response={200: MeasurementsOut, **problem_responses(413, 422)},
    by_alias=True,
    url_name="compute_measurements",
    summary="Compute radiographic measures from landmarks",
    description=(
        "Body: a `halluxpath.landmarks/1` document (spec/measurements.md). Returns the "
        "`halluxpath.measurements/1` output, or 422 with `detail` naming the problem. "
        "Staff session required."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"type": "object", "description": "halluxpath.landmarks/1 document"}
                }
            },
        }
    },
)
def compute(request: HttpRequest) -> Status[dict[str, Any]]:
    try:
        body = request.body
    except RequestDataTooBig:
        raise Problem(413, TOO_LARGE_FOR_LANDMARKS) from None
    try:
        landmarks = parse_landmarks_json(body)
    except LandmarkError as error:
        raise Problem(422, str(error)) from None
    return Status(200, measure(landmarks).to_json())
