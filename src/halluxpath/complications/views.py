"""The complications pages: an episode's register, one complication's history, a proposal.

Thin views (STYLE.md): each form's cleaned data becomes the action's typed
input (forms.typed_input); a refusal is shown on the form, and nothing typed
is lost. The register can be opened prefilled from a triage alert
(``?alert=<id>``, the triage list's "Record as complication").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import signed_in_user, staff_required
from halluxpath.aftercare.access import ALERTS
from halluxpath.aftercare.models import Alert
from halluxpath.audit.context import Actor
from halluxpath.complications import actions
from halluxpath.complications.access import (
    COMPLICATION_AMENDMENTS,
    COMPLICATIONS,
    RECURRENCE_PROPOSALS,
)
from halluxpath.complications.forms import (
    FIELD_LABELS,
    GRADE_GUIDE,
    AmendComplicationForm,
    ConfirmRecurrenceForm,
    EnteredInErrorForm,
    NewComplicationForm,
    RejectRecurrenceForm,
)
from halluxpath.complications.models import Complication, RecurrenceProposal
from halluxpath.complications.schemas import (
    ComplicationAmendmentInput,
    ConfirmRecurrenceInput,
    EnteredInErrorInput,
    NewComplicationInput,
    RejectRecurrenceInput,
)
from halluxpath.core.complications import (
    GradeSystem,
    Kind,
    kind_for_alert_rule,
    recurrence_definition,
)
from halluxpath.forms import add_validation_errors, submit, typed_input
from halluxpath.patients.access import episode_for
from halluxpath.records import SchemaError

FIELDS = tuple(f for f in FIELD_LABELS if f != "entered_in_error")


def alert_initial(alert: Alert) -> dict[str, Any]:
    """The form prefilled from a triage alert: the kind its rule points to, the check-in's day."""
    day = timezone.localdate(alert.check_in.submitted_at)
    return {
        "kind": kind_for_alert_rule(alert.rule).value,
        "onset_on": day,
        "description": f"Triage alert {alert.rule} of {date_format(day)}: {alert.team_action}"[
            :300
        ],
        "alert_id": alert.pk,
    }


def _alert_for(actor: Actor, raw: object, episode_id: int) -> Alert | None:
    if not raw:
        return None
    alert = ALERTS.get(actor, raw)
    if alert.episode_id != episode_id:
        raise Http404("No such record.")
    return alert


@staff_required
def episode_complications(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    editable = permissions.may_change_clinical_records(signed_in_user(request))
    form: NewComplicationForm | None = None
    alert = None
    if request.method == "POST" and editable:
        form = NewComplicationForm(request.POST)
        data = typed_input(form, NewComplicationInput) if form.is_valid() else None
        if data is not None:
            try:
                actions.record_complication(actor, episode.pk, data)
            except ValidationError as error:
                add_validation_errors(form, error)
            except Http404:
                form.add_error(None, "That triage alert was not found: record without it.")
            else:
                messages.success(request, "Complication recorded.")
                return redirect("complications:episode", episode_pk=episode.pk)
    elif editable:
        alert = _alert_for(actor, request.GET.get("alert"), episode.pk)
        initial = alert_initial(alert) if alert else {}
        form = NewComplicationForm(initial=initial)
    rows = list(
        COMPLICATIONS.queryset(actor)
        .filter(episode=episode)
        .select_related("recorded_by", "alert")
        .order_by("onset_on", "pk")
    )
    for row in rows:
        COMPLICATIONS.shown(actor, row)
    proposals = list(
        RECURRENCE_PROPOSALS.queryset(actor).filter(episode=episode).select_related("decided_by")
    )
    for proposal in proposals:
        RECURRENCE_PROPOSALS.shown(actor, proposal)
    return render(
        request,
        "complications/episode.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "complications": rows,
            "proposals": proposals,
            "form": form,
            "alert": alert,
            "grade_guide": GRADE_GUIDE,
            "may_edit": editable,
        },
    )


def _values(complication: Complication) -> dict[str, Any]:
    return {name: getattr(complication, name) for name in FIELDS}


def _shown(name: str, value: object) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "kind" and isinstance(value, str) and value in Kind.values():
        return Kind(value).label
    if name == "grade_system" and isinstance(value, str) and value in GradeSystem.values():
        return GradeSystem(value).label
    if isinstance(value, dt.date):
        return date_format(value)
    if name.endswith("_on") and isinstance(value, str):
        try:
            return date_format(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def history(actor: Actor, complication: Complication) -> list[dict[str, Any]]:
    """Each amendment with its changes in words (an unreadable change says so)."""
    lines = []
    for amendment in (
        COMPLICATION_AMENDMENTS.queryset(actor)
        .filter(complication=complication)
        .select_related("author")
    ):
        COMPLICATION_AMENDMENTS.shown(actor, amendment)
        try:
            changed = amendment.field_changes
        except SchemaError:
            changed = {}
        lines.append(
            {
                "amendment": amendment,
                "changes": [
                    (
                        FIELD_LABELS.get(k, k),
                        _shown(k, v.get("before")) if isinstance(v, dict) else "unreadable",
                        _shown(k, v.get("after")) if isinstance(v, dict) else "unreadable",
                    )
                    for k, v in changed.items()
                ],
            }
        )
    return lines


def _detail_page(
    request: HttpRequest,
    complication: Complication,
    amend_form: AmendComplicationForm | None = None,
    error_form: EnteredInErrorForm | None = None,
) -> HttpResponse:
    actor = Actor.from_request(request)
    editable = (
        permissions.may_change_clinical_records(signed_in_user(request))
        and not complication.entered_in_error
    )
    if editable:
        amend_form = amend_form or AmendComplicationForm(
            initial={**_values(complication), "version": complication.version}, prefix="amend"
        )
        error_form = error_form or EnteredInErrorForm(
            initial={"version": complication.version}, prefix="error"
        )
    episode = complication.episode
    rows = [
        (FIELD_LABELS[name], _shown(name, value)) for name, value in _values(complication).items()
    ]
    return render(
        request,
        "complications/detail.html",
        {
            "complication": complication,
            "episode": episode,
            "patient": episode.patient,
            "rows": rows,
            "history": history(actor, complication),
            "form": amend_form if editable else None,
            "error_form": error_form if editable else None,
            "grade_guide": GRADE_GUIDE,
        },
    )


@staff_required
def complication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complication = COMPLICATIONS.get(Actor.from_request(request), pk)
    return _detail_page(request, complication)


@staff_required
@require_POST
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    complication = COMPLICATIONS.get(actor, pk, purpose="edit")
    form = AmendComplicationForm(request.POST, prefix="amend")
    if submit(
        form,
        ComplicationAmendmentInput,
        lambda data: actions.amend_complication(actor, pk, form.cleaned_data["version"], data),
    ):
        messages.success(request, "Amendment saved; the history below keeps what it was.")
        return redirect("complications:detail", pk=pk)
    return _detail_page(request, complication, amend_form=form)


@staff_required
@require_POST
def entered_in_error(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    complication = COMPLICATIONS.get(actor, pk, purpose="edit")
    form = EnteredInErrorForm(request.POST, prefix="error")
    if submit(
        form,
        EnteredInErrorInput,
        lambda data: actions.mark_entered_in_error(actor, pk, form.cleaned_data["version"], data),
    ):
        messages.success(request, "Marked as entered in error; it is kept, not counted.")
        return redirect("complications:detail", pk=pk)
    return _detail_page(request, complication, error_form=form)


def _proposal_page(
    request: HttpRequest,
    proposal: RecurrenceProposal,
    confirm_form: ConfirmRecurrenceForm | None = None,
    reject_form: RejectRecurrenceForm | None = None,
) -> HttpResponse:
    deciding = proposal.is_open and permissions.may_decide_recurrence(signed_in_user(request))
    if deciding:
        confirm_form = confirm_form or ConfirmRecurrenceForm(
            initial={"version": proposal.version}, prefix="confirm"
        )
        reject_form = reject_form or RejectRecurrenceForm(
            initial={"version": proposal.version}, prefix="reject"
        )
    episode = proposal.episode
    return render(
        request,
        "complications/proposal.html",
        {
            "proposal": proposal,
            "episode": episode,
            "patient": episode.patient,
            "definition": recurrence_definition(proposal.threshold_deg),
            "form": confirm_form if deciding else None,
            "reject_form": reject_form if deciding else None,
            "grade_guide": GRADE_GUIDE,
        },
    )


@staff_required
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    return _proposal_page(request, RECURRENCE_PROPOSALS.get(Actor.from_request(request), pk))


@staff_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    found = RECURRENCE_PROPOSALS.get(actor, pk, purpose="edit")
    form = ConfirmRecurrenceForm(request.POST, prefix="confirm")
    done = submit(
        form,
        ConfirmRecurrenceInput,
        lambda data: actions.confirm_recurrence(actor, pk, form.cleaned_data["version"], data),
    )
    if done:
        messages.success(request, "Recurrence confirmed and recorded as a complication.")
        return redirect("complications:detail", pk=done.value.pk)
    return _proposal_page(request, found, confirm_form=form)


@staff_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    found = RECURRENCE_PROPOSALS.get(actor, pk, purpose="edit")
    form = RejectRecurrenceForm(request.POST, prefix="reject")
    if submit(
        form,
        RejectRecurrenceInput,
        lambda data: actions.reject_recurrence(actor, pk, form.cleaned_data["version"], data),
    ):
        messages.success(request, "Proposal rejected; the reason is kept.")
        return redirect("complications:proposal", pk=pk)
    return _proposal_page(request, found, reject_form=form)
