"""Every write to the pre-operative assessment and the plan (validate, one transaction, audit)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from halluxpath.accounts.models import User
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import consent, planning, risk
from halluxpath.imaging import storage
from halluxpath.patients.access import episode_for, may_edit
from halluxpath.patients.actions import EditConflict
from halluxpath.patients.models import Episode
from halluxpath.surgery import consent_pdf
from halluxpath.surgery.models import ConsentSheet, PreoperativeAssessment, SurgicalPlan

ASSESSMENT_FIELDS = tuple(
    f.name
    for f in PreoperativeAssessment._meta.get_fields()
    if f.concrete
    and f.name not in ("id", "episode", "flags", "recorded_by", "updated_at", "version")
)
CORE_ASSESSMENT_FIELDS = {f.name for f in dataclasses.fields(risk.Assessment)}


def _editor(actor: Actor) -> User:
    if actor.user is None or not may_edit(actor.user):
        raise PermissionDenied("Your role cannot change the surgical record.")
    return actor.user


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def core_assessment(episode: Episode, data: dict[str, Any], today: dt.date) -> risk.Assessment:
    values = {k: v for k, v in data.items() if k in CORE_ASSESSMENT_FIELDS}
    return risk.Assessment(age_years=age_on(episode.patient.date_of_birth, today), **values)


def _flags_json(found: list[risk.Flag]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(f) for f in found]


def save_assessment(
    actor: Actor, episode_id: int, expected_version: int | None, data: dict[str, Any]
) -> PreoperativeAssessment:
    """Record or update the pre-operative assessment; compute its risk flags."""
    user = _editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    today = timezone.localdate()
    try:
        found = risk.flags(core_assessment(episode, data, today), today=today)
    except risk.AssessmentError as error:
        raise ValidationError({error.field: str(error)}) from None
    with transaction.atomic():
        current = PreoperativeAssessment.objects.select_for_update().filter(episode=episode).first()
        if current is None:
            if expected_version not in (None, 0):
                raise EditConflict("assessment", 0)
            current = PreoperativeAssessment(episode=episode, recorded_by=user)
            before: dict[str, Any] = {}
        else:
            if current.version != expected_version:
                raise EditConflict("assessment", current.version)
            before = {k: getattr(current, k) for k in ASSESSMENT_FIELDS}
            current.version += 1
            current.recorded_by = user
        for name in ASSESSMENT_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        current.flags = _flags_json(found)
        current.full_clean(exclude=["episode", "recorded_by"])
        current.save()
        after = {k: getattr(current, k) for k in ASSESSMENT_FIELDS}
        record(
            actor,
            "change" if before else "create",
            object_type="assessment",
            object_id=current.pk,
            patient_id=episode.patient_id,
            detail={
                "version": current.version,
                "changes": {
                    k: {"before": before.get(k), "after": v}
                    for k, v in after.items()
                    if before.get(k) != v
                },
                "flags": [f.rule for f in found],
            },
        )
    return current


def planning_inputs(findings: dict[str, Any], results: dict[str, Any]) -> planning.PlanningInputs:
    return planning.PlanningInputs(
        hva_deg=results.get("hva_deg"),
        ima_deg=float(results["ima_deg"]),
        hvia_deg=results.get("hvia_deg"),
        dmaa_deg=results.get("dmaa_deg"),
        sesamoid_position=results.get("sesamoid_position"),
        severity=results.get("severity"),
        **{
            k: findings[k]
            for k in (
                "m1_head_lateral_edge",
                "mtp_arthritis_grade",
                "painful_stiff_mtp",
                "first_ray_instability",
                "inflammatory_forefoot_destruction",
                "growth_plates_open",
                "surgeon_mis_trained",
            )
            if k in findings
        },
    )


def suggestion_json(suggestion: planning.PlanSuggestion) -> dict[str, Any]:
    return dataclasses.asdict(suggestion)


def save_plan(
    actor: Actor,
    episode_id: int,
    expected_version: int | None,
    *,
    measurement_id: int | None,
    results: dict[str, Any],
    findings: dict[str, Any],
    translation: planning.TranslationPlan | None,
    choice: dict[str, Any],
) -> SurgicalPlan:
    """Store the suggestion and the surgeon's decision side by side."""
    user = _editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    suggestion = planning.suggest(planning_inputs(findings, results), translation)
    inputs = {
        "measurement": measurement_id,
        "results": results,
        "findings": findings,
        "translation": dataclasses.asdict(translation) if translation else None,
    }
    with transaction.atomic():
        plan = SurgicalPlan.objects.select_for_update().filter(episode=episode).first()
        if plan is None:
            if expected_version not in (None, 0):
                raise EditConflict("plan", 0)
            plan = SurgicalPlan(episode=episode, decided_by=user)
            before: dict[str, Any] = {}
        else:
            if plan.version != expected_version:
                raise EditConflict("plan", plan.version)
            before = {
                "technique": plan.technique,
                "akin": plan.akin,
                "target_ima_deg": plan.target_ima_deg,
                "fixation": plan.fixation,
            }
            plan.version += 1
            plan.decided_by = user
        plan.measurement_id = measurement_id
        plan.inputs = inputs
        plan.suggested = suggestion_json(suggestion)
        plan.technique = choice["technique"]
        plan.akin = choice["akin"]
        plan.target_ima_deg = choice["target_ima_deg"]
        plan.planned_shift_mm = translation.shift_mm if translation else None
        plan.planned_shift_pct = translation.shift_pct if translation else None
        plan.fixation = choice["fixation"]
        plan.notes = choice.get("notes", "")
        plan.full_clean(exclude=["episode", "decided_by", "measurement"])
        plan.save()
        record(
            actor,
            "change" if before else "create",
            object_type="plan",
            object_id=plan.pk,
            patient_id=episode.patient_id,
            detail={
                "version": plan.version,
                "before": before,
                "chosen": {
                    "technique": plan.technique,
                    "akin": plan.akin,
                    "target_ima_deg": plan.target_ima_deg,
                    "fixation": plan.fixation,
                },
                "suggested": {
                    "technique": suggestion.technique,
                    "akin": suggestion.akin,
                    "rules": [f.rule for f in suggestion.findings],
                },
            },
        )
    return plan


def issue_consent_sheet(actor: Actor, episode_id: int) -> ConsentSheet:
    """Make the next consent sheet from the plan and the assessment, and keep it."""
    user = _editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    plan = SurgicalPlan.objects.filter(episode=episode).first()
    if plan is None:
        raise ValidationError(
            "Save the operative plan first: the sheet describes the planned operation."
        )
    assessment = PreoperativeAssessment.objects.filter(episode=episode).first()
    content = consent.build(
        patient_name=episode.patient.full_name,
        side=episode.get_side_display().lower(),
        procedure=plan.get_technique_display(),
        akin=plan.akin,
        flags=assessment.flags if assessment else [],
    )
    with transaction.atomic():
        last = (
            ConsentSheet.objects.select_for_update()
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
                content=dataclasses.asdict(content),
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
