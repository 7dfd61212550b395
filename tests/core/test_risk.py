"""Pre-operative risk flags: each rule, its threshold and its refusals (DOMAIN §6)."""

from __future__ import annotations

import datetime as dt

import pytest

from halluxpath.core.risk import (
    INFECTION,
    UNION,
    VTE,
    Assessment,
    AssessmentError,
    flags,
    hba1c_percent,
    raised_categories,
)

TODAY = dt.date(2026, 11, 25)
RECENT = dt.date(2026, 10, 1)


def rules(**values: object) -> dict[str, str]:
    assessment = Assessment(**{"age_years": 50, **values})  # type: ignore[arg-type]
    return {f.rule: f.message for f in flags(assessment, today=TODAY)}


def test_a_healthy_patient_raises_no_flag() -> None:
    assert rules() == {}


def test_current_smoking_raises_infection_wound_and_union_risk() -> None:
    found = flags(Assessment(age_years=40, smoking="current"), today=TODAY)
    assert found[0].raises == (INFECTION, "delayed wound healing", UNION)
    assert "36.4 %" in found[0].message
    assert rules(smoking="ex") == {}


@pytest.mark.parametrize(
    ("hba1c", "text"),
    [
        (52, "Diabetes, HbA1c 52"),
        (58, "7.5 %"),
        (68, "7.5 %"),
        (69, "at or above 69"),
        (90, "at or above 69"),
    ],
)
def test_hba1c_thresholds(hba1c: float, text: str) -> None:
    assert text in rules(diabetes="type2", hba1c_mmol_mol=hba1c, hba1c_date=RECENT)["§6 diabetes"]


def test_an_old_hba1c_asks_for_a_recheck() -> None:
    found = flags(
        Assessment(
            age_years=50, diabetes="type2", hba1c_mmol_mol=50, hba1c_date=dt.date(2026, 6, 1)
        ),
        today=TODAY,
    )
    assert any(f.action == "Recheck HbA1c." for f in found)


def test_hba1c_is_converted_to_percent() -> None:
    assert hba1c_percent(53) == pytest.approx(7.0, abs=0.05)
    assert hba1c_percent(69) == pytest.approx(8.5, abs=0.05)


@pytest.mark.parametrize(
    ("abpi", "text"),
    [
        (0.45, "Severe"),
        (0.8, "below 0.9"),
        (1.4, "falsely high"),
    ],
)
def test_abpi_bands(abpi: float, text: str) -> None:
    assert text in rules(abpi=abpi)["§6 PAD"]
    assert rules(abpi=1.0) == {}


def test_an_absent_pulse_without_abpi_asks_for_one() -> None:
    assert "no ABPI" in rules(foot_pulses_absent=True)["§6 PAD"]


def test_vte_factors_prompt_for_prophylaxis_decision() -> None:
    assert "previous VTE" in rules(vte_history=True)["R-VTE-2"]
    assert "immobilisation planned" in rules(immobilisation_planned=True)["R-VTE-2"]
    found = rules(age_years=72)
    assert "§6 age" in found
    assert "age over 60" in found["R-VTE-2"]


def test_each_factor_names_its_source() -> None:
    assessment = Assessment(
        age_years=70,
        smoking="current",
        neuropathy="confirmed",
        inflammatory_arthritis="rheumatoid",
        steroid=True,
        bmi=42,
        previous_surgery_same_foot=True,
        anticoagulant="apixaban",
        asa_grade="III",
    )
    found = flags(assessment, today=TODAY)
    assert all(f.source.startswith("DOMAIN §6") for f in found)
    groups = raised_categories(found)
    assert set(groups) == {INFECTION, "delayed wound healing", UNION, VTE, "anaesthetic"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"diabetes": "type2", "hba1c_mmol_mol": 7.5, "hba1c_date": RECENT}, "hba1c_mmol_mol"),
        ({"diabetes": "type2", "hba1c_mmol_mol": 250, "hba1c_date": RECENT}, "hba1c_mmol_mol"),
        ({"diabetes": "type2", "hba1c_mmol_mol": 60}, "hba1c_date"),
        (
            {"diabetes": "type2", "hba1c_mmol_mol": 60, "hba1c_date": dt.date(2027, 1, 1)},
            "hba1c_date",
        ),
        ({"hba1c_mmol_mol": 70, "hba1c_date": RECENT}, "diabetes"),
        ({"bmi": 5}, "bmi"),
        ({"abpi": 7}, "abpi"),
        ({"asa_grade": "VII"}, "asa_grade"),
        ({"smoking": "sometimes"}, "smoking"),
    ],
)
def test_impossible_values_are_refused_naming_the_field(
    values: dict[str, object], field: str
) -> None:
    with pytest.raises(AssessmentError) as refused:
        flags(Assessment(age_years=50, **values), today=TODAY)  # type: ignore[arg-type]
    assert refused.value.field == field


def test_each_vocabulary_is_defined_once_with_its_labels() -> None:
    from halluxpath.core.risk import AsaGrade, Smoking

    assert Smoking.choices() == [
        ("never", "Never smoked"),
        ("ex", "Ex-smoker"),
        ("current", "Current smoker"),
    ]
    assert Smoking("current") is Smoking.CURRENT
    assert AsaGrade.III == "III"
