"""Every write to the pre-operative assessment and the plan (validate, one transaction, audit)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from halluxpath.accounts import permissions
from halluxpath.accounts.models import User
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import checklist, consent, operative, planning, risk
from halluxpath.imaging import storage
from halluxpath.imaging.models import Radiograph
from halluxpath.patients.access import episode_for, require_editor
from halluxpath.patients.models import Episode
from halluxpath.records import check_version
from halluxpath.surgery import consent_pdf
from halluxpath.surgery.models import (
    Amendment,
    ConsentSheet,
    OperativeRecord,
    PreoperativeAssessment,
    SafetyChecklist,
    SurgicalPlan,
)

ASSESSMENT_FIELDS = tuple(
    f.name
    for f in PreoperativeAssessment._meta.get_fields()
    if f.concrete
    and f.name not in ("id", "episode", "flags", "recorded_by", "updated_at", "version")
)
CORE_ASSESSMENT_FIELDS = {f.name for f in dataclasses.fields(risk.Assessment)}


def _editor(actor: Actor) -> User:
    return require_editor(actor, "Your role cannot change the surgical record.")


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
        check_version("assessment", current.version if current else None, expected_version)
        if current is None:
            current = PreoperativeAssessment(episode=episode, recorded_by=user)
            before: dict[str, Any] = {}
        else:
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
        check_version("plan", plan.version if plan else None, expected_version)
        if plan is None:
            plan = SurgicalPlan(episode=episode, decided_by=user)
            before: dict[str, Any] = {}
        else:
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


# --- the safety checklist -------------------------------------------------------------------


def laterality_for(episode: Episode) -> checklist.LateralityCheck:
    """Episode side, the latest consent sheet's side, the planning (or latest pre-operative)
    film's label."""
    sheet = ConsentSheet.objects.filter(episode=episode).order_by("-number").first()
    plan = (
        SurgicalPlan.objects.filter(episode=episode)
        .select_related("measurement__radiograph")
        .first()
    )
    film = (
        plan.measurement.radiograph
        if plan and plan.measurement
        else (
            Radiograph.objects.filter(episode=episode, time_point="pre_op")
            .order_by("-acquired_on", "-pk")
            .first()
        )
    )
    return checklist.check_laterality(
        episode.side,
        str(sheet.content.get("side", "")) if sheet else "",
        film.laterality if film else "",
    )


def complete_checklist_phase(
    actor: Actor,
    episode_id: int,
    expected_version: int,
    phase: str,
    ticked: list[int],
    site: dict[str, Any],
) -> SafetyChecklist:
    """Tick a phase's items and complete it, if every rule allows (core.checklist)."""
    user = _editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    with transaction.atomic():
        sheet, _ = SafetyChecklist.objects.select_for_update().get_or_create(episode=episode)
        check_version("checklist", sheet.version, expected_version)
        now = timezone.now().isoformat()
        marks = {int(k): True for k in sheet.ticked}
        marks.update(dict.fromkeys(ticked, True))
        laterality = laterality_for(episode)
        try:
            checklist.check_phase(phase, marks, set(sheet.completed), laterality)
        except checklist.ChecklistRefused as refusal:
            record(
                actor,
                "change",
                object_type="checklist",
                object_id=sheet.pk,
                patient_id=episode.patient_id,
                outcome="denied",
                detail={"phase": phase, "reason": str(refusal)},
            )
            raise ValidationError(str(refusal)) from None
        for number in ticked:
            sheet.ticked[str(number)] = {"by": user.username, "at": now}
        sheet.completed[phase] = {"by": user.username, "at": now}
        if phase == "sign_in":
            sheet.site_marked = bool(site.get("site_marked"))
            sheet.marked_by = str(site.get("marked_by", ""))[:150]
        if phase == "time_out":
            sheet.laterality = {
                "ok": laterality.ok,
                "message": laterality.message,
                "sources": [list(s) for s in laterality.sources],
            }
            sheet.mark_visible_after_draping = site.get("mark_visible_after_draping")
        sheet.version += 1
        sheet.save()
        record(
            actor,
            "change",
            object_type="checklist",
            object_id=sheet.pk,
            patient_id=episode.patient_id,
            detail={"phase": phase, "ticked": ticked},
        )
    return sheet


# --- the operative record ---------------------------------------------------------------------


def _validated_content(data: dict[str, Any]) -> dict[str, Any]:
    incisions = [
        operative.Incision(i["site"], float(i["length_mm"])) for i in data.get("incisions", [])
    ]
    try:
        operative.validate(data, incisions, data.get("implants", []))
    except operative.RecordError as error:
        raise ValidationError({error.field: str(error)}) from None
    return {
        **data,
        "mis_all_within_5mm": operative.all_minimally_invasive(incisions),
        "incisions_over_5mm": [vars(i) for i in operative.long_incisions(incisions)],
    }


def save_operative_record(
    actor: Actor,
    episode_id: int,
    expected_version: int,
    operated_on: dt.date,
    data: dict[str, Any],
    reason: str = "",
) -> OperativeRecord:
    """Write the record; once signed, a change is an amendment and needs a reason."""
    user = _editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    if operated_on > timezone.localdate():
        raise ValidationError({"operated_on": "The operation date cannot be in the future."})
    content = _validated_content(data)
    with transaction.atomic():
        current = OperativeRecord.objects.select_for_update().filter(episode=episode).first()
        check_version("operative record", current.version if current else None, expected_version)
        if current is None:
            current = OperativeRecord.objects.create(
                episode=episode, operated_on=operated_on, content=content, recorded_by=user
            )
            record(
                actor,
                "create",
                object_type="operative_record",
                object_id=current.pk,
                patient_id=episode.patient_id,
                detail={"content": content},
            )
            return current
        before = {**current.content, "operated_on": current.operated_on.isoformat()}
        after = {**content, "operated_on": operated_on.isoformat()}
        changes = {
            k: {"before": before.get(k), "after": v} for k, v in after.items() if before.get(k) != v
        }
        if not changes:
            return current
        if current.is_signed:
            if not reason.strip():
                raise ValidationError(
                    {"reason": "The record is signed: give the reason for this amendment."}
                )
            Amendment.objects.create(
                record=current, changes=changes, reason=reason.strip(), author=user
            )
        current.content = content
        current.operated_on = operated_on
        current.version += 1
        current.save()
        record(
            actor,
            "change",
            object_type="operative_record",
            object_id=current.pk,
            patient_id=episode.patient_id,
            detail={"changes": changes, "amendment": current.is_signed, "reason": reason.strip()},
        )
    return current


def sign_operative_record(actor: Actor, episode_id: int, expected_version: int) -> OperativeRecord:
    """The surgeon signs the record; the checklist must be complete first."""
    user = _editor(actor)
    if not permissions.may_sign_operative_record(user):
        raise PermissionDenied("Only a surgeon signs the operative record.")
    episode = episode_for(actor, episode_id, purpose="edit")
    with transaction.atomic():
        current = OperativeRecord.objects.select_for_update().filter(episode=episode).first()
        if current is None:
            raise ValidationError("Write the operative record before signing it.")
        check_version("operative record", current.version, expected_version)
        if current.is_signed:
            raise ValidationError("The record is already signed; changes are amendments.")
        sheet = SafetyChecklist.objects.filter(episode=episode).first()
        missing = [p for p in checklist.PHASES if not sheet or p not in sheet.completed]
        if missing:
            raise ValidationError(
                "The safety checklist is not complete ("
                + ", ".join(checklist.PHASE_LABELS[p].split(" (")[0] for p in missing)
                + " open): the record cannot be signed yet."
            )
        current.signed_content = {**current.content, "operated_on": current.operated_on.isoformat()}
        current.signed_by = user
        current.signed_at = timezone.now()
        current.version += 1
        current.save()
        record(
            actor,
            "change",
            object_type="operative_record",
            object_id=current.pk,
            patient_id=episode.patient_id,
            detail={"signed": True},
        )
    return current
