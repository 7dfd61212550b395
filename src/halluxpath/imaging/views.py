"""Radiograph pages: upload, the landmark tool, results, downloads, comparison, agreement."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from halluxpath.access import registered
from halluxpath.accounts.decorators import signed_in_user, staff_required
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core.radiograph import landmark_groups
from halluxpath.forms import add_validation_errors
from halluxpath.imaging import actions, agreement, annotate, storage
from halluxpath.imaging.access import MEASUREMENTS, RADIOGRAPHS
from halluxpath.imaging.drawing import drawn
from halluxpath.imaging.forms import CalibrationForm, FilmDetailsForm, UploadForm
from halluxpath.imaging.guide import GROUP_LABELS, LABELS, guide_for
from halluxpath.imaging.models import Measurement, Radiograph
from halluxpath.imaging.results import comparison_rows, film_facts, result_rows
from halluxpath.patients.access import episode_for
from halluxpath.records import EditConflict


@staff_required
def upload(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk, purpose="edit")
    form = UploadForm(request.POST or None, request.FILES or None)
    details = form.details() if request.method == "POST" and form.is_valid() else None
    if details is not None:
        uploaded = form.cleaned_data["file"]
        try:
            radiograph = actions.upload_radiograph(
                actor, episode.pk, uploaded, uploaded.size, details
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "The film has been stored. Place the landmarks below.")
            return redirect("imaging:radiograph", pk=radiograph.pk)
    return render(
        request,
        "imaging/upload.html",
        {"form": form, "episode": episode, "patient": episode.patient},
    )


def _operated_on(actor: Actor, radiograph: Radiograph) -> dt.date | None:
    """The episode's recorded operation date, read through the surgical record's helper.

    Looked up by name in the access registry: surgery builds on imaging, not
    the other way round.
    """
    records = registered().get("operative_record")
    if records is None:
        return None
    found = records.queryset(actor).filter(episode=radiograph.episode_id).order_by("pk").first()
    return getattr(found, "operated_on", None)


def _tool_config(
    radiograph: Radiograph,
    mine: Measurement | None,
    editable: bool,
    groups: tuple[str, ...],
) -> dict[str, Any]:
    """What the landmark tool reads from the page (a JSON script element, not inline code).

    It saves through the API (``POST /api/v1/radiographs/{id}/landmarks``),
    naming the film version it measured on.
    """
    return {
        "width": radiograph.width,
        "height": radiograph.height,
        "version": radiograph.version,
        "imageUrl": reverse("imaging:image", args=[radiograph.pk]),
        "saveUrl": reverse("api-v1:save_landmarks", args=[radiograph.pk]),
        "computeUrl": reverse("api-v1:compute_measurements"),
        "pixelSpacing": list(radiograph.pixel_spacing_mm) if radiograph.pixel_spacing_mm else None,
        "landmarks": mine.landmarks if mine else None,
        "guide": [asdict(g) for g in guide_for(groups)],
        "groupLabels": GROUP_LABELS,
        "landmarkLabels": LABELS,
        "editable": editable,
    }


def _film_side(radiograph: Radiograph) -> str:
    """The side the film shows if recorded, else the episode's (for the guide drawing)."""
    return radiograph.laterality or radiograph.episode.side


def _page_context(
    request: HttpRequest, radiograph: Radiograph, details_form: FilmDetailsForm | None = None
) -> dict[str, Any]:
    actor = Actor.from_request(request)
    user = signed_in_user(request)
    readings = MEASUREMENTS.queryset(actor).filter(radiograph=radiograph)
    current = list(readings.filter(superseded_at__isnull=True).order_by("created_at"))
    mine = next((m for m in current if m.observer_id == user.pk), None)
    history = readings.filter(observer=user, superseded_at__isnull=False)
    editable = MEASUREMENTS.may_change(user)
    others = (
        RADIOGRAPHS.queryset(actor).filter(episode=radiograph.episode_id).exclude(pk=radiograph.pk)
    )
    groups = landmark_groups(
        radiograph.time_point, radiograph.acquired_on, _operated_on(actor, radiograph)
    )
    config = _tool_config(radiograph, mine, editable, groups)
    side = _film_side(radiograph)
    return {
        "radiograph": radiograph,
        "episode": radiograph.episode,
        "patient": radiograph.episode.patient,
        "current": current,
        "mine": mine,
        "rows": result_rows(radiograph, current, post_operative="translation" in groups),
        "film_facts": film_facts(radiograph),
        "history": history,
        "editable": editable,
        "tool_config": config,
        "diagram_side": side,
        "diagram_mirrored": side == "left",
        "post_operative": "translation" in groups,
        "calibration_form": CalibrationForm(initial={"version": radiograph.version}),
        "details_form": details_form
        or FilmDetailsForm(
            initial={
                "version": radiograph.version,
                "laterality": radiograph.laterality,
                "view": radiograph.view,
                "acquired_on": radiograph.acquired_on,
            }
        ),
        "side_mismatch": bool(radiograph.laterality)
        and radiograph.laterality != radiograph.episode.side,
        "other_films": others,
    }


@staff_required
def radiograph_page(request: HttpRequest, pk: int) -> HttpResponse:
    radiograph = RADIOGRAPHS.get(Actor.from_request(request), pk)
    return render(request, "imaging/radiograph.html", _page_context(request, radiograph))


@staff_required
@require_POST
def film_details(request: HttpRequest, pk: int) -> HttpResponse:
    """Record or correct the film's side, view and date; errors are shown on the page."""
    actor = Actor.from_request(request)
    radiograph = RADIOGRAPHS.get(actor, pk, purpose="edit")
    form = FilmDetailsForm(request.POST)
    change = form.change() if form.is_valid() else None
    if change is not None:
        try:
            actions.record_film_details(actor, pk, form.cleaned_data["version"], change)
        except ValidationError as error:
            add_validation_errors(form, error)
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
        else:
            messages.success(request, "The film's details have been recorded.")
            return redirect("imaging:radiograph", pk=pk)
    context = _page_context(request, radiograph, details_form=form)
    return render(request, "imaging/radiograph.html", context)


@staff_required
def image(request: HttpRequest, pk: int) -> FileResponse:
    """The display image, for the tool. Access-checked; the page view is the audited read."""
    actor = Actor.from_request(request)
    radiograph = RADIOGRAPHS.queryset(actor).filter(pk=pk).first()
    if radiograph is None:
        radiograph = RADIOGRAPHS.get(actor, pk)  # records the refusal and raises 404
    response = FileResponse(
        storage.open_for_download(drawn(radiograph).display_file), content_type="image/png"
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@staff_required
@require_POST
def calibrate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    form = CalibrationForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "Place both calibration points and enter the known length "
            "(1 to 300 mm); nothing was changed.",
        )
        return redirect("imaging:radiograph", pk=pk)
    try:
        actions.calibrate(actor, pk, form.cleaned_data["version"], form.calibration())
    except (ValidationError, EditConflict) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
    else:
        messages.success(
            request,
            "Calibration saved: distances are now in millimetres at the level of the marker.",
        )
    return redirect("imaging:radiograph", pk=pk)


@staff_required
@require_POST
def confirm_review(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    try:
        version = int(request.POST.get("version", ""))
        actions.confirm_pixel_review(actor, pk, version)
    except ValueError:
        messages.error(request, "The form was not understood; nothing was changed.")
    except EditConflict as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(request, "Recorded: no identifying text in the picture.")
    return redirect("imaging:radiograph", pk=pk)


@staff_required
def annotated(request: HttpRequest, pk: int, measurement_pk: int) -> HttpResponse:
    export = annotate.export_annotated(Actor.from_request(request), pk, measurement_pk)
    response = HttpResponse(export.png, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@staff_required
def download_stored(request: HttpRequest, pk: int) -> FileResponse:
    """The stored, de-identified file (DICOM or PNG)."""
    actor = Actor.from_request(request)
    radiograph = RADIOGRAPHS.get(actor, pk)
    record(
        actor,
        "export",
        object_type="radiograph",
        object_id=radiograph.pk,
        patient_id=radiograph.episode.patient_id,
        detail={"format": "stored_file"},
    )
    suffix = storage.media_path(drawn(radiograph).stored_file).suffix
    return FileResponse(
        storage.open_for_download(radiograph.stored_file),
        as_attachment=True,
        filename=f"radiograph-{radiograph.pk}-deidentified{suffix}",
    )


@staff_required
def compare(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    films = list(RADIOGRAPHS.queryset(actor).filter(episode=episode).order_by("acquired_on", "pk"))
    chosen: dict[str, Radiograph | None] = {"before": None, "after": None}
    for key, default in (
        ("before", films[0] if films else None),
        ("after", films[-1] if len(films) > 1 else None),
    ):
        wanted = request.GET.get(key)
        chosen[key] = next((f for f in films if str(f.pk) == wanted), default)
    rows = comparison_rows(actor, chosen["before"], chosen["after"])
    return render(
        request,
        "imaging/compare.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "films": films,
            "before": chosen["before"],
            "after": chosen["after"],
            "rows": rows,
        },
    )


@staff_required
def agreement_report(request: HttpRequest) -> HttpResponse:
    """ICC and Bland–Altman over the user's visible films measured by several observers."""
    actor = Actor.from_request(request)
    table = agreement.current_measurements(actor)
    measured_by = sorted({o for by in table.values() for o in by})
    chosen: list[int] = []
    for raw in request.GET.getlist("observer"):
        if raw.isdigit() and int(raw) in measured_by and int(raw) not in chosen:
            chosen.append(int(raw))
    if len(chosen) < 2:
        chosen = agreement.default_observers(table)
    rows = agreement.agreement(table, chosen) if len(chosen) >= 2 else []
    record(
        actor,
        "view",
        object_type="agreement_report",
        detail={"observers": chosen, "films": len(table)},
    )
    return render(
        request,
        "imaging/agreement.html",
        {
            "rows": rows,
            "observers": agreement.observer_names(chosen),
            "candidates": agreement.observer_names(measured_by),
            "chosen": chosen,
            "plot_width": agreement.PLOT_WIDTH,
            "plot_height": agreement.PLOT_HEIGHT,
            "plot_margin": agreement.PLOT_MARGIN,
        },
    )
