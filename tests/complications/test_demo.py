"""The demo's complications (issue 13 item 7): near DOMAIN §7's rates, valid, through the actions.

One small demo world (the composer's steps up to the check-ins), then the
complications step run three times: before any follow-up film (no
recurrence proposals: the quota is filled by the other kinds), after
6- and 12-month films measured through imaging's ``save_measurement`` (their
proposals decided, nothing else added), and once more (nothing added).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from halluxpath.aftercare.models import Alert
from halluxpath.audit.chain import verify
from halluxpath.audit.context import Actor
from halluxpath.complications.demo import (
    ANY_COMPLICATION_PCT,
    COURSES,
    DEMO_SHARE_PCT,
    DemoComplications,
    load_demo_complications,
)
from halluxpath.complications.demo.courses import quota
from halluxpath.complications.demo.proposals import WORKLIST_DAYS
from halluxpath.complications.models import (
    Complication,
    ComplicationAmendment,
    RecurrenceProposal,
)
from halluxpath.core.complications import (
    PUBLISHED_RATES,
    GradeSystem,
    Kind,
    is_grade_of,
    kind_for_alert_rule,
)
from halluxpath.core.landmarks import landmarks_from_document
from halluxpath.demo import load_everything
from halluxpath.imaging import actions as imaging_actions
from halluxpath.imaging.models import Radiograph, SourceFormat
from halluxpath.patients.models import Episode
from tests.complications.conftest import landmarks_with_hva

SEED = 2026


def test_the_shares_add_up_to_the_published_any_rate_and_follow_section_7() -> None:
    assert sum(DEMO_SHARE_PCT.values()) == pytest.approx(ANY_COMPLICATION_PCT, abs=0.01)
    for kind in (Kind.NERVE_INJURY, Kind.NON_UNION, Kind.HARDWARE_IRRITATION, Kind.RECURRENCE):
        assert DEMO_SHARE_PCT[kind] == PUBLISHED_RATES[kind][0].rate_pct  # the MIS row [78]
    infection = DEMO_SHARE_PCT[Kind.INFECTION_SUPERFICIAL] + DEMO_SHARE_PCT[Kind.INFECTION_DEEP]
    assert infection == pytest.approx(PUBLISHED_RATES[Kind.INFECTION_SUPERFICIAL][0].rate_pct)
    for kind, courses in COURSES.items():
        for course in courses:
            assert is_grade_of(GradeSystem.CLAVIEN_DINDO, course.cd_grade), kind
            assert is_grade_of(GradeSystem.CDS_MODIFIED, course.cds_grade), kind
            assert (course.reoperation_days is None) == (not course.reoperation_reason), kind
    assert set(DEMO_SHARE_PCT) - {Kind.RECURRENCE} <= set(COURSES)


@pytest.mark.parametrize("total", [0, 1, 4, 34, 1000])
def test_the_quota_splits_exactly_and_in_proportion(total: int) -> None:
    split = quota(total, DEMO_SHARE_PCT)
    assert sum(split.values()) == total
    weight = sum(DEMO_SHARE_PCT.values())
    for kind, n in split.items():
        assert abs(n - total * DEMO_SHARE_PCT[kind] / weight) < 1


@pytest.mark.django_db
def test_the_demo_complications(monkeypatch: pytest.MonkeyPatch) -> None:
    """One demo world (it takes a while), the step run three times.

    The world is the demo's without its own follow-up films and complications
    step (the composer runs both), so each run's effect can be counted here.
    """
    monkeypatch.setattr("halluxpath.imaging.demo.FOLLOW_UPS", ())
    monkeypatch.setattr("halluxpath.demo.load_demo_complications", lambda **_: None)
    load_everything(30, SEED)
    today = timezone.localdate()
    first = load_demo_complications(seed=SEED, today=today)
    assert first.operated_feet > 10
    assert first.recurrences_confirmed == first.proposals_rejected == 0  # no follow-up films yet
    the_rate_is_near_the_published_one(first)
    every_complication_is_valid(today)
    open_alerts_are_recorded_linked_and_prefilled(first)
    some_are_amended_and_one_entered_in_error(first)
    assert verify().ok

    waiting = add_follow_up_films(today)
    second = load_demo_complications(seed=SEED, today=today)
    proposals_are_decided_by_the_surgeon(second, waiting)
    assert (second.recorded, second.amended, second.entered_in_error) == (0, 0, 0)
    every_complication_is_valid(today)

    counts = (Complication.objects.count(), ComplicationAmendment.objects.count())
    again = load_demo_complications(seed=SEED, today=today)
    assert again == DemoComplications(operated_feet=first.operated_feet, proposals_waiting=waiting)
    assert (Complication.objects.count(), ComplicationAmendment.objects.count()) == counts
    assert verify().ok


def operated_feet() -> list[Episode]:
    return list(
        Episode.objects.filter(
            patient__hospital_number__startswith="DEMO", operative_record__signed_at__isnull=False
        ).select_related("operative_record", "responsible_surgeon")
    )


def the_rate_is_near_the_published_one(report: DemoComplications) -> None:
    feet = len(operated_feet())
    assert report.operated_feet == feet
    complicated = (
        Complication.objects.filter(entered_in_error=False).values("episode").distinct().count()
    )
    assert 0.10 <= complicated / feet <= 0.25, (complicated, feet)
    assert report.recorded == Complication.objects.count()
    kinds = set(Complication.objects.values_list("kind", flat=True))
    assert Kind.HARDWARE_IRRITATION in kinds  # the commonest kind of §7 [78]
    assert Kind.RECURRENCE not in kinds  # only from the films


def every_complication_is_valid(today: dt.date) -> None:
    now = timezone.now()
    for c in Complication.objects.select_related("episode__operative_record"):
        operated_on = c.episode.operative_record.operated_on
        assert operated_on <= c.onset_on <= today, c
        assert is_grade_of(c.grade_system, c.grade), c
        if c.reoperation:
            assert c.reoperated_on is not None
            assert c.onset_on <= c.reoperated_on <= today
            assert c.reoperation_reason
        else:
            assert c.reoperated_on is None
            assert not c.reoperation_reason
            assert not c.implant_removed
        if c.resolved_on is not None:
            assert c.onset_on <= c.resolved_on <= today
        recorded_on = timezone.localdate(c.recorded_at)
        assert c.onset_on <= recorded_on <= today, c
        assert c.recorded_at <= now, c
        for amendment in c.amendments.all():
            assert c.recorded_at <= amendment.made_at <= now
            assert amendment.reason


def open_alerts_are_recorded_linked_and_prefilled(report: DemoComplications) -> None:
    feet = {e.pk for e in operated_feet()}
    alert_feet = {
        episode_id
        for episode_id, rule in Alert.objects.filter(
            acknowledged_at__isnull=True, episode__in=feet
        ).values_list("episode", "rule")
        if kind_for_alert_rule(rule) in COURSES
    }
    linked = list(
        Complication.objects.filter(alert__isnull=False).select_related("alert__check_in")
    )
    assert report.from_alerts == len(linked)
    if not alert_feet:
        return
    assert linked, "no complication was recorded from an open triage alert"
    for c in linked:
        assert c.alert is not None
        assert c.alert.episode_id == c.episode_id
        assert c.kind == kind_for_alert_rule(c.alert.rule)
        assert c.onset_on == timezone.localdate(c.alert.check_in.submitted_at)
        assert c.description.startswith(f"Triage alert {c.alert.rule}")
    if len(alert_feet) > 1:  # the triage list keeps some unrecorded, with their link
        assert len({c.episode_id for c in linked}) < len(alert_feet)


def some_are_amended_and_one_entered_in_error(report: DemoComplications) -> None:
    assert 1 <= report.amended <= 2
    in_error = Complication.objects.filter(entered_in_error=True)
    assert report.entered_in_error == in_error.count() == 1
    copy = in_error.get()
    assert copy.amendments.get().reason.startswith("Recorded twice")
    assert Complication.objects.filter(
        episode=copy.episode, kind=copy.kind, entered_in_error=False
    ).exists()
    amended = Complication.objects.filter(entered_in_error=False, version__gt=1)
    assert amended.count() == report.amended
    assert report.reoperations == Complication.objects.filter(reoperation=True).count()
    assert report.implants_removed == Complication.objects.filter(implant_removed=True).count()


def _film(episode: Episode, acquired_on: dt.date, time_point: str) -> Radiograph:
    return Radiograph.objects.create(
        episode=episode,
        time_point=time_point,
        acquired_on=acquired_on,
        weight_bearing=True,
        source_format=SourceFormat.PNG,
        stored_file="radiographs/none.png",
        display_file="radiographs/none-display.png",
        sha256="0" * 64,
        width=1200,
        height=2000,
        uploaded_by=episode.responsible_surgeon,
    )


def _measure(film: Radiograph, hva_deg: float) -> None:
    film.refresh_from_db()
    imaging_actions.save_measurement(
        Actor(film.episode.responsible_surgeon),
        film.pk,
        film.version,
        landmarks_from_document(landmarks_with_hva(hva_deg)),
        confirm_implausible=True,
    )


def add_follow_up_films(today: dt.date) -> int:
    """Follow-up films as the films helper will add them; returns the proposals left waiting.

    Clear recurrence at 6 and 12 months (two proposals of one foot), one
    borderline, one below the threshold (no proposal), and one film of the
    last days (its proposal waits on the worklist).
    """
    feet = sorted(
        (e for e in operated_feet() if (today - e.operative_record.operated_on).days > 200),
        key=lambda e: (e.operative_record.operated_on, e.pk),
    )
    assert len(feet) >= 5, "the small demo has too few feet operated over 200 days ago"
    for episode, hva_deg in zip(feet, (24.0, 16.0, 12.0, 27.0), strict=False):
        operated_on = episode.operative_record.operated_on
        _measure(_film(episode, operated_on + dt.timedelta(days=185), "6m"), hva_deg)
    oldest = feet[0].operative_record.operated_on
    later = min(oldest + dt.timedelta(days=370), today - dt.timedelta(days=WORKLIST_DAYS + 1))
    _measure(_film(feet[0], later, "12m"), 26.0)  # the same foot again, a second proposal
    _measure(_film(feet[4], today - dt.timedelta(days=3), "12m"), 22.0)  # not seen yet
    assert RecurrenceProposal.objects.count() == 5
    return 1


def proposals_are_decided_by_the_surgeon(report: DemoComplications, waiting: int) -> None:
    proposals = RecurrenceProposal.objects.select_related("episode", "radiograph", "complication")
    assert proposals.filter(status="proposed").count() == report.proposals_waiting == waiting
    decided = proposals.exclude(status="proposed")
    assert report.recurrences_confirmed + report.proposals_rejected == decided.count() == 4
    assert report.recurrences_confirmed >= 1
    for proposal in decided:
        assert proposal.decided_by == proposal.episode.responsible_surgeon
        assert proposal.decided_at is not None
        assert proposal.radiograph.acquired_on <= timezone.localdate(proposal.decided_at)
        if proposal.status == "confirmed":
            assert proposal.complication is not None
            assert proposal.complication.kind == Kind.RECURRENCE
            assert proposal.complication.onset_on == proposal.radiograph.acquired_on
        else:
            assert proposal.reason
    for episode_id in decided.values_list("episode", flat=True).distinct():
        recurrences = Complication.objects.filter(
            episode_id=episode_id, kind=Kind.RECURRENCE, entered_in_error=False
        )
        assert recurrences.count() <= 1  # one per foot, the other proposals rejected
