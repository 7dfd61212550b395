"""The registry-sized synthetic load (registry.volume): plausible rows, nothing broken after."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Min, Q

from halluxpath.complications.models import Complication
from halluxpath.outcomes.models import QuestionnaireResponse, Score
from halluxpath.patients.models import Episode, Patient
from halluxpath.registry import volume as volume_module
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
    assert {"site_id", "surgeon_id", "fixation", "reoperation_days"} <= names
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


WRITTEN = (Patient, Episode, QuestionnaireResponse, Score, Complication, CaseSummary)


def _rows() -> dict[str, list[tuple[object, ...]]]:
    return {m.__name__: list(m.objects.order_by("pk").values_list()) for m in WRITTEN}


@pytest.mark.django_db(transaction=True)
def test_worker_built_chunks_give_the_rows_one_process_writes() -> None:
    """Chunks built by two worker processes, by this one into a scratch file, or written
    straight in (inside a caller's transaction) are the same rows, ids included."""

    def load(workers: int | None, *, inside: bool = False) -> dict[str, list[tuple[object, ...]]]:
        # Ids start at 1 (PostgreSQL's sequences keep what rolled-back tests took).
        call_command("flush", interactive=False, verbosity=0)
        with transaction.atomic() if inside else nullcontext():
            generate(
                450, sites=2, surgeons_per_site=3, reference_date=TODAY, chunk=100, workers=workers
            )
        return _rows()

    by_workers = load(2)
    assert len(by_workers["Episode"]) == 450
    assert len(by_workers["Score"]) > 450
    assert load(0) == by_workers
    assert load(None, inside=True) == by_workers
    # Another seed, other rows (the streams do depend on it).
    call_command("flush", interactive=False, verbosity=0)
    generate(450, sites=2, surgeons_per_site=3, reference_date=TODAY, chunk=100, seed=7)
    assert _rows()["Score"] != by_workers["Score"]


def _state() -> tuple[dict[str, list[tuple[object, ...]]], set[str], list[tuple[object, ...]]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        indexes = {name for (name,) in cursor.fetchall()}
        cursor.execute("PRAGMA database_list")
        attached = [tuple(row)[1:2] for row in cursor.fetchall()]
    return _rows(), indexes, attached


def _bad_care_team(real: Callable[..., Any]) -> Callable[..., Any]:
    def people(sites: int, surgeons_per_site: int) -> tuple[dict[int, int], object]:
        teams, surgeons = real(sites, surgeons_per_site)
        return dict.fromkeys(teams, 10**9), surgeons  # no such care team

    return people


def _taken_patient_id(real: Callable[..., Any]) -> Callable[..., Any]:
    def first_ids(*args: object) -> list[dict[str, int]]:
        found: list[dict[str, int]] = real(*args)
        found[-1][Patient._meta.label] -= 1  # the last chunk reuses the one before's last id
        return found

    return first_ids


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the staged SQLite path")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("target", "breaking"),
    [("_people", _bad_care_team), ("_first_ids", _taken_patient_id)],
    ids=["foreign key", "unique key"],
)
@pytest.mark.parametrize("workers", [0, 2])
def test_a_bad_row_fails_the_load_and_leaves_the_database_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
    target: str,
    breaking: Callable[[Callable[..., Any]], Callable[..., Any]],
    workers: int,
) -> None:
    generate(120, sites=1, surgeons_per_site=2, reference_date=TODAY, chunk=50)
    before = _state()
    monkeypatch.setattr(volume_module, target, breaking(getattr(volume_module, target)))
    with pytest.raises(IntegrityError):
        generate(
            300, sites=1, surgeons_per_site=2, reference_date=TODAY, chunk=100, workers=workers
        )
    assert _state() == before  # rows, indexes, and no scratch file left attached
    assert Site.objects.filter(slug__startswith="volume-").count() == 1
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1  # checked row by row again
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"  # back from the load's rollback journal
