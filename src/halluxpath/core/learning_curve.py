"""CUSUM charts of a surgeon's learning curve and of ongoing performance (DOMAIN §10, §17).

Cases are taken in operating order (``mis_case_number``), each a failure (a
complication, a conversion) or a success.

- ``cusum_learning_curve``: the Bolsin–Colson / sequential probability ratio
  form [80]. With acceptable rate p₀, unacceptable p₁ and error rates α (false
  alarm) and β (missed alarm): P = ln(p₁/p₀), Q = ln((1−p₀)/(1−p₁)),
  s = Q/(P+Q); each failure adds 1 − s, each success subtracts s, never reset.
  Crossing h₁ = ln((1−β)/α)/(P+Q) means the run is consistent with p₁ (stop and
  look); crossing h₀ = −ln((1−α)/β)/(P+Q) means it is consistent with p₀.
- ``cusum_monitoring``: the log-likelihood-ratio form [81], Xₜ = max(0, Xₜ₋₁ + Wₜ)
  with Wₜ = P for a failure and −Q for a success, signalling at Xₜ ≥ h (h chosen
  by simulation for a target in-control run length). With each case's predicted
  risk pₜ the weight is risk-adjusted (Steiner et al. 2000):
  Wₜ = yₜ·ln R − ln(1 − pₜ + R·pₜ), R the odds ratio to detect.
- ``cumulative_deviation``: the plain CUSUM of a continuous measure (minutes of
  operating time minus a target, DOMAIN §10), whose peak marks proficiency.

Attribution of the formulas to these papers is from memory (DOMAIN §17 marks
it U); the arithmetic is checked against DOMAIN §17's worked example.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Cusum:
    """A learning curve: ``values[i]`` is the sum after case i + 1.

    ``crossed_h0_at`` / ``crossed_h1_at`` are the 1-based case numbers at which the curve
    first reached the lower / upper limit, None if it has not.
    """

    s: float
    h0: float
    h1: float
    values: list[float]
    crossed_h0_at: int | None = None
    crossed_h1_at: int | None = None


@dataclass(frozen=True)
class CusumMonitoring:
    """A monitoring chart: the weight and the chart value after each case, and where it signalled.

    ``signals`` lists the 1-based case numbers at which Xₜ reached h.
    """

    h: float
    weights: list[float]
    values: list[float]
    signals: list[int]


def _check_rates(p0: float, p1: float) -> tuple[float, float]:
    if not (0 < p0 < p1 < 1):
        raise ValueError("the rates need 0 < acceptable p0 < unacceptable p1 < 1")
    return math.log(p1 / p0), math.log((1 - p0) / (1 - p1))


def cusum_learning_curve(
    failures: Sequence[bool], p0: float, p1: float, alpha: float = 0.1, beta: float = 0.1
) -> Cusum:
    """The Bolsin–Colson (SPRT) learning curve of a run of cases; see the module docstring."""
    big_p, big_q = _check_rates(p0, p1)
    if not (0 < alpha < 1 and 0 < beta < 1 and alpha + beta < 1):
        raise ValueError("the error rates need 0 < alpha, beta and alpha + beta < 1")
    s = big_q / (big_p + big_q)
    h1 = math.log((1 - beta) / alpha) / (big_p + big_q)
    h0 = -math.log((1 - alpha) / beta) / (big_p + big_q)
    values: list[float] = []
    total = 0.0
    crossed_h0_at: int | None = None
    crossed_h1_at: int | None = None
    for case_number, failed in enumerate(failures, start=1):
        total += (1 - s) if failed else -s
        values.append(total)
        # A hair of tolerance: 20 successes at s = h0/20 must count as reaching h0.
        if crossed_h0_at is None and total <= h0 + 1e-12:
            crossed_h0_at = case_number
        if crossed_h1_at is None and total >= h1 - 1e-12:
            crossed_h1_at = case_number
    return Cusum(s, h0, h1, values, crossed_h0_at, crossed_h1_at)


def cusum_monitoring(
    failures: Sequence[bool],
    p0: float,
    p1: float,
    h: float,
    *,
    predicted_risks: Sequence[float] | None = None,
    odds_ratio: float | None = None,
    restart_after_signal: bool = False,
) -> CusumMonitoring:
    """The log-likelihood-ratio CUSUM, Xₜ = max(0, Xₜ₋₁ + Wₜ), signalling at Xₜ ≥ h.

    Without ``predicted_risks`` every case weighs P (failure) or −Q (success). With them
    (one risk per case, from the site's risk model) the weight is risk-adjusted with odds
    ratio R: ``odds_ratio`` if given, else the odds ratio of p1 against p0, so that a case
    of predicted risk p0 weighs exactly what the unadjusted chart gives it.
    ``restart_after_signal`` sets the chart back to 0 after each signal (a new watch).
    """
    big_p, big_q = _check_rates(p0, p1)
    if not (h > 0 and math.isfinite(h)):
        raise ValueError("the signal limit h must be a positive number")
    if predicted_risks is None:
        weights = [big_p if failed else -big_q for failed in failures]
    else:
        if len(predicted_risks) != len(failures):
            raise ValueError("give one predicted risk per case (lengths differ)")
        if not all(0 < p < 1 for p in predicted_risks):
            raise ValueError("a predicted risk must lie strictly between 0 and 1")
        r = odds_ratio if odds_ratio is not None else (p1 / (1 - p1)) / (p0 / (1 - p0))
        if not (r > 0 and math.isfinite(r)):
            raise ValueError("the odds ratio to detect must be a positive number")
        log_r = math.log(r)
        weights = [
            (log_r if failed else 0.0) - math.log(1 - p + r * p)
            for failed, p in zip(failures, predicted_risks, strict=True)
        ]
    values: list[float] = []
    signals: list[int] = []
    x = 0.0
    for case_number, weight in enumerate(weights, start=1):
        x = max(0.0, x + weight)
        values.append(x)
        if x >= h:
            signals.append(case_number)
            if restart_after_signal:
                x = 0.0
    return CusumMonitoring(h, weights, values, signals)


def cumulative_deviation(measurements: Sequence[float], target: float) -> list[float]:
    """Running sum of (measurement − target), case by case (DOMAIN §10): a climb while
    learning, a peak where the surgeon becomes faster than the target."""
    if not all(math.isfinite(m) for m in measurements) or not math.isfinite(target):
        raise ValueError("every measurement and the target must be finite numbers")
    values: list[float] = []
    total = 0.0
    for measurement in measurements:
        total += measurement - target
        values.append(total)
    return values
