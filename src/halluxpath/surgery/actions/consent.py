"""Issuing the personalised consent and risk sheet (DOMAIN §8): kept as shown, never changed."""

from __future__ import annotations

import dataclasses
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import consent
from halluxpath.imaging import storage
from halluxpath.imaging.limits import UploadRefused
from halluxpath.patients.access import episode_for
from halluxpath.surgery import consent_pdf, signed_copy, stored
from halluxpath.surgery.access import ASSESSMENTS, CONSENT_SHEETS, PLANS, surgical_editor
from halluxpath.surgery.models import ConsentSheet
from halluxpath.surgery.schemas import ConsentSignatureInput


def issue_consent_sheet(actor: Actor, episode_id: int) -> ConsentSheet:
    """Make the next consent sheet from the plan and the assessment, and keep it."""
    user = surgical_editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    plan = PLANS.find(actor, purpose="edit", episode=episode)
    if plan is None:
        raise ValidationError(
            "Save the operative plan first: the sheet describes the planned operation."
        )
    assessment = ASSESSMENTS.find(actor, purpose="edit", episode=episode)
    content = consent.build(
        patient_name=episode.patient.full_name,
        side=episode.get_side_display().lower(),
        procedure=plan.get_technique_display(),
        akin=plan.akin,
        flags=assessment.risk_flags if assessment else [],
    )
    with transaction.atomic():
        last = (
            CONSENT_SHEETS.queryset(actor)
            .select_for_update(of=("self",))
            .filter(episode=episode)
            .order_by("-number")
            .first()
        )
        number = last.number + 1 if last else 1
        now = timezone.localtime()
        pdf = consent_pdf.render(
            content,
            sheet_number=number,
            prepared_by=user.get_full_name() or user.username,
            prepared_on=date_format(now.date()),
            date_of_birth=date_format(episode.patient.date_of_birth),
            hospital_number=episode.patient.hospital_number,
        )
        path, digest = storage.store_document(pdf, ".pdf", folder="consent")
        try:
            sheet = ConsentSheet.objects.create(
                episode=episode,
                number=number,
                content=stored.CONSENT_SHEET.stamp(dataclasses.asdict(content)),
                pdf_file=path,
                sha256=digest,
                prepared_by=user,
            )
            record(
                actor,
                "create",
                object_type="consent_sheet",
                object_id=sheet.pk,
                patient_id=episode.patient_id,
                detail={
                    "number": number,
                    "sha256": digest,
                    "personal_risks": [r.topic for r in content.personal_risks],
                },
            )
        except BaseException:
            storage.remove(path)
            raise
    return sheet


def record_consent_signature(
    actor: Actor,
    episode_id: int,
    number: int,
    data: ConsentSignatureInput,
    scan: IO[bytes] | None = None,
    scan_size: int = 0,
) -> ConsentSheet:
    """Record that the patient signed sheet ``number``: when, who took consent (the actor),
    the interpreter if one was used, and the scanned signed form if the clinic keeps paper.

    Recorded once: a sheet's signature is never changed (a new consent is a new sheet).
    ``scan`` is checked here (surgery.signed_copy), the same for the page and the API.
    """
    user = surgical_editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    if bool(data.interpreter_name.strip()) != bool(data.interpreter_language.strip()):
        raise ValidationError(
            {"interpreter_language": "Give both the interpreter's name and the language."}
        )
    try:
        copy = signed_copy.check_signed_copy(scan, scan_size) if scan is not None else None
    except UploadRefused as refusal:
        raise ValidationError({"signed_copy": str(refusal)}) from None
    path, digest = signed_copy.store(copy) if copy is not None else ("", "")
    try:
        with transaction.atomic():
            sheet = (
                CONSENT_SHEETS.queryset(actor)
                .select_for_update(of=("self",))
                .filter(episode=episode, number=number)
                .first()
            )
            if sheet is None:
                raise Http404("No such consent sheet.")
            if sheet.is_signed:
                raise ValidationError(
                    "This sheet's signature is already recorded; prepare a new sheet for a "
                    "new consent."
                )
            if data.signed_on < timezone.localtime(sheet.prepared_at).date():
                raise ValidationError(
                    {"signed_on": "The sheet cannot be signed before it was prepared."}
                )
            sheet.signed_on = data.signed_on
            sheet.consent_taken_by = user
            sheet.signature_recorded_at = timezone.now()
            sheet.interpreter_name = data.interpreter_name.strip()
            sheet.interpreter_language = data.interpreter_language.strip()
            sheet.signed_copy = path
            sheet.signed_copy_sha256 = digest
            sheet.signed_copy_type = copy.content_type if copy is not None else ""
            sheet.save()
            record(
                actor,
                "change",
                object_type="consent_sheet",
                object_id=sheet.pk,
                patient_id=episode.patient_id,
                detail={
                    "number": number,
                    "signed_on": data.signed_on.isoformat(),
                    "interpreter": bool(sheet.interpreter_name),
                    "signed_copy_sha256": digest,
                },
            )
    except BaseException:
        if path:
            storage.remove(path)
        raise
    return sheet
