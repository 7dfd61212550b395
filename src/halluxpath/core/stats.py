"""Statistics for the observer-agreement report and the outcome dashboards (DOMAIN §17).

Dashboards (issue 13): the Wilson score interval of a proportion (complication
rate, PROM completion, share reaching the MCID) and the paired mean difference
of a score before and after surgery with its Student t interval. Survival
(Kaplan–Meier, Greenwood, numbers at risk) lives in ``core/survival.py`` and the
CUSUM learning and monitoring curves in ``core/learning_curve.py``; both are
importable from here under the names the dashboards were written against.

Observer agreement:

- ICC(A,1): two-way random effects, absolute agreement, single rater
  (Shrout & Fleiss ICC(2,1) = McGraw & Wong ICC(A,1)) [75][76], with the
  McGraw & Wong (1996) confidence interval and the Koo & Li band of that
  interval [77]: DOMAIN §17 asks for the band of the whole interval, not only
  of the point estimate, because five films give a wide interval.
- Bland–Altman bias and 95 % limits of agreement, bias ± 1.96 SD of the
  differences [78]. The plain method assumes independent pairs (one reading
  per film and observer); DOMAIN §17 names the repeated-measures method for
  anything else.

Pure Python: the F- and t-distribution quantiles the intervals need come from
the regularized incomplete beta function (Lentz's continued fraction, as in
Numerical Recipes §6.4) inverted by bisection. Checked against printed F
tables, against scipy (tests/core/test_stats_dashboard.py) and against the
Shrout & Fleiss (1979) example, whose interval R's ``psych::ICC`` gives as
0.019 to 0.76.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from halluxpath.core.learning_curve import Cusum as Cusum
from halluxpath.core.learning_curve import CusumMonitoring as CusumMonitoring
from halluxpath.core.learning_curve import cumulative_deviation as cumulative_deviation
from halluxpath.core.learning_curve import cusum_learning_curve as cusum_learning_curve
from halluxpath.core.learning_curve import cusum_monitoring as cusum_monitoring
from halluxpath.core.survival import Z_95 as Z_95
from halluxpath.core.survival import Survival as Survival
from halluxpath.core.survival import SurvivalStep as SurvivalStep
from halluxpath.core.survival import at_risk_at as at_risk_at
from halluxpath.core.survival import kaplan_meier as kaplan_meier

LIMITS_OF_AGREEMENT_SD = 1.96  # Bland & Altman 1986; DOMAIN §17
# Koo & Li 2016: below 0.50 poor, 0.50 to 0.75 moderate, 0.75 to 0.90 good, above 0.90 excellent.
KOO_LI_BANDS = ((0.5, "poor"), (0.75, "moderate"))
KOO_LI_GOOD_UP_TO = 0.9


@dataclass(frozen=True)
class IccResult:
    """ICC(A,1) of an n × k table, its interval and the mean squares it came from.

    ``icc`` is ``None`` when the table cannot give an agreement index (for
    example every film measured the same); ``reason`` then says why. It also
    explains an interval that is missing or collapsed to a point.
    """

    icc: float | None
    ci_low: float | None
    ci_high: float | None
    band: str  # Koo & Li band of the whole interval ("good to excellent"), "" when unknown
    n_subjects: int
    n_raters: int
    msr: float  # mean square between subjects (rows, the films)
    msc: float  # mean square between raters (columns, the observers)
    mse: float  # residual mean square
    reason: str = ""


@dataclass(frozen=True)
class BlandAltmanResult:
    n: int
    bias: float  # mean of b − a
    sd: float  # sample standard deviation of b − a
    lower: float  # bias − 1.96 SD
    upper: float  # bias + 1.96 SD
    points: list[tuple[float, float]]  # (mean of the pair, b − a), for the plot


def _check_finite(values: Sequence[float]) -> None:
    if not all(math.isfinite(v) for v in values):
        raise ValueError("every measurement must be a finite number")


# --- the F distribution ---------------------------------------------------------------------


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b), by the modified Lentz method."""
    tiny, eps = 1e-300, 3e-16
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 1000):
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
    """I_x(a, b), the regularized incomplete beta function, for a, b > 0."""
    if a <= 0 or b <= 0:
        raise ValueError("the beta function needs positive parameters")
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    # The fraction converges fast only on one side of the mean; use the symmetry on the other.
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def f_cdf(x: float, d1: float, d2: float) -> float:
    """P(F <= x) for the F(d1, d2) distribution."""
    if x <= 0:
        return 0.0
    return regularized_beta(d1 * x / (d1 * x + d2), d1 / 2, d2 / 2)


def f_quantile(p: float, d1: float, d2: float) -> float:
    """The value below which a fraction ``p`` of the F(d1, d2) distribution lies.

    Degrees of freedom need not be whole numbers (the McGraw & Wong interval
    uses Satterthwaite's approximate ones).
    """
    if not (0 < p < 1) or not (d1 > 0 and d2 > 0) or not math.isfinite(d1 + d2):
        raise ValueError("f_quantile needs 0 < p < 1 and positive, finite degrees of freedom")
    # Bisection on t = d1 x / (d1 x + d2), which maps (0, inf) onto (0, 1) and on which the
    # cdf is I_t(d1/2, d2/2); 200 halvings reach the resolution of a double.
    low, high = 0.0, 1.0
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        if regularized_beta(middle, d1 / 2, d2 / 2) < p:
            low = middle
        else:
            high = middle
    t = (low + high) / 2
    return d2 * t / (d1 * (1 - t))


# --- ICC(A,1) ----------------------------------------------------------------------------------


def koo_li_band(value: float) -> str:
    """The Koo & Li (2016) reliability band of one ICC value (DOMAIN §17 [77])."""
    for limit, name in KOO_LI_BANDS:
        if value < limit:
            return name
    return "good" if value <= KOO_LI_GOOD_UP_TO else "excellent"


def _interval_band(low: float, high: float) -> str:
    first, last = koo_li_band(low), koo_li_band(high)
    return first if first == last else f"{first} to {last}"


def _mean_squares(ratings: Sequence[Sequence[float]], n: int, k: int) -> tuple[float, float, float]:
    grand = sum(sum(row) for row in ratings) / (n * k)
    row_means = [sum(row) / k for row in ratings]
    column_means = [sum(row[j] for row in ratings) / n for j in range(k)]
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_columns = n * sum((m - grand) ** 2 for m in column_means)
    # The residual directly, not total minus the others: no cancellation, never negative.
    ss_error = sum(
        (ratings[i][j] - row_means[i] - column_means[j] + grand) ** 2
        for i in range(n)
        for j in range(k)
    )
    return ss_rows / (n - 1), ss_columns / (k - 1), ss_error / ((n - 1) * (k - 1))


def icc_agreement_single(
    ratings: Sequence[Sequence[float]], *, confidence: float = 0.95
) -> IccResult:
    """ICC(A,1) of an n × k table: rows are films (subjects), columns are observers (raters).

    ICC(A,1) = (MSR − MSE) / (MSR + (k − 1) MSE + k/n (MSC − MSE)), DOMAIN §17;
    interval from McGraw & Wong (1996), table 7, case 2A.
    """
    if not 0 < confidence < 1:
        raise ValueError("the confidence level must lie between 0 and 1")
    n = len(ratings)
    k = len(ratings[0]) if n else 0
    if n < 2 or k < 2:
        raise ValueError("agreement needs at least two films each measured by two observers")
    if any(len(row) != k for row in ratings):
        raise ValueError("every film must be measured by the same observers (a row is short)")
    for row in ratings:
        _check_finite(row)
    msr, msc, mse = _mean_squares(ratings, n, k)

    def without_icc(reason: str) -> IccResult:
        return IccResult(None, None, None, "", n, k, msr, msc, mse, reason=reason)

    denominator = msr + (k - 1) * mse + k / n * (msc - mse)
    if msr == 0 or denominator <= 0:
        return without_icc("the films do not differ, so agreement cannot be estimated")
    icc = (msr - mse) / denominator
    if 1 - icc < 1e-12:  # identical observers, up to the rounding of the mean squares
        return IccResult(
            icc, icc, 1.0, "excellent", n, k, msr, msc, mse, reason="the observers agree exactly"
        )
    alpha = 1 - confidence
    a = k * icc / (n * (1 - icc))
    b = 1 + k * icc * (n - 1) / (n * (1 - icc))
    spread = k * msc + (k * n - k - n) * mse
    satterthwaite_denominator = (a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1))
    if satterthwaite_denominator <= 0:
        return IccResult(
            icc, None, None, "", n, k, msr, msc, mse, reason="no interval for this table"
        )
    v = (a * msc + b * mse) ** 2 / satterthwaite_denominator
    if not (math.isfinite(v) and v > 0):
        return IccResult(
            icc, None, None, "", n, k, msr, msc, mse, reason="no interval for this table"
        )
    f_upper = f_quantile(1 - alpha / 2, n - 1, v)
    f_lower = f_quantile(1 - alpha / 2, v, n - 1)
    low = n * (msr - f_upper * mse) / (f_upper * spread + n * msr)
    high = n * (f_lower * msr - mse) / (spread + n * f_lower * msr)
    return IccResult(icc, low, high, _interval_band(low, high), n, k, msr, msc, mse)


# --- Bland–Altman -----------------------------------------------------------------------------


def bland_altman(a: Sequence[float], b: Sequence[float]) -> BlandAltmanResult:
    """Bias and 95 % limits of agreement of ``b`` against ``a`` (differences b − a)."""
    if len(a) != len(b):
        raise ValueError("the two observers must have measured the same films (lengths differ)")
    if len(a) < 2:
        raise ValueError("agreement needs at least two films each measured by two observers")
    _check_finite(a)
    _check_finite(b)
    differences = [y - x for x, y in zip(a, b, strict=True)]
    n = len(differences)
    bias = sum(differences) / n
    sd = math.sqrt(sum((d - bias) ** 2 for d in differences) / (n - 1))
    return BlandAltmanResult(
        n=n,
        bias=bias,
        sd=sd,
        lower=bias - LIMITS_OF_AGREEMENT_SD * sd,
        upper=bias + LIMITS_OF_AGREEMENT_SD * sd,
        points=[((x + y) / 2, y - x) for x, y in zip(a, b, strict=True)],
    )


# --- the t distribution -----------------------------------------------------------------------


def t_quantile(p: float, df: float) -> float:
    """The value below which a fraction ``p`` of Student's t with ``df`` degrees of freedom lies.

    For t >= 0, P(T > t) = I_x(df/2, 1/2) / 2 with x = df / (df + t²); the quantile inverts
    that by bisection on x, as ``f_quantile`` does.
    """
    if not (0 < p < 1) or not (df > 0 and math.isfinite(df)):
        raise ValueError("t_quantile needs 0 < p < 1 and positive, finite degrees of freedom")
    if p == 0.5:
        return 0.0
    tail = 2 * min(p, 1 - p)  # I_x(df/2, 1/2) must equal this; it rises with x
    low, high = 0.0, 1.0
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        if regularized_beta(middle, df / 2, 0.5) < tail:
            low = middle
        else:
            high = middle
    x = (low + high) / 2
    t = math.sqrt(df * (1 - x) / x)
    return t if p > 0.5 else -t


# --- dashboards: a proportion and a paired difference ----------------------------------------


@dataclass(frozen=True)
class Proportion:
    """``x`` of ``n`` with its Wilson score interval; ``p``, ``low``, ``high`` None when n = 0."""

    x: int
    n: int
    p: float | None
    low: float | None
    high: float | None


def wilson(x: int, n: int, z: float = Z_95) -> Proportion:
    """The Wilson score interval of x/n (DOMAIN §17 [72]).

    centre = (p̂ + z²/2n)/(1 + z²/n); half-width = z/(1 + z²/n)·√(p̂(1−p̂)/n + z²/4n²).
    Valid at x = 0 and x = n, unlike the Wald interval: 0 of 80 gives 0 to 0.046.
    """
    if n < 0 or x < 0 or x > n:
        raise ValueError("a proportion needs 0 <= x <= n")
    if not (z > 0 and math.isfinite(z)):
        raise ValueError("z must be a positive number")
    if n == 0:
        return Proportion(x, n, None, None, None)
    p = x / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # At x = 0 (or n) the centre equals the half-width exactly in real numbers; clamp the rounding.
    low = 0.0 if x == 0 else max(0.0, centre - half)
    high = 1.0 if x == n else min(1.0, centre + half)
    return Proportion(x, n, p, low, high)


@dataclass(frozen=True)
class PairedDifference:
    """Mean of pre − post over the patients with both values, with its t interval.

    ``excluded`` counts pairs missing one side (DOMAIN §17: report how many). ``mean`` is None
    with no complete pair; ``sd``, ``low`` and ``high`` are None with fewer than two.
    """

    n: int
    mean: float | None
    sd: float | None
    low: float | None
    high: float | None
    excluded: int = 0
    confidence: float = 0.95


def paired_difference(
    pre: Sequence[float | None], post: Sequence[float | None], *, confidence: float = 0.95
) -> PairedDifference:
    """d̄ ± t(1−α/2, n−1)·s_d/√n with dᵢ = preᵢ − postᵢ (DOMAIN §17).

    A patient is counted only with both time points; a None on either side excludes the pair.
    For a "higher = worse" score (MOXFQ, NRS) a positive mean is an improvement.
    """
    if len(pre) != len(post):
        raise ValueError("pre and post must list the same patients (lengths differ)")
    if not 0 < confidence < 1:
        raise ValueError("the confidence level must lie between 0 and 1")
    differences = [a - b for a, b in zip(pre, post, strict=True) if a is not None and b is not None]
    _check_finite(differences)
    n = len(differences)
    excluded = len(pre) - n
    if n == 0:
        return PairedDifference(0, None, None, None, None, excluded, confidence)
    mean = math.fsum(differences) / n
    if n < 2:
        return PairedDifference(n, mean, None, None, None, excluded, confidence)
    sd = math.sqrt(math.fsum((d - mean) ** 2 for d in differences) / (n - 1))
    half = t_quantile(1 - (1 - confidence) / 2, n - 1) * sd / math.sqrt(n)
    return PairedDifference(n, mean, sd, mean - half, mean + half, excluded, confidence)
