"""The whole demo (``halluxpath load_demo``): a clinic with every page filled (issue 12 item 16)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoDbBlocker

from halluxpath.accounts.models import User
from halluxpath.aftercare.models import Alert, CheckIn
from halluxpath.audit.chain import verify
from halluxpath.audit.models import AuditEvent
from halluxpath.complications.models import RecurrenceProposal
from halluxpath.core.checklist import PHASES
from halluxpath.demo import DemoResult, load_everything
from halluxpath.imaging.models import Measurement
from halluxpath.patients.demo import reached
from halluxpath.patients.models import Episode
from halluxpath.registry.models import CaseSummary
from tests.conftest import loaded_once

pytestmark = pytest.mark.django_db

OPERATED = ("operated", "follow_up", "discharged")


@pytest.fixture(scope="class")
def loaded(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoResult]:
    """One load for the class below (it takes a while), rolled back after its last test."""
    yield from loaded_once(django_db_blocker, lambda: load_everything(30))


class TestTheDemo:
    def test_the_demo_shows_a_whole_clinic(self, loaded: DemoResult) -> None:
        """Five checks of what the one load made."""
        every_operated_foot_has_its_whole_surgical_record()
        recently_operated_feet_have_check_ins_and_alerts()
        films_are_dated_where_they_belong_in_the_episode()
        follow_up_films_are_read_through_the_action_and_summarised()
        every_page_of_an_operated_demo_foot_renders()

    def test_loading_it_again_adds_nothing_and_the_audit_log_verifies(
        self, loaded: DemoResult
    ) -> None:
        before = Episode.objects.filter(operative_record__isnull=False).count()
        again = load_everything(30)
        assert again.films == 0
        assert again.surgery is not None
        assert (again.surgery.assessments, again.surgery.signed_records) == (0, 0)
        assert Episode.objects.filter(operative_record__isnull=False).count() == before
        assert verify().ok


def every_operated_foot_has_its_whole_surgical_record() -> None:
    operated = Episode.objects.filter(
        status__in=OPERATED, patient__hospital_number__startswith="DEMO"
    ).select_related("assessment", "plan", "safety_checklist", "operative_record")
    assert operated.exists()
    for episode in operated:
        assert episode.assessment is not None
        assert episode.plan is not None
        assert episode.consent_sheets.exists()
        assert set(episode.safety_checklist.phases_done) == set(PHASES)
        record = episode.operative_record
        assert record.signed_at is not None
        assert record.operated_on == reached(episode)["operated"]
    amended = operated.annotate(n=Count("operative_record__amendments")).filter(n__gt=0)
    assert amended.exists(), "some demo records are amended"


def recently_operated_feet_have_check_ins_and_alerts() -> None:
    recent = Episode.objects.filter(
        operative_record__operated_on__gte=timezone.localdate() - dt.timedelta(days=84)
    )
    if not recent.exists():  # a small cohort on some days has no recent operation
        return
    assert CheckIn.objects.exists()
    assert Alert.objects.filter(acknowledged_at__isnull=True).exists(), "the triage list is empty"
    answered = Alert.objects.filter(acknowledged_at__isnull=False)
    assert answered.exists()
    assert all(alert.response for alert in answered)
    for check_in in CheckIn.objects.select_related("episode__operative_record"):
        day = timezone.localtime(check_in.submitted_at).date()
        assert check_in.episode.operative_record.operated_on < day <= timezone.localdate()


def films_are_dated_where_they_belong_in_the_episode() -> None:
    today = timezone.localdate()
    for episode in Episode.objects.filter(
        patient__hospital_number__startswith="DEMO"
    ).prefetch_related("radiographs", "status_changes"):
        days = reached(episode)
        for film in episode.radiographs.all():
            assert episode.referred_on <= film.acquired_on <= today
            if film.time_point == "pre_op":
                assert film.acquired_on <= days["assessed"]
            else:
                assert film.acquired_on > days["operated"]


def follow_up_films_are_read_through_the_action_and_summarised() -> None:
    """Issue 13 item 7: follow-up films, measured as a surgeon's reading is (proposal, summary)."""
    late = Measurement.objects.filter(
        radiograph__time_point__in=("6m", "12m"), superseded_at__isnull=True
    ).select_related("radiograph__episode__operative_record")
    assert late.exists(), "some operated demo feet have a 6- or 12-month film"
    audited = set(
        AuditEvent.objects.filter(object_type="measurement").values_list("object_id", flat=True)
    )
    proposed = set(RecurrenceProposal.objects.values_list("measurement_id", flat=True))
    for reading in late:
        film = reading.radiograph
        days = (film.acquired_on - film.episode.operative_record.operated_on).days
        assert days >= 182
        assert film.weight_bearing
        assert film.view == "dp"
        assert str(reading.pk) in audited  # saved by imaging.actions.save_measurement
        recurred = reading.results["hva_deg"] > 15
        assert (reading.pk in proposed) == recurred, (reading.results, days)
    for summary in CaseSummary.objects.filter(episode__radiographs__time_point__in=("6m", "12m")):
        latest = (
            Measurement.objects.filter(
                radiograph__episode_id=summary.episode_id, superseded_at__isnull=True
            )
            .order_by("-radiograph__acquired_on")
            .first()
        )
        assert latest is not None
        assert summary.post_hva_deg == latest.results["hva_deg"]
        assert summary.post_film_days == (latest.radiograph.acquired_on - summary.operated_on).days


def every_page_of_an_operated_demo_foot_renders() -> None:
    episode = Episode.objects.filter(
        status__in=OPERATED,
        patient__hospital_number__startswith="DEMO",
        care_team__members__username="surgeon",
    ).first()
    assert episode is not None
    client = Client()
    client.force_login(User.objects.get(username="surgeon"))
    film = episode.radiographs.first()
    assert film is not None
    for url in (
        reverse("patients:detail", args=[episode.patient_id]),
        reverse("surgery:assessment", args=[episode.pk]),
        reverse("surgery:plan", args=[episode.pk]),
        reverse("surgery:consent", args=[episode.pk]),
        reverse("surgery:checklist", args=[episode.pk]),
        reverse("surgery:operation", args=[episode.pk]),
        reverse("imaging:radiograph", args=[film.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    # The films' pixels are drawn on first view (imaging.drawing), the rest by the task.
    assert not film.sha256
    for url in (
        reverse("imaging:image", args=[film.pk]),
        reverse("surgery:plan_overlay", args=[episode.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    film.refresh_from_db()
    assert film.sha256
    assert DBTaskResult.objects.filter(task_path__endswith="draw_pending_films").exists()
