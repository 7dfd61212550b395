"""Planning maths and suggestions against hand-worked examples (DOMAIN §3, §4)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halluxpath.core.planning import (
    PlanningInputs,
    Technique,
    lever_arm_mm,
    plan_figures,
    suggest,
    translation_needed,
)


def test_the_domain_test_case_needs_7_mm_or_59_percent() -> None:
    """L = 50 mm, IMA 15° → 7°: d = 50 · tan 8° = 7.0 mm = 59 % of a 12 mm shaft."""
    plan = translation_needed(15.0, 7.0, 50.0, 12.0)
    assert round(plan.shift_mm, 1) == 7.0
    assert round(plan.shift_pct) == 59
    assert plan.reachable


def test_one_degree_needs_tan_1_degree_of_the_lever_just_under_the_0_018_rule() -> None:
    """DOMAIN §4: shift ≥ 0.018 × M1 length per degree; tan 1° = 0.0175."""
    plan = translation_needed(8.0, 7.0, 60.0, 12.0)
    assert plan.shift_mm == pytest.approx(0.0175 * 60, rel=0.01)
    assert plan.shift_mm < 0.018 * 60


def test_no_shift_is_needed_when_the_ima_is_already_at_target() -> None:
    assert translation_needed(6.0, 7.0, 50.0, 12.0).shift_mm == 0.0


@pytest.mark.parametrize(("lever", "width"), [(0, 12), (50, 0), (-1, 12)])
def test_impossible_geometry_is_refused(lever: float, width: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        translation_needed(15, 7, lever, width)


def inputs(**changes: object) -> PlanningInputs:
    values: dict[str, object] = {
        "hva_deg": 30.0,
        "ima_deg": 13.0,
        "hvia_deg": 6.0,
        "dmaa_deg": 6.0,
        "sesamoid_position": 4,
        "severity": "moderate",
    }
    values.update(changes)
    return PlanningInputs(**values)  # type: ignore[arg-type]


def rules(suggestion: object) -> list[str]:
    return [f.rule for f in suggestion.findings]  # type: ignore[attr-defined]


def test_a_moderate_deformity_suggests_a_distal_mis_osteotomy_with_two_screws() -> None:
    result = suggest(inputs(), translation_needed(13, 7, 50, 12))
    assert result.technique == "mis_distal_metatarsal_osteotomy"
    assert not result.akin
    assert [(f.bone, f.count) for f in result.fixation] == [("m1", 2)]
    assert rules(result) == []


def test_a_shift_over_100_percent_says_translation_alone_cannot_reach_the_target() -> None:
    needed = translation_needed(20, 7, 60, 12)  # 13.9 mm, 116 %
    result = suggest(inputs(ima_deg=20.0), needed)
    assert "R-SEL-5" in rules(result)
    assert result.technique == "open_proximal_osteotomy"


def test_a_shift_of_80_to_100_percent_warns_to_check_contact() -> None:
    needed = translation_needed(17, 7, 55, 11.7)
    assert 80 < needed.shift_pct <= 100
    assert "R-PLAN-1" in rules(suggest(inputs(ima_deg=17.0), needed))


def test_severe_deformity_warns_that_distal_mis_is_at_its_upper_limit() -> None:
    assert "R-SEL-4" in rules(suggest(inputs(severity="severe"), None))


@pytest.mark.parametrize(("hvia", "akin"), [(9.9, False), (10.0, True), (14.0, True)])
def test_akin_is_suggested_from_an_hvia_of_10_degrees(hvia: float, akin: bool) -> None:
    result = suggest(inputs(hvia_deg=hvia), None)
    assert result.akin is akin
    assert ("R-SEL-6" in rules(result)) is akin
    assert any(f.bone == "p1" for f in result.fixation) is akin


def test_moderate_mtp_arthritis_suggests_fusion() -> None:
    result = suggest(inputs(mtp_arthritis_grade="moderate"), None)
    assert result.technique == "mtp_arthrodesis"
    assert "R-SEL-1" in rules(result)
    assert result.fixation == ()


def test_open_growth_plates_defer_surgery() -> None:
    result = suggest(inputs(growth_plates_open=True, mtp_arthritis_grade="severe"), None)
    assert result.technique == "defer"
    assert rules(result)[0] == "R-SEL-9"


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"first_ray_instability": True}, "R-SEL-2"),
        ({"inflammatory_forefoot_destruction": True}, "R-SEL-3"),
        ({"dmaa_deg": 12.0}, "R-SEL-7"),
        ({"sesamoid_position": 5}, "R-SEL-8"),
        ({"m1_head_lateral_edge": "round"}, "R-SEL-8"),
        ({"surgeon_mis_trained": False}, "R-SEL-10"),
    ],
)
def test_each_selection_rule_fires_with_its_source(changes: dict[str, object], rule: str) -> None:
    result = suggest(inputs(**changes), None)
    finding = next(f for f in result.findings if f.rule == rule)
    assert finding.source.startswith("DOMAIN §3")
    assert finding.reason


def test_the_model_limits_are_stated_with_every_translation() -> None:
    plan = translation_needed(15, 7, 50, 12)
    assert "first-order" in plan.limits.lower()
    assert math.isfinite(plan.shift_pct)


# --- the lever arm from the film's landmarks, and the figures of a plan ------------------


M1 = {
    "m1_proximal": [100.0, 200.0],
    "m1_distal": [100.0, 0.0],
    "m1_articular_medial": [90.0, 40.0],
    "m1_articular_lateral": [110.0, 40.0],
}


def test_the_lever_arm_runs_from_the_base_to_the_middle_of_the_head_along_m1() -> None:
    """Base at y = 200 px, head centre at y = 40 px: 160 px × 0.5 mm = 80 mm."""
    assert lever_arm_mm(M1, (0.5, 0.5)) == 80.0


def test_the_lever_arm_uses_the_row_spacing_along_the_rows() -> None:
    """DICOM order (row, column): a vertical M1 is measured with the row spacing, 160 × 0.2."""
    assert lever_arm_mm(M1, (0.2, 0.4)) == 32.0


def test_the_lever_arm_projects_an_off_axis_head_onto_the_m1_axis() -> None:
    tilted = {**M1, "m1_articular_medial": [60.0, 40.0], "m1_articular_lateral": [80.0, 40.0]}
    assert lever_arm_mm(tilted, (0.5, 0.5)) == 80.0


@pytest.mark.parametrize(
    ("points", "spacing"),
    [
        (M1, None),
        ({k: v for k, v in M1.items() if k != "m1_articular_lateral"}, (0.5, 0.5)),
        ({k: v for k, v in M1.items() if k != "m1_articular_medial"}, (0.5, 0.5)),
        ({**M1, "m1_distal": [100.0, 400.0]}, (0.5, 0.5)),  # head behind the base
        ({**M1, "m1_distal": [100.0, 200.0]}, (0.5, 0.5)),  # no axis
    ],
)
def test_without_the_articular_landmarks_or_a_pixel_size_there_is_no_lever_arm(
    points: dict[str, list[float]], spacing: tuple[float, float] | None
) -> None:
    assert lever_arm_mm(points, spacing) is None


def test_the_surgeons_lever_arm_replaces_the_films_and_drives_the_translation() -> None:
    film = plan_figures(
        PlanningInputs(hva_deg=30.0, ima_deg=15.0),
        target_ima_deg=7.0,
        lever_mm_from_film=50.0,
        lever_mm_entered=None,
        shaft_width_mm=12.0,
    )
    assert film.lever_mm == 50.0
    assert film.translation is not None
    assert round(film.translation.shift_mm, 1) == 7.0  # DOMAIN §4 test case
    entered = plan_figures(
        PlanningInputs(hva_deg=30.0, ima_deg=22.0),
        target_ima_deg=7.0,
        lever_mm_from_film=50.0,
        lever_mm_entered=60.0,
        shaft_width_mm=12.0,
    )
    assert entered.lever_mm == 60.0
    assert entered.lever_mm_from_film == 50.0
    assert entered.translation is not None
    assert not entered.translation.reachable  # 60 · tan 15° = 16.1 mm, 134 % of 12 mm
    assert entered.translation.shift_pct == 100  # capped at what translation can do
    assert entered.suggestion.technique == Technique.OPEN_PROXIMAL  # R-SEL-5


def test_without_any_lever_arm_there_is_a_suggestion_but_no_translation() -> None:
    figures = plan_figures(
        PlanningInputs(hva_deg=30.0, ima_deg=15.0),
        target_ima_deg=7.0,
        lever_mm_from_film=None,
        lever_mm_entered=None,
        shaft_width_mm=12.0,
    )
    assert figures.translation is None
    assert figures.suggestion.technique == Technique.MIS_DISTAL


@given(
    turn_deg=st.floats(-180, 180),
    shift=st.tuples(st.floats(-500, 500), st.floats(-500, 500)),
    spacing_mm=st.floats(0.05, 1.0),
)
def test_the_lever_arm_does_not_depend_on_where_the_foot_lies_on_the_film(
    turn_deg: float, shift: tuple[float, float], spacing_mm: float
) -> None:
    """Turning and moving every landmark together leaves L unchanged (square pixels)."""
    turn = math.radians(turn_deg)

    def moved(point: list[float]) -> list[float]:
        x, y = point
        return [
            x * math.cos(turn) - y * math.sin(turn) + shift[0],
            x * math.sin(turn) + y * math.cos(turn) + shift[1],
        ]

    expected = lever_arm_mm(M1, (spacing_mm, spacing_mm))
    assert expected is not None
    turned = lever_arm_mm({k: moved(v) for k, v in M1.items()}, (spacing_mm, spacing_mm))
    assert turned == pytest.approx(expected, abs=0.11)


def test_an_implausible_ima_suggests_no_translation_and_says_why() -> None:
    figures = plan_figures(
        PlanningInputs(hva_deg=30.0, ima_deg=50.8, hvia_deg=-53.5),
        target_ima_deg=7.0,
        lever_mm_from_film=50.0,
        lever_mm_entered=None,
        shaft_width_mm=12.0,
    )
    assert figures.translation is None  # not 492 % of the shaft width
    reasons = [f.reason for f in figures.suggestion.findings if f.rule == "R-PLAN-0"]
    assert any("IMA of 50.8°" in r for r in reasons)
    assert any("HVIA of -53.5°" in r for r in reasons)
    assert figures.suggestion.technique == Technique.DEFER
    assert not figures.suggestion.akin


def test_an_implausible_lever_arm_or_width_gives_a_warning_not_a_figure() -> None:
    figures = plan_figures(
        PlanningInputs(hva_deg=30.0, ima_deg=15.0),
        target_ima_deg=7.0,
        lever_mm_from_film=None,
        lever_mm_entered=119.0,
        shaft_width_mm=12.0,
    )
    assert figures.translation is None
    assert "lever arm L of 119.0 mm" in figures.suggestion.findings[0].reason


def test_the_translation_is_capped_at_the_whole_shaft_width() -> None:
    plan = translation_needed(29.0, 7.0, 60.0, 12.0)  # 24.2 mm needed, 202 %
    assert not plan.reachable
    assert plan.shift_pct == 100
    assert plan.shift_mm == 12.0


@pytest.mark.parametrize(
    "values",
    [
        (math.nan, 7, 50, 12),
        (15, 7, math.inf, 12),
        (15, 7, 50, -math.inf),
        (85, -5, 50, 12),  # a step of 90° or more has no translation
    ],
)
def test_the_translation_refuses_non_finite_or_impossible_inputs(
    values: tuple[float, float, float, float],
) -> None:
    with pytest.raises(ValueError, match=r"finite|must lie between"):
        translation_needed(*values)


@given(
    ima=st.floats(-84.9, 84.9),
    target=st.floats(-5, 20),
    lever=st.floats(1e-300, 1e300),
    width=st.floats(1e-300, 1e300),
)
def test_the_translation_is_always_finite_and_at_most_the_shaft_width(
    ima: float, target: float, lever: float, width: float
) -> None:
    plan = translation_needed(ima, target, lever, width)
    assert math.isfinite(plan.shift_mm)
    assert math.isfinite(plan.shift_pct)
    assert 0 <= plan.shift_pct <= 100
