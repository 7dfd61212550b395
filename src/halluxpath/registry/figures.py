"""The dashboards' statistics, computed from database aggregates (DOMAIN §17).

``core.stats.paired_difference`` and ``core.survival.kaplan_meier`` take
per-patient lists. At a million episodes the dashboards cannot load those
lists into Python, so the database returns sufficient statistics (n, Σd,
Σd²; events and censorings per day) and these functions finish the same
arithmetic from them; tests/registry/test_figures.py checks them against
DOMAIN §17's worked examples and against the core functions on random data.
(``wilson`` and the CUSUM need no such form: they are used from the core.)
Pure Python, no Django.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from halluxpath.core.stats import t_quantile

Z95 = 1.959964


@dataclass(frozen=True)
class PairedDifference:
    n: int
    mean: float
    sd: float | None
    low: float | None
    high: float | None


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
    half = t_quantile(0.975, n - 1) * sd / math.sqrt(n)
    return PairedDifference(n, mean, sd, mean - half, mean + half)


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
