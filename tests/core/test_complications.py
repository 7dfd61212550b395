"""Complication kinds, grades and the recurrence rule (DOMAIN §7, §2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halluxpath.core.complications import (
    GRADES,
    PUBLISHED_RATES,
    RECURRENCE_EARLIEST_DAYS,
    FollowUpFilm,
    GradeSystem,
    Kind,
    grade_of,
    grades_of,
    is_grade_of,
    kind_for_alert_rule,
    recurrence_definition,
    recurrence_proposed,
)

CONTRACT_KINDS = {
    "infection_superficial",
    "infection_deep",
    "nerve_injury",
    "vessel_injury",
    "delayed_wound_healing",
    "burr_burn",
    "stiffness",
    "recurrence",
    "malunion",
    "non_union",
    "hallux_varus",
    "transfer_metatarsalgia",
    "hardware_irritation",
    "crps",
    "venous_thrombosis",
    "other",
}


def test_every_contract_kind_is_a_kind() -> None:
    assert set(Kind.values()) >= CONTRACT_KINDS


def test_clavien_dindo_has_the_seven_grades_of_dindo_2004() -> None:
    codes = [g.code for g in GRADES[GradeSystem.CLAVIEN_DINDO]]
    assert codes == ["I", "II", "IIIa", "IIIb", "IVa", "IVb", "V"]


def test_the_orthopaedic_modification_has_one_grade_iii() -> None:
    codes = [g.code for g in GRADES[GradeSystem.CDS_MODIFIED]]
    assert codes == ["I", "II", "III", "IVa", "IVb", "V"]


def test_a_grade_of_the_other_system_is_not_a_grade() -> None:
    assert is_grade_of("clavien_dindo", "IIIb")
    assert not is_grade_of("cds_modified", "IIIb")
    assert not is_grade_of("clavien_dindo", "III")
    assert not is_grade_of("no_such_system", "I")
    assert grades_of("no_such_system") == ()


def test_each_grade_explains_itself_in_words() -> None:
    for grades in GRADES.values():
        for grade in grades:
            assert len(grade.definition.split()) >= 3
            assert grade.source.startswith("DOMAIN §7")
            assert grade.described.startswith(f"Grade {grade.code}: ")


def test_antibiotics_are_clavien_dindo_grade_ii() -> None:
    grade = grade_of("clavien_dindo", "II")
    assert grade is not None
    assert "antibiotics" in grade.definition


def test_published_rates_cite_their_source() -> None:
    for kind, rates in PUBLISHED_RATES.items():
        assert kind == "any" or kind == "reoperation" or kind in Kind.values()
        for rate in rates:
            assert rate.source.startswith("[")
            assert rate.source.endswith("]")
            assert rate.rate_pct is None or 0 <= rate.rate_pct <= 100


def test_mis_infection_rate_is_1_1_per_cent() -> None:
    mis = [r for r in PUBLISHED_RATES[Kind.INFECTION_SUPERFICIAL] if r.mis]
    assert [(r.rate_pct, r.source) for r in mis] == [(1.1, "[78]")]


@pytest.mark.parametrize(
    ("rule", "kind"),
    [
        ("R2", Kind.VENOUS_THROMBOSIS),
        ("R1", Kind.VENOUS_THROMBOSIS),
        ("R6", Kind.INFECTION_SUPERFICIAL),
        ("R5", Kind.INFECTION_SUPERFICIAL),
        ("R12", Kind.NERVE_INJURY),
        ("R16", Kind.OTHER),
        ("", Kind.OTHER),
    ],
)
def test_a_red_flag_prefills_the_kind_it_points_to(rule: str, kind: Kind) -> None:
    assert kind_for_alert_rule(rule) == kind


# --- recurrence ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hva_deg", "days", "threshold", "proposed"),
    [
        (15.1, 182, 15, True),  # just above the threshold, exactly 6 months
        (15.0, 400, 15, False),  # HVA of exactly 15 is not "> 15"
        (14.9, 400, 15, False),
        (25.0, 181, 15, False),  # before 6 months: too early to call recurrence
        (18.0, 365, 20, False),  # the site chose HVA > 20
        (20.5, 365, 20, True),
        (None, 365, 15, False),
    ],
)
def test_recurrence_is_proposed_above_the_threshold_from_six_months(
    hva_deg: float | None, days: int, threshold: int, proposed: bool
) -> None:
    film = FollowUpFilm(hva_deg=hva_deg, days_after_operation=days)
    assert recurrence_proposed(film, threshold) is proposed


def test_a_film_not_for_grading_proposes_nothing() -> None:
    film = FollowUpFilm(hva_deg=30.0, days_after_operation=400, for_grading=False)
    assert not recurrence_proposed(film, 15)


@given(
    hva=st.floats(min_value=-40, max_value=80, allow_nan=False),
    days=st.integers(min_value=-100, max_value=5000),
    threshold=st.sampled_from([15, 20]),
)
def test_the_rule_is_exactly_its_definition(hva: float, days: int, threshold: int) -> None:
    film = FollowUpFilm(hva_deg=hva, days_after_operation=days)
    assert recurrence_proposed(film, threshold) == (
        hva > threshold and days >= RECURRENCE_EARLIEST_DAYS
    )


def test_a_stricter_threshold_never_proposes_more() -> None:
    for hva in (14.0, 16.0, 19.9, 20.0, 20.1, 30.0):
        film = FollowUpFilm(hva_deg=hva, days_after_operation=365)
        assert recurrence_proposed(film, 15) or not recurrence_proposed(film, 20)


def test_the_definition_is_said_in_words() -> None:
    assert recurrence_definition(15) == "HVA > 15° at 182 days or more after the operation"
