"""Pre-operative assessment and planning pages. Thin: access and writes live elsewhere."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import signed_in_user, staff_required
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import checklist, planning, risk
from halluxpath.forms import add_validation_errors
from halluxpath.imaging import storage
from halluxpath.imaging.models import Measurement
from halluxpath.patients.access import episode_for
from halluxpath.patients.models import Episode
from halluxpath.records import EditConflict
from halluxpath.surgery import actions, operative_note, overlay
from halluxpath.surgery.forms import (
    AssessmentForm,
    ImplantFormSet,
    IncisionFormSet,
    OperativeRecordForm,
    PlanChoiceForm,
    PlanFindingsForm,
    RecordImplantFormSet,
)
from halluxpath.surgery.models import (
    ConsentSheet,
    OperativeRecord,
    PreoperativeAssessment,
    SafetyChecklist,
    SurgicalPlan,
)


def _flag_groups(flags: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    return [
        (category, [f for f in flags if category in f["raises"]])
        for category in risk.RISK_CATEGORIES
        if any(category in f["raises"] for f in flags)
    ]


@staff_required
def assessment(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    current = PreoperativeAssessment.objects.filter(episode=episode).first()
    editable = actor.user is not None and permissions.may_change_clinical_records(actor.user)
    form = AssessmentForm(
        request.POST or None,
        instance=current,
        initial={"version": current.version if current else 0},
    )
    if request.method == "POST" and editable and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
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
            "groups": _flag_groups(current.flags) if current else [],
            "editable": editable,
        },
    )


def preoperative_measurement(episode: Episode, user_id: int) -> Measurement | None:
    """The landmarks to plan from: the user's own on the latest pre-operative film, else any."""
    current = (
        Measurement.objects.filter(
            radiograph__episode=episode, radiograph__time_point="pre_op", superseded_at__isnull=True
        )
        .select_related("radiograph")
        .order_by("-radiograph__acquired_on", "-created_at")
    )
    return current.filter(observer_id=user_id).first() or current.first()


def _lever_mm(measurement: Measurement) -> float | None:
    """Base centre to head along the first metatarsal, from the film (the planning model's L).

    The head is taken at the middle of its articular surface, projected on the
    M1 axis; without the articular landmarks or a pixel size the surgeon
    enters L.
    """
    spacing = measurement.landmarks.get("pixel_spacing_mm")
    points = measurement.landmarks["points"]
    if not spacing or "m1_articular_medial" not in points:
        return None
    row, column = spacing

    def mm(name: str) -> tuple[float, float]:
        x, y = points[name]
        return (x * column, y * row)

    base, distal = mm("m1_proximal"), mm("m1_distal")
    medial, lateral = mm("m1_articular_medial"), mm("m1_articular_lateral")
    head = ((medial[0] + lateral[0]) / 2, (medial[1] + lateral[1]) / 2)
    axis = (distal[0] - base[0], distal[1] - base[1])
    length = math.hypot(*axis)
    along = ((head[0] - base[0]) * axis[0] + (head[1] - base[1]) * axis[1]) / length
    return round(along, 1) if along > 0 else None


def _default_findings(episode: Episode, measurement: Measurement) -> dict[str, Any]:
    results = measurement.results
    width = results.get("osteotomy_width_mm") or planning.AVERAGE_SHAFT_WIDTH_MM.get(
        episode.patient.sex, 12.7
    )
    return {
        "mtp_arthritis_grade": "none",
        "m1_head_lateral_edge": "not_assessable",
        "surgeon_mis_trained": True,
        "target_ima_deg": planning.DEFAULT_TARGET_IMA_DEG,
        "lever_mm": _lever_mm(measurement),
        "shaft_width_mm": width,
    }


def _compute(
    findings: dict[str, Any], results: dict[str, Any]
) -> tuple[planning.TranslationPlan | None, planning.PlanSuggestion]:
    translation = None
    if findings.get("lever_mm") and findings.get("shaft_width_mm"):
        translation = planning.translation_needed(
            float(results["ima_deg"]),
            findings["target_ima_deg"],
            findings["lever_mm"],
            findings["shaft_width_mm"],
        )
    suggestion = planning.suggest(actions.planning_inputs(findings, results), translation)
    return translation, suggestion


def _fixation_initial(suggestion: planning.PlanSuggestion) -> list[dict[str, Any]]:
    rows = [
        {
            "bone": item.bone,
            "kind": item.kind,
            "count": item.count,
            "diameter_mm": item.diameter_mm[0] if item.diameter_mm else None,
        }
        for item in suggestion.fixation
    ]
    return [*rows, {"bone": "m1"}]


@staff_required
def plan(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    user = signed_in_user(request)
    measurement = preoperative_measurement(episode, user.pk)
    existing = SurgicalPlan.objects.filter(episode=episode).first()
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
    results = measurement.results
    posted = request.method == "POST" and context["editable"]
    initial_findings = (
        existing.inputs["findings"] if existing else _default_findings(episode, measurement)
    )
    findings_form = PlanFindingsForm(
        request.POST if posted else None, prefix="find", initial=initial_findings
    )
    findings = (
        findings_form.cleaned_data if posted and findings_form.is_valid() else initial_findings
    )
    translation, suggestion = (
        _compute(findings, results)
        if findings.get("lever_mm")
        else _compute({**findings, "lever_mm": None}, results)
    )
    saving = posted and request.POST.get("action") == "save"
    choice_initial = (
        {"technique": existing.technique, "akin": existing.akin, "notes": existing.notes}
        if existing and not posted
        else {"technique": suggestion.technique, "akin": suggestion.akin}
    )
    choice_form = PlanChoiceForm(
        request.POST if saving else None, prefix="choice", initial=choice_initial
    )
    fixation_initial = (
        [*existing.fixation, {"bone": "m1"}]
        if existing and not posted
        else _fixation_initial(suggestion)
    )
    implants = ImplantFormSet(
        request.POST if saving else None, prefix="fix", initial=None if saving else fixation_initial
    )
    if saving and findings_form.is_valid() and choice_form.is_valid() and implants.is_valid():
        fixation = [
            {k: row[k] for k in ("bone", "kind", "count", "diameter_mm", "length_mm")}
            for row in implants.cleaned_data
            if row.get("kind")
        ]
        try:
            version = int(request.POST.get("version", "0") or 0)
            actions.save_plan(
                actor,
                episode.pk,
                version,
                measurement_id=measurement.pk,
                results=results,
                findings=findings_form.cleaned_data,
                translation=translation,
                choice={
                    **choice_form.cleaned_data,
                    "fixation": fixation,
                    "target_ima_deg": findings["target_ima_deg"],
                },
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
            "translation": translation,
            "suggestion": suggestion,
            "results": results,
            "version": existing.version if existing else 0,
        }
    )
    return render(request, "surgery/plan.html", context)


@staff_required
def consent_sheets(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    if request.method == "POST":
        try:
            sheet = actions.issue_consent_sheet(actor, episode.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Consent sheet {sheet.number} prepared.")
        return redirect("surgery:consent", episode_pk=episode.pk)
    sheets = ConsentSheet.objects.filter(episode=episode).select_related("prepared_by")
    return render(
        request,
        "surgery/consent.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "sheets": sheets,
            "editable": permissions.may_change_clinical_records(signed_in_user(request)),
            "has_plan": SurgicalPlan.objects.filter(episode=episode).exists(),
        },
    )


@staff_required
def consent_pdf_download(request: HttpRequest, episode_pk: int, number: int) -> FileResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    sheet = ConsentSheet.objects.filter(episode=episode, number=number).first()
    if sheet is None:
        raise Http404("No such sheet.")
    record(
        actor,
        "export",
        object_type="consent_sheet",
        object_id=sheet.pk,
        patient_id=episode.patient_id,
        detail={"number": number},
    )
    return FileResponse(
        storage.open_for_download(sheet.pdf_file),
        as_attachment=True,
        filename=f"consent-sheet-{number}.pdf",
        content_type="application/pdf",
    )


@staff_required
def safety_checklist(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    sheet = SafetyChecklist.objects.filter(episode=episode).first()
    editable = permissions.may_change_clinical_records(signed_in_user(request))
    if request.method == "POST" and editable:
        phase = request.POST.get("phase", "")
        try:
            ticked = [int(n) for n in request.POST.getlist("item")]
            version = int(request.POST.get("version", "1"))
            site = {
                "site_marked": request.POST.get("site_marked") == "on",
                "marked_by": request.POST.get("marked_by", ""),
                "mark_visible_after_draping": {"yes": True, "no": False}.get(
                    request.POST.get("mark_visible", "")
                ),
            }
            actions.complete_checklist_phase(actor, episode.pk, version, phase, ticked, site)
        except ValueError:
            messages.error(request, "The checklist form was not understood; nothing changed.")
        except EditConflict as conflict:
            messages.error(request, str(conflict))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{checklist.PHASE_LABELS[phase].split(' (')[0]} complete.")
        return redirect("surgery:checklist", episode_pk=episode.pk)
    ticks = {int(k): v for k, v in (sheet.ticked if sheet else {}).items()}
    completed = sheet.completed if sheet else {}
    phases = [
        {
            "key": p,
            "label": checklist.PHASE_LABELS[p],
            "done": completed.get(p),
            "items": [(i, ticks.get(i.number)) for i in checklist.items_of(p)],
        }
        for p in checklist.PHASES
    ]
    return render(
        request,
        "surgery/checklist.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "sheet": sheet,
            "phases": phases,
            "laterality": actions.laterality_for(episode),
            "editable": editable,
            "version": sheet.version if sheet else 1,
        },
    )


RECORD_STEPS = (
    (
        "1. Anaesthesia",
        (
            "operated_on",
            "anaesthesia_primary",
            "sedation",
            "tourniquet",
            "tourniquet_site",
            "tourniquet_pressure_mmhg",
            "tourniquet_minutes",
        ),
    ),
    ("3. Soft-tissue dissection", ("lateral_release",)),
    (
        "4. Osteotomy",
        (
            "osteotomy_level",
            "osteotomy_type",
            "osteotomy_instrument",
            "akin_done",
            "translation_achieved_pct",
            "rotation",
        ),
    ),
    ("6. Soft-tissue repair", ("soft_tissue_repair", "exostectomy")),
    ("7. Closure", ("closure", "dressing")),
    (
        "In theatre",
        (
            "fluoro_shots",
            "fluoro_time_s",
            "fluoro_dap_mgy_cm2",
            "operative_time_min",
            "conversion_to_open",
            "conversion_reason",
            "intraop_events",
            "notes",
            "reason",
        ),
    ),
)


def _record_content(form: OperativeRecordForm, incisions: Any, implants: Any) -> dict[str, Any]:
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("operated_on", "reason")}
    data["osteotomies"] = [
        {
            "bone": "m1",
            "level": data.pop("osteotomy_level"),
            "type": data.pop("osteotomy_type"),
            "instrument": data.pop("osteotomy_instrument"),
        }
    ]
    if data.pop("akin_done"):
        data["osteotomies"].append(
            {"bone": "p1", "level": "proximal", "type": "closing_wedge_akin", "instrument": "burr"}
        )
    data["incisions"] = [dict(row) for row in incisions.cleaned_data if row]
    data["implants"] = [dict(row) for row in implants.cleaned_data if row]
    return data


def _record_initial(record: OperativeRecord | None) -> tuple[dict[str, Any], list[Any], list[Any]]:
    if record is None:
        return (
            {"operated_on": timezone.localdate(), "anaesthesia_primary": "ankle_block"},
            [{"site": "medial_m1_neck", "length_mm": 3}],
            [],
        )
    content = dict(record.content)
    first = content.get("osteotomies", [{}])[0]
    initial = {
        **content,
        "operated_on": record.operated_on,
        "osteotomy_level": first.get("level"),
        "osteotomy_type": first.get("type"),
        "osteotomy_instrument": first.get("instrument"),
        "akin_done": any(o.get("bone") == "p1" for o in content.get("osteotomies", [])),
    }
    return initial, content.get("incisions", []), content.get("implants", [])


@staff_required
def operative_record(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    record_ = OperativeRecord.objects.filter(episode=episode).first()
    user = signed_in_user(request)
    editable = permissions.may_change_clinical_records(user)
    posted = request.method == "POST" and editable
    if posted and request.POST.get("action") == "sign":
        try:
            actions.sign_operative_record(actor, episode.pk, int(request.POST.get("version", "0")))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        except EditConflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(request, "Operative record signed.")
        return redirect("surgery:operation", episode_pk=episode.pk)
    initial, incision_rows, implant_rows = _record_initial(record_)
    form = OperativeRecordForm(request.POST if posted else None, initial=initial)
    # Bound formsets take the posted rows as they are: with initial rows, an
    # unchanged row would count as empty.
    incisions = IncisionFormSet(
        request.POST if posted else None, prefix="inc", initial=None if posted else incision_rows
    )
    implants = RecordImplantFormSet(
        request.POST if posted else None, prefix="imp", initial=None if posted else implant_rows
    )
    if posted and form.is_valid() and incisions.is_valid() and implants.is_valid():
        try:
            actions.save_operative_record(
                actor,
                episode.pk,
                int(request.POST.get("version", "0")),
                form.cleaned_data["operated_on"],
                _record_content(form, incisions, implants),
                reason=form.cleaned_data["reason"],
            )
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "Operative record saved.")
            return redirect("surgery:operation", episode_pk=episode.pk)
    return render(
        request,
        "surgery/operation.html",
        {
            "steps": [(title, [form[name] for name in names]) for title, names in RECORD_STEPS],
            "episode": episode,
            "patient": episode.patient,
            "record": record_,
            "form": form,
            "incisions": incisions,
            "implants": implants,
            "editable": editable,
            "version": record_.version if record_ else 0,
            "amendments": record_.amendments.select_related("author") if record_ else [],
        },
    )


@staff_required
def operative_note_pdf(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    record_ = (
        OperativeRecord.objects.filter(episode=episode)
        .select_related("episode__patient", "signed_by")
        .first()
    )
    if record_ is None:
        raise Http404("No operative record yet.")
    record(
        actor,
        "export",
        object_type="operative_record",
        object_id=record_.pk,
        patient_id=episode.patient_id,
        detail={"format": "pdf"},
    )
    response = HttpResponse(operative_note.render(record_), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="operative-note-{episode.pk}.pdf"'
    return response


@staff_required
def plan_overlay(request: HttpRequest, episode_pk: int) -> HttpResponse:
    """The planned correction drawn on the film the plan was made from."""
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    saved = (
        SurgicalPlan.objects.filter(episode=episode)
        .select_related("measurement__radiograph")
        .first()
    )
    if saved is None or saved.measurement is None:
        raise Http404("No saved plan with a measured film.")
    response = HttpResponse(overlay.render_png(saved, saved.measurement), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response
