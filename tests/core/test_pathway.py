"""Aftercare plans from the pathway template for several patient profiles (DOMAIN §11)."""

from __future__ import annotations

import datetime as dt

import pytest

from halluxpath.core.pathway import MIS_SCREWS, build_plan

DAY0 = dt.date(2026, 11, 2)


def keys(**options: object) -> dict[str, dt.date]:
    plan = build_plan(MIS_SCREWS, DAY0, **{"side": "right", "fixation": "screws", **options})  # type: ignore[arg-type]
    return {item.key: item.starts_on for item in plan.items}


def test_the_usual_visits_fall_at_2_weeks_6_weeks_3_6_and_12_months() -> None:
    plan = keys()
    assert plan["visit-2w"] == dt.date(2026, 11, 16)
    assert plan["visit-6w"] == dt.date(2026, 12, 14)
    assert plan["visit-3m"] == DAY0 + dt.timedelta(days=91)
    assert plan["visit-12m"] == DAY0 + dt.timedelta(days=365)


def test_antibiotics_and_vte_prophylaxis_appear_only_when_prescribed() -> None:
    assert "antibiotics" not in keys()
    assert "vte" not in keys()
    assert "antibiotics" in keys(antibiotics_prescribed=True)
    assert "vte" in keys(vte_prophylaxis=True)


def test_k_wire_fixation_adds_wire_removal() -> None:
    assert "wire-out" not in keys()
    assert keys(fixation="k_wire")["wire-out"] == DAY0 + dt.timedelta(days=35)


def test_risk_flags_extend_elevation_and_add_an_early_wound_check() -> None:
    plan = build_plan(MIS_SCREWS, DAY0, side="left", fixation="screws", risk_rules={"§6 smoking"})
    strict = next(i for i in plan.items if i.key == "elevate-strict")
    assert strict.ends_on == DAY0 + dt.timedelta(days=14)
    assert "§11.4" in strict.source
    assert any(i.key == "visit-1w" for i in plan.items)


@pytest.mark.parametrize(
    ("side", "automatic", "weeks"),
    [
        ("left", True, 2),
        ("left", False, 6),
        ("right", True, 6),
        ("left", None, 6),
    ],
)
def test_driving_depends_on_the_side_and_the_car(
    side: str, automatic: bool | None, weeks: int
) -> None:
    assert keys(side=side, automatic_car=automatic)["driving"] == DAY0 + dt.timedelta(weeks=weeks)


def test_what_applies_today_includes_running_instructions_and_todays_visit() -> None:
    plan = build_plan(MIS_SCREWS, DAY0, side="right", fixation="screws")
    today = {i.key for i in plan.due_on(DAY0 + dt.timedelta(days=14))}
    assert {"visit-2w", "wb-shoe", "dressing", "physio"} <= today
    assert "elevate-strict" not in today


def test_the_plan_records_the_template_version_it_was_built_from() -> None:
    plan = build_plan(MIS_SCREWS, DAY0, side="right", fixation="screws")
    assert (plan.template, plan.template_version) == (MIS_SCREWS.name, 1)


@pytest.mark.parametrize("options", [{"side": "both"}, {"fixation": "glue"}])
def test_unknown_sides_and_fixations_are_refused(options: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="must be"):
        build_plan(MIS_SCREWS, DAY0, **{"side": "right", "fixation": "screws", **options})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("work", "day", "words"),
    [
        ("seated", 14, "about 2 weeks if you can keep your foot up"),
        ("standing", 28, "about 4 to 6 weeks"),
        ("manual", 42, "at least 6 weeks"),
        (None, 14, "manual work: at least 6 weeks"),
    ],
)
def test_return_to_work_follows_the_kind_of_work(work: str | None, day: int, words: str) -> None:
    """DOMAIN §11.2 [6][9]."""
    plan = build_plan(MIS_SCREWS, DAY0, side="left", fixation="screws", work=work)
    item = next(i for i in plan.items if i.key == "work")
    assert (item.starts_on - DAY0).days == day
    assert words in item.instructions


def test_own_shoes_from_about_three_months() -> None:
    plan = build_plan(MIS_SCREWS, DAY0, side="left", fixation="screws")
    shoes = [(i.key, (i.starts_on - DAY0).days) for i in plan.items if i.category == "shoes"]
    assert shoes == [("trainers", 42), ("own-shoes", 91)]


def test_an_unknown_kind_of_work_is_refused() -> None:
    with pytest.raises(ValueError, match="work must be"):
        build_plan(MIS_SCREWS, DAY0, side="left", fixation="screws", work="astronaut")


def test_a_plan_past_the_end_of_the_calendar_is_refused_not_an_overflow() -> None:
    """Issue 12 item 11: dates near 9999 are a ValueError the pages turn into a form error."""
    with pytest.raises(ValueError, match="outside the calendar"):
        build_plan(MIS_SCREWS, dt.date.max, side="left", fixation="screws")
    assert build_plan(MIS_SCREWS, dt.date.min, side="left", fixation="screws").items


def test_plausible_operation_and_item_dates() -> None:
    from halluxpath.core.pathway import (
        EARLIEST_DATE,
        item_date_problem,
        operation_date_problem,
        shifted,
    )

    today = dt.date(2026, 12, 2)
    assert operation_date_problem(EARLIEST_DATE, today) is None
    assert operation_date_problem(today + dt.timedelta(days=730), today) is None
    assert "before 01/01/2000" in (operation_date_problem(dt.date.min, today) or "")
    assert "two years ahead" in (operation_date_problem(dt.date.max, today) or "")
    assert operation_date_problem(dt.date(1999, 12, 31), today)
    assert operation_date_problem(today + dt.timedelta(days=731), today)
    assert operation_date_problem(dt.date.max, dt.date.max) is None  # the latest day, no overflow
    assert item_date_problem(today, today) is None
    assert item_date_problem(today - dt.timedelta(days=1), today)
    assert item_date_problem(today + dt.timedelta(days=731), today)
    assert item_date_problem(dt.date.max, dt.date.max) is None
    assert shifted(dt.date.max, 1) is None
    assert shifted(dt.date.min, -1) is None
