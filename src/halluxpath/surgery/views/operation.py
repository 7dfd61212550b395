"""The operative record page (DOMAIN §5): the steps of the operation, signing, amendments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import signed_in_user, staff_required
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import operative
from halluxpath.core.risk import Anaesthesia
from halluxpath.forms import add_validation_errors
from halluxpath.patients.access import episode_for
from halluxpath.records import EditConflict
from halluxpath.surgery import actions, operative_note
from halluxpath.surgery.access import AMENDMENTS, OPERATIVE_RECORDS
from halluxpath.surgery.forms import IncisionFormSet, OperativeRecordForm, RecordImplantFormSet
from halluxpath.surgery.models import OperativeRecord
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


def record_input(form: OperativeRecordForm, incisions: Any, implants: Any) -> OperativeRecordInput:
    """The valid forms as the action's input; an empty optional choice is "not recorded"."""
    fields = {
        k: (None if v == "" and k in NULLABLE_CHOICES else v)
        for k, v in form.cleaned_data.items()
        if k not in ("operated_on", "reason")
    }
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


def record_initial(saved: OperativeRecord | None) -> tuple[dict[str, Any], list[Any], list[Any]]:
    """The form's starting values: a new record's defaults, or the saved record's fields."""
    if saved is None:
        return (
            {"operated_on": timezone.localdate(), "anaesthesia_primary": Anaesthesia.ANKLE_BLOCK},
            [{"site": operative.IncisionSite.MEDIAL_M1_NECK.value, "length_mm": 3}],
            [],
        )
    content = saved.record_content
    initial = {**operative.entered_fields(content), "operated_on": saved.operated_on}
    return initial, content.get("incisions", []), content.get("implants", [])


@staff_required
def operative_record(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    saved = OPERATIVE_RECORDS.find(actor, episode=episode)
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
    initial, incision_rows, implant_rows = record_initial(saved)
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
                record_input(form, incisions, implants),
            )
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
    return render(
        request,
        "surgery/operation.html",
        {
            "steps": [(title, [form[name] for name in names]) for title, names in RECORD_STEPS],
            "episode": episode,
            "patient": episode.patient,
            "record": saved,
            "form": form,
            "incisions": incisions,
            "implants": implants,
            "editable": editable,
            "version": saved.version if saved else 0,
            "amendments": amendments,
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
