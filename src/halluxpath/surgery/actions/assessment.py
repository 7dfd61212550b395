"""Every write to the pre-operative assessment (DOMAIN §6): validate, one transaction, audit."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import risk
from halluxpath.core.episode import EpisodeStatus
from halluxpath.patients.access import episode_for
from halluxpath.patients.actions import advance_episode, person
from halluxpath.records import check_version, field_changes
from halluxpath.surgery import stored
from halluxpath.surgery.access import ASSESSMENTS, locked, surgical_editor
from halluxpath.surgery.derived import core_assessment
from halluxpath.surgery.models import PreoperativeAssessment
from halluxpath.surgery.schemas import AssessmentInput

ASSESSMENT_FIELDS = tuple(AssessmentInput.model_fields)


def save_assessment(
    actor: Actor, episode_id: int, expected_version: int | None, data: AssessmentInput
) -> PreoperativeAssessment:
    """Record or update the pre-operative assessment; compute its risk flags."""
    user = surgical_editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    today = timezone.localdate()
    try:
        found = risk.flags(core_assessment(episode, data, today), today=today)
    except risk.AssessmentError as error:
        raise ValidationError({error.field: str(error)}) from None
    values = data.model_dump(mode="json")
    values["hba1c_date"] = data.hba1c_date
    with transaction.atomic():
        current = locked(ASSESSMENTS, actor, episode)
        check_version("assessment", current.version if current else None, expected_version)
        if current is None:
            current = PreoperativeAssessment(episode=episode, recorded_by=user)
            before: dict[str, Any] = {}
        else:
            before = {k: getattr(current, k) for k in ASSESSMENT_FIELDS}
            current.version += 1
            current.recorded_by = user
        for name, value in values.items():
            setattr(current, name, value)
        current.flags = stored.stamp_items(
            stored.ASSESSMENT_FLAGS, [dataclasses.asdict(f) for f in found]
        )
        current.full_clean(exclude=["episode", "recorded_by"])
        current.save()
        cause = f"assessment saved by {person(user)}"
        advance_episode(actor, episode, EpisodeStatus.ASSESSED, cause)
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
                    k: {"before": c.before, "after": c.after}
                    for k, c in field_changes(before, after).items()
                },
                "flags": [f.rule for f in found],
            },
        )
    return current
