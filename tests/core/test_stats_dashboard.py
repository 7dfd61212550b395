"""Dashboard statistics against DOMAIN §17's worked examples, and against scipy and lifelines.

Wilson interval, paired mean difference, Kaplan–Meier with Greenwood variance and the
log–log interval, numbers at risk, and the two CUSUM forms. The reference libraries are
used only here: the core computes everything itself, in pure Python.
"""

from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter
from scipy import stats as scipy_stats

from halluxpath.core.stats import (
    Z_95,
    at_risk_at,
    cumulative_deviation,
    cusum_learning_curve,
    cusum_monitoring,
    kaplan_meier,
    paired_difference,
    t_quantile,
    wilson,
)
from halluxpath.core.survival import AT_RISK_MONTHS

# DOMAIN §17: 10 feet, reoperations at 2, 5 and 8 months; censored at 4, 5, 10 and 12 (× 4).
KM_TIMES = [2.0, 5.0, 8.0, 4.0, 5.0, 10.0, 12.0, 12.0, 12.0, 12.0]
KM_EVENTS = [True, True, True, False, False, False, False, False, False, False]
# DOMAIN §17: MOXFQ-Index of 8 patients, differences pre − post.
MOXFQ_DIFFERENCES = [42.0, 24.0, 55.0, 26.0, 26.0, 41.0, 48.0, 21.0]


# --- Wilson -----------------------------------------------------------------------------------


def test_twelve_complications_in_eighty_feet_give_the_domain_interval() -> None:
    result = wilson(12, 80)
    assert result.p == pytest.approx(0.150)
    assert (round(result.low or 0, 3), round(result.high or 0, 3)) == (0.088, 0.244)


def test_no_complication_in_eighty_feet_still_has_an_upper_limit() -> None:
    result = wilson(0, 80)
    assert (result.p, result.low) == (0.0, 0.0)
    assert round(result.high or 0, 3) == 0.046


def test_every_foot_with_the_event_gives_an_upper_limit_of_one() -> None:
    result = wilson(80, 80)
    assert result.high == 1.0
    assert result.low == pytest.approx(1 - 0.04581813, abs=1e-6)  # the mirror of 0 of 80


def test_no_feet_give_no_proportion() -> None:
    assert wilson(0, 0).p is None
    assert wilson(0, 0).low is None


@pytest.mark.parametrize(("x", "n"), [(-1, 5), (6, 5), (1, -1)])
def test_an_impossible_count_is_refused(x: int, n: int) -> None:
    with pytest.raises(ValueError, match="0 <= x <= n"):
        wilson(x, n)


def _wilson_by_the_formula(x: int, n: int, z: float) -> tuple[float, float]:
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@given(st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_matches_scipy_and_the_printed_formula(case: tuple[int, int]) -> None:
    x, n = case
    result = wilson(x, n)
    reference = scipy_stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert result.low == pytest.approx(reference.low, abs=1e-6)
    assert result.high == pytest.approx(reference.high, abs=1e-6)
    low, high = _wilson_by_the_formula(x, n, Z_95)
    assert result.low == pytest.approx(max(low, 0.0), abs=1e-12)
    assert result.high == pytest.approx(min(high, 1.0), abs=1e-12)
    assert result.low is not None
    assert result.high is not None
    assert 0 <= result.low <= (result.p or 0) <= result.high <= 1


# --- paired difference ------------------------------------------------------------------------


def test_moxfq_example_gives_the_domain_mean_and_interval() -> None:
    result = paired_difference(MOXFQ_DIFFERENCES, [0.0] * 8)
    assert result.n == 8
    assert round(result.mean or 0, 1) == 35.4
    assert round(result.sd or 0, 1) == 12.7
    assert (round(result.low or 0, 1), round(result.high or 0, 1)) == (24.7, 46.0)


def test_a_patient_without_both_time_points_is_excluded_and_counted() -> None:
    pre: list[float | None] = [60.0, 50.0, None, 40.0]
    post: list[float | None] = [20.0, None, 10.0, 30.0]
    result = paired_difference(pre, post)
    assert (result.n, result.excluded) == (2, 2)
    assert result.mean == pytest.approx(25.0)


def test_one_complete_pair_gives_a_mean_but_no_interval() -> None:
    result = paired_difference([50.0], [20.0])
    assert (result.n, result.mean) == (1, 30.0)
    assert (result.sd, result.low, result.high) == (None, None, None)
    assert paired_difference([], []).mean is None


def test_t_quantile_of_seven_degrees_of_freedom_is_the_printed_one() -> None:
    assert t_quantile(0.975, 7) == pytest.approx(2.365, abs=6e-4)
    assert t_quantile(0.025, 7) == pytest.approx(-2.365, abs=6e-4)


@given(st.floats(0.001, 0.999), st.integers(1, 400))
def test_t_quantile_matches_scipy(p: float, df: int) -> None:
    assert t_quantile(p, df) == pytest.approx(float(scipy_stats.t.ppf(p, df)), rel=1e-7, abs=1e-7)


finite_scores = st.floats(-100, 100, allow_nan=False).map(lambda v: round(v, 2))


@given(st.lists(st.tuples(finite_scores, finite_scores), min_size=2, max_size=60))
def test_paired_interval_matches_scipy(pairs: list[tuple[float, float]]) -> None:
    pre = [a for a, _ in pairs]
    post = [b for _, b in pairs]
    result = paired_difference(pre, post)
    differences = [a - b for a, b in pairs]
    mean = sum(differences) / len(differences)
    assert result.mean == pytest.approx(mean, abs=1e-9)
    sem = float(scipy_stats.sem(differences))
    if sem == 0:
        assert result.low == pytest.approx(result.mean)
        assert result.high == pytest.approx(result.mean)
        return
    low, high = scipy_stats.t.interval(0.95, len(differences) - 1, loc=mean, scale=sem)
    assert result.low == pytest.approx(float(low), abs=1e-7)
    assert result.high == pytest.approx(float(high), abs=1e-7)


# --- Kaplan–Meier -----------------------------------------------------------------------------


def test_kaplan_meier_reproduces_the_domain_example() -> None:
    curve = kaplan_meier(KM_TIMES, KM_EVENTS)
    events = curve.event_steps
    assert [(s.t, s.at_risk, s.events) for s in events] == [(2, 10, 1), (5, 8, 1), (8, 6, 1)]
    # 0.7875 is printed as 0.788 (half up); compare to the printed three decimals.
    assert [s.survival for s in events] == pytest.approx([0.900, 0.788, 0.656], abs=6e-4)
    assert round(events[-1].se or 0, 3) == 0.164


def test_a_foot_censored_at_an_event_time_is_still_at_risk_for_it() -> None:
    at_five = next(s for s in kaplan_meier(KM_TIMES, KM_EVENTS).steps if s.t == 5)
    assert (at_five.at_risk, at_five.events, at_five.censored) == (8, 1, 1)


def test_the_log_log_interval_stays_inside_zero_and_one() -> None:
    for step in kaplan_meier(KM_TIMES, KM_EVENTS).steps:
        assert step.low is not None
        assert step.high is not None
        assert 0 < step.low <= step.survival <= step.high <= 1


def test_survival_at_reads_the_step_curve() -> None:
    curve = kaplan_meier(KM_TIMES, KM_EVENTS)
    assert curve.survival_at(0) == 1.0
    assert curve.survival_at(6.5) == pytest.approx(0.7875)
    assert curve.survival_at(100) == pytest.approx(0.65625)


def test_when_every_foot_fails_survival_is_zero_and_has_no_interval() -> None:
    last = kaplan_meier([1.0, 2.0], [True, True]).steps[-1]
    assert (last.survival, last.se, last.low, last.high) == (0.0, None, None, None)


def test_numbers_at_risk_under_the_curve_at_the_domain_offsets() -> None:
    assert at_risk_at(KM_TIMES, AT_RISK_MONTHS) == [10, 9, 6, 4, 0]


def test_kaplan_meier_refuses_a_negative_time() -> None:
    with pytest.raises(ValueError, match="at least 0"):
        kaplan_meier([-1.0], [True])


follow_up = st.lists(st.tuples(st.integers(1, 40), st.booleans()), min_size=1, max_size=50)


@settings(max_examples=60, deadline=None)
@given(follow_up)
def test_kaplan_meier_and_its_log_log_interval_match_lifelines(
    feet: list[tuple[int, bool]],
) -> None:
    times = [float(t) for t, _ in feet]
    events = [e for _, e in feet]
    curve = kaplan_meier(times, events)
    fitter = KaplanMeierFitter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifelines warns about the undefined interval at Ŝ = 0
        fitter.fit(times, event_observed=events, alpha=0.05)
    estimate = fitter.survival_function_["KM_estimate"]
    bounds = fitter.confidence_interval_
    table = fitter.event_table
    for step in curve.steps:
        assert step.survival == pytest.approx(float(estimate.loc[step.t]), abs=1e-12)
        assert step.at_risk == int(table.loc[step.t, "at_risk"])
        assert step.events == int(table.loc[step.t, "observed"])
        if step.low is None or step.survival in (0.0, 1.0):
            continue
        assert step.low == pytest.approx(float(bounds.loc[step.t].iloc[0]), abs=1e-6)
        assert step.high == pytest.approx(float(bounds.loc[step.t].iloc[1]), abs=1e-6)
    assert at_risk_at(times, [0, 10, 20]) == [sum(1 for t in times if t >= o) for o in (0, 10, 20)]


# --- CUSUM ------------------------------------------------------------------------------------


def test_cusum_limits_of_the_domain_example() -> None:
    curve = cusum_learning_curve([], p0=0.05, p1=0.15, alpha=0.10, beta=0.10)
    assert round(curve.s, 3) == 0.092
    assert (round(curve.h1, 2), round(curve.h0, 2)) == (1.82, -1.82)


def test_twenty_straight_successes_reach_the_lower_limit() -> None:
    curve = cusum_learning_curve([False] * 20, p0=0.05, p1=0.15, alpha=0.10, beta=0.10)
    assert curve.crossed_h0_at == 20
    assert curve.values[18] > curve.h0 >= curve.values[19]


def test_twenty_cases_with_two_failures_sum_to_plus_point_sixteen() -> None:
    failures = [True, False, False, False, False, True] + [False] * 14
    curve = cusum_learning_curve(failures, p0=0.05, p1=0.15, alpha=0.10, beta=0.10)
    assert len(curve.values) == 20
    assert round(curve.values[-1], 2) == 0.16
    assert curve.crossed_h0_at is None
    assert curve.crossed_h1_at is None


def test_a_run_of_failures_crosses_the_upper_limit() -> None:
    curve = cusum_learning_curve([True] * 3, p0=0.05, p1=0.15, alpha=0.10, beta=0.10)
    assert curve.crossed_h1_at == 2  # 2 × (1 − 0.092) = 1.82 ≥ h1


@given(st.lists(st.booleans(), max_size=200))
def test_learning_curve_is_failures_minus_s_per_case_and_never_resets(
    failures: list[bool],
) -> None:
    curve = cusum_learning_curve(failures, p0=0.05, p1=0.15, alpha=0.10, beta=0.10)
    for i, value in enumerate(curve.values, start=1):
        assert value == pytest.approx(sum(failures[:i]) - i * curve.s, abs=1e-9)


def test_monitoring_chart_climbs_on_failures_and_floors_at_zero() -> None:
    chart = cusum_monitoring([False, True, True, False], p0=0.05, p1=0.15, h=2.0)
    big_p, big_q = math.log(3), math.log(0.95 / 0.85)
    assert chart.weights == pytest.approx([-big_q, big_p, big_p, -big_q])
    assert chart.values == pytest.approx([0.0, big_p, 2 * big_p, 2 * big_p - big_q])
    assert chart.signals == [3, 4]


def test_monitoring_can_restart_after_a_signal() -> None:
    chart = cusum_monitoring([True] * 4, p0=0.05, p1=0.15, h=2.0, restart_after_signal=True)
    assert chart.signals == [2, 4]


@given(st.lists(st.booleans(), max_size=100))
def test_risk_adjusted_weights_at_the_acceptable_risk_equal_the_plain_ones(
    failures: list[bool],
) -> None:
    plain = cusum_monitoring(failures, p0=0.05, p1=0.15, h=3.0)
    adjusted = cusum_monitoring(
        failures, p0=0.05, p1=0.15, h=3.0, predicted_risks=[0.05] * len(failures)
    )
    assert adjusted.weights == pytest.approx(plain.weights)
    assert adjusted.values == pytest.approx(plain.values)
    assert all(v >= 0 for v in plain.values)


def test_a_high_risk_failure_weighs_less_than_a_low_risk_one() -> None:
    chart = cusum_monitoring([True, True], p0=0.05, p1=0.15, h=5.0, predicted_risks=[0.02, 0.3])
    assert chart.weights[0] > chart.weights[1] > 0


def test_cumulative_deviation_of_operating_time() -> None:
    assert cumulative_deviation([60.0, 50.0, 35.0], target=45.0) == [15.0, 20.0, 10.0]
