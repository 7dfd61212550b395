"""core.research: pseudonyms, day offsets, age and BMI bands (DOMAIN §18)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halluxpath.core.research import (
    AGE_BANDS,
    BMI_BAND_NAMES,
    age_band,
    age_in_years,
    bmi_band,
    day_offset,
    new_pseudonym_key,
    pseudonym,
)


def test_ages_of_90_and_over_are_one_band() -> None:
    assert [age_band(a) for a in (89, 90, 104)] == ["85-89", "90+", "90+"]


@given(st.integers(0, 130))
def test_every_age_falls_in_one_listed_band(age: int) -> None:
    band = age_band(age)
    assert band in AGE_BANDS
    if band not in ("<20", "90+"):
        low, high = map(int, band.split("-"))
        assert low <= age <= high


def test_age_counts_completed_years() -> None:
    assert age_in_years(dt.date(1960, 6, 17), dt.date(2026, 6, 16)) == 65
    assert age_in_years(dt.date(1960, 6, 17), dt.date(2026, 6, 17)) == 66


def test_days_are_counted_from_the_operation() -> None:
    day0 = dt.date(2026, 3, 1)
    assert day_offset(dt.date(2026, 2, 27), day0) == -2
    assert day_offset(dt.date(2027, 3, 1), day0) == 365
    assert day_offset(None, day0) is None


@given(st.floats(10, 80))
def test_every_bmi_falls_in_a_who_band(bmi: float) -> None:
    assert bmi_band(bmi) in BMI_BAND_NAMES


def test_bmi_band_edges() -> None:
    assert [bmi_band(v) for v in (18.4, 18.5, 24.9, 25.0, 40.0)] == [
        "<18.5",
        "18.5-24.9",
        "18.5-24.9",
        "25-29.9",
        "40+",
    ]
    assert bmi_band(None) is None


@given(st.integers(1, 10**9))
def test_a_pseudonym_is_stable_under_one_key_and_differs_under_another(record_id: int) -> None:
    key, other = new_pseudonym_key(), new_pseudonym_key()
    first = pseudonym(key, "patient", record_id, "P")
    assert first == pseudonym(key, "patient", record_id, "P")
    assert first != pseudonym(other, "patient", record_id, "P")
    assert first != pseudonym(key, "episode", record_id, "P")


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="16 random bytes"):
        pseudonym(b"short", "patient", 1, "P")
