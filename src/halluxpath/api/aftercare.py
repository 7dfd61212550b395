"""Aftercare and reminders over HTTP: the same actions and refusals as the staff pages.

``422 {"detail": ...}`` names what was refused; ``409`` is an edit conflict
(someone saved since the version you sent) and nothing is written; ``404`` a
record you may not see; ``403`` a role that may not do it. The patient's own
actions (check-ins, the calendar address, accepting an invitation) are on the
portal only: the API serves staff and integrations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from halluxpath.aftercare import actions
from halluxpath.aftercare.models import AftercarePlan, Alert, PathwayTemplateVersion
from halluxpath.aftercare.schemas import (
    AlertAcknowledgement,
    InvitationSending,
    PathwayVersion,
    PlanIssue,
    PlanItemAdjustment,
    StepEdit,
    VisitBooking,
)
from halluxpath.api.errors import problem_responses
from halluxpath.audit.context import Actor
from halluxpath.reminders import actions as reminders

router = Router(tags=["aftercare"])
T = TypeVar("T")


class PlanOut(Schema):
    version: int
    template: str
    template_version: int
    items: list[dict[str, Any]]


class Versioned(Schema):
    version: int = Field(description="The plan or template version you read")


class AdjustmentIn(Versioned, PlanItemAdjustment):
    pass


class BookingIn(Versioned, VisitBooking):
    pass


class TemplateVersionIn(Versioned, PathwayVersion):
    pass


class StepEditIn(Versioned, StepEdit):
    pass


class TemplateVersionOut(Schema):
    version: int
    note: str


class AlertOut(Schema):
    id: int
    acknowledged_at: str
    acknowledged_by: str
    response: str
    response_words: str
    note: str


class InvitationOut(Schema):
    token: str = Field(description="Shown once: the patient's link is /portal/invitation/<token>/")


class ReminderOut(Schema):
    id: int
    status: str


def _answer(call: Callable[[], T], present: Callable[[T], dict[str, Any]]) -> Status[Any]:
    """Call the action and present what it returns; its refusals become problems (api.errors)."""
    return Status(200, present(call()))


def _plan(plan: AftercarePlan) -> dict[str, Any]:
    return {
        "version": plan.version,
        "template": plan.template,
        "template_version": plan.template_version,
        "items": plan.item_list,
    }


ERRORS = problem_responses(403, 409, 422)


@router.post(
    "/episodes/{episode_id}/aftercare-plan",
    response={200: PlanOut, **ERRORS},
    summary="Issue (or issue again) the episode's aftercare plan from the newest template",
)
def issue_plan(request: HttpRequest, episode_id: int, body: PlanIssue) -> Status[Any]:
    actor = Actor.from_request(request)
    return _answer(lambda: actions.issue_plan(actor, episode_id, body), _plan)


@router.patch(
    "/episodes/{episode_id}/aftercare-plan/items",
    response={200: PlanOut, **ERRORS},
    summary="Move or reword one plan item (with the reason)",
)
def adjust_item(request: HttpRequest, episode_id: int, body: AdjustmentIn) -> Status[Any]:
    actor = Actor.from_request(request)
    data = PlanItemAdjustment.model_validate(body.model_dump(exclude={"version"}))
    return _answer(lambda: actions.adjust_item(actor, episode_id, body.version, data), _plan)


@router.post(
    "/episodes/{episode_id}/aftercare-plan/bookings",
    response={200: PlanOut, **ERRORS},
    summary="Give a follow-up visit its booked time and place",
)
def book_visit(request: HttpRequest, episode_id: int, body: BookingIn) -> Status[Any]:
    actor = Actor.from_request(request)
    data = VisitBooking.model_validate(body.model_dump(exclude={"version"}))
    return _answer(lambda: actions.book_visit(actor, episode_id, body.version, data), _plan)


@router.post(
    "/alerts/{alert_id}/acknowledgement",
    response={200: AlertOut, **ERRORS},
    summary="Record what was done about a triage alert (a response and a note), once",
)
def acknowledge(request: HttpRequest, alert_id: int, body: AlertAcknowledgement) -> Status[Any]:
    actor = Actor.from_request(request)

    def present(alert: Alert) -> dict[str, Any]:
        by = alert.acknowledged_by
        return {
            "id": alert.pk,
            "acknowledged_at": alert.acknowledged_at.isoformat() if alert.acknowledged_at else "",
            "acknowledged_by": (by.get_full_name() or by.username) if by else "",
            "response": alert.response,
            "response_words": alert.get_response_display(),
            "note": alert.action_taken,
        }

    return _answer(lambda: actions.acknowledge(actor, alert_id, body), present)


@router.put(
    "/pathway-templates/{template_id}",
    response={200: TemplateVersionOut, **ERRORS},
    summary="Save a pathway template's next version (administrators)",
)
def save_template(request: HttpRequest, template_id: int, body: TemplateVersionIn) -> Status[Any]:
    actor = Actor.from_request(request)
    data = PathwayVersion.model_validate(body.model_dump(exclude={"version"}))

    def present(version: PathwayTemplateVersion) -> dict[str, Any]:
        return {"version": version.number, "note": version.note}

    return _answer(
        lambda: actions.save_pathway_version(actor, template_id, body.version, data), present
    )


@router.put(
    "/pathway-templates/{template_id}/steps",
    response={200: TemplateVersionOut, **ERRORS},
    summary="Change one step of a pathway template, or add one (administrators)",
)
def save_step(request: HttpRequest, template_id: int, body: StepEditIn) -> Status[Any]:
    actor = Actor.from_request(request)
    data = StepEdit.model_validate(body.model_dump(exclude={"version"}))
    return _answer(
        lambda: actions.save_step(actor, template_id, body.version, data),
        lambda version: {"version": version.number, "note": version.note},
    )


@router.post(
    "/patients/{patient_id}/invitations",
    response={200: InvitationOut, **ERRORS},
    summary="Invite a patient to the portal; the one-time token is shown once",
)
def invite(request: HttpRequest, patient_id: int) -> Status[Any]:
    actor = Actor.from_request(request)
    return _answer(lambda: actions.invite(actor, patient_id), lambda token: {"token": token})


@router.post(
    "/patients/{patient_id}/invitations/sending",
    response={200: ReminderOut, **ERRORS},
    summary="Send an invitation's link to the patient by e-mail or text message (once)",
)
def send_invitation(request: HttpRequest, patient_id: int, body: InvitationSending) -> Status[Any]:
    actor = Actor.from_request(request)
    return _answer(
        lambda: actions.send_invitation(actor, patient_id, body),
        lambda message: {"id": message.pk, "status": message.status},
    )


@router.post(
    "/reminders/{reminder_id}/retry",
    response={200: ReminderOut, **ERRORS},
    summary="Try a failed reminder again, to the patient's address as it is now",
)
def retry_reminder(request: HttpRequest, reminder_id: int) -> Status[Any]:
    actor = Actor.from_request(request)
    return _answer(
        lambda: reminders.retry(actor, reminder_id),
        lambda message: {"id": message.pk, "status": message.status},
    )


@router.post(
    "/reminders/{reminder_id}/stop",
    response={200: ReminderOut, **ERRORS},
    summary="Stop a waiting or failed reminder",
)
def stop_reminder(request: HttpRequest, reminder_id: int) -> Status[Any]:
    actor = Actor.from_request(request)
    return _answer(
        lambda: reminders.stop(actor, reminder_id),
        lambda message: {"id": message.pk, "status": message.status},
    )
