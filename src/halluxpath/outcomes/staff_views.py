"""The staff's questionnaire pages: paper entry, completion per time point, the "to call"
list, and the site's definition files (administrators)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import admin_required, signed_in_user, staff_required
from halluxpath.audit.context import Actor
from halluxpath.core.instruments import SHIPPED
from halluxpath.forms import add_validation_errors, typed_input
from halluxpath.outcomes import actions, chasing
from halluxpath.outcomes.access import RESPONSES, site_instruments, site_schedule
from halluxpath.outcomes.forms import (
    CallForm,
    LoadInstrumentForm,
    PaperForm,
    ScheduleForm,
    initial_of,
)
from halluxpath.outcomes.questionnaires import (
    episode_questionnaires,
    instruments_of,
    stored_schedule,
)
from halluxpath.outcomes.schemas import CallNote, InstrumentFile, PaperResponse, ScheduleInput
from halluxpath.patients.access import EPISODES, episode_for
from halluxpath.records import EditConflict


def _today(request: HttpRequest) -> dt.date:
    return timezone.now().astimezone(signed_in_user(request).site.zone).date()


@staff_required
def paper_entry(
    request: HttpRequest, episode_pk: int, time_point: str, instrument: str
) -> HttpResponse:
    """Type in a paper form on the patient's behalf (marked as entered from paper)."""
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk, purpose="edit")
    responses = RESPONSES.queryset(actor).filter(episode=episode)
    found = next(
        (
            q
            for p in episode_questionnaires(episode, actions.site_today(episode), responses)
            for q in p.questionnaires
            if p.time_point.key == time_point and q.key == instrument
        ),
        None,
    )
    if found is None:
        raise Http404("No such questionnaire.")
    started = found.response.answer_values if found.response else {}
    initial: dict[str, object] = {
        f"item_{k}": initial_of(v) for k, v in started.items() if v is not None
    }
    form = PaperForm(request.POST or None, instrument=found.instrument, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = typed_input(
            form,
            PaperResponse,
            episode_id=episode.pk,
            instrument=instrument,
            time_point=time_point,
            answers=form.answers(),
        )
        if data is not None:
            try:
                actions.enter_paper_response(actor, data)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    error = ValidationError(
                        {
                            (f"item_{k}" if f"item_{k}" in form.fields else k): v
                            for k, v in error.error_dict.items()
                        }
                    )
                add_validation_errors(form, error)
            else:
                messages.success(request, f"The paper {found.instrument.title} is entered.")
                return redirect("patients:episode", episode.pk)
    return render(
        request,
        "outcomes/paper_entry.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "questionnaire": found,
            "form": form,
        },
    )


@staff_required
def completion(request: HttpRequest) -> HttpResponse:
    """Completed / due per time point and instrument (counted in the database)."""
    rows = chasing.completion(Actor.from_request(request), _today(request))
    return render(request, "outcomes/completion.html", {"rows": rows})


@staff_required
def to_call(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    rows = chasing.to_call(actor, _today(request))
    for row in rows:
        EPISODES.shown(actor, row.episode)
    return render(
        request,
        "outcomes/to_call.html",
        {
            "rows": [
                (
                    row,
                    CallForm(
                        initial={"episode_id": row.episode.pk, "time_point": row.window.time_point}
                    ),
                )
                for row in rows
            ],
            "may_note": permissions.may_change_clinical_records(signed_in_user(request)),
        },
    )


@staff_required
@require_POST
def note_call(request: HttpRequest) -> HttpResponse:
    form = CallForm(request.POST)
    if form.is_valid():
        data = typed_input(form, CallNote)
        if data is not None:
            try:
                actions.note_call(Actor.from_request(request), data)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "The call is noted; the patient leaves the list.")
                return redirect("outcomes:to_call")
    if form.errors:
        messages.error(request, "The call could not be noted: " + form.errors.as_text())
    return redirect("outcomes:to_call")


@admin_required
def site_questionnaires(request: HttpRequest) -> HttpResponse:
    """The site's questionnaires: shipped, loaded files, the schedule, and a file upload."""
    user = signed_in_user(request)
    posted = request.POST.get("form", "")
    form = LoadInstrumentForm(
        request.POST if posted == "load" else None, request.FILES if posted == "load" else None
    )
    row = site_schedule(user.site_id)
    schedule_form = ScheduleForm(
        request.POST if posted == "schedule" else None,
        schedule=stored_schedule(user.site_id),
        initial={"version": row.version if row else None},
        prefix="schedule",
    )
    if posted == "load" and form.is_valid():
        data = typed_input(
            form,
            InstrumentFile,
            definition_text=form.cleaned_data["definition_file"],
            value_set_text=form.cleaned_data["value_set_file"],
        )
        if data is not None:
            try:
                loaded = actions.load_instrument(Actor.from_request(request), data)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, f"{loaded.key} version {loaded.version} is loaded.")
                return redirect("outcomes:site_questionnaires")
    if posted == "schedule" and schedule_form.is_valid():
        schedule_data = typed_input(
            schedule_form, ScheduleInput, time_points=schedule_form.time_points()
        )
        if schedule_data is not None:
            try:
                actions.set_schedule(
                    Actor.from_request(request),
                    schedule_data,
                    schedule_form.cleaned_data["version"],
                )
            except EditConflict as conflict:
                schedule_form.add_error(None, str(conflict))
            except ValidationError as error:
                add_validation_errors(schedule_form, error)
            else:
                messages.success(request, "The questionnaire schedule is saved.")
                return redirect("outcomes:site_questionnaires")
    available = instruments_of(user.site_id)
    return render(
        request,
        "outcomes/site_questionnaires.html",
        {
            "form": form,
            "schedule_form": schedule_form,
            "shipped": list(SHIPPED.values()),
            "loaded": list(site_instruments(user.site_id).select_related("loaded_by")),
            "schedule": [
                (t, [(key, key in available) for key in t.instruments])
                for t in stored_schedule(user.site_id).time_points
            ],
        },
    )
