"""The patient's documents (aftercare plan and consent sheets as PDFs), and the staff plan PDF.

Every document is reached through its episode with the access helpers, so a
patient's link to another patient's document answers 404, like a missing one,
and every download is in the audit log.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import IO

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from halluxpath.accounts.decorators import patient_required, signed_in_user, staff_required
from halluxpath.aftercare import plan_pdf
from halluxpath.aftercare.access import AFTERCARE_PLANS
from halluxpath.aftercare.models import AftercarePlan
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.imaging import storage
from halluxpath.patients.access import episode_for, visible_patients
from halluxpath.patients.models import Episode
from halluxpath.surgery.access import CONSENT_SHEETS


@dataclass(frozen=True)
class Document:
    title: str
    detail: str
    dated: dt.date
    url: str


def _filename(*parts: object) -> str:
    """A download name made only of letters, digits and hyphens."""
    stem = "-".join(slugify(str(p)) for p in parts)
    return f"{stem}.pdf"


def _pdf(data: IO[bytes], filename: str) -> FileResponse:
    response = FileResponse(
        data, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _plan_of(actor: Actor, episode: Episode) -> AftercarePlan:
    plan = AFTERCARE_PLANS.queryset(actor).filter(episode=episode).first()
    if plan is None:
        raise Http404("No aftercare plan yet.")
    return plan


def _plan_download(request: HttpRequest, episode: Episode, filename: str) -> FileResponse:
    plan = _plan_of(Actor.from_request(request), episode)
    data = plan_pdf.render(plan, episode.patient)
    record(
        Actor.from_request(request),
        "view",
        object_type="aftercare_plan",
        object_id=plan.pk,
        patient_id=episode.patient_id,
        detail={"format": "pdf", "plan_version": plan.version},
    )
    return _pdf(io.BytesIO(data), filename)


@patient_required
def documents(request: HttpRequest) -> HttpResponse:
    """The signed-in patient's aftercare plans and consent sheets, newest first."""
    user = signed_in_user(request)
    actor = Actor.from_request(request)
    found: list[Document] = []
    for plan in AFTERCARE_PLANS.queryset(actor):
        side = plan.episode.get_side_display().lower()
        found.append(
            Document(
                title=f"Your aftercare plan, {side} foot",
                detail=f"Operation on {date_format(plan.operated_on)}",
                dated=timezone.localtime(plan.issued_at).date(),
                url=reverse("aftercare:document_plan", args=[plan.episode_id]),
            )
        )
    sheets = CONSENT_SHEETS.queryset(actor).select_related("episode")
    for sheet in sheets:
        side = sheet.episode.get_side_display().lower()
        found.append(
            Document(
                title=f"Your operation and its risks, {side} foot",
                detail=f"Consent sheet {sheet.number}",
                dated=timezone.localtime(sheet.prepared_at).date(),
                url=reverse("aftercare:document_consent", args=[sheet.pk]),
            )
        )
    found.sort(key=lambda d: d.dated, reverse=True)
    patient = visible_patients(user).first()
    record(
        Actor.from_request(request),
        "view",
        object_type="documents",
        patient_id=patient.pk if patient else None,
        detail={"count": len(found)},
    )
    return render(request, "aftercare/documents.html", {"documents": found})


@patient_required
def patient_plan_pdf(request: HttpRequest, episode_pk: int) -> FileResponse:
    episode = episode_for(Actor.from_request(request), episode_pk, purpose="view")
    return _plan_download(request, episode, _filename("aftercare-plan", episode.side, "foot"))


@patient_required
def patient_consent_pdf(request: HttpRequest, pk: int) -> FileResponse:
    actor = Actor.from_request(request)
    # Another patient's sheet is a 404 like a missing one, and the refusal is recorded.
    sheet = CONSENT_SHEETS.get(actor, pk)
    episode = sheet.episode
    return _pdf(
        storage.open_for_download(sheet.pdf_file),
        _filename("consent-sheet", sheet.number, episode.side, "foot"),
    )


@staff_required
def staff_plan_pdf(request: HttpRequest, episode_pk: int) -> FileResponse:
    episode = episode_for(Actor.from_request(request), episode_pk, purpose="view")
    return _plan_download(
        request,
        episode,
        _filename("aftercare-plan", episode.patient.hospital_number, episode.side),
    )
