"""The learning curves the dashboards chart per surgeon (DOMAIN §10 and §17).

A Bolsin–Colson CUSUM of a binary "failure" per case, in operating order
(``mis_case_number``), computed by ``core.learning_curve.cusum_learning_curve``:
add 1 − s for a failure, subtract s for a success. The curve climbs while
learning; crossing the lower limit h₀ means the surgeon's rate is consistent
with the acceptable p₀, crossing the upper limit h₁ with the unacceptable p₁.

DOMAIN §10 names the measures (operative time, fluoroscopy, complications)
but no published thresholds for calling a case a failure. The time targets
are the starting values Merc 2023 reported for MICA [96] (median 60 min,
fluoroscopy 86 s): a case above them is slower than a beginner's typical
case. The complication indicator is any complication with onset within 90
days, with DOMAIN §17's example rates (p₀ 5 %, p₁ 15 %). The other rates
and α = β = 0.10 are project defaults, not from a source; they are printed
beside every chart.
"""

from __future__ import annotations

from dataclasses import dataclass

from halluxpath.core.learning_curve import Cusum, cusum_learning_curve


@dataclass(frozen=True)
class Curve:
    key: str  # the CaseSummary column holding the curve
    measure: str  # the CaseSummary column the failure is read from
    title: str
    failure: str  # the failure, in words
    target: float  # a case fails when its measure is above this
    unit: str
    p0: float
    p1: float
    source: str
    alpha: float = 0.10
    beta: float = 0.10

    def failed(self, value: float) -> bool:
        return float(value) > self.target

    def curve(self, failures: list[bool]) -> Cusum:
        return cusum_learning_curve(failures, self.p0, self.p1, self.alpha, self.beta)

    @property
    def limits(self) -> Cusum:
        """s, h₀ and h₁ of this curve (an empty run of cases)."""
        return self.curve([])

    def shown(self, value: float) -> str:
        """The measure in the case-by-case table."""
        if self.unit:
            return f"{value:.1f}"
        return "yes" if self.failed(value) else "no"


CURVES: tuple[Curve, ...] = (
    Curve(
        "time_cusum",
        "operative_time_min",
        "Operative time",
        "skin to skin over 60 min",
        60.0,
        "min",
        0.10,
        0.30,
        "DOMAIN §10 (target: Merc 2023 starting median), §17 (method)",
    ),
    Curve(
        "fluoro_cusum",
        "fluoro_time_s",
        "Fluoroscopy time",
        "fluoroscopy over 86 s",
        86.0,
        "s",
        0.10,
        0.30,
        "DOMAIN §10 (target: Merc 2023 starting value), §17 (method)",
    ),
    Curve(
        "complication_cusum",
        "complication_90d",
        "Complications",
        "a complication within 90 days",
        0.5,
        "",
        0.05,
        0.15,
        "DOMAIN §10 (indicator), §17 (method and example rates)",
    ),
)
