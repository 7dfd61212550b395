"""The dashboards' statistics, computed from database aggregates (DOMAIN §17).

``core.stats`` states each method over per-patient lists (``wilson``,
``paired_difference``, ``kaplan_meier``, ``cusum_learning_curve``). At a
million episodes the dashboards cannot load those lists into Python, so the
database returns sufficient statistics (counts, sums, sums of squares,
events per day) and these functions finish the same arithmetic from them;
tests/registry/test_figures.py checks them against DOMAIN §17's worked
examples. Pure Python, no Django.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from halluxpath.core.stats import f_quantile

Z95 = 1.959964


@dataclass(frozen=True)
class Proportion:
    x: int
    n: int
    p: float
    low: float
    high: float


def wilson(x: int, n: int, z: float = Z95) -> Proportion:
    """Wilson score interval (DOMAIN §17): 12 of 80 → 0.150, 0.088 to 0.244."""
    if n <= 0 or not 0 <= x <= n:
        raise ValueError("a proportion needs 0 <= x <= n and n > 0")
    p = x / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return Proportion(x, n, p, max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class PairedDifference:
    n: int
    mean: float
    sd: float | None
    low: float | None
    high: float | None


def t_quantile_975(degrees_of_freedom: int) -> float:
    """t₀.₉₇₅ with ν degrees of freedom, as the square root of F₀.₉₅(1, ν)."""
    return math.sqrt(f_quantile(0.95, 1, degrees_of_freedom))


def paired_from_sums(n: int, sum_d: float, sum_d_squared: float) -> PairedDifference | None:
    """Mean of dᵢ = preᵢ − postᵢ ± t·s_d/√n from n, Σd and Σd² (DOMAIN §17).

    None without a pair; one pair has a mean but no interval.
    """
    if n <= 0:
        return None
    mean = sum_d / n
    if n == 1:
        return PairedDifference(1, mean, None, None, None)
    variance = max(0.0, (sum_d_squared - sum_d * sum_d / n) / (n - 1))
    sd = math.sqrt(variance)
    half = t_quantile_975(n - 1) * sd / math.sqrt(n)
    return PairedDifference(n, mean, sd, mean - half, mean + half)


@dataclass(frozen=True)
class CusumLimits:
    """Bolsin–Colson learning-curve CUSUM (DOMAIN §17): step ``s``, limits ``h0`` < 0 < ``h1``."""

    p0: float
    p1: float
    alpha: float
    beta: float
    s: float
    h0: float
    h1: float


def cusum_limits(p0: float, p1: float, alpha: float, beta: float) -> CusumLimits:
    """p₀ 0.05, p₁ 0.15, α = β = 0.10 → s 0.092, h₁ +1.82, h₀ −1.82 (DOMAIN §17)."""
    if not (0 < p0 < p1 < 1 and 0 < alpha < 1 and 0 < beta < 1):
        raise ValueError("a CUSUM needs 0 < p0 < p1 < 1 and error rates between 0 and 1")
    big_p = math.log(p1 / p0)
    big_q = math.log((1 - p0) / (1 - p1))
    return CusumLimits(
        p0,
        p1,
        alpha,
        beta,
        s=big_q / (big_p + big_q),
        h0=-math.log((1 - alpha) / beta) / (big_p + big_q),
        h1=math.log((1 - beta) / alpha) / (big_p + big_q),
    )


def cusum_value(failures_so_far: int, cases_so_far: int, s: float) -> float:
    """The curve after k cases: +(1 − s) per failure, −s per success = failures − k·s."""
    return failures_so_far - cases_so_far * s


@dataclass(frozen=True)
class SurvivalStep:
    t: int  # days from the operation
    at_risk: int
    events: int
    survival: float
    se: float
    low: float
    high: float


def kaplan_meier_grouped(
    rows: Sequence[tuple[int, int, int]], z: float = Z95
) -> list[SurvivalStep]:
    """Kaplan–Meier with Greenwood variance from (time, events, censored) per distinct time.

    Censored at the time of an event → still at risk for it (DOMAIN §17).
    The interval is the log–log one, which stays within 0 and 1.
    """
    at_risk = sum(events + censored for _t, events, censored in rows)
    survival, greenwood = 1.0, 0.0
    steps = []
    for t, events, censored in sorted(rows):
        if events:
            survival *= 1 - events / at_risk
            if at_risk > events:
                greenwood += events / (at_risk * (at_risk - events))
            se = survival * math.sqrt(greenwood)
            low, high = _log_log_interval(survival, greenwood, z)
            steps.append(SurvivalStep(t, at_risk, events, survival, se, low, high))
        at_risk -= events + censored
    return steps


def _log_log_interval(survival: float, greenwood: float, z: float) -> tuple[float, float]:
    if survival <= 0 or survival >= 1 or greenwood <= 0:
        return survival, survival
    spread = z * math.sqrt(greenwood) / abs(math.log(survival))
    return survival ** math.exp(spread), survival ** math.exp(-spread)


def at_risk_at(rows: Sequence[tuple[int, int, int]], offsets: Sequence[int]) -> list[int]:
    """How many are still followed (time ≥ offset) at each offset, from the grouped rows."""
    return [sum(e + c for t, e, c in rows if t >= offset) for offset in offsets]


def survival_at(steps: Sequence[SurvivalStep], t: int) -> float:
    """Ŝ(t): the survival after the last event at or before ``t``."""
    shown = 1.0
    for step in steps:
        if step.t > t:
            break
        shown = step.survival
    return shown
