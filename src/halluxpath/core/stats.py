"""Agreement statistics for the observer-agreement report (DOMAIN §17).

- ICC(A,1): two-way random effects, absolute agreement, single rater
  (Shrout & Fleiss ICC(2,1) = McGraw & Wong ICC(A,1)) [75][76], with the
  McGraw & Wong confidence interval and the Koo & Li band of that interval [77].
- Bland–Altman bias and 95 % limits of agreement [78].

Pure Python: the F-distribution quantile the interval needs comes from the
regularized incomplete beta function (a continued fraction, as in Numerical
Recipes §6.4) inverted by bisection.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z_95 = 1.959964  # DOMAIN §17
KOO_LI_BANDS = ((0.5, "poor"), (0.75, "moderate"), (0.9, "good"))


@dataclass(frozen=True)
class IccResult:
    icc: float | None
    ci_low: float | None
    ci_high: float | None
    band: str  # Koo & Li band of the whole interval, or "" when not computable
    n_subjects: int
    n_raters: int
    msr: float  # mean square between subjects (rows)
    msc: float  # mean square between raters (columns)
    mse: float  # residual mean square
    reason: str = ""


@dataclass(frozen=True)
class BlandAltmanResult:
    n: int
    bias: float
    sd: float
    lower: float
    upper: float
    points: list[tuple[float, float]]  # (mean of the pair, b - a)


def _check_values(values: Sequence[float]) -> None:
    if not all(math.isfinite(v) for v in values):
        raise ValueError("every rating must be a finite number")


# --- the F distribution ---------------------------------------------------------------------


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    tiny, eps = 1e-300, 3e-16
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b), the regularized incomplete beta function."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def f_quantile(p: float, d1: float, d2: float) -> float:
    """The value below which a fraction ``p`` of the F(d1, d2) distribution lies."""
    if not (0 < p < 1) or d1 <= 0 or d2 <= 0:
        raise ValueError("f_quantile needs 0 < p < 1 and positive degrees of freedom")
    low, high = 0.0, 1.0  # bisection on t = d1 x / (d1 x + d2), where F's cdf is I_t
    for _ in range(200):
        middle = (low + high) / 2
        if regularized_beta(middle, d1 / 2, d2 / 2) < p:
            low = middle
        else:
            high = middle
    t = (low + high) / 2
    return d2 * t / (d1 * (1 - t))


# --- ICC(A,1) ----------------------------------------------------------------------------------


def _band(low: float, high: float) -> str:
    def band_of(value: float) -> str:
        for limit, name in KOO_LI_BANDS:
            if value < limit:
                return name
        return "excellent"

    first, last = band_of(low), band_of(high)
    return first if first == last else f"{first} to {last}"


def icc_agreement_single(
    ratings: Sequence[Sequence[float]], *, confidence: float = 0.95
) -> IccResult:
    """ICC(A,1) of an n × k table: rows are films, columns are observers."""
    n = len(ratings)
    k = len(ratings[0]) if n else 0
    if n < 2 or k < 2:
        raise ValueError("agreement needs at least two films each measured by two observers")
    if any(len(row) != k for row in ratings):
        raise ValueError("every film must be measured by the same observers")
    for row in ratings:
        _check_values(row)
    grand = sum(sum(row) for row in ratings) / (n * k)
    row_means = [sum(row) / k for row in ratings]
    column_means = [sum(row[j] for row in ratings) / n for j in range(k)]
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_columns = n * sum((m - grand) ** 2 for m in column_means)
    ss_total = sum((v - grand) ** 2 for row in ratings for v in row)
    ss_error = max(ss_total - ss_rows - ss_columns, 0.0)
    msr = ss_rows / (n - 1)
    msc = ss_columns / (k - 1)
    mse = ss_error / ((n - 1) * (k - 1))
    denominator = msr + (k - 1) * mse + k / n * (msc - mse)
    if denominator <= 0 or msr == 0:
        return IccResult(
            None,
            None,
            None,
            "",
            n,
            k,
            msr,
            msc,
            mse,
            reason="the films do not differ, so agreement cannot be estimated",
        )
    icc = (msr - mse) / denominator
    if mse == 0:
        return IccResult(icc, icc, icc, _band(icc, icc), n, k, msr, msc, mse)
    alpha = 1 - confidence
    a = k * icc / (n * (1 - icc)) if icc < 1 else math.inf
    b = 1 + k * icc * (n - 1) / (n * (1 - icc)) if icc < 1 else math.inf
    if not math.isfinite(a) or not math.isfinite(b):
        return IccResult(
            icc, None, None, "", n, k, msr, msc, mse, reason="perfect agreement: no interval"
        )
    v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
    f_upper = f_quantile(1 - alpha / 2, n - 1, v)
    f_lower = f_quantile(1 - alpha / 2, v, n - 1)
    spread = k * msc + (k * n - k - n) * mse
    low = n * (msr - f_upper * mse) / (f_upper * spread + n * msr)
    high = n * (f_lower * msr - mse) / (spread + n * f_lower * msr)
    return IccResult(icc, low, high, _band(low, high), n, k, msr, msc, mse)


# --- Bland–Altman -----------------------------------------------------------------------------


def bland_altman(a: Sequence[float], b: Sequence[float]) -> BlandAltmanResult:
    """Bias and 95 % limits of agreement of ``b`` against ``a`` (differences b − a)."""
    if len(a) != len(b):
        raise ValueError("the two observers must have measured the same films")
    if len(a) < 2:
        raise ValueError("agreement needs at least two films")
    _check_values(a)
    _check_values(b)
    differences = [y - x for x, y in zip(a, b, strict=True)]
    n = len(differences)
    bias = sum(differences) / n
    sd = math.sqrt(sum((d - bias) ** 2 for d in differences) / (n - 1))
    return BlandAltmanResult(
        n=n,
        bias=bias,
        sd=sd,
        lower=bias - Z_95 * sd,
        upper=bias + Z_95 * sd,
        points=[((x + y) / 2, y - x) for x, y in zip(a, b, strict=True)],
    )
