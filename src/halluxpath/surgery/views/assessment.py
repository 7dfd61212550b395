"""The pre-operative assessment page (DOMAIN §6): parse, call the action, show its flags."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import staff_required
from halluxpath.audit.context import Actor
from halluxpath.core import risk
from halluxpath.forms import add_validation_errors, typed_input
from halluxpath.patients.access import episode_for
from halluxpath.records import EditConflict
from halluxpath.surgery import actions
from halluxpath.surgery.access import ASSESSMENTS
from halluxpath.surgery.forms import AssessmentForm
from halluxpath.surgery.schemas import AssessmentInput


def flag_groups(flags: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    return [
        (category, [f for f in flags if category in f["raises"]])
        for category in risk.RISK_CATEGORIES
        if any(category in f["raises"] for f in flags)
    ]


@staff_required
def assessment(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    current = ASSESSMENTS.find(actor, episode=episode)
    editable = actor.user is not None and permissions.may_change_clinical_records(actor.user)
    form = AssessmentForm(
        request.POST or None,
        instance=current,
        initial={"version": current.version if current else 0},
    )
    data = (
        typed_input(form, AssessmentInput)
        if request.method == "POST" and editable and form.is_valid()
        else None
    )
    if data is not None:
        try:
            actions.save_assessment(actor, episode.pk, form.cleaned_data["version"], data)
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "Pre-operative assessment saved.")
            return redirect("surgery:assessment", episode_pk=episode.pk)
    return render(
        request,
        "surgery/assessment.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "form": form,
            "current": current,
            "groups": flag_groups(current.risk_flags) if current else [],
            "editable": editable,
        },
    )
