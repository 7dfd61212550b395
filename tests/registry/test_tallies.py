"""The tallied sections equal the sections counted from every case and score (registry.tallies).

On random data (registry.volume) for every viewer and every kind of filter,
and on the hand-built world after the changes the actions make (a
complication recorded, marked in error; a new questionnaire score), kept
current by ``refresh_case`` / ``refresh_scores`` alone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model

from halluxpath.accounts.models import Role, User
from halluxpath.audit.context import Actor
from halluxpath.complications.actions import mark_entered_in_error
from halluxpath.complications.models import Complication
from halluxpath.complications.schemas import EnteredInErrorInput
from halluxpath.core.complications import Kind
from halluxpath.core.planning import Technique
from halluxpath.registry import dashboards, tallies
from halluxpath.registry.access import Dashboard, Scope, scope_for
from halluxpath.registry.actions import rebuild_tallies, refresh_scores
from halluxpath.registry.models import (
    CaseSummary,
    CaseTally,
    ComplicationTally,
    PairTally,
    ScoreTally,
)
from halluxpath.registry.sections import Filters
from halluxpath.registry.tables import Section
from halluxpath.registry.volume import generate
from halluxpath.sites.models import Site
from tests.registry import raw_sections
from tests.registry.world import RegistryWorld, answer, complicate

TODAY = dt.date(2026, 12, 1)
RAW: dict[str, Callable[..., Section]] = {
    "volume": raw_sections.case_volume,
    "correction": raw_sections.correction,
    "complications": raw_sections.complication_rates,
    "completion": raw_sections.completion,
}
SCORED = ("questionnaires", "mcid")


def tallied(scope: Scope, filters: Filters, viewer: User, slug: str) -> Section:
    found = dashboards.section(scope, filters, viewer.pk, slug, TODAY)
    assert found is not None
    return found


def counted(
    scope: Scope, filters: Filters, viewer: User, slug: str, monkeypatch: pytest.MonkeyPatch
) -> Section:
    """The section from every row: the old case sections, the scores counted."""
    if slug in RAW:
        return (
            RAW[slug](scope, filters, TODAY) if slug == "completion" else RAW[slug](scope, filters)
        )
    with monkeypatch.context() as patched:
        patched.setattr(tallies, "score_level", lambda _view: None)
        return tallied(scope, filters, viewer, slug)


def rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    return value


def assert_same(
    viewers: list[tuple[User, Dashboard]], picks: list[Filters], monkeypatch: pytest.MonkeyPatch
) -> int:
    compared = 0
    for viewer, board in viewers:
        scope = scope_for(Actor(viewer), board)
        for filters in picks:
            for slug in [*RAW, *SCORED]:
                fast = tallied(scope, filters, viewer, slug)
                slow = counted(scope, filters, viewer, slug, monkeypatch)
                assert fast.table.rows == slow.table.rows, (board, filters, slug)
                # Sums of sums add in another order: the chart's floats agree to rounding.
                assert rounded(fast.plot) == rounded(slow.plot), (board, filters, slug)
                compared += bool(fast.table.rows)
    return compared


def tally_rows(model: type[Model]) -> Counter[tuple[Any, ...]]:
    fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
    rows: Counter[tuple[Any, ...]] = Counter()
    for row in model._default_manager.values_list(*fields):
        rows[tuple(round(v, 6) if isinstance(v, float) else v for v in row)] += 1
    return rows


def assert_current() -> None:
    """The tallies kept by the actions are those a full rebuild gives."""
    models = (CaseTally, ComplicationTally, ScoreTally, PairTally)
    kept = {m: tally_rows(m) for m in models}
    rebuild_tallies()
    for model in models:
        assert kept[model] == tally_rows(model), model.__name__


def filter_picks(site: Site, surgeon: User, months: list[dt.date]) -> list[Filters]:
    last = max(months)
    year_before = last.replace(year=last.year - 1)
    return [
        Filters(),
        Filters(technique=Technique.MIS_DISTAL.value),
        Filters(technique=Technique.LAPIDUS.value),
        Filters(fixation="screw"),
        Filters(severity="moderate"),
        Filters(month_from=year_before, month_to=last),
        Filters(month_from=months[len(months) // 2]),
        Filters(site_id=site.pk),
        Filters(surgeon_id=surgeon.pk),
        Filters(technique=Technique.MIS_DISTAL.value, month_from=year_before),
        Filters(fixation="screw", severity="mild", surgeon_id=surgeon.pk),
    ]


@pytest.mark.django_db
def test_on_random_data_every_tallied_section_equals_the_counted_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    generate(600, sites=2, surgeons_per_site=3, reference_date=TODAY, chunk=200)
    site = Site.objects.filter(slug__startswith="volume-").order_by("pk")[0]
    surgeon = User.objects.filter(site=site, role=Role.SURGEON).order_by("pk")[0]
    admin = User.objects.create(username="tally-admin", role=Role.ADMIN, site=site)
    researcher = User.objects.create(username="tally-research", role=Role.RESEARCHER, site=site)
    months = sorted(set(CaseSummary.objects.values_list("operated_month", flat=True)))
    viewers = [
        (surgeon, Dashboard.SURGEON),
        (admin, Dashboard.SITE),
        (researcher, Dashboard.SITE),
        (researcher, Dashboard.REGISTRY),
    ]
    compared = assert_same(viewers, filter_picks(site, surgeon, months), monkeypatch)
    assert compared > 100
    assert_current()  # the generator's rebuild is a full rebuild: the same rows again


@pytest.mark.django_db
def test_after_the_actions_change_the_cases_the_tallies_still_equal_the_counts(
    registry_world: RegistryWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = registry_world
    months = sorted(set(CaseSummary.objects.values_list("operated_month", flat=True)))
    viewers = [
        (world.alpha, Dashboard.SURGEON),
        (world.admin, Dashboard.SITE),
        (world.researcher, Dashboard.SITE),
        (world.researcher, Dashboard.REGISTRY),
    ]
    picks = filter_picks(world.site1, world.alpha, months)
    assert_current()  # built case by case through refresh_case
    # A complication recorded, another marked entered in error, a new score, a new answer.
    complicate(world.alpha, world.alpha_cases[4], Kind.STIFFNESS, 40)
    wrong = Complication.objects.filter(episode__responsible_surgeon=world.beta).first()
    assert wrong is not None
    mark_entered_in_error(
        Actor(world.beta), wrong.pk, wrong.version, EnteredInErrorInput(reason="Wrong patient")
    )
    answer(world.alpha_cases[8], "baseline", 3)
    changed = world.alpha_cases[0]
    changed_scores = changed.questionnaire_scores.all()
    changed_scores.update(value=9.5)
    refresh_scores(changed.pk)
    assert ScoreTally.objects.filter(surgeon=world.alpha, value=9.5).exists()
    assert_same(viewers, picks, monkeypatch)
    assert_current()


def sql_score_rebuild() -> dict[type[Model], Counter[tuple[Any, ...]]]:
    """The questionnaire tallies as the SQL counts them, level by level."""
    for level in tallies.LEVEL_KEYS:
        tallies.rebuild_score_tallies(level)
    return {m: tally_rows(m) for m in (ScoreTally, PairTally)}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the array rebuild is SQLite's")
@pytest.mark.django_db
def test_the_array_rebuild_range_by_range_equals_the_sql_count() -> None:
    generate(300, sites=2, surgeons_per_site=3, reference_date=TODAY, chunk=150)
    # Values with four decimals, and negative ones, travel as integers too.
    from halluxpath.outcomes.models import Score

    some = list(Score.objects.order_by("pk").values_list("pk", flat=True)[:40])
    Score.objects.filter(pk__in=some[:20]).update(value=12.3456)
    Score.objects.filter(pk__in=some[20:]).update(value=-0.0001)
    expected = sql_score_rebuild()
    scores = Score.objects.count()
    assert scores > 1000
    for chunk in (97, 1000, scores * 2):  # ranges smaller than the data, and one range
        ScoreTally.objects.all().delete()
        assert tallies.rebuild_all_score_tallies(chunk)
        assert {m: tally_rows(m) for m in (ScoreTally, PairTally)} == expected, chunk


@pytest.mark.django_db
def test_values_the_arrays_cannot_carry_exactly_are_counted_in_sql() -> None:
    generate(120, sites=1, surgeons_per_site=2, reference_date=TODAY, chunk=120)
    from halluxpath.outcomes.models import Score

    first = Score.objects.order_by("pk").values_list("pk", flat=True)[:5]
    Score.objects.filter(pk__in=list(first)).update(value=1 / 3)
    expected = sql_score_rebuild()
    assert not tallies.rebuild_all_score_tallies()
    rebuild_tallies()
    assert {m: tally_rows(m) for m in (ScoreTally, PairTally)} == expected
    assert ScoreTally.objects.filter(value=1 / 3).exists()


@pytest.mark.django_db
def test_the_upgrade_builds_the_surgeon_and_mix_level_from_the_stored_cases() -> None:
    import importlib

    from django.apps import apps

    generate(150, sites=1, surgeons_per_site=2, reference_date=TODAY, chunk=150)
    level = "surgeonmix"
    built = {m: tally_rows(m) for m in (ScoreTally, PairTally)}
    assert ScoreTally.objects.filter(level=level).exists()
    for model in (ScoreTally, PairTally):  # as on a database from before the level
        model.objects.filter(level=level).delete()
    upgrade = importlib.import_module("halluxpath.registry.migrations.0007_surgeon_mix_tallies")
    upgrade.build_the_new_level(apps, None)
    assert {m: tally_rows(m) for m in (ScoreTally, PairTally)} == built
