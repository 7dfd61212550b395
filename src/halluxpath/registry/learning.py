"""The learning curves the dashboards chart per surgeon (DOMAIN §10 and §17).

A Bolsin–Colson CUSUM of a binary "failure" per case, in operating order
(``mis_case_number``): add 1 − s for a failure, subtract s for a success.
The curve climbs while learning; crossing the lower limit h₀ means the
surgeon's rate is consistent with the acceptable p₀, crossing the upper
limit h₁ with the unacceptable p₁.

DOMAIN §10 names the measures (operative time, fluoroscopy, complications)
but no published thresholds for calling a case a failure. The targets here
are the starting values Merc 2023 reported for MICA [96] (median 60 min,
fluoroscopy 86 s): a case above them is slower than a beginner's typical
case. p₀, p₁, α and β are project defaults, not from a source; they are
printed beside every chart.
"""

from __future__ import annotations

from dataclasses import dataclass

from halluxpath.registry.figures import CusumLimits, cusum_limits


@dataclass(frozen=True)
class Curve:
    key: str  # the CaseSummary column holding the curve
    measure: str  # the CaseSummary column the failure is read from
    title: str
    failure: str  # the failure, in words
    target: float
    unit: str
    limits: CusumLimits
    source: str

    def failed(self, value: float) -> bool:
        return value > self.target


CURVES: tuple[Curve, ...] = (
    Curve(
        "time_cusum",
        "operative_time_min",
        "Operative time",
        "skin to skin over 60 min",
        60.0,
        "min",
        cusum_limits(0.10, 0.30, 0.10, 0.10),
        "DOMAIN §10 (target: Merc 2023 starting median), §17 (method)",
    ),
    Curve(
        "fluoro_cusum",
        "fluoro_time_s",
        "Fluoroscopy time",
        "fluoroscopy over 86 s",
        86.0,
        "s",
        cusum_limits(0.10, 0.30, 0.10, 0.10),
        "DOMAIN §10 (target: Merc 2023 starting value), §17 (method)",
    ),
)
