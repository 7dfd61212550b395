"""The WHO safety checklist, phase by phase, with the three-way laterality check (DOMAIN §9)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import checklist
from halluxpath.core.checklist import Phase
from halluxpath.patients.access import episode_for
from halluxpath.records import check_version
from halluxpath.surgery import stored
from halluxpath.surgery.access import CHECKLISTS, locked, surgical_editor
from halluxpath.surgery.derived import laterality_for
from halluxpath.surgery.models import SafetyChecklist
from halluxpath.surgery.schemas import PhaseInput


def complete_checklist_phase(
    actor: Actor, episode_id: int, expected_version: int, data: PhaseInput
) -> SafetyChecklist:
    """Tick a phase's items and complete it, if every rule allows (core.checklist)."""
    user = surgical_editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    phase = data.phase
    with transaction.atomic():
        sheet = locked(CHECKLISTS, actor, episode)
        if sheet is None:
            sheet = SafetyChecklist.objects.create(episode=episode)
        check_version("checklist", sheet.version, expected_version)
        now = timezone.now().isoformat()
        ticks = sheet.ticks
        completed = sheet.phases_done
        marks = dict.fromkeys(ticks, True)
        marks.update(dict.fromkeys(data.ticked, True))
        # Only the Time Out checks (and stores) the side: its three sources
        # are three access queries, not worth asking for the other phases.
        laterality = laterality_for(actor, episode) if phase == Phase.TIME_OUT else None
        team = sheet.team_names
        team.update({k: v.strip() for k, v in data.team.model_dump().items() if v.strip()})
        try:
            checklist.check_phase(phase, marks, set(completed), laterality)
            persons = checklist.confirmers(phase, team)
        except checklist.ChecklistRefused as refusal:
            record(
                actor,
                "change",
                object_type="checklist",
                object_id=sheet.pk,
                patient_id=episode.patient_id,
                outcome="denied",
                detail={"phase": phase.value, "reason": str(refusal)},
            )
            raise ValidationError(str(refusal)) from None
        recorder = user.get_full_name() or user.username
        for number in data.ticked:
            if number in persons:
                role, name = persons[number]
                ticks[number] = {
                    "by": user.username,
                    "by_name": recorder,
                    "at": now,
                    "confirmed_by": name,
                    "role": role,
                }
        completed[phase.value] = {"by": user.username, "by_name": recorder, "at": now}
        sheet.team = stored.CHECKLIST_TEAM.stamp(team)
        sheet.ticked = stored.CHECKLIST_TICKED.stamp({str(k): v for k, v in ticks.items()})
        sheet.completed = stored.CHECKLIST_COMPLETED.stamp(completed)
        if phase == Phase.SIGN_IN:
            sheet.site_marked = data.site_marked
            sheet.marked_by = data.marked_by
        if laterality is not None:  # the Time Out
            sheet.laterality = stored.CHECKLIST_LATERALITY.stamp(
                {
                    "ok": laterality.ok,
                    "message": laterality.message,
                    "sources": [list(s) for s in laterality.sources],
                }
            )
            sheet.mark_visible_after_draping = data.mark_visible_after_draping
        sheet.version += 1
        sheet.save()
        record(
            actor,
            "change",
            object_type="checklist",
            object_id=sheet.pk,
            patient_id=episode.patient_id,
            detail={
                "phase": phase.value,
                "ticked": list(data.ticked),
                "team": team,
                "confirmed_by": {str(n): persons[n][1] for n in data.ticked if n in persons},
            },
        )
    return sheet
