"""Admin pages for pathway templates: read, change a step, add or remove one, history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from halluxpath.accounts.decorators import admin_required
from halluxpath.aftercare import actions, pathways
from halluxpath.aftercare.access import PATHWAY_TEMPLATES
from halluxpath.aftercare.forms import PathwayStepForm, RemoveStepForm
from halluxpath.aftercare.schemas import PathwayStep, StepEdit, StepRemoval
from halluxpath.audit.context import Actor
from halluxpath.core import pathway_data
from halluxpath.forms import add_validation_errors
from halluxpath.records import EditConflict


@admin_required
def pathway_list(request: HttpRequest) -> HttpResponse:
    shown = PATHWAY_TEMPLATES.queryset(Actor.from_request(request))
    templates = [(t, pathways.latest(t)) for t in shown]
    return render(request, "aftercare/pathways.html", {"templates": templates})


@admin_required
def pathway_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = PATHWAY_TEMPLATES.get(Actor.from_request(request), pk)  # records the view
    newest = pathways.latest(template)
    return render(
        request,
        "aftercare/pathway.html",
        {
            "template": template,
            "newest": newest,
            "steps": sorted(pathways.as_core(newest).steps, key=lambda s: (s.start_day, s.key)),
            "history": pathways.history(template),
            "remove_form": RemoveStepForm(initial={"version": newest.number}),
        },
    )


@admin_required
def pathway_step(request: HttpRequest, pk: int, key: str = "") -> HttpResponse:
    """Change one step (``key``) or add a new one (no key); saving makes a new version."""
    template = PATHWAY_TEMPLATES.get(Actor.from_request(request), pk, purpose="edit")
    newest = pathways.latest(template)
    steps = newest.step_list
    index = next((i for i, s in enumerate(steps) if s["key"] == key), None)
    if key and index is None:
        raise Http404("No such step.")
    initial = dict(steps[index]) if index is not None else {"category": "follow_up"}
    form = PathwayStepForm(request.POST or None, initial={**initial, "version": newest.number})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        edit = StepEdit(
            step=PathwayStep.model_validate({n: data[n] for n in pathway_data.STEP_FIELDS}),
            note=data["note"],
            replaces=key,
        )
        try:
            version = actions.save_step(
                Actor.from_request(request), template.pk, data["version"], edit
            )
        except EditConflict as conflict:
            messages.error(request, str(conflict))
            return redirect("aftercare:pathway", pk=template.pk)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"Saved as version {version.number}.")
            return redirect("aftercare:pathway", pk=template.pk)
    return render(
        request,
        "aftercare/pathway_step.html",
        {"template": template, "newest": newest, "form": form, "key": key},
    )


@admin_required
@require_POST
def pathway_remove_step(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    template = PATHWAY_TEMPLATES.get(Actor.from_request(request), pk, purpose="edit")
    form = RemoveStepForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the step is removed; nothing was changed.")
        return redirect("aftercare:pathway", pk=template.pk)
    try:
        version = actions.remove_step(
            Actor.from_request(request),
            template.pk,
            form.cleaned_data["version"],
            StepRemoval(key=key, note=form.cleaned_data["note"]),
        )
    except EditConflict as conflict:
        messages.error(request, str(conflict))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Step {key} removed; saved as version {version.number}.")
    return redirect("aftercare:pathway", pk=template.pk)
