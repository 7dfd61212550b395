"""Each dashboard section's numbers on the hand-built world (tests/registry/world.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from halluxpath.accounts.models import User
from halluxpath.audit.context import Actor
from halluxpath.registry import dashboards, sections, tallies
from halluxpath.registry.access import Dashboard, pseudonym, scope_for
from halluxpath.registry.learning import CURVES
from halluxpath.registry.sections import Filters
from halluxpath.registry.tables import Section
from tests.registry.world import RegistryWorld


def section(user: User, dashboard: Dashboard, slug: str, filters: Filters | None = None) -> Section:
    scope = scope_for(Actor(user), dashboard)
    found = dashboards.section(scope, filters or Filters(), user.pk, slug)
    assert found is not None
    return found


def column(found: Section, label: str) -> dict[str, str]:
    index = found.table.header.index(label)
    return {row[0]: row[index] for row in found.table.rows}


def test_the_site_counts_its_operated_episodes_per_month(registry_world: RegistryWorld) -> None:
    volume = column(section(registry_world.admin, Dashboard.SITE, "volume"), "Cases")
    assert volume["2026-01"] == "1"
    assert volume["2026-02"] == volume["2026-03"] == volume["2026-04"] == "2"
    assert volume["2026-10"] == "1"
    assert volume["All"] == "13"  # the other site's two cases are not this site's


def test_a_researcher_sees_the_site_volume_suppressed_and_rounded(
    registry_world: RegistryWorld,
) -> None:
    volume = column(section(registry_world.researcher, Dashboard.SITE, "volume"), "Cases")
    assert volume["2026-02"] == "*"
    assert volume["All"] == "15"  # 13 rounded to the nearest 5


def test_the_correction_is_the_paired_worked_example(registry_world: RegistryWorld) -> None:
    found = section(registry_world.alpha, Dashboard.SURGEON, "correction")
    hva = dict(zip(found.table.header, found.table.rows[0], strict=True))
    assert hva["Cases"] == "10"
    assert hva["With both films"] == "8"
    assert hva["Excluded"] == "2"
    assert hva["Mean before (°)"] == "45.4"
    assert hva["Mean after (°)"] == "10.0"
    assert hva["Mean correction (°)"] == "35.4"
    assert hva["95 % CI (°)"] == "24.7 to 46.0"
    ima = dict(zip(found.table.header, found.table.rows[1], strict=True))
    assert (ima["Mean before (°)"], ima["Mean after (°)"], ima["Mean correction (°)"]) == (
        "13.0",
        "6.0",
        "7.0",
    )


def test_the_registry_correction_hides_small_counts_but_shows_means_of_eight(
    registry_world: RegistryWorld,
) -> None:
    found = section(registry_world.researcher, Dashboard.REGISTRY, "correction")
    hva = dict(zip(found.table.header, found.table.rows[0], strict=True))
    assert (hva["Cases"], hva["With both films"], hva["Excluded"]) == ("15", "10", "*")
    assert hva["Mean correction (°)"] == "35.4"


def test_filters_narrow_the_cases(registry_world: RegistryWorld) -> None:
    admin = registry_world.admin

    def total(filters: Filters) -> str:
        return column(section(admin, Dashboard.SITE, "volume", filters), "Cases").get("All", "0")

    assert total(Filters(fixation="k_wire")) == "3"
    assert total(Filters(severity="severe")) == "4"
    assert total(Filters(surgeon_id=registry_world.beta.pk)) == "3"
    assert total(Filters(technique="lapidus")) == "0"
    march, april = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
    assert total(Filters(month_from=march, month_to=april)) == "4"


def test_the_registry_filters_by_site(registry_world: RegistryWorld) -> None:
    found = section(
        registry_world.admin, Dashboard.REGISTRY, "volume", Filters(site_id=registry_world.site2.pk)
    )
    assert column(found, "Cases")["All"] == "*"  # two cases


@pytest.mark.parametrize("curve", CURVES, ids=lambda c: c.key)
def test_the_learning_curve_follows_the_bolsin_form(
    registry_world: RegistryWorld, curve: object
) -> None:
    key = next(c for c in CURVES if c is curve).key.replace("_", "-")
    found = section(registry_world.alpha, Dashboard.SURGEON, key)
    values = [float(row[3]) for row in found.table.rows]
    s = CURVES[0].limits.s
    if key == "time-cusum":  # over 60 min in cases 1, 3, 4
        assert values[3] == pytest.approx(3 - 4 * s, abs=0.01)
        assert values[-1] == pytest.approx(3 - 10 * s, abs=0.01)
    elif key == "fluoro-cusum":  # over 86 s in cases 1 and 3
        assert values[-1] == pytest.approx(2 - 10 * s, abs=0.01)
    else:  # a complication within 90 days in case 2 only (tests/registry/world.py)
        s = CURVES[2].limits.s
        assert values[-1] == pytest.approx(1 - 10 * s, abs=0.01)
    assert len(values) == 10


def test_the_learning_summary_names_where_each_curve_crossed(
    registry_world: RegistryWorld,
) -> None:
    found = section(registry_world.admin, Dashboard.SITE, "learning")
    alpha = next(row for row in found.table.rows if row[0] == str(registry_world.alpha))
    row = dict(zip(found.table.header, alpha, strict=True))
    assert row["MIS cases"] == "10"
    assert row["Operative time: reached unacceptable (h₁)"] == "case 4"
    assert row["Operative time: reached acceptable (h₀)"] == "not crossed"
    assert row["Fluoroscopy time: reached unacceptable (h₁)"] == "not crossed"


def test_de_identified_viewers_see_pseudonyms_and_no_case_by_case_curve(
    registry_world: RegistryWorld,
) -> None:
    researcher = registry_world.researcher
    scope = scope_for(Actor(researcher), Dashboard.SITE)
    slugs = dashboards.slugs(scope, Filters(surgeon_id=registry_world.alpha.pk), researcher.pk)
    assert "time-cusum" not in slugs
    found = section(researcher, Dashboard.SITE, "learning")
    labels = {row[0] for row in found.table.rows}
    assert pseudonym("surgeon", registry_world.alpha.pk) in labels
    assert str(registry_world.alpha) not in labels


def test_a_site_admin_sees_a_chosen_surgeons_curve(registry_world: RegistryWorld) -> None:
    scope = scope_for(Actor(registry_world.admin), Dashboard.SITE)
    chosen = Filters(surgeon_id=registry_world.alpha.pk)
    assert "time-cusum" in dashboards.slugs(scope, chosen, registry_world.admin.pk)
    assert "time-cusum" not in dashboards.slugs(scope, Filters(), registry_world.admin.pk)


def test_sections_module_names_every_angle() -> None:
    assert [key for key, _ in sections.ANGLES] == ["hva", "ima"]


TODAY = dt.date(2026, 12, 2)


def test_complication_rates_count_feet_with_wilson_intervals(
    registry_world: RegistryWorld,
) -> None:
    found = section(registry_world.alpha, Dashboard.SURGEON, "complications")
    rows = {row[0]: row for row in found.table.rows}
    header = found.table.header
    infection = dict(zip(header, rows["Infection, superficial (wound)"], strict=True))
    assert (infection["Feet"], infection["With it"], infection["%"]) == ("10", "1", "10.0")
    assert infection["95 % CI (%)"] == "1.8 to 40.4"  # Wilson, 1 of 10
    assert "1.1 % MIS [78]" in infection["Published (DOMAIN §7)"]
    assert dict(zip(header, rows["Any complication"], strict=True))["With it"] == "2"
    assert dict(zip(header, rows["Nerve injury or numbness"], strict=True))["With it"] == "0"


def test_a_researcher_sees_no_rate_that_gives_away_a_small_count(
    registry_world: RegistryWorld,
) -> None:
    found = section(registry_world.researcher, Dashboard.SITE, "complications")
    nerve = next(row for row in found.table.rows if row[0] == "Nerve injury or numbness")
    assert nerve[1:5] == ["15", "*", "*", "*"]


def test_recurrence_free_survival_counts_the_one_recurrence(
    registry_world: RegistryWorld,
) -> None:
    """Follow-up ends at the last news: case 1 at day 250 (its reoperation), cases 2-6 at
    day 182 (the 6-month questionnaire), cases 7-8 at day 180 (the film), cases 9-10 at day 0.
    The one foot still followed at day 200 recurred then, so the estimate falls to 0."""
    found = section(registry_world.alpha, Dashboard.SURGEON, "recurrence-free")
    rows = {row[0]: row[1:] for row in found.table.rows}
    assert [rows[f"{m} months"][0] for m in (0, 3, 6, 12, 24)] == ["10", "8", "6", "0", "0"]
    assert rows["6 months"][1:3] == ["0", "1.000"]
    assert rows["12 months"][1:3] == ["1", "0.000"]
    reoperation = section(registry_world.alpha, Dashboard.SURGEON, "reoperation-free")
    assert {row[0]: row for row in reoperation.table.rows}["12 months"][2] == "1"


def test_questionnaire_medians_and_quartiles_are_the_worked_values(
    registry_world: RegistryWorld,
) -> None:
    found = section(registry_world.alpha, Dashboard.SURGEON, "questionnaires")
    rows = {(row[0], row[1]): row[2:] for row in found.table.rows}
    assert rows[("NRS pain", "Before the operation")] == ["8", "6.5", "5.8", "7.2"]
    assert rows[("NRS pain", "6 months")] == ["6", "3.5", "2.2", "4.8"]


def test_the_mcid_share_is_three_of_six(registry_world: RegistryWorld) -> None:
    found = section(registry_world.alpha, Dashboard.SURGEON, "mcid")
    row = dict(zip(found.table.header, found.table.rows[0], strict=True))
    assert row["MCID"] == "2.0"
    assert (row["With both"], row["Reached"], row["%"]) == ("6", "3", "50.0")
    assert row["Baseline, no follow-up"] == "2"


def test_completion_is_counted_among_feet_due_beside_bofas(registry_world: RegistryWorld) -> None:
    scope = scope_for(Actor(registry_world.alpha), Dashboard.SURGEON)
    found = dashboards.section(scope, Filters(), registry_world.alpha.pk, "completion", TODAY)
    assert found is not None
    rows = {row[0]: row for row in found.table.rows}
    assert rows["Before the operation"][1:4] == ["10", "8", "80.0"]
    assert rows["Before the operation"][5] == "52.5"
    # 6 months closes at day 212: due are the January to April operations and the two
    # answered early (May, June): 6 of 6.
    assert rows["6 months"][1:4] == ["6", "6", "100.0"]
    assert rows["12 months"][5] == "15.7"


@pytest.mark.parametrize(
    ("who", "dashboard"),
    [
        ("alpha", Dashboard.SURGEON),
        ("admin", Dashboard.SITE),
        ("researcher", Dashboard.REGISTRY),
    ],
)
@pytest.mark.parametrize("slug", ["questionnaires", "mcid"])
def test_the_tallies_give_the_figures_the_scores_give(
    registry_world: RegistryWorld,
    who: str,
    dashboard: Dashboard,
    slug: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """registry.tallies sum to what counting the scores themselves gives, per viewer."""
    user = getattr(registry_world, who)
    tallied = section(user, dashboard, slug)
    for pick in (Filters(), Filters(surgeon_id=registry_world.alpha.pk)):
        monkeypatch.setattr(tallies, "score_level", lambda _view: None)
        counted = section(user, dashboard, slug, pick)
        monkeypatch.undo()
        assert section(user, dashboard, slug, pick).table.rows == counted.table.rows
    assert tallied.table.rows
    assert tallied.table.rows == section(user, dashboard, slug, Filters()).table.rows


def test_scoring_a_response_brings_the_tallies_up_to_date(registry_world: RegistryWorld) -> None:
    from halluxpath.outcomes.models import Score
    from halluxpath.registry.actions import refresh_scores
    from halluxpath.registry.models import ScoreTally

    before = ScoreTally.objects.filter(surgeon=registry_world.alpha).count()
    episode = registry_world.alpha_cases[0]
    Score.objects.filter(episode=episode).update(value=9.5)
    refresh_scores(episode.pk)
    assert ScoreTally.objects.filter(surgeon=registry_world.alpha, value=9.5).exists()
    assert ScoreTally.objects.filter(surgeon=registry_world.alpha).count() >= before - 2
