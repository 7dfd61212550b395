"""The demo's questionnaires (issue 13 item 7): realistic, falling completion, made by the actions.

The cohort here is the demo's people with their aftercare plans (day 0 is the
plan's operation date), without films or surgical records, so it loads in
seconds; the composer runs the same function after the surgical records.
"""

from __future__ import annotations

import contextlib
import random
import statistics
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from halluxpath.accounts.models import Role, User
from halluxpath.aftercare.demo import load_demo_plans
from halluxpath.audit.chain import verify
from halluxpath.audit.context import Actor
from halluxpath.core.schedule import Progress
from halluxpath.outcomes import demo
from halluxpath.outcomes.chasing import completion
from halluxpath.outcomes.demo import COMPLETION, load_demo_questionnaires
from halluxpath.outcomes.models import LoadedInstrument, QuestionnaireResponse, Score
from halluxpath.outcomes.questionnaires import open_questionnaires
from halluxpath.patients.demo import load_demo
from halluxpath.patients.models import Episode
from halluxpath.sites.models import Site
from tests.conftest import loaded_once

pytestmark = pytest.mark.django_db

SEED = 2026


def _load() -> demo.DemoQuestionnaires:
    load_demo(120, SEED)
    load_demo_plans()
    return load_demo_questionnaires(seed=SEED, today=timezone.localdate())


@pytest.fixture(scope="class")
def loaded(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[demo.DemoQuestionnaires]:
    """One load for the class below (it takes seconds), rolled back after its last test."""
    yield from loaded_once(django_db_blocker, _load)


class TestTheLoadedDemo:
    """The checks of one load: each test reads it, or writes and is undone."""

    def test_every_demo_site_has_the_invented_files_through_the_load_action(
        self, loaded: demo.DemoQuestionnaires
    ) -> None:
        assert loaded.files_loaded == 2 * Site.objects.count()
        for row in LoadedInstrument.objects.all():
            assert row.loaded_by is not None
            assert row.loaded_by.role == Role.ADMIN
            content = row.file_content
            assert "invented" in content["title"]
            assert all("[Demo wording, invented]" in item["text"] for item in content["items"])
        eq5d = LoadedInstrument.objects.filter(key="eq5d5l").first()
        assert eq5d is not None
        assert eq5d.file_content["value_set"]["11111"] == 1.0

    def test_answers_completion_paper_in_progress_and_not_scorable(
        self, loaded: demo.DemoQuestionnaires
    ) -> None:
        responses = QuestionnaireResponse.objects
        assert loaded.completed == responses.filter(status="completed").count() > 100
        assert loaded.on_paper == responses.filter(on_paper=True).count() > 0
        assert loaded.in_progress == responses.filter(status="in_progress").count() > 0
        assert loaded.not_scorable > 0
        assert Score.objects.filter(value__isnull=True).exclude(reason="").exists()
        paper = responses.filter(on_paper=True).select_related("entered_by")
        assert all(r.entered_by is not None and r.entered_by.role != Role.PATIENT for r in paper)
        today = timezone.localdate()
        assert not responses.filter(completed_on__gt=today).exists()

    def test_completion_falls_from_baseline_to_six_months(
        self, loaded: demo.DemoQuestionnaires
    ) -> None:
        nurse = User.objects.get(username="nurse")
        rows = {
            (r.time_point, r.instrument): r for r in completion(Actor(nurse), timezone.localdate())
        }
        baseline, six_months = rows["baseline", "moxfq"], rows["6m", "moxfq"]
        assert baseline.due > six_months.due > 0
        assert baseline.completed / baseline.due > six_months.completed / six_months.due
        assert 0.6 <= baseline.completed / baseline.due <= 0.9

    def test_scores_are_in_range_and_follow_the_trajectory(
        self, loaded: demo.DemoQuestionnaires
    ) -> None:
        def values(instrument: str, domain: str, time_point: str) -> list[float]:
            rows = Score.objects.filter(
                instrument=instrument, domain=domain, time_point=time_point, value__isnull=False
            )
            return [v for v in rows.values_list("value", flat=True) if v is not None]

        for domain in ("index", "walking_standing", "pain", "social"):
            every = Score.objects.filter(instrument="moxfq", domain=domain, value__isnull=False)
            assert not every.filter(Q(value__lt=0) | Q(value__gt=100)).exists()
        before = values("moxfq", "index", "baseline")
        assert 45 <= statistics.median(before) <= 65
        assert 10 <= statistics.stdev(before) <= 25
        after = values("moxfq", "index", "6m")
        if len(after) >= 5:
            assert statistics.median(after) < statistics.median(before) - 15
        pain_before = values("nrs_pain", "score", "baseline")
        assert 5 <= statistics.mean(pain_before) <= 7.5
        assert all(0 <= v <= 10 for v in pain_before)
        pleased = values("satisfaction", "score", "6m")
        if pleased:
            assert sum(v <= 2 for v in pleased) / len(pleased) >= 0.6
        assert all(-1 <= v <= 1 for v in values("eq5d5l", "index", "baseline"))
        days = values("return_to_activity", "drive", "6m")
        assert all(14 <= v <= 212 for v in days)

    def test_an_in_progress_questionnaire_offers_carry_on(
        self, loaded: demo.DemoQuestionnaires
    ) -> None:
        today = timezone.localdate()
        started = (
            QuestionnaireResponse.objects.filter(status="in_progress")
            .select_related("episode__patient__user")
            .order_by("pk")
        )
        carried_on = False
        for response in started:
            episode: Episode = response.episode
            responses = list(episode.questionnaire_responses.all())
            for q in open_questionnaires(episode, today, responses):
                if q.progress == Progress.IN_PROGRESS:
                    carried_on = True
                    client = Client()
                    user = episode.patient.user
                    assert user is not None
                    client.force_login(user)
                    page = client.get(reverse("outcomes:list"))
                    assert page.status_code == 200
                    break
            if carried_on:
                break
        assert carried_on, "no questionnaire half way in an open window"

    def test_a_second_run_adds_nothing_and_the_audit_log_verifies(
        self, loaded: demo.DemoQuestionnaires
    ) -> None:
        counts = (
            QuestionnaireResponse.objects.count(),
            Score.objects.count(),
            User.objects.count(),
        )
        again = load_demo_questionnaires(seed=SEED, today=timezone.localdate())
        assert (again.files_loaded, again.episodes, again.completed, again.portal_accounts) == (
            0,
            0,
            0,
            0,
        )
        assert counts == (
            QuestionnaireResponse.objects.count(),
            Score.objects.count(),
            User.objects.count(),
        )
        assert verify().ok


def test_the_drawn_completion_falls_as_the_schedule_says() -> None:
    """Over many drawn patients the share completing each time point is near its target."""
    rng = random.Random(SEED)
    people = [demo._draw_patient(rng, has_account=True) for _ in range(4000)]
    for time_point, share in COMPLETION.items():
        done = sum(p.engagement + rng.gauss(0, 0.08) < share for p in people) / len(people)
        assert abs(done - share) < 0.03, time_point


class Undone(Exception):
    """Raised to roll a first load back."""


def answered() -> list[tuple[str, str, str, str, bool, str, object]]:
    return sorted(
        (
            r.episode.patient.hospital_number,
            r.instrument,
            r.time_point,
            r.status,
            r.on_paper,
            str(r.completed_on),
            sorted(r.answer_values.items()),
        )
        for r in QuestionnaireResponse.objects.select_related("episode__patient")
    )


def test_the_same_seed_gives_the_same_answers() -> None:
    load_demo(40, SEED)
    load_demo_plans()
    today = timezone.localdate()
    with contextlib.suppress(Undone), transaction.atomic():
        load_demo_questionnaires(seed=SEED, today=today)
        first = answered()
        raise Undone
    assert not QuestionnaireResponse.objects.exists()
    load_demo_questionnaires(seed=SEED, today=today)
    assert answered() == first
    assert first
