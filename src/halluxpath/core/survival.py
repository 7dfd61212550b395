"""Kaplan–Meier survival with Greenwood variance, for the outcome dashboards (DOMAIN §17).

Survival free of an event (reoperation, recurrence, implant removal) after the
operation, in whatever unit the caller measures time (months in DOMAIN §17's
example, days in the registry). The dashboards draw the step curve with its
95 % band and print the numbers at risk under it at 0, 3, 6, 12 and 24 months.

- Ŝ(t) = ∏ (1 − dⱼ/nⱼ) over event times tⱼ ≤ t, nⱼ at risk just before tⱼ.
- Greenwood: Var Ŝ(t) = Ŝ(t)² Σ dⱼ / (nⱼ (nⱼ − dⱼ)) [73][74].
- A foot censored at the same time as an event is still at risk for it (DOMAIN §17),
  the usual convention and the one lifelines follows.
- The interval is the log–log ("exponential Greenwood") one, which stays inside 0–1:
  Ŝ^exp(±z σ) with σ² = Σ dⱼ/(nⱼ(nⱼ − dⱼ)) / (ln Ŝ)², the same as lifelines'
  ``KaplanMeierFitter`` (checked in tests/core/test_stats_dashboard.py).

Pure Python, no numpy: a site's feet number in the hundreds, not millions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

Z_95 = 1.959964  # the standard normal 0.975 quantile, DOMAIN §17
AT_RISK_MONTHS = (0, 3, 6, 12, 24)  # DOMAIN §17: numbers at risk shown under the curve
AT_RISK_DAYS = (0, 91, 182, 365, 730)  # the same offsets in days from the operation (day 0)


@dataclass(frozen=True)
class SurvivalStep:
    """The curve at one observed time ``t`` (an event, a censoring or both).

    ``at_risk`` is nⱼ (feet still followed just before t, censored-at-t included),
    ``events`` dⱼ, ``censored`` the feet whose follow-up ends at t without the event.
    ``se`` is Greenwood's standard error; ``low``/``high`` the log–log interval. Where Ŝ
    has fallen to 0 the variance is undefined and all three are None.
    """

    t: float
    at_risk: int
    events: int
    survival: float
    se: float | None
    low: float | None
    high: float | None
    censored: int = 0


@dataclass(frozen=True)
class Survival:
    """A Kaplan–Meier curve: one step per distinct observed time, in time order."""

    steps: list[SurvivalStep]
    n: int = 0
    z: float = Z_95
    event_steps: list[SurvivalStep] = field(default_factory=list)

    def survival_at(self, t: float) -> float:
        """Ŝ(t): the survival of the last step at or before t (1 before the first event)."""
        value = 1.0
        for step in self.steps:
            if step.t > t:
                break
            value = step.survival
        return value


def _check(times: Sequence[float]) -> None:
    if not all(math.isfinite(t) and t >= 0 for t in times):
        raise ValueError("every follow-up time must be a finite number of at least 0")


def kaplan_meier(times: Sequence[float], events: Sequence[bool], z: float = Z_95) -> Survival:
    """The Kaplan–Meier estimate of survival free of the event, with Greenwood SE and log–log CI.

    ``times[i]`` is foot i's time to the event or to the end of its follow-up;
    ``events[i]`` is True when the event happened then, False when follow-up was censored.
    """
    if len(times) != len(events):
        raise ValueError("times and events must describe the same feet (lengths differ)")
    _check(times)
    if not (z > 0 and math.isfinite(z)):
        raise ValueError("z must be a positive number")
    tally: dict[float, list[int]] = {}
    for t, happened in zip(times, events, strict=True):
        counts = tally.setdefault(float(t), [0, 0])
        counts[0 if happened else 1] += 1
    at_risk = len(times)
    survival = 1.0
    greenwood_sum = 0.0
    steps: list[SurvivalStep] = []
    for t in sorted(tally):
        d, c = tally[t]
        if d:
            survival *= 1 - d / at_risk
            if at_risk > d:
                greenwood_sum += d / (at_risk * (at_risk - d))
            else:  # every foot still at risk had the event: Ŝ is 0 from here on
                greenwood_sum = math.inf
        steps.append(_step(t, at_risk, d, c, survival, greenwood_sum, z))
        at_risk -= d + c
    return Survival(
        steps=steps, n=len(times), z=z, event_steps=[step for step in steps if step.events]
    )


def _step(
    t: float, at_risk: int, d: int, c: int, survival: float, greenwood_sum: float, z: float
) -> SurvivalStep:
    if survival <= 0 or math.isinf(greenwood_sum):
        return SurvivalStep(t, at_risk, d, 0.0, None, None, None, c)
    se = survival * math.sqrt(greenwood_sum)
    if greenwood_sum == 0:  # no event yet: the curve is exactly 1
        return SurvivalStep(t, at_risk, d, survival, 0.0, survival, survival, c)
    log_s = math.log(survival)
    sigma = math.sqrt(greenwood_sum) / abs(log_s)
    low = survival ** math.exp(z * sigma)  # an exponent above 1 lowers a survival below 1
    high = survival ** math.exp(-z * sigma)
    return SurvivalStep(t, at_risk, d, survival, se, low, high, c)


def at_risk_at(times: Sequence[float], offsets: Sequence[float] = AT_RISK_MONTHS) -> list[int]:
    """Feet still at risk at each offset: those whose follow-up time is at least that offset.

    ``times`` are the same follow-up times given to ``kaplan_meier`` (event or censoring);
    the result lists one count per offset, in the order given.
    """
    _check(times)
    return [sum(1 for t in times if t >= offset) for offset in offsets]
