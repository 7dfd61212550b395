"""The demo's recurrence proposals, decided by the responsible surgeon (issue 13 item 4)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from halluxpath.audit.context import Actor
from halluxpath.complications import actions
from halluxpath.complications.demo.courses import RECURRENCE_TREATMENT
from halluxpath.complications.demo.feet import Foot, Run, skipped
from halluxpath.complications.models import Complication, RecurrenceProposal
from halluxpath.complications.schemas import ConfirmRecurrenceInput, RejectRecurrenceInput
from halluxpath.core.complications import Kind, ProposalStatus

WORKLIST_DAYS = 14  # proposals from films this recent wait on the surgeon's worklist
BORDERLINE_DEG = 2.0  # an HVA this close above the threshold is within measurement error


def decide_proposals(run: Run, feet: dict[int, Foot]) -> set[int]:
    """Decide the open proposals of the demo feet; return the feet whose recurrence is confirmed."""
    open_proposals = (
        RecurrenceProposal.objects.filter(
            status=ProposalStatus.PROPOSED.value, episode_id__in=list(feet)
        )
        .select_related("radiograph", "measurement")
        .order_by("episode_id", "radiograph__acquired_on", "pk")
    )
    by_episode: dict[int, list[RecurrenceProposal]] = {}
    for proposal in open_proposals:
        by_episode.setdefault(proposal.episode_id, []).append(proposal)
    recorded = set(
        Complication.objects.filter(
            episode_id__in=list(by_episode), kind=Kind.RECURRENCE, entered_in_error=False
        ).values_list("episode_id", flat=True)
    )
    confirmed: set[int] = set()
    for episode_id, proposals in by_episode.items():
        foot = feet[episode_id]
        seen = [p for p in proposals if (run.today - p.radiograph.acquired_on).days > WORKLIST_DAYS]
        run.add("proposals_waiting", len(proposals) - len(seen))
        if not seen:
            continue
        over = max(p.hva_deg - p.threshold_deg for p in seen)
        borderline = over <= BORDERLINE_DEG and foot.rng.random() < 0.7
        chosen = None
        if episode_id not in recorded and not borderline:
            # The first film over the threshold, the responsible surgeon's own reading first.
            first_day = seen[0].radiograph.acquired_on
            same_day = [p for p in seen if p.radiograph.acquired_on == first_day]
            chosen = next(
                (p for p in same_day if p.measurement.observer_id == foot.surgeon.pk), same_day[0]
            )
            if _confirm(run, foot, chosen):
                confirmed.add(episode_id)
                recorded.add(episode_id)
            else:
                chosen = None
        for proposal in seen:
            if proposal is not chosen:
                _reject(run, foot, proposal, already=episode_id in recorded)
    return confirmed


def _decided_on(run: Run, foot: Foot, proposal: RecurrenceProposal) -> dt.date:
    """The surgeon looks at the film within ``WORKLIST_DAYS`` of its day."""
    return proposal.radiograph.acquired_on + dt.timedelta(days=foot.rng.randint(1, WORKLIST_DAYS))


def _confirm(run: Run, foot: Foot, proposal: RecurrenceProposal) -> bool:
    data = ConfirmRecurrenceInput(
        grade_system=foot.system, grade="I", treatment=RECURRENCE_TREATMENT
    )
    try:
        complication = actions.confirm_recurrence(
            Actor(foot.surgeon), proposal.pk, proposal.version, data
        )
    except ValidationError as refusal:
        skipped(run, foot, refusal)
        return False
    moment = run.at(_decided_on(run, foot, proposal), 12)
    run.add("recurrences_confirmed")
    run.backdate(Complication, complication.pk, recorded_at=moment)
    run.backdate(RecurrenceProposal, proposal.pk, decided_at=moment)
    return True


def _reject(run: Run, foot: Foot, proposal: RecurrenceProposal, *, already: bool) -> None:
    if already:
        reason = "Already recorded: this foot's recurrence is confirmed from another reading."
    else:
        reason = (
            f"HVA {proposal.hva_deg:.1f}° is within measurement error of the threshold "
            f"({proposal.threshold_deg}°) and the film is slightly rotated: repeat the "
            "standing film at the next review."
        )
    try:
        actions.reject_recurrence(
            Actor(foot.surgeon), proposal.pk, proposal.version, RejectRecurrenceInput(reason=reason)
        )
    except ValidationError as refusal:
        skipped(run, foot, refusal)
        return
    run.add("proposals_rejected")
    run.backdate(
        RecurrenceProposal, proposal.pk, decided_at=run.at(_decided_on(run, foot, proposal), 12)
    )
