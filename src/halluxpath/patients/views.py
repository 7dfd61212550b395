"""Pages for patients and episodes. Thin: access in ``access``, writes in ``actions``."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import (
    allowed_if,
    patient_required,
    researcher_required,
    signed_in_user,
    staff_required,
)
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core.disclosure import suppress_count
from halluxpath.core.episode import MAIN_LINE
from halluxpath.core.journey import DueItem
from halluxpath.forms import add_validation_errors, typed_input
from halluxpath.patients import access, actions
from halluxpath.patients import worklist as worklist_data
from halluxpath.patients.forms import (
    SORTS,
    EpisodeForm,
    PatientForm,
    StatusChangeForm,
    TheatreListForm,
    VersionForm,
    WorklistFilterForm,
)
from halluxpath.patients.journey import journey_for
from halluxpath.patients.models import Episode, Patient, Status
from halluxpath.patients.schemas import (
    EpisodeDetails,
    PatientChanges,
    PatientDetails,
    StatusChangeInput,
)
from halluxpath.records import EditConflict

WORKLIST_PAGE_SIZE = 25


def _search(episodes: QuerySet[Episode], text: str) -> QuerySet[Episode]:
    for term in text.split()[:5]:
        episodes = episodes.filter(
            Q(patient__given_name__icontains=term)
            | Q(patient__family_name__icontains=term)
            | Q(patient__hospital_number__istartswith=term)
        )
    return episodes


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _status_order() -> Case:
    """The statuses in the order of care (core.episode.MAIN_LINE), for sorting."""
    return Case(
        *[When(status=status.value, then=Value(i)) for i, status in enumerate(MAIN_LINE)],
        default=Value(len(MAIN_LINE)),
        output_field=IntegerField(),
    )


def _sorted(
    actor: Actor, episodes: QuerySet[Episode], sort: str, today: date
) -> tuple[QuerySet[Episode] | list[Episode], dict[int, DueItem] | None]:
    """The episodes in the chosen order; for "next due", the items already read for it."""
    by_name = ("patient__family_name", "patient__given_name", "pk")
    if sort == "operation":
        return episodes.order_by(F("operation_on").asc(nulls_last=True), *by_name), None
    if sort == "-operation":
        return episodes.order_by(F("operation_on").desc(nulls_last=True), *by_name), None
    if sort == "status":
        return episodes.order_by(_status_order(), *by_name), None
    if sort == "next_due":
        due = worklist_data.next_due_items(actor, episodes, today)
        rows = list(episodes.order_by(*by_name))
        never = date.max
        rows.sort(key=lambda e: due[e.pk].starts_on if e.pk in due else never)
        return rows, due
    return episodes.order_by(*by_name), None


def _sort_links(query: QueryDict) -> dict[str, str]:
    """Each sort's address, keeping the other filters (page 1)."""
    links = {}
    for value, _label in SORTS:
        q = query.copy()
        q.pop("page", None)
        q["sort"] = value
        links[value.lstrip("-") if value != "-operation" else "operation_desc"] = q.urlencode()
    return links


@staff_required
def worklist(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    actor = Actor.from_request(request)
    form = WorklistFilterForm(request.GET or None, user=user)
    episodes = access.visible_episodes(user)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = form.cleaned_data
    status = filters.get("status") or ""
    if status == "all":
        pass
    elif status:
        episodes = episodes.filter(status=status)
    else:
        episodes = episodes.exclude(status=Status.DISCHARGED)
    if filters.get("mine"):
        episodes = episodes.filter(responsible_surgeon=user)
    if filters.get("surgeon"):
        episodes = episodes.filter(responsible_surgeon=filters["surgeon"])
    if filters.get("q"):
        episodes = _search(episodes, filters["q"])
    episodes = worklist_data.with_operation_date(actor, episodes)
    if filters.get("operated_from"):
        episodes = episodes.filter(Q(operation_on__gte=filters["operated_from"]))
    if filters.get("operated_to"):
        episodes = episodes.filter(Q(operation_on__lte=filters["operated_to"]))
    sort = filters.get("sort") or "name"
    today = timezone.localdate()
    ordered, due = _sorted(actor, episodes, sort, today)
    page = Paginator(ordered, WORKLIST_PAGE_SIZE).get_page(request.GET.get("page"))
    if due is None:
        due = worklist_data.next_due_items(actor, [e.pk for e in page], today)
    record(
        actor,
        "search",
        object_type="worklist",
        detail={
            "q": filters.get("q", ""),
            "status": status,
            "mine": bool(filters.get("mine")),
            "surgeon": filters["surgeon"].pk if filters.get("surgeon") else None,
            "operated_from": str(filters.get("operated_from") or ""),
            "operated_to": str(filters.get("operated_to") or ""),
            "sort": sort,
            "page": page.number,
        },
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(episode, due.get(episode.pk)) for episode in page],
        "query": query,
        "sort": sort,
        "sort_links": _sort_links(request.GET),
    }
    template = "patients/_worklist_results.html" if request.htmx else "patients/worklist.html"
    return render(request, template, context)


@staff_required
def theatre_list(request: HttpRequest) -> HttpResponse:
    """One day's theatre list, in order, ready to print (issue 12, item 8)."""
    user = signed_in_user(request)
    actor = Actor.from_request(request)
    data = request.GET if "day" in request.GET else {"day": timezone.localdate().isoformat()}
    form = TheatreListForm(data, user=user)
    rows: list[worklist_data.TheatreRow] = []
    day: date | None = None
    if form.is_valid():
        day = form.cleaned_data["day"]
        episodes = access.visible_episodes(user)
        if form.cleaned_data.get("surgeon"):
            episodes = episodes.filter(responsible_surgeon=form.cleaned_data["surgeon"])
        rows = worklist_data.theatre_rows(actor, episodes, day)
        record(
            actor,
            "view",
            object_type="theatre_list",
            detail={"day": day.isoformat(), "episodes": [r.episode.pk for r in rows]},
        )
    return render(request, "patients/theatre_list.html", {"form": form, "rows": rows, "day": day})


def _detail_context(
    request: HttpRequest, patient: Patient, *, with_journeys: bool = False
) -> dict[str, Any]:
    user = signed_in_user(request)
    episodes = list(
        access.visible_episodes(user)
        .filter(patient=patient)
        .prefetch_related("status_changes__changed_by", "radiographs")
    )
    actor = Actor.from_request(request)
    return {
        "patient": patient,
        "episodes": episodes,
        "episode_rows": [
            (episode, journey_for(actor, episode) if with_journeys else None)
            for episode in episodes
        ],
        "may_edit": permissions.may_change_clinical_records(user),
    }


@staff_required
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    patient = access.patient_for(actor, pk)
    context = _detail_context(request, patient, with_journeys=True)
    return render(request, "patients/patient_detail.html", context)


@staff_required
def episode_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One foot's journey: every step's state, the next step, the status history."""
    actor = Actor.from_request(request)
    episode = access.episode_for(actor, pk)
    context = {
        "episode": episode,
        "patient": episode.patient,
        "journey": journey_for(actor, episode),
        "changes": episode.status_changes.select_related("changed_by"),
        "may_edit": permissions.may_change_clinical_records(signed_in_user(request)),
        "back_to_episode": True,
    }
    return render(request, "patients/episode_detail.html", context)


@patient_required
def me(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    patient = access.visible_patients(signed_in_user(request)).first()
    if patient is None:
        return render(request, "patients/me.html", {"patient": None})
    patient = access.patient_for(actor, patient.pk)
    return render(request, "patients/me.html", _detail_context(request, patient))


@allowed_if(permissions.may_register_patients)
def patient_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    patient_form = PatientForm(request.POST or None, prefix="patient")
    episode_form = EpisodeForm(request.POST or None, prefix="episode", user=user)
    if request.method == "POST" and patient_form.is_valid() & episode_form.is_valid():
        details = typed_input(patient_form, PatientDetails)
        first_episode = typed_input(episode_form, EpisodeDetails)
        try:
            if details is None or first_episode is None:
                raise ValidationError("Check the details shown below.")
            patient = actions.create_patient(Actor.from_request(request), details, first_episode)
        except ValidationError as error:
            patient_fields = set(patient_form.fields)
            for field, errs in getattr(error, "message_dict", {"__all__": error.messages}).items():
                target = patient_form if field in patient_fields else episode_form
                target.add_error(field if field in target.fields else None, errs)
        else:
            messages.success(request, f"{patient.full_name} has been registered.")
            return redirect("patients:detail", pk=patient.pk)
    return render(
        request,
        "patients/patient_form.html",
        {"patient_form": patient_form, "episode_form": episode_form, "title": "New patient"},
    )


T = TypeVar("T")


def _then(value: T | None, save: Callable[[T], object]) -> object | None:
    """Save a typed input if the form produced one (its refusal is already on the form)."""
    return None if value is None else save(value)


def _edit(
    request: HttpRequest,
    *,
    form: BaseForm,
    version_form: VersionForm,
    save: Callable[[int], object | None],
    success: str,
    target: HttpResponseRedirect,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The shared shape of an edit page: validate, save by version, show conflicts."""
    if request.method == "POST" and form.is_valid() & version_form.is_valid():
        try:
            saved = save(version_form.cleaned_data["version"])
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
            context["conflict"] = True
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            if saved is not None:
                messages.success(request, success)
                return target
    return render(request, template, {"form": form, "version_form": version_form, **context})


@staff_required
def patient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    patient = access.patient_for(actor, pk, purpose="edit")
    data = request.POST or None
    form = PatientForm(data, instance=copy.copy(patient))
    version_form = VersionForm(data, initial={"version": patient.version})
    return _edit(
        request,
        form=form,
        version_form=version_form,
        save=lambda version: _then(
            typed_input(form, PatientChanges),
            lambda changes: actions.update_patient(actor, patient.pk, version, changes),
        ),
        success="Patient details saved.",
        target=redirect("patients:detail", pk=patient.pk),
        template="patients/patient_edit.html",
        context={"patient": patient},
    )


@staff_required
def episode_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    patient = access.patient_for(actor, pk, purpose="edit")
    form = EpisodeForm(request.POST or None, user=signed_in_user(request))
    details = (
        typed_input(form, EpisodeDetails) if request.method == "POST" and form.is_valid() else None
    )
    if details is not None:
        try:
            actions.open_episode(actor, patient.pk, details)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "Episode opened.")
            return redirect("patients:detail", pk=patient.pk)
    return render(
        request,
        "patients/episode_form.html",
        {"form": form, "patient": patient, "title": "New episode"},
    )


@staff_required
def episode_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = access.episode_for(actor, pk, purpose="edit")
    data = request.POST or None
    form = EpisodeForm(data, instance=copy.copy(episode), user=signed_in_user(request))
    version_form = VersionForm(data, initial={"version": episode.version})
    return _edit(
        request,
        form=form,
        version_form=version_form,
        save=lambda version: _then(
            typed_input(form, EpisodeDetails),
            lambda details: actions.update_episode(actor, episode.pk, version, details),
        ),
        success="Episode saved.",
        target=redirect("patients:detail", pk=episode.patient_id),
        template="patients/episode_form.html",
        context={"patient": episode.patient, "episode": episode, "title": "Edit episode"},
    )


@staff_required
@require_POST
def episode_status(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = access.episode_for(actor, pk, purpose="edit")
    form = StatusChangeForm(request.POST)
    change = typed_input(form, StatusChangeInput) if form.is_valid() else None
    if change is None:
        messages.error(request, "The status change was not understood; nothing was changed.")
    else:
        try:
            updated = actions.change_episode_status(
                actor, episode.pk, form.cleaned_data["version"], change
            )
        except EditConflict as conflict:
            messages.error(request, str(conflict))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"{updated.get_side_display()} foot episode is now "
                f"{updated.get_status_display().lower()}.",
            )
    if request.POST.get("back") == "episode":
        return redirect("patients:episode", pk=episode.pk)
    return redirect("patients:detail", pk=episode.patient_id)


@researcher_required
def research(request: HttpRequest) -> HttpResponse:
    """Counts of the researcher's site's episodes by stage, small cells suppressed (DOMAIN §17)."""
    site_id = signed_in_user(request).site_id
    episodes = Episode.objects.filter(patient__site_id=site_id)
    counts = dict(episodes.values_list("status").annotate(n=Count("pk")))
    rows = [(label, suppress_count(counts.get(value, 0))) for value, label in Status.choices]
    record(Actor.from_request(request), "view", object_type="cohort_overview")
    return render(request, "patients/research.html", {"rows": rows})
