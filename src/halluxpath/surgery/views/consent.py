"""The consent sheets of an episode: issue a new one, list and download the kept ones."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import signed_in_user, staff_required
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.forms import add_validation_errors, typed_input
from halluxpath.imaging import storage
from halluxpath.patients.access import episode_for
from halluxpath.surgery import actions
from halluxpath.surgery.access import CONSENT_SHEETS, PLANS
from halluxpath.surgery.forms import ConsentSignatureForm
from halluxpath.surgery.schemas import ConsentSignatureInput


def record_signature(actor: Actor, episode_pk: int, form: ConsentSignatureForm) -> bool:
    """Call the action with the form's values and scan; False with the refusal on the form."""
    if not form.is_valid():
        return False
    data = typed_input(form, ConsentSignatureInput)
    if data is None:
        return False
    upload = form.cleaned_data.get("signed_copy")
    try:
        actions.record_consent_signature(
            actor,
            episode_pk,
            form.cleaned_data["number"],
            data,
            upload,
            upload.size if upload is not None else 0,
        )
    except ValidationError as error:
        add_validation_errors(form, error)
        return False
    return True


@staff_required
def consent_sheets(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    editable = permissions.may_change_clinical_records(signed_in_user(request))
    signature_form = None
    if request.method == "POST" and editable and request.POST.get("action") == "signature":
        signature_form = ConsentSignatureForm(request.POST, request.FILES)
        if record_signature(actor, episode.pk, signature_form):
            messages.success(request, "The patient's signature is recorded.")
            return redirect("surgery:consent", episode_pk=episode.pk)
    elif request.method == "POST":
        try:
            sheet = actions.issue_consent_sheet(actor, episode.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Consent sheet {sheet.number} prepared.")
        return redirect("surgery:consent", episode_pk=episode.pk)
    sheets = list(
        CONSENT_SHEETS.queryset(actor)
        .filter(episode=episode)
        .select_related("prepared_by", "consent_taken_by")
    )
    for sheet in sheets:
        CONSENT_SHEETS.shown(actor, sheet)
    unsigned = next((sheet for sheet in sheets if not sheet.is_signed), None)
    if signature_form is None and unsigned is not None:
        signature_form = ConsentSignatureForm(
            initial={"number": unsigned.number, "signed_on": timezone.localdate()}
        )
    return render(
        request,
        "surgery/consent.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "sheets": sheets,
            "editable": editable,
            "unsigned": unsigned,
            "signature_form": signature_form,
            "has_plan": PLANS.queryset(actor).filter(episode=episode).exists(),
        },
    )


@staff_required
def consent_pdf_download(request: HttpRequest, episode_pk: int, number: int) -> FileResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    sheet = CONSENT_SHEETS.get(actor, episode=episode, number=number)
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
def consent_signed_copy(request: HttpRequest, episode_pk: int, number: int) -> FileResponse:
    """The scanned signed form of a sheet (404 when none was kept)."""
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    sheet = CONSENT_SHEETS.get(actor, episode=episode, number=number)
    if not sheet.signed_copy:
        raise Http404("No signed copy was kept for this sheet.")
    record(
        actor,
        "export",
        object_type="consent_sheet",
        object_id=sheet.pk,
        patient_id=episode.patient_id,
        detail={"number": number, "signed_copy": True},
    )
    suffix = ".pdf" if sheet.signed_copy_type == "application/pdf" else ".jpg"
    response = FileResponse(
        storage.open_for_download(sheet.signed_copy),
        as_attachment=True,
        filename=f"consent-sheet-{number}-signed{suffix}",
        content_type=sheet.signed_copy_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response
