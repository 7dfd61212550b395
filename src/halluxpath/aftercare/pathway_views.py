"""Admin pages for pathway templates: read, change a step, add or remove one, history."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from halluxpath.accounts.decorators import admin_required
from halluxpath.aftercare import pathways
from halluxpath.aftercare.forms import PathwayStepForm, RemoveStepForm
from halluxpath.aftercare.models import PathwayTemplate
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import pathway_data
from halluxpath.forms import add_validation_errors
from halluxpath.records import EditConflict


@admin_required
def pathway_list(request: HttpRequest) -> HttpResponse:
    templates = [(t, pathways.latest(t)) for t in PathwayTemplate.objects.all()]
    return render(request, "aftercare/pathways.html", {"templates": templates})


@admin_required
def pathway_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(PathwayTemplate, pk=pk)
    newest = pathways.latest(template)
    record(
        Actor.from_request(request),
        "view",
        object_type="pathway_template",
        object_id=template.pk,
    )
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
    template = get_object_or_404(PathwayTemplate, pk=pk)
    newest = pathways.latest(template)
    steps = list(newest.steps)
    index = next((i for i, s in enumerate(steps) if s["key"] == key), None)
    if key and index is None:
        raise Http404("No such step.")
    initial = dict(steps[index]) if index is not None else {"category": "follow_up"}
    form = PathwayStepForm(request.POST or None, initial={**initial, "version": newest.number})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        step = {name: data[name] for name in pathway_data.STEP_FIELDS}
        if index is None:
            steps.append(step)
        else:
            steps[index] = step
        try:
            version = pathways.save_version(
                Actor.from_request(request), template.pk, data["version"], steps, data["note"]
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
    template = get_object_or_404(PathwayTemplate, pk=pk)
    form = RemoveStepForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the step is removed; nothing was changed.")
        return redirect("aftercare:pathway", pk=template.pk)
    steps = [s for s in pathways.latest(template).steps if s["key"] != key]
    try:
        version = pathways.save_version(
            Actor.from_request(request),
            template.pk,
            form.cleaned_data["version"],
            steps,
            form.cleaned_data["note"],
        )
    except EditConflict as conflict:
        messages.error(request, str(conflict))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Step {key} removed; saved as version {version.number}.")
    return redirect("aftercare:pathway", pk=template.pk)
