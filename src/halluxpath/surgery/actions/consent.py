"""Issuing the personalised consent and risk sheet (DOMAIN §8): kept as shown, never changed."""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import consent
from halluxpath.imaging import storage
from halluxpath.patients.access import episode_for
from halluxpath.surgery import consent_pdf, stored
from halluxpath.surgery.access import ASSESSMENTS, CONSENT_SHEETS, PLANS, surgical_editor
from halluxpath.surgery.models import ConsentSheet


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
            prepared_by=str(user),
            prepared_on=now.strftime("%d %b %Y"),
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
