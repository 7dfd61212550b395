"""The planning page: a preview computed from the stored film, and the surgeon's decision.

The preview calls the same derivations as the action (surgery.derived); the
form posts only what the surgeon observes and decides, and the action
computes the lever arm, the translation and the suggestion again itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from pydantic import ValidationError as InputError

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import signed_in_user, staff_required
from halluxpath.audit.context import Actor
from halluxpath.core import planning
from halluxpath.imaging.access import MEASUREMENTS
from halluxpath.imaging.models import Measurement
from halluxpath.patients.access import episode_for
from halluxpath.patients.models import Episode
from halluxpath.records import EditConflict
from halluxpath.surgery import actions, overlay
from halluxpath.surgery.access import PLANS
from halluxpath.surgery.derived import (
    figures,
    film_lever_mm,
    film_shaft_width_mm,
    planning_measurement,
)
from halluxpath.surgery.forms import (
    STALE_FORM,
    ImplantFormSet,
    PlanChoiceForm,
    PlanFindingsForm,
    posted_version,
)
from halluxpath.surgery.models import SurgicalPlan
from halluxpath.surgery.schemas import FixationRow, PlanChoice, PlanFindings, PlanInput


def default_findings(episode: Episode, measurement: Measurement) -> dict[str, Any]:
    """A new plan's findings: the film's lever arm and shaft width, the usual target."""
    return {
        "mtp_arthritis_grade": planning.ArthritisGrade.NONE.value,
        "m1_head_lateral_edge": planning.HeadLateralEdge.NOT_ASSESSABLE.value,
        "surgeon_mis_trained": True,
        "target_ima_deg": planning.DEFAULT_TARGET_IMA_DEG,
        "lever_mm": film_lever_mm(measurement),
        "shaft_width_mm": film_shaft_width_mm(episode, measurement),
    }


def saved_findings(plan: SurgicalPlan | None) -> dict[str, Any] | None:
    """The findings a saved plan was made with (plans of any schema version), if readable."""
    if plan is None:
        return None
    findings = plan.input_values.get("findings")
    if not isinstance(findings, dict):
        return None
    return {k: v for k, v in findings.items() if k in PlanFindings.model_fields}


def preview_findings(values: dict[str, Any]) -> PlanFindings:
    try:
        return PlanFindings.model_validate(values)
    except InputError:
        return PlanFindings()


def fixation_initial(suggestion: planning.PlanSuggestion) -> list[dict[str, Any]]:
    """The fixation rows a new plan starts with: empty, one per suggested bone.

    A suggestion is prefilled completely or not at all (issue 12, item 4): the
    suggested implants have a usual diameter range and no length (DOMAIN §3
    names none), so a prefilled row could never be saved untouched. They are
    shown beside the table as advice; the surgeon fills the rows.
    """
    bones = [item.bone for item in suggestion.fixation] or [planning.Bone.M1.value]
    return [{"bone": bone} for bone in dict.fromkeys(bones)]


def plan_input(
    findings_form: PlanFindingsForm, choice_form: PlanChoiceForm, implants: Any
) -> PlanInput:
    """The valid forms as the action's input: findings and decision only, no figures."""
    return PlanInput(
        findings=findings_form.findings(),
        choice=PlanChoice(
            technique=choice_form.cleaned_data["technique"],
            akin=choice_form.cleaned_data["akin"],
            notes=choice_form.cleaned_data["notes"],
            fixation=[
                FixationRow.model_validate(
                    {k: row[k] for k in ("bone", "kind", "count", "diameter_mm", "length_mm")}
                )
                for row in implants.cleaned_data
                if row.get("kind")
            ],
        ),
    )


@staff_required
def plan(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    user = signed_in_user(request)
    measurement = planning_measurement(actor, episode)
    existing = PLANS.find(actor, episode=episode)
    context: dict[str, Any] = {
        "episode": episode,
        "patient": episode.patient,
        "measurement": measurement,
        "existing": existing,
        "editable": permissions.may_change_clinical_records(user),
        "limits": planning.MODEL_LIMITS,
        "width_source": planning.AVERAGE_SHAFT_WIDTH_SOURCE,
    }
    if measurement is None:
        return render(request, "surgery/plan.html", context)
    MEASUREMENTS.shown(actor, measurement)
    posted = request.method == "POST" and context["editable"]
    initial_findings = saved_findings(existing) or default_findings(episode, measurement)
    findings_form = PlanFindingsForm(
        request.POST if posted else None, prefix="find", initial=initial_findings
    )
    shown = (
        findings_form.findings()
        if posted and findings_form.is_valid()
        else preview_findings(initial_findings)
    )
    try:
        preview = figures(episode, measurement, shown)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return render(request, "surgery/plan.html", {**context, "measurement": None})
    suggestion = preview.suggestion
    saving = posted and request.POST.get("action") == "save"
    choice_initial = (
        {"technique": existing.technique, "akin": existing.akin, "notes": existing.notes}
        if existing and not posted
        else {"technique": suggestion.technique, "akin": suggestion.akin}
    )
    choice_form = PlanChoiceForm(
        request.POST if saving else None, prefix="choice", initial=choice_initial
    )
    initial_rows = (
        [*existing.fixation_rows, {"bone": planning.Bone.M1.value}]
        if existing and not posted
        else fixation_initial(suggestion)
    )
    implants = ImplantFormSet(
        request.POST if saving else None, prefix="fix", initial=None if saving else initial_rows
    )
    valid = saving and all([findings_form.is_valid(), choice_form.is_valid(), implants.is_valid()])
    if valid:
        version = posted_version(request.POST)
        try:
            if version is None:
                raise ValidationError(STALE_FORM)
            actions.save_plan(
                actor, episode.pk, version, plan_input(findings_form, choice_form, implants)
            )
        except EditConflict as conflict:
            choice_form.add_error(None, str(conflict))
        except ValidationError as error:
            choice_form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, "Plan saved: the suggestion and your decision are both kept.")
            return redirect("surgery:plan", episode_pk=episode.pk)
    context.update(
        {
            "findings_form": findings_form,
            "choice_form": choice_form,
            "implants": implants,
            "translation": preview.translation,
            "implausible": any(f.rule == "R-PLAN-0" for f in suggestion.findings),
            "suggestion": suggestion,
            "results": measurement.results,
            "version": existing.version if existing else 0,
        }
    )
    return render(request, "surgery/plan.html", context)


@staff_required
def plan_overlay(request: HttpRequest, episode_pk: int) -> HttpResponse:
    """The planned correction drawn on the film the plan was made from."""
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    saved = PLANS.find(actor, episode=episode)
    if saved is None or saved.measurement_id is None:
        raise Http404("No saved plan with a measured film.")
    measurement = MEASUREMENTS.get(actor, saved.measurement_id)
    response = HttpResponse(overlay.render_png(saved, measurement), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response
