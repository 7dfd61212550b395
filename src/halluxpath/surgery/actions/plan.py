"""Every write to the surgical plan (DOMAIN §3, §4): the figures are computed here, never taken.

The action loads the planning reading itself (derived.planning_measurement),
computes the lever arm from its landmarks, the translation needed and the
suggestion (derived.figures over core.planning.plan_figures), and stores them beside the
surgeon's findings and decision. The page calls the same functions only to
show a preview; neither front door can hand a figure in.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core.episode import EpisodeStatus
from halluxpath.patients.access import episode_for
from halluxpath.patients.actions import advance_episode, person
from halluxpath.records import check_version
from halluxpath.surgery import stored
from halluxpath.surgery.access import PLANS, locked, surgical_editor
from halluxpath.surgery.derived import figures, planning_measurement
from halluxpath.surgery.models import SurgicalPlan
from halluxpath.surgery.schemas import PlanInput


def save_plan(
    actor: Actor, episode_id: int, expected_version: int | None, data: PlanInput
) -> SurgicalPlan:
    """Store the suggestion, computed here from the planning film, beside the surgeon's decision."""
    user = surgical_editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    measurement = planning_measurement(actor, episode)
    if measurement is None:
        raise ValidationError(
            "Upload a pre-operative radiograph and place its landmarks first: "
            "the plan is computed from them."
        )
    computed = figures(episode, measurement, data.findings)
    translation = computed.translation
    suggestion = computed.suggestion
    choice = data.choice
    fixation = [row.model_dump(mode="json") for row in choice.fixation]
    inputs = {
        "measurement": measurement.pk,
        "results": measurement.results,
        "findings": data.findings.model_dump(mode="json"),
        "lever_mm_from_film": computed.lever_mm_from_film,
        "lever_mm": computed.lever_mm,
        "shaft_width_mm": computed.shaft_width_mm,
        "translation": dataclasses.asdict(translation) if translation else None,
    }
    with transaction.atomic():
        plan = locked(PLANS, actor, episode)
        check_version("plan", plan.version if plan else None, expected_version)
        if plan is None:
            plan = SurgicalPlan(episode=episode, decided_by=user)
            before: dict[str, Any] = {}
        else:
            before = {
                "technique": plan.technique,
                "akin": plan.akin,
                "target_ima_deg": plan.target_ima_deg,
                "fixation": plan.fixation_rows,
            }
            plan.version += 1
            plan.decided_by = user
        plan.measurement = measurement
        plan.inputs = stored.PLAN_INPUTS.stamp(inputs)
        plan.suggested = stored.PLAN_SUGGESTION.stamp(dataclasses.asdict(suggestion))
        plan.technique = choice.technique.value
        plan.akin = choice.akin
        plan.target_ima_deg = data.findings.target_ima_deg
        plan.planned_shift_mm = translation.shift_mm if translation else None
        plan.planned_shift_pct = translation.shift_pct if translation else None
        plan.fixation = stored.stamp_items(stored.PLAN_FIXATION, fixation)
        plan.notes = choice.notes
        plan.full_clean(exclude=["episode", "decided_by", "measurement"])
        plan.save()
        advance_episode(actor, episode, EpisodeStatus.PLANNED, f"plan saved by {person(user)}")
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
                    "fixation": fixation,
                },
                "suggested": {
                    "technique": suggestion.technique,
                    "akin": suggestion.akin,
                    "rules": [f.rule for f in suggestion.findings],
                },
            },
        )
    return plan
