"""The registry-sized synthetic load (registry.volume): plausible rows, nothing broken after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count, Max, Min, Q

from halluxpath.complications.models import Complication
from halluxpath.outcomes.models import QuestionnaireResponse, Score
from halluxpath.patients.models import Episode, Patient
from halluxpath.registry.models import CaseSummary
from halluxpath.registry.volume import generate
from halluxpath.sites.models import Site

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def volume() -> None:
    generate(400, sites=2, surgeons_per_site=3, reference_date=TODAY, chunk=150)


@pytest.mark.usefixtures("volume")
def test_every_generated_episode_has_its_case_summary() -> None:
    assert Episode.objects.count() == 400
    assert CaseSummary.objects.count() == 400
    assert not CaseSummary.objects.filter(operated_on__gte=TODAY).exists()


@pytest.mark.usefixtures("volume")
def test_scores_stay_in_their_instruments_ranges() -> None:
    moxfq = Score.objects.filter(instrument="moxfq").aggregate(low=Min("value"), high=Max("value"))
    assert moxfq["low"] >= 0
    assert moxfq["high"] <= 100
    pain = Score.objects.filter(instrument="nrs_pain").aggregate(
        low=Min("value"), high=Max("value")
    )
    assert pain["low"] >= 0
    assert pain["high"] <= 10
    # Each completed MOXFQ has its three domains and the index; one response per time point.
    per_response = (
        Score.objects.filter(instrument="moxfq").values("response").annotate(n=Count("pk"))
    )
    assert {row["n"] for row in per_response} == {4}


@pytest.mark.usefixtures("volume")
def test_completion_falls_from_baseline_to_a_year() -> None:
    def done(time_point: str) -> int:
        return QuestionnaireResponse.objects.filter(
            instrument="moxfq", time_point=time_point
        ).count()

    assert done("baseline") > done("12m") > 0


@pytest.mark.usefixtures("volume")
def test_complications_follow_their_operation_and_recurrence_follows_the_films() -> None:
    for complication in Complication.objects.select_related("episode"):
        summary = CaseSummary.objects.get(episode_id=complication.episode_id)
        assert summary.operated_on <= complication.onset_on <= TODAY
        if complication.reoperated_on is not None:
            assert complication.onset_on <= complication.reoperated_on <= TODAY
        if complication.kind == "recurrence":
            assert summary.post_hva_deg is not None
            assert summary.post_hva_deg > 15
            assert summary.post_film_days is not None
            assert summary.post_film_days >= 182
    rate = Complication.objects.exclude(kind="recurrence").values("episode").distinct().count()
    assert 0.08 < rate / 400 < 0.26  # DOMAIN §7: 16.6 % any complication


@pytest.mark.usefixtures("volume")
def test_indexes_are_back_and_new_records_get_fresh_ids(site: Site) -> None:
    with connection.cursor() as cursor:
        names = {
            index["columns"][0]
            for index in connection.introspection.get_constraints(
                cursor, CaseSummary._meta.db_table
            ).values()
            if index["index"]
        }
    assert {"site_id", "surgeon_id", "operated_month"} <= names
    patient = Patient.objects.create(  # the id sequence moved past the generated rows
        site=site,
        hospital_number="NEW-1",
        given_name="A",
        family_name="B",
        date_of_birth=dt.date(1960, 1, 1),
        sex="female",
    )
    assert patient.pk > Episode.objects.aggregate(top=Max("patient_id"))["top"] - 1


def test_a_second_load_adds_new_sites_and_keeps_ids_unique() -> None:
    generate(50, sites=1, reference_date=TODAY)
    generate(50, sites=1, reference_date=TODAY)
    assert Episode.objects.count() == 100
    assert not CaseSummary.objects.filter(~Q(site__slug__startswith="volume-")).exists()


@pytest.mark.usefixtures("volume")
def test_the_summary_columns_agree_with_the_rows_they_summarise() -> None:
    recurred = set(
        Complication.objects.filter(kind="recurrence").values_list("episode_id", flat=True)
    )
    assert recurred == set(
        CaseSummary.objects.filter(recurrence_days__isnull=False).values_list(
            "episode_id", flat=True
        )
    )
    reoperated = set(
        Complication.objects.filter(reoperation=True).values_list("episode_id", flat=True)
    )
    assert reoperated == set(
        CaseSummary.objects.filter(reoperation_days__isnull=False).values_list(
            "episode_id", flat=True
        )
    )
    answered = set(
        QuestionnaireResponse.objects.filter(time_point="baseline").values_list(
            "episode_id", flat=True
        )
    )
    assert answered == set(
        CaseSummary.objects.filter(proms_baseline=True).values_list("episode_id", flat=True)
    )
    for summary in CaseSummary.objects.filter(complication_90d=True):
        assert (
            Complication.objects.filter(episode_id=summary.episode_id)
            .exclude(kind="recurrence")
            .exists()
        )
