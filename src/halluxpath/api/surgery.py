"""The surgical record over HTTP: the same typed inputs, actions and refusals as the pages.

``422 {"detail": ...}`` names the field that was refused; ``409`` is an edit
conflict (someone saved since the version you sent; nothing was written);
``404`` a record you may not see; ``403`` a role that may not change it.
Request bodies are the actions' own inputs (surgery.schemas) plus the
version you read; unknown keys are refused, so a figure the software computes
(risk flags, lever arm, translation, suggestion) cannot be sent in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from halluxpath.api.errors import Problem, problem_responses
from halluxpath.audit.context import Actor
from halluxpath.core import planning
from halluxpath.patients.access import episode_for
from halluxpath.surgery import actions
from halluxpath.surgery.access import AMENDMENTS, OPERATIVE_RECORDS
from halluxpath.surgery.schemas import (
    AssessmentInput,
    ConsentSignatureInput,
    Input,
    OperativeRecordInput,
    PhaseInput,
    PlanChoice,
    PlanFindings,
    PlanInput,
)

router = Router(tags=["surgery"])


class AssessmentIn(AssessmentInput):
    version: int = Field(default=0, description="0 for a new assessment, else the version you read")


class FlagOut(Schema):
    """One raised risk (core.risk.Flag): the rule, the risks it raises, its source."""

    rule: str
    raises: list[str]
    message: str
    source: str
    unverified: bool = False
    action: str = ""


class AssessmentOut(Schema):
    version: int
    flags: list[FlagOut]


class PlanIn(Input):
    version: int = Field(default=0, description="0 for a new plan, else the version you read")
    findings: PlanFindings
    choice: PlanChoice


class PlanOut(Schema):
    version: int
    technique: planning.Technique
    akin: bool
    target_ima_deg: float
    lever_mm: float | None = Field(description="The lever arm used: yours, else the film's")
    planned_shift_mm: float | None
    planned_shift_pct: float | None
    suggested: dict[str, Any] = Field(description="The suggestion, with its rules and sources")


class PhaseIn(PhaseInput):
    version: int = Field(description="The checklist version you read (1 before any phase)")


class ChecklistOut(Schema):
    version: int
    completed: list[str]
    laterality: dict[str, Any]


class ConsentSheetOut(Schema):
    number: int
    sha256: str
    personal_risks: list[str]


class RecordIn(OperativeRecordInput):
    version: int = Field(default=0, description="0 for a new record, else the version you read")


class RecordOut(Schema):
    version: int
    signed: bool
    content: dict[str, Any]


class AmendmentOut(Schema):
    made_at: dt.datetime
    author: str
    reason: str
    changes: dict[str, dict[str, Any]] = Field(description="Field -> before and after")


class SignIn(Input):
    version: int


class TranslationOut(Schema):
    shift_mm: float = Field(description="Capped at 100 % of the shaft width (R-SEL-5)")
    shift_pct: float = Field(description="Capped at 100; `reachable` false means more is needed")
    reachable: bool
    limits: str
    warnings: list[str] = Field(
        default_factory=list, description="Inputs outside the plausible range of a foot's film"
    )


@router.put(
    "/episodes/{episode_id}/assessment",
    response={200: AssessmentOut, **problem_responses(409, 422)},
    summary="Record the pre-operative assessment; returns its risk flags",
)
def put_assessment(
    request: HttpRequest, episode_id: int, body: AssessmentIn
) -> Status[dict[str, Any]]:
    data = AssessmentInput.model_validate(body.model_dump(exclude={"version"}))
    saved = actions.save_assessment(Actor.from_request(request), episode_id, body.version, data)
    return Status(200, {"version": saved.version, "flags": saved.risk_flags})


@router.put(
    "/episodes/{episode_id}/plan",
    response={200: PlanOut, **problem_responses(409, 422)},
    summary="Save the operative plan; the suggestion is computed from the planning film",
    description=(
        "Send your findings and decision. The lever arm, the translation needed and the "
        "suggestion are computed by HalluxPath from your (else the latest) reading of the "
        "latest pre-operative film; `findings.lever_mm` and `findings.shaft_width_mm` are "
        "your own measurements, when you have them."
    ),
)
def put_plan(request: HttpRequest, episode_id: int, body: PlanIn) -> Status[dict[str, Any]]:
    data = PlanInput(findings=body.findings, choice=body.choice)
    saved = actions.save_plan(Actor.from_request(request), episode_id, body.version, data)
    return Status(
        200,
        {
            "version": saved.version,
            "technique": saved.technique,
            "akin": saved.akin,
            "target_ima_deg": saved.target_ima_deg,
            "lever_mm": saved.input_values.get("lever_mm"),
            "planned_shift_mm": saved.planned_shift_mm,
            "planned_shift_pct": saved.planned_shift_pct,
            "suggested": saved.suggestion_values,
        },
    )


@router.post(
    "/episodes/{episode_id}/checklist/phases",
    response={200: ChecklistOut, **problem_responses(409, 422)},
    summary="Complete one phase of the WHO safety checklist (in order; Time Out checks the side)",
)
def complete_phase(request: HttpRequest, episode_id: int, body: PhaseIn) -> Status[dict[str, Any]]:
    data = PhaseInput.model_validate(body.model_dump(exclude={"version"}))
    saved = actions.complete_checklist_phase(
        Actor.from_request(request), episode_id, body.version, data
    )
    return Status(
        200,
        {
            "version": saved.version,
            "completed": list(saved.phases_done),
            "laterality": saved.laterality_result,
        },
    )


@router.post(
    "/episodes/{episode_id}/consent-sheets",
    response={201: ConsentSheetOut, **problem_responses(422)},
    summary="Issue the next personalised consent sheet from the plan and the assessment",
)
def issue_consent_sheet(request: HttpRequest, episode_id: int) -> Status[dict[str, Any]]:
    sheet = actions.issue_consent_sheet(Actor.from_request(request), episode_id)
    return Status(
        201,
        {
            "number": sheet.number,
            "sha256": sheet.sha256,
            "personal_risks": [r["topic"] for r in sheet.sheet_content["personal_risks"]],
        },
    )


class ConsentSignatureOut(Schema):
    number: int
    signed_on: dt.date
    consent_taken_by: str
    interpreter_name: str
    interpreter_language: str
    signed_copy_sha256: str = Field(description="Empty when no scan was sent")


@router.post(
    "/episodes/{episode_id}/consent-sheets/{number}/signature",
    response={200: ConsentSignatureOut, **problem_responses(404, 422)},
    summary="Record that the patient signed a consent sheet (once), with an optional scan",
    description=(
        "Multipart: the fields, and `signed_copy`, an optional PDF, JPEG or PNG scan of the "
        "signed form (up to 20 MB; checked like every upload). You are recorded as the "
        "clinician who took consent."
    ),
)
def record_consent_signature(
    request: HttpRequest,
    episode_id: int,
    number: int,
    details: Form[ConsentSignatureInput],
    signed_copy: File[UploadedFile | None] = None,
) -> Status[dict[str, Any]]:
    sheet = actions.record_consent_signature(
        Actor.from_request(request),
        episode_id,
        number,
        details,
        signed_copy,
        (signed_copy.size or 0) if signed_copy is not None else 0,
    )
    taker = sheet.consent_taken_by
    return Status(
        200,
        {
            "number": sheet.number,
            "signed_on": sheet.signed_on,
            "consent_taken_by": (taker.get_full_name() or taker.username) if taker else "",
            "interpreter_name": sheet.interpreter_name,
            "interpreter_language": sheet.interpreter_language,
            "signed_copy_sha256": sheet.signed_copy_sha256,
        },
    )


@router.put(
    "/episodes/{episode_id}/operative-record",
    response={200: RecordOut, **problem_responses(409, 422)},
    summary="Write the operative record; after signing, an amendment with a reason",
)
def put_record(request: HttpRequest, episode_id: int, body: RecordIn) -> Status[dict[str, Any]]:
    data = OperativeRecordInput.model_validate(body.model_dump(exclude={"version"}))
    saved = actions.save_operative_record(
        Actor.from_request(request), episode_id, body.version, data
    )
    return Status(
        200, {"version": saved.version, "signed": saved.is_signed, "content": saved.record_content}
    )


@router.post(
    "/episodes/{episode_id}/operative-record/sign",
    response={200: RecordOut, **problem_responses(409, 422)},
    summary="Sign the operative record (surgeons; the checklist must be complete)",
)
def sign_record(request: HttpRequest, episode_id: int, body: SignIn) -> Status[dict[str, Any]]:
    saved = actions.sign_operative_record(Actor.from_request(request), episode_id, body.version)
    return Status(200, {"version": saved.version, "signed": True, "content": saved.record_content})


@router.get(
    "/episodes/{episode_id}/operative-record/amendments",
    response=list[AmendmentOut],
    summary="The amendments made to the signed operative record, oldest first",
    description="An amendment is made by writing a signed record again with a `reason`.",
)
def list_amendments(request: HttpRequest, episode_id: int) -> list[dict[str, Any]]:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_id)
    saved = OPERATIVE_RECORDS.get(actor, episode=episode)
    rows = list(AMENDMENTS.queryset(actor).filter(record=saved).select_related("author"))
    for row in rows:
        AMENDMENTS.shown(actor, row)
    return [
        {
            "made_at": row.made_at,
            "author": str(row.author),
            "reason": row.reason,
            "changes": row.field_changes,
        }
        for row in rows
    ]


@router.get(
    "/planning/translation",
    response={200: TranslationOut, **problem_responses(422)},
    summary="Lateral translation needed for a target IMA (first-order model)",
)
def translation(
    request: HttpRequest,
    ima_pre_deg: float,
    ima_target_deg: float,
    lever_mm: float,
    shaft_width_mm: float,
) -> Status[dict[str, Any]]:
    """Non-finite input (NaN, infinity) is refused with 422, and the answer is always finite
    JSON; an implausible value is answered with a warning beside the figures."""
    try:
        plan = planning.translation_needed(ima_pre_deg, ima_target_deg, lever_mm, shaft_width_mm)
    except ValueError as error:
        raise Problem(422, str(error)) from None
    doubtful = planning.implausible(
        {"ima_deg": ima_pre_deg, "lever_mm": lever_mm, "shaft_width_mm": shaft_width_mm}
    )
    return Status(
        200,
        {
            "shift_mm": plan.shift_mm,
            "shift_pct": plan.shift_pct,
            "reachable": plan.reachable,
            "limits": plan.limits,
            "warnings": [f.reason for f in doubtful],
        },
    )
