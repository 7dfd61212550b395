"""The surgical record over HTTP: the same actions and refusals as the pages.

``422 {"detail": ...}`` names the field that was refused; ``409`` is an edit
conflict (someone saved since the version you sent); ``404`` a record you may
not see; ``403`` a role that may not change it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from halluxpath.audit.context import Actor
from halluxpath.core import planning
from halluxpath.records import EditConflict
from halluxpath.surgery import actions

router = Router(tags=["surgery"])


class Detail(Schema):
    detail: str


class AssessmentIn(Schema):
    version: int = Field(0, description="0 for a new assessment, else the version you read")
    smoking: str = "never"
    diabetes: str = "none"
    hba1c_mmol_mol: float | None = None
    hba1c_date: dt.date | None = None
    neuropathy: str = "none"
    foot_pulses_absent: bool = False
    abpi: float | None = None
    ankle_pressure_mmhg: float | None = None
    inflammatory_arthritis: str = "none"
    steroid: bool = False
    immunosuppressants: str = ""
    bmi: float | None = None
    asa_grade: str = "I"
    previous_surgery_same_foot: bool = False
    allergies: str = ""
    anticoagulant: str = ""
    vte_history: bool = False
    vte_family_history: bool = False
    recent_cancer: bool = False
    oestrogen: str = "none"
    immobilisation_planned: bool = False
    vte_bleeding_assessed: bool = False
    vte_decision: str = ""
    anaesthesia: str = "ankle_block"
    anaesthesia_reason: str = "preference"
    anaesthesia_reason_detail: str = ""


class AssessmentOut(Schema):
    version: int
    flags: list[dict[str, Any]]


class RecordIn(Schema):
    version: int = Field(0, description="0 for a new record, else the version you read")
    operated_on: dt.date
    content: dict[str, Any] = Field(description="DOMAIN §5 fields: incisions, implants, ...")
    reason: str = Field("", description="Required once the record is signed (amendment)")


class RecordOut(Schema):
    version: int
    signed: bool
    content: dict[str, Any]


class SignIn(Schema):
    version: int


class TranslationOut(Schema):
    shift_mm: float
    shift_pct: float
    reachable: bool
    limits: str


def _detail(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


@router.put(
    "/episodes/{episode_id}/assessment",
    response={200: AssessmentOut, 409: Detail, 422: Detail},
    summary="Record the pre-operative assessment; returns its risk flags",
)
def put_assessment(
    request: HttpRequest, episode_id: int, body: AssessmentIn
) -> Status[dict[str, Any]]:
    data = body.dict()
    version = data.pop("version")
    try:
        saved = actions.save_assessment(Actor.from_request(request), episode_id, version, data)
    except EditConflict as conflict:
        return Status(409, {"detail": str(conflict)})
    except ValidationError as error:
        return Status(422, {"detail": _detail(error)})
    return Status(200, {"version": saved.version, "flags": saved.flags})


@router.put(
    "/episodes/{episode_id}/operative-record",
    response={200: RecordOut, 409: Detail, 422: Detail},
    summary="Write the operative record; after signing, an amendment with a reason",
)
def put_record(request: HttpRequest, episode_id: int, body: RecordIn) -> Status[dict[str, Any]]:
    try:
        saved = actions.save_operative_record(
            Actor.from_request(request),
            episode_id,
            body.version,
            body.operated_on,
            body.content,
            reason=body.reason,
        )
    except EditConflict as conflict:
        return Status(409, {"detail": str(conflict)})
    except (ValidationError, KeyError, TypeError, ValueError) as error:
        text = (
            _detail(error)
            if isinstance(error, ValidationError)
            else f"the record is malformed ({error})"
        )
        return Status(422, {"detail": text})
    return Status(
        200, {"version": saved.version, "signed": saved.is_signed, "content": saved.content}
    )


@router.post(
    "/episodes/{episode_id}/operative-record/sign",
    response={200: RecordOut, 409: Detail, 422: Detail},
    summary="Sign the operative record (surgeons; the checklist must be complete)",
)
def sign_record(request: HttpRequest, episode_id: int, body: SignIn) -> Status[dict[str, Any]]:
    try:
        saved = actions.sign_operative_record(Actor.from_request(request), episode_id, body.version)
    except EditConflict as conflict:
        return Status(409, {"detail": str(conflict)})
    except ValidationError as error:
        return Status(422, {"detail": _detail(error)})
    return Status(200, {"version": saved.version, "signed": True, "content": saved.content})


@router.get(
    "/planning/translation",
    response={200: TranslationOut, 422: Detail},
    summary="Lateral translation needed for a target IMA (first-order model)",
)
def translation(
    request: HttpRequest,
    ima_pre_deg: float,
    ima_target_deg: float,
    lever_mm: float,
    shaft_width_mm: float,
) -> Status[dict[str, Any]]:
    try:
        plan = planning.translation_needed(ima_pre_deg, ima_target_deg, lever_mm, shaft_width_mm)
    except ValueError as error:
        return Status(422, {"detail": str(error)})
    return Status(
        200,
        {
            "shift_mm": plan.shift_mm,
            "shift_pct": plan.shift_pct,
            "reachable": plan.reachable,
            "limits": plan.limits,
        },
    )
