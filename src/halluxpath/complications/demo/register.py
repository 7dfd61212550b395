"""The demo's complications planned (from open alerts, then drawn) and recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from halluxpath.accounts.models import User
from halluxpath.aftercare.models import Alert
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.complications import actions
from halluxpath.complications.demo.courses import (
    ANY_COMPLICATION_PCT,
    COURSES,
    DEMO_SHARE_PCT,
    Course,
    course_for,
    days_to_resolve,
    quota,
)
from halluxpath.complications.demo.feet import Foot, Run, feet_in_order, move_moments_back, skipped
from halluxpath.complications.demo.proposals import decide_proposals
from halluxpath.complications.models import Complication, ComplicationAmendment
from halluxpath.complications.schemas import (
    ComplicationAmendmentInput,
    EnteredInErrorInput,
    NewComplicationInput,
)
from halluxpath.complications.views import alert_initial
from halluxpath.core.complications import GradeSystem, Kind, kind_for_alert_rule
from halluxpath.patients.demo import DEFAULT_SEED

AMENDED = 2  # complications amended after they were recorded (a grade; a resolution)


@dataclass(frozen=True)
class DemoComplications:
    """What one run added (all zero when run again on the same cohort)."""

    operated_feet: int = 0  # the denominator: demo episodes with a signed operative record
    recorded: int = 0  # complications recorded, the one entered in error included
    from_alerts: int = 0  # of them, recorded from an open triage alert (linked)
    reoperations: int = 0
    implants_removed: int = 0
    amended: int = 0
    entered_in_error: int = 0
    recurrences_confirmed: int = 0
    proposals_rejected: int = 0
    proposals_waiting: int = 0  # left open on the worklist (films of the last WORKLIST_DAYS)
    skipped: int = 0  # refused by an action; the reason is in the audit trail


@dataclass
class _Plan:
    """One complication to record: as it finally reads, and how it got there.

    ``first`` holds the fields as first recorded when the record is amended
    later (``amended_on``, ``reason``); ``duplicate`` asks for a second copy
    by the nurse, then marked entered in error.
    """

    foot: Foot
    data: NewComplicationInput
    by: User
    recorded_on: dt.date
    first: dict[str, object] = field(default_factory=dict)
    reason: str = ""
    amended_on: dt.date | None = None
    duplicate: bool = False


def _values(
    foot: Foot, kind: Kind, course: Course, onset_on: dt.date, today: dt.date
) -> NewComplicationInput:
    """The complication as it finally reads, every date between the onset and today."""
    rng = foot.rng
    reoperated_on = None
    if course.reoperation_days is not None:
        low, high = course.reoperation_days
        room = (today - onset_on).days
        if room >= low:
            reoperated_on = onset_on + dt.timedelta(days=rng.randint(low, min(high, room)))
    # Resolved by today when the course allows it (and it is not one that persists).
    start = reoperated_on or onset_on
    low, high = course.resolution_days
    room = (today - start).days
    resolved = start + dt.timedelta(days=rng.randint(low, min(high, room) if room >= low else high))
    resolved_on = resolved if rng.random() >= course.persists and resolved <= today else None
    return NewComplicationInput(
        kind=kind,
        onset_on=onset_on,
        grade_system=foot.system,
        grade=course.grade(foot.system),
        treatment=course.treatment,
        reoperation=reoperated_on is not None,
        reoperated_on=reoperated_on,
        reoperation_reason=course.reoperation_reason if reoperated_on else "",
        implant_removed=course.implant_removed and reoperated_on is not None,
        resolved_on=resolved_on,
    )


def _drawn_onset(foot: Foot, course: Course, today: dt.date) -> dt.date:
    """An onset in the course's window, early rather than late (the hazard falls with
    time), leaving room for the reoperation and, where it can, the resolution."""
    follow_up = (today - foot.operated_on).days
    after = course.reoperation_days[0] if course.reoperation_days else 0
    low, high = course.onset_days
    latest = min(high, follow_up - after - course.resolution_days[0])
    if latest < low:
        latest = max(low, min(high, follow_up - after))
    early = min(foot.rng.random(), foot.rng.random())
    return foot.operated_on + dt.timedelta(days=low + int(early * (latest - low + 1)))


# --- planning: from open triage alerts, then drawn -----------------------------------------


def _plan_from_alerts(
    run: Run, feet: dict[int, Foot], taken: set[int], left: dict[Kind, int]
) -> list[_Plan]:
    """Some open alerts' complications, prefilled as the triage list prefills the form.

    An alert's kind is used while its quota lasts (``left``); the first alert
    whose kind has a course is planned in any case (its slot taken from the
    kind with most left), so a demo with open alerts shows one linked. At
    most half of the feet with open alerts, so the others keep the triage link.
    """
    alerts = (
        Alert.objects.filter(
            acknowledged_at__isnull=True, episode_id__in=[e for e in feet if e not in taken]
        )
        .select_related("check_in")
        .order_by("episode_id", "check_in__submitted_at", "pk")
    )
    first: dict[int, Alert] = {}
    for alert in alerts:
        if kind_for_alert_rule(alert.rule) in COURSES:
            first.setdefault(alert.episode_id, alert)
    order = [episode_id for episode_id in feet if episode_id in first]  # the seeded order
    plans: list[_Plan] = []
    for episode_id in order[: max(1, len(order) // 2)]:
        alert = first[episode_id]
        kind = kind_for_alert_rule(alert.rule)
        if left.get(kind, 0) <= 0:
            if plans or sum(left.values()) <= 0:
                continue
            most = max(left, key=lambda k: (left[k], k.value))
            left[most] -= 1
            left[kind] = left.get(kind, 0) + 1
        foot = feet[episode_id]
        initial = alert_initial(alert)
        onset_on: dt.date = initial["onset_on"]
        course = course_for(kind, foot.rng, (run.today - onset_on).days) or COURSES[kind][0]
        data = _values(foot, kind, course, onset_on, run.today).model_copy(
            update={"description": initial["description"], "alert_id": alert.pk}
        )
        plans.append(_Plan(foot, data, foot.nurse, onset_on))
        left[kind] -= 1
        taken.add(episode_id)
    return plans


def _plan_drawn(
    run: Run, feet: Iterable[Foot], taken: set[int], left: dict[Kind, int]
) -> list[_Plan]:
    """The rest of the quota: each slot to the next foot (seeded order) whose follow-up fits.

    The kinds with the longest course go first, each to a foot long enough
    operated for the whole course (onset, reoperation, resolution), else one
    where it can at least have started; a slot no foot fits is left out.
    """
    free = [f for f in feet if f.episode.pk not in taken]
    slots = sorted(
        (kind for kind, n in left.items() for _ in range(n)),
        key=lambda k: (-days_to_resolve(k), -DEMO_SHARE_PCT[k], k.value),
    )
    plans: list[_Plan] = []
    for kind in slots:
        follow_up = {f.episode.pk: (run.today - f.operated_on).days for f in free}
        foot = next(
            (f for f in free if days_to_resolve(kind) <= follow_up[f.episode.pk]),
            next(
                (f for f in free if any(c.fits(follow_up[f.episode.pk]) for c in COURSES[kind])),
                None,
            ),
        )
        if foot is None:
            continue
        free.remove(foot)
        course = course_for(kind, foot.rng, follow_up[foot.episode.pk])
        assert course is not None  # noqa: S101  (the foot was chosen so)
        onset_on = _drawn_onset(foot, course, run.today)
        data = _values(foot, kind, course, onset_on, run.today)
        plans.append(_Plan(foot, data, foot.surgeon, onset_on))
        left[kind] -= 1
        taken.add(foot.episode.pk)
    return plans


def _plan_corrections(plans: list[_Plan]) -> None:
    """Two plans amended later (a grade corrected; a resolution added), one recorded twice.

    The grade: recorded as grade I at the first review, regraded II when it
    needed a prescription (DOMAIN §7: CD II "other drugs"; CDS II outpatient
    treatment). The resolution: unknown when recorded, added at the review.
    """
    regraded = next((p for p in plans if p.data.grade == "II"), None)
    if regraded is not None:
        regraded.first = {"grade": "I"}
        regraded.reason = (
            "Regraded: it needed a prescription after the first review, so grade II."
            if regraded.data.grade_system == GradeSystem.CLAVIEN_DINDO
            else "Regraded: it needed treatment in clinic after the first review, so grade II."
        )
        regraded.amended_on = regraded.data.onset_on + dt.timedelta(days=7)
    for plan in plans:
        if sum(1 for p in plans if p.first) >= AMENDED:
            break
        if not plan.first and plan.data.resolved_on is not None:
            plan.first = {"resolved_on": None}
            plan.reason = "Resolution added: resolved when seen at the follow-up review."
            plan.amended_on = plan.data.resolved_on
    duplicated = next((p for p in reversed(plans) if not p.first and p.data.alert_id is None), None)
    if duplicated is not None:
        duplicated.duplicate = True


# --- recording ------------------------------------------------------------------------------


def _record(run: Run, plan: _Plan) -> None:
    """Record the plan through the actions: first version, amendment, duplicate in error."""
    foot = plan.foot
    try:
        complication = actions.record_complication(
            Actor(plan.by), foot.episode.pk, plan.data.model_copy(update=plan.first)
        )
        recorded_at = run.at(plan.recorded_on, 18)
        run.backdate(Complication, complication.pk, recorded_at=recorded_at)
        run.add("recorded")
        run.add("from_alerts", int(plan.data.alert_id is not None))
        run.add("reoperations", int(plan.data.reoperation))
        run.add("implants_removed", int(plan.data.implant_removed))
        if plan.first and plan.amended_on is not None:
            amended = actions.amend_complication(
                Actor(foot.surgeon),
                complication.pk,
                complication.version,
                ComplicationAmendmentInput(
                    **plan.data.model_dump(exclude={"alert_id"}), reason=plan.reason
                ),
            )
            run.add("amended")
            made_at = run.at(plan.amended_on, 17, not_before=recorded_at)
            for pk in amended.amendments.values_list("pk", flat=True):
                run.backdate(ComplicationAmendment, pk, made_at=made_at)
        if plan.duplicate:
            _duplicate_in_error(run, plan, recorded_at)
    except ValidationError as refusal:
        skipped(run, foot, refusal)


def _duplicate_in_error(run: Run, plan: _Plan, original_at: dt.datetime) -> None:
    """The nurse records the same complication again; the surgeon marks the copy in error."""
    foot = plan.foot
    copy = actions.record_complication(Actor(foot.nurse), foot.episode.pk, plan.data)
    run.add("recorded")
    marked = actions.mark_entered_in_error(
        Actor(foot.surgeon),
        copy.pk,
        copy.version,
        EnteredInErrorInput(
            reason="Recorded twice: the surgeon had already recorded this complication."
        ),
    )
    run.add("entered_in_error")
    next_day = plan.recorded_on + dt.timedelta(days=1)
    recorded_at = run.at(next_day, 11, not_before=original_at)
    run.backdate(Complication, copy.pk, recorded_at=recorded_at)
    made_at = run.at(next_day + dt.timedelta(days=1), 9, not_before=recorded_at)
    for pk in marked.amendments.values_list("pk", flat=True):
        run.backdate(ComplicationAmendment, pk, made_at=made_at)


def load_demo_complications(
    *, seed: int = DEFAULT_SEED, today: dt.date | None = None
) -> DemoComplications:
    """Add the demo's complications and decide its recurrence proposals (see the package).

    Call after the check-ins (their alerts) and the follow-up films (their
    recurrence proposals). ``today`` defaults to the site's today.
    """
    today = today or timezone.localdate()
    run = Run(today=today, now=timezone.now())
    in_order = feet_in_order(seed, today)
    feet = {f.episode.pk: f for f in in_order}
    confirmed = decide_proposals(run, feet)
    existing = list(
        Complication.objects.filter(episode_id__in=list(feet)).values_list(
            "episode_id", "entered_in_error"
        )
    )
    taken = {episode_id for episode_id, _ in existing} | confirmed
    complicated = {episode_id for episode_id, in_error in existing if not in_error} | confirmed
    target = round(len(feet) * ANY_COMPLICATION_PCT / 100)
    drawn_shares: dict[Kind, float] = {
        k: v for k, v in DEMO_SHARE_PCT.items() if k != Kind.RECURRENCE
    }
    left = quota(max(0, target - len(complicated)), drawn_shares)
    plans = _plan_from_alerts(run, feet, taken, left)
    plans += _plan_drawn(run, in_order, taken, left)
    amended_before = ComplicationAmendment.objects.filter(
        complication__episode_id__in=list(feet)
    ).exists()
    if plans and not amended_before:
        _plan_corrections(plans)
    for plan in plans:
        _record(run, plan)
    move_moments_back(run)
    if run.counts:
        record(
            Actor(user=None),
            "create",
            object_type="demo_complications",
            detail={"seed": seed, **run.counts},
        )
    return DemoComplications(operated_feet=len(feet), **run.counts)
