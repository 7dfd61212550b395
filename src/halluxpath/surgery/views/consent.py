"""The consent sheets of an episode: issue a new one, list and download the kept ones."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import signed_in_user, staff_required
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.imaging import storage
from halluxpath.patients.access import episode_for
from halluxpath.surgery import actions
from halluxpath.surgery.access import CONSENT_SHEETS, PLANS


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
    sheets = list(
        CONSENT_SHEETS.queryset(actor).filter(episode=episode).select_related("prepared_by")
    )
    for sheet in sheets:
        CONSENT_SHEETS.shown(actor, sheet)
    return render(
        request,
        "surgery/consent.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "sheets": sheets,
            "editable": permissions.may_change_clinical_records(signed_in_user(request)),
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
