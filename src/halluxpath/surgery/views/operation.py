"""The operative record page (DOMAIN §5): the steps of the operation, signing, amendments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from pydantic import ValidationError as InputError

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import signed_in_user, staff_required
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import operative, planning
from halluxpath.core.risk import Anaesthesia
from halluxpath.forms import add_validation_errors
from halluxpath.patients.access import episode_for
from halluxpath.records import EditConflict, SchemaError
from halluxpath.surgery import actions, operative_note
from halluxpath.surgery.access import AMENDMENTS, OPERATIVE_RECORDS, PLANS
from halluxpath.surgery.forms import (
    STALE_FORM,
    IncisionFormSet,
    OperativeRecordForm,
    RecordImplantFormSet,
    posted_version,
)
from halluxpath.surgery.models import OperativeRecord, SurgicalPlan
from halluxpath.surgery.operative_note import FIELD_LABELS
from halluxpath.surgery.schemas import OperativeRecordFields, OperativeRecordInput

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


NULLABLE_CHOICES = ("tourniquet_site",)  # an empty choice here means "not recorded"


def record_input(
    form: OperativeRecordForm, incisions: Any, implants: Any
) -> OperativeRecordInput | None:
    """The valid forms as the action's input (one schema for page and API), or None with the
    refusal shown on the form; an empty optional choice is "not recorded"."""
    fields = {
        k: (None if v == "" and k in NULLABLE_CHOICES else v)
        for k, v in form.cleaned_data.items()
        if k not in ("operated_on", "reason")
    }
    try:
        return OperativeRecordInput(
            operated_on=form.cleaned_data["operated_on"],
            reason=form.cleaned_data["reason"],
            content=OperativeRecordFields.model_validate(
                {
                    **fields,
                    "incisions": [dict(row) for row in incisions.cleaned_data if row],
                    "implants": [dict(row) for row in implants.cleaned_data if row],
                }
            ),
        )
    except InputError as error:
        for problem in error.errors():
            names = [str(part) for part in problem["loc"]]
            field = next((n for n in names if n in form.fields), None)
            form.add_error(field, problem["msg"])
        return None


def implant_count(value: object) -> int:
    """A planned row's number of implants, 1 to 6 (1 for a legacy value that is not one)."""
    return value if isinstance(value, int) and 1 <= value <= 6 else 1


def planned_initial(plan: SurgicalPlan | None) -> tuple[dict[str, Any], list[Any]]:
    """A new record's values taken from the saved plan: the technique's osteotomy, the Akin
    and the planned implants (one row per implant), so the surgeon records what changed."""
    if plan is None:
        return {}, []
    values: dict[str, Any] = {"akin_done": plan.akin}
    if plan.technique == planning.Technique.MIS_DISTAL:
        values.update(
            osteotomy_level=operative.OsteotomyLevel.DISTAL_METAPHYSEAL.value,
            osteotomy_instrument=operative.Instrument.BURR.value,
        )
    rows = [
        {k: row.get(k) for k in ("bone", "kind", "diameter_mm", "length_mm")}
        for row in plan.fixation_rows
        if isinstance(row, dict)
        for _ in range(implant_count(row.get("count")))
    ]
    return values, rows[:8]


def record_initial(
    saved: OperativeRecord | None, plan: SurgicalPlan | None
) -> tuple[dict[str, Any], list[Any], list[Any]]:
    """The form's starting values: the saved record's fields, else the plan's, else defaults."""
    if saved is None:
        planned, implants = planned_initial(plan)
        return (
            {
                "operated_on": timezone.localdate(),
                "anaesthesia_primary": Anaesthesia.ANKLE_BLOCK,
                **planned,
            },
            [{"site": operative.IncisionSite.MEDIAL_M1_NECK.value, "length_mm": 3}],
            implants,
        )
    content, _ = saved.readable_record
    initial = {**operative.entered_fields(content), "operated_on": saved.operated_on}
    return initial, content.get("incisions", []), content.get("implants", [])


def record_rows(content: dict[str, Any]) -> list[tuple[str, str]]:
    """A stored record as (label, value) lines, labels not codes, for the page."""
    rows = [
        (FIELD_LABELS.get(key, key.replace("_", " ").capitalize()), operative.shown(key, value))
        for key, value in content.items()
        if key not in operative.DERIVED_KEYS
    ]
    for key, fields in (
        ("incisions", ("site", "length_mm")),
        ("osteotomies", ("bone", "level", "type", "instrument")),
        ("implants", ("bone", "kind", "diameter_mm", "length_mm", "manufacturer", "lot")),
    ):
        for row in content.get(key, []):
            parts = [
                operative.shown(f, row.get(f)) + (" mm" if f.endswith("_mm") else "")
                for f in fields
                if row.get(f) not in (None, "")
            ]
            rows.append((FIELD_LABELS[key], ", ".join(parts)))
    return rows


def amendment_lines(amendments: Any) -> list[dict[str, Any]]:
    """Each amendment with its changes in words (an unreadable change says so)."""
    lines = []
    for a in amendments:
        try:
            changed = a.field_changes
        except SchemaError:
            changed = {}
        lines.append(
            {
                "amendment": a,
                "changes": [
                    (
                        FIELD_LABELS.get(k, k),
                        operative.shown(k, v.get("before")),
                        operative.shown(k, v.get("after")),
                    )
                    if isinstance(v, dict)
                    else (FIELD_LABELS.get(k, k), "unreadable", "unreadable")
                    for k, v in changed.items()
                ],
            }
        )
    return lines


SIGN_CONFIRMATION = (
    "Tick the box to confirm the signature: once signed, the record cannot be edited, "
    "only amended with a reason."
)


@staff_required
def operative_record(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    saved = OPERATIVE_RECORDS.find(actor, episode=episode)
    user = signed_in_user(request)
    editable = permissions.may_change_clinical_records(user)
    posted = request.method == "POST" and editable
    if posted and request.POST.get("action") == "sign":
        version = posted_version(request.POST)
        try:
            if version is None:
                raise ValidationError(STALE_FORM)
            if request.POST.get("confirm") != "on":
                raise ValidationError(SIGN_CONFIRMATION)
            actions.sign_operative_record(actor, episode.pk, version)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        except EditConflict as conflict:
            messages.error(request, str(conflict))
        else:
            messages.success(request, "Operative record signed.")
        return redirect("surgery:operation", episode_pk=episode.pk)
    plan = PLANS.find(actor, episode=episode) if saved is None else None
    initial, incision_rows, implant_rows = record_initial(saved, plan)
    form = OperativeRecordForm(request.POST if posted else None, initial=initial)
    # Bound formsets take the posted rows as they are: with initial rows, an
    # unchanged row would count as empty.
    incisions = IncisionFormSet(
        request.POST if posted else None, prefix="inc", initial=None if posted else incision_rows
    )
    implants = RecordImplantFormSet(
        request.POST if posted else None, prefix="imp", initial=None if posted else implant_rows
    )
    valid = posted and all([form.is_valid(), incisions.is_valid(), implants.is_valid()])
    data = record_input(form, incisions, implants) if valid else None
    if data is not None:
        version = posted_version(request.POST)
        try:
            if version is None:
                raise ValidationError(STALE_FORM)
            actions.save_operative_record(actor, episode.pk, version, data)
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "Operative record saved.")
            return redirect("surgery:operation", episode_pk=episode.pk)
    amendments = (
        AMENDMENTS.queryset(actor).filter(record=saved).select_related("author") if saved else []
    )
    readable, unreadable = saved.readable_record if saved else ({}, ())
    signed = saved.readable_signed_record if saved else None
    return render(
        request,
        "surgery/operation.html",
        {
            "steps": [(title, [form[name] for name in names]) for title, names in RECORD_STEPS],
            "episode": episode,
            "patient": episode.patient,
            "record": saved,
            "from_plan": plan is not None and saved is None,
            "long_incisions": [
                (operative.shown("site", i.get("site")), i.get("length_mm"))
                for i in readable.get("incisions_over_5mm", [])
            ],
            "unreadable": unreadable,
            "signed_rows": record_rows(signed[0]) if signed else [],
            "signed_unreadable": signed[1] if signed else (),
            "form": form,
            "incisions": incisions,
            "implants": implants,
            "editable": editable,
            "version": saved.version if saved else 0,
            "amendments": amendment_lines(amendments),
        },
    )


@staff_required
def operative_note_pdf(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    saved = OPERATIVE_RECORDS.get(actor, episode=episode)
    record(
        actor,
        "export",
        object_type="operative_record",
        object_id=saved.pk,
        patient_id=episode.patient_id,
        detail={"format": "pdf"},
    )
    response = HttpResponse(operative_note.render(saved), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="operative-note-{episode.pk}.pdf"'
    return response
