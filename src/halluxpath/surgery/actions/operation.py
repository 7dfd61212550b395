"""The operative record (DOMAIN §5): write, sign once, then amend with a reason."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from halluxpath.accounts import permissions
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core.checklist import Phase
from halluxpath.core.episode import EpisodeStatus
from halluxpath.patients.access import episode_for
from halluxpath.patients.actions import advance_episode, person
from halluxpath.records import check_version, field_changes
from halluxpath.registry.actions import refresh_case
from halluxpath.surgery import stored
from halluxpath.surgery.access import CHECKLISTS, OPERATIVE_RECORDS, locked, surgical_editor
from halluxpath.surgery.derived import record_content
from halluxpath.surgery.models import Amendment, OperativeRecord
from halluxpath.surgery.schemas import OperativeRecordInput


def save_operative_record(
    actor: Actor, episode_id: int, expected_version: int, data: OperativeRecordInput
) -> OperativeRecord:
    """Write the record; once signed, a change is an amendment and needs a reason."""
    user = surgical_editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    operated_on = data.operated_on
    reason = data.reason.strip()
    if operated_on > timezone.localdate():
        raise ValidationError({"operated_on": "The operation date cannot be in the future."})
    content = record_content(data.content)
    with transaction.atomic():
        current = locked(OPERATIVE_RECORDS, actor, episode)
        check_version("operative record", current.version if current else None, expected_version)
        if current is None:
            current = OperativeRecord.objects.create(
                episode=episode,
                operated_on=operated_on,
                content=stored.OPERATIVE_RECORD.stamp(content),
                recorded_by=user,
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
        before = {**current.record_content, "operated_on": current.operated_on.isoformat()}
        after = {**content, "operated_on": operated_on.isoformat()}
        changes = {
            k: {"before": c.before, "after": c.after}
            for k, c in field_changes(before, after).items()
        }
        if not changes:
            return current
        if current.is_signed:
            if not reason:
                raise ValidationError(
                    {"reason": "The record is signed: give the reason for this amendment."}
                )
            Amendment.objects.create(
                record=current,
                changes=stored.AMENDMENT_CHANGES.stamp(changes),
                reason=reason,
                author=user,
            )
        current.content = stored.OPERATIVE_RECORD.stamp(content)
        current.operated_on = operated_on
        current.version += 1
        current.save()
        record(
            actor,
            "change",
            object_type="operative_record",
            object_id=current.pk,
            patient_id=episode.patient_id,
            detail={"changes": changes, "amendment": current.is_signed, "reason": reason},
        )
        refresh_case(episode.pk)
    return current


def sign_operative_record(actor: Actor, episode_id: int, expected_version: int) -> OperativeRecord:
    """The surgeon signs the record; the checklist must be complete first."""
    user = surgical_editor(actor)
    if not permissions.may_sign_operative_record(user):
        raise PermissionDenied("Only a surgeon signs the operative record.")
    episode = episode_for(actor, episode_id, purpose="edit")
    with transaction.atomic():
        current = locked(OPERATIVE_RECORDS, actor, episode)
        if current is None:
            raise ValidationError("Write the operative record before signing it.")
        check_version("operative record", current.version, expected_version)
        if current.is_signed:
            raise ValidationError("The record is already signed; changes are amendments.")
        sheet = CHECKLISTS.find(actor, purpose="edit", episode=episode)
        done = sheet.phases_done if sheet else {}
        missing = [p for p in Phase if p.value not in done]
        if missing:
            raise ValidationError(
                "The safety checklist is not complete ("
                + ", ".join(p.short_label for p in missing)
                + " open): the record cannot be signed yet."
            )
        current.signed_content = stored.OPERATIVE_RECORD.stamp(
            {**current.record_content, "operated_on": current.operated_on.isoformat()}
        )
        current.signed_by = user
        current.signed_at = timezone.now()
        current.version += 1
        current.save()
        cause = f"operative record signed by {person(user)}"
        advance_episode(actor, episode, EpisodeStatus.OPERATED, cause)
        record(
            actor,
            "change",
            object_type="operative_record",
            object_id=current.pk,
            patient_id=episode.patient_id,
            detail={"signed": True},
        )
        refresh_case(episode.pk)
    return current
