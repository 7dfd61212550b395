"""Recurrence proposed from a measured follow-up film, then confirmed or rejected (issue 13 item 4).

DOMAIN §2 and "Decisions taken on top of the literature": HVA above the
site's threshold (``Site.recurrence_hva_threshold``, > 15° by default) on a
standing DP film at 6 months (182 days) or later after the operation proposes
recurrence (core.complications.recurrence_proposed). Nothing is recorded
silently: the proposal waits on the surgeon's worklist, and only the surgeon's
confirmation makes it a complication of kind recurrence; a rejection keeps its
reason. One proposal per measurement; none once the episode's recurrence is
recorded.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from halluxpath.accounts import permissions
from halluxpath.accounts.models import User
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.complications.access import COMPLICATIONS, RECURRENCE_PROPOSALS
from halluxpath.complications.actions._shared import PAGE_ONLY, as_json
from halluxpath.complications.models import Complication, RecurrenceProposal
from halluxpath.complications.schemas import ConfirmRecurrenceInput, RejectRecurrenceInput
from halluxpath.core.complications import (
    FollowUpFilm,
    Kind,
    ProposalStatus,
    grades_of,
    is_grade_of,
    recurrence_definition,
    recurrence_proposed,
)
from halluxpath.core.landmarks import FilmView
from halluxpath.frontdoor import page_only
from halluxpath.imaging.models import Measurement
from halluxpath.records import check_version
from halluxpath.registry.actions import refresh_case
from halluxpath.surgery.access import OPERATIVE_RECORDS

DECIDER_REFUSAL = "Only a surgeon confirms or rejects a proposed recurrence."


@page_only(
    "Made by imaging's save_measurement when a follow-up film is measured, on every front "
    "door that saves a measurement; it is never called on its own."
)
def propose_recurrence(actor: Actor, measurement: Measurement) -> RecurrenceProposal | None:
    """Propose recurrence if the measured film meets the site's rule; else nothing.

    Called inside the transaction that stores the measurement, so the
    proposal and the measurement are saved together or not at all.
    """
    radiograph = measurement.radiograph
    episode = radiograph.episode
    # Read, not shown: no view event (the proposal's own event names the film).
    operative_record = OPERATIVE_RECORDS.queryset(actor).filter(episode=episode).first()
    if operative_record is None:
        return None
    days = (radiograph.acquired_on - operative_record.operated_on).days
    hva = measurement.results.get("hva_deg") if isinstance(measurement.results, dict) else None
    film = FollowUpFilm(
        hva_deg=float(hva) if isinstance(hva, int | float) else None,
        days_after_operation=days,
        for_grading=radiograph.weight_bearing and radiograph.view == FilmView.DP,
    )
    threshold = episode.patient.site.recurrence_hva_threshold
    if not recurrence_proposed(film, threshold) or film.hva_deg is None:
        return None
    if _recorded_recurrence(actor, episode.pk) is not None:
        return None
    proposal = RecurrenceProposal.objects.create(
        episode=episode,
        radiograph=radiograph,
        measurement=measurement,
        hva_deg=film.hva_deg,
        threshold_deg=threshold,
        days_after_operation=days,
    )
    record(
        actor,
        "create",
        object_type="recurrence_proposal",
        object_id=proposal.pk,
        patient_id=episode.patient_id,
        detail={
            "measurement": measurement.pk,
            "hva_deg": film.hva_deg,
            "definition": recurrence_definition(threshold),
            "days_after_operation": days,
        },
    )
    return proposal


def _recorded_recurrence(actor: Actor, episode_id: int) -> Complication | None:
    """The episode's recorded recurrence (not entered in error), if there is one."""
    return (
        COMPLICATIONS.queryset(actor)
        .filter(episode_id=episode_id, kind=Kind.RECURRENCE, entered_in_error=False)
        .first()
    )


def _decider(actor: Actor) -> User:
    if actor.user is None or not permissions.may_decide_recurrence(actor.user):
        raise PermissionDenied(DECIDER_REFUSAL)
    return actor.user


def _locked_open(actor: Actor, proposal_id: int, expected_version: int) -> RecurrenceProposal:
    proposal = (
        RECURRENCE_PROPOSALS.queryset(actor)
        .select_for_update(of=("self",))
        .select_related("radiograph")
        .get(pk=proposal_id)
    )
    check_version("recurrence proposal", proposal.version, expected_version)
    if not proposal.is_open:
        raise ValidationError(
            f"This proposal was already decided ({proposal.get_status_display().lower()})."
        )
    return proposal


@page_only(PAGE_ONLY)
def confirm_recurrence(
    actor: Actor, proposal_id: int, expected_version: int, data: ConfirmRecurrenceInput
) -> Complication:
    """The surgeon confirms: the proposal becomes a complication of kind recurrence."""
    user = _decider(actor)
    RECURRENCE_PROPOSALS.get(actor, proposal_id, purpose="edit")
    if not is_grade_of(data.grade_system, data.grade):
        codes = ", ".join(g.code for g in grades_of(data.grade_system))
        words = f"Grade {data.grade or '(none)'} is not a grade of {data.grade_system.label}"
        raise ValidationError({"grade": f"{words}: choose one of {codes}."})
    with transaction.atomic():
        proposal = _locked_open(actor, proposal_id, expected_version)
        recorded = _recorded_recurrence(actor, proposal.episode_id)
        if recorded is not None:
            raise ValidationError(
                f"Recurrence is already recorded for this episode (onset "
                f"{date_format(recorded.onset_on)}): reject this proposal as already recorded."
            )
        film = proposal.radiograph
        values = {
            "kind": Kind.RECURRENCE.value,
            "description": (
                f"HVA {proposal.hva_deg:g}° on the film of {date_format(film.acquired_on)}, "
                f"{proposal.days_after_operation} days after the operation "
                f"(definition: {recurrence_definition(proposal.threshold_deg)})"
            )[:300],
            "onset_on": film.acquired_on,
            "grade_system": data.grade_system.value,
            "grade": data.grade,
            "treatment": data.treatment.strip(),
        }
        complication = Complication.objects.create(
            episode=proposal.episode, recorded_by=user, **values
        )
        proposal.status = ProposalStatus.CONFIRMED.value
        proposal.decided_by = user
        proposal.decided_at = timezone.now()
        proposal.complication = complication
        proposal.version += 1
        proposal.save()
        patient_id = proposal.episode.patient_id
        record(
            actor,
            "create",
            object_type="complication",
            object_id=complication.pk,
            patient_id=patient_id,
            detail={"values": as_json(values), "recurrence_proposal": proposal.pk},
        )
        record(
            actor,
            "change",
            object_type="recurrence_proposal",
            object_id=proposal.pk,
            patient_id=patient_id,
            detail={"status": proposal.status, "complication": complication.pk},
        )
        refresh_case(complication.episode_id)
    return complication


@page_only(PAGE_ONLY)
def reject_recurrence(
    actor: Actor, proposal_id: int, expected_version: int, data: RejectRecurrenceInput
) -> RecurrenceProposal:
    """The surgeon rejects the proposal, saying why; it stays, decided, with the reason."""
    user = _decider(actor)
    RECURRENCE_PROPOSALS.get(actor, proposal_id, purpose="edit")
    reason = data.reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this is not a recurrence."})
    with transaction.atomic():
        proposal = _locked_open(actor, proposal_id, expected_version)
        proposal.status = ProposalStatus.REJECTED.value
        proposal.decided_by = user
        proposal.decided_at = timezone.now()
        proposal.reason = reason
        proposal.version += 1
        proposal.save()
        record(
            actor,
            "change",
            object_type="recurrence_proposal",
            object_id=proposal.pk,
            patient_id=proposal.episode.patient_id,
            detail={"status": proposal.status, "reason": reason},
        )
    return proposal
