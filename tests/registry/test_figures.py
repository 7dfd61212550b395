"""The dashboards' statistics from aggregates, against DOMAIN §17's worked examples."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halluxpath.registry.figures import (
    at_risk_at,
    cusum_limits,
    cusum_value,
    kaplan_meier_grouped,
    paired_from_sums,
    survival_at,
    wilson,
)


def test_wilson_gives_the_worked_interval_and_stays_valid_at_zero() -> None:
    twelve = wilson(12, 80)
    assert (round(twelve.p, 3), round(twelve.low, 3), round(twelve.high, 3)) == (0.15, 0.088, 0.244)
    none = wilson(0, 80)
    assert none.low == 0
    assert round(none.high, 3) == 0.046


def test_the_paired_difference_from_sums_is_the_moxfq_example() -> None:
    d = [42, 24, 55, 26, 26, 41, 48, 21]
    paired = paired_from_sums(len(d), sum(d), sum(x * x for x in d))
    assert paired is not None
    assert paired.sd is not None
    assert paired.low is not None
    assert round(paired.mean, 1) == 35.4
    assert round(paired.sd, 1) == 12.7
    assert (round(paired.low, 1), round(paired.high or 0, 1)) == (24.7, 46.0)


def test_one_pair_has_a_mean_and_no_interval_and_none_has_nothing() -> None:
    one = paired_from_sums(1, 5.0, 25.0)
    assert one is not None
    assert one.mean == 5.0
    assert one.low is None
    assert paired_from_sums(0, 0.0, 0.0) is None


@given(st.lists(st.floats(-60, 60), min_size=2, max_size=40))
def test_the_sums_give_the_same_mean_and_sd_as_the_list(d: list[float]) -> None:
    paired = paired_from_sums(len(d), sum(d), sum(x * x for x in d))
    assert paired is not None
    assert paired.sd is not None
    mean = sum(d) / len(d)
    sd = math.sqrt(sum((x - mean) ** 2 for x in d) / (len(d) - 1))
    assert paired.mean == pytest.approx(mean, abs=1e-9)
    assert paired.sd == pytest.approx(sd, abs=1e-6)


def test_the_cusum_limits_are_the_worked_example() -> None:
    limits = cusum_limits(0.05, 0.15, 0.10, 0.10)
    assert (round(limits.s, 3), round(limits.h1, 2), round(limits.h0, 2)) == (0.092, 1.82, -1.82)
    assert cusum_value(0, 20, limits.s) < limits.h0  # 20 straight successes reach h0
    assert round(cusum_value(2, 20, limits.s), 2) == 0.16


def test_kaplan_meier_from_grouped_counts_is_the_worked_example() -> None:
    # 10 feet, events at 2, 5, 8 months, censored at 4, 5, 10 and 12 (x4): (t, events, censored).
    rows = [(2, 1, 0), (4, 0, 1), (5, 1, 1), (8, 1, 0), (10, 0, 1), (12, 0, 4)]
    steps = kaplan_meier_grouped(rows)
    assert [(s.at_risk, s.events) for s in steps] == [(10, 1), (8, 1), (6, 1)]
    assert [s.survival for s in steps] == pytest.approx([0.9, 0.7875, 0.65625])
    assert round(steps[-1].se, 3) == 0.164
    assert all(0 <= s.low <= s.survival <= s.high <= 1 for s in steps)
    assert at_risk_at(rows, [0, 3, 6, 12]) == [10, 9, 6, 4]
    assert survival_at(steps, 6) == steps[1].survival
