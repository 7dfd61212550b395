"""Plausible ranges of the measures: outside one is a warning naming the value, range, source."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halluxpath.core.plausibility import RANGES, PlausibleRange, implausible_values


def test_the_ima_and_hvia_a_probe_saved_unchallenged_are_flagged_with_range_and_source() -> None:
    found = implausible_values({"ima_deg": 50.8, "hvia_deg": -53.5, "hva_deg": 25.0})
    assert [w.key for w in found] == ["ima_deg", "hvia_deg"]
    ima, hvia = found
    assert ima.message.startswith("IMA 50.8° is outside the plausible range −5° to 25°")
    assert "DOMAIN §2" in ima.message
    assert hvia.message.startswith("HVIA −53.5° is outside the plausible range −20° to 40°")
    assert ima.to_json()["measure"] == "ima_deg"
    assert str(ima.to_json()["source"]).startswith("DOMAIN §2")


def test_a_typical_bunion_reading_raises_no_warning() -> None:
    reading = {
        "hva_deg": 32.0,
        "ima_deg": 14.0,
        "hvia_deg": 9.0,
        "dmaa_deg": 11.0,
        "translation_pct": 60.0,
        "osteotomy_width_mm": 12.5,
        "sesamoid_position": 5,
        "severity": "moderate",
        "hallux_varus": False,
    }
    assert implausible_values(reading) == []


def test_missing_null_and_non_numeric_measures_are_not_checked() -> None:
    assert implausible_values({"hva_deg": None, "ima_deg": True, "dmaa_deg": "90"}) == []


@pytest.mark.parametrize("limit", RANGES, ids=lambda r: r.key)
def test_the_limits_themselves_are_plausible_and_just_beyond_is_not(limit: PlausibleRange) -> None:
    low, high, key = limit.low, limit.high, limit.key
    assert implausible_values({key: low}) == []
    assert implausible_values({key: high}) == []
    assert [w.key for w in implausible_values({key: high + 0.1})] == [key]
    assert [w.key for w in implausible_values({key: low - 0.1})] == [key]


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_ima_is_either_in_range_or_named(value: float) -> None:
    found = implausible_values({"ima_deg": value})
    assert (found == []) == (-5.0 <= value <= 25.0)
