"""Agreement statistics against DOMAIN §17's worked examples, published tables and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halluxpath.core.stats import (
    bland_altman,
    f_cdf,
    f_quantile,
    icc_agreement_single,
    koo_li_band,
    regularized_beta,
)

# DOMAIN §17: HVA on 5 radiographs by 2 observers.
A = [30.0, 25.0, 38.0, 20.0, 33.0]
B = [32.0, 24.0, 41.0, 21.0, 35.0]

# Shrout & Fleiss (1979), table 2: 6 targets rated by 4 judges. R's psych::ICC gives
# ICC2 (single random raters) 0.29 with 95 % interval 0.019 to 0.76.
SHROUT_FLEISS = [
    [9.0, 2.0, 5.0, 8.0],
    [6.0, 1.0, 3.0, 2.0],
    [8.0, 4.0, 6.0, 8.0],
    [7.0, 1.0, 2.0, 6.0],
    [10.0, 5.0, 6.0, 9.0],
    [6.0, 2.0, 4.0, 7.0],
]


def test_icc_reproduces_the_domain_hva_example() -> None:
    result = icc_agreement_single([[a, b] for a, b in zip(A, B, strict=True)])
    assert (result.n_subjects, result.n_raters) == (5, 2)
    assert result.msr == pytest.approx(113.85)
    assert result.msc == pytest.approx(4.90)
    assert result.mse == pytest.approx(1.15)
    assert result.icc == pytest.approx(0.967, abs=5e-4)
    assert result.ci_low is not None
    assert result.ci_high is not None
    assert 0.5 < result.ci_low < 0.967 < result.ci_high < 1
    # Five films: the point estimate is excellent but the interval is not (DOMAIN §17).
    assert result.band == "moderate to excellent"


def test_icc_interval_matches_the_shrout_and_fleiss_example() -> None:
    result = icc_agreement_single(SHROUT_FLEISS)
    assert result.msr == pytest.approx(11.2417, abs=1e-4)
    assert result.msc == pytest.approx(32.4861, abs=1e-4)
    assert result.mse == pytest.approx(1.0194, abs=1e-4)
    assert result.icc == pytest.approx(0.2898, abs=1e-4)
    assert result.ci_low == pytest.approx(0.019, abs=5e-4)
    assert result.ci_high == pytest.approx(0.761, abs=5e-4)
    assert result.band == "poor to good"


def test_bland_altman_reproduces_the_domain_hva_example() -> None:
    result = bland_altman(A, B)
    assert result.n == 5
    assert result.bias == pytest.approx(1.4)
    assert result.sd == pytest.approx(math.sqrt(2.3))
    assert round(result.lower, 1) == -1.6
    assert round(result.upper, 1) == 4.4
    assert result.upper - result.bias == pytest.approx(1.96 * result.sd)
    assert result.points[0] == (31.0, 2.0)
    assert len(result.points) == 5


@pytest.mark.parametrize(
    ("p", "d1", "d2", "expected"),
    [
        (0.975, 4, 4, 9.6045),
        (0.975, 10, 20, 2.7737),
        (0.95, 1, 10, 4.9646),
        (0.99, 2, 3, 30.8165),
        (0.975, 1, 1, 647.789),
        (0.95, 5, 120, 2.2899),
        (0.5, 6, 6, 1.0),
    ],
)
def test_f_quantiles_match_published_tables(
    p: float, d1: float, d2: float, expected: float
) -> None:
    assert f_quantile(p, d1, d2) == pytest.approx(expected, rel=1e-4)


def test_lower_f_quantiles_are_reciprocals_of_upper_ones() -> None:
    assert f_quantile(0.025, 5, 7) == pytest.approx(1 / f_quantile(0.975, 7, 5), rel=1e-9)


def test_f_quantile_works_with_fractional_degrees_of_freedom() -> None:
    x = f_quantile(0.975, 4, 3.6)
    assert f_cdf(x, 4, 3.6) == pytest.approx(0.975, abs=1e-10)
    assert f_quantile(0.975, 4, 3) > x > f_quantile(0.975, 4, 4)


@pytest.mark.parametrize(
    ("x", "a", "b", "expected"),
    [
        (0.5, 2.0, 3.0, 0.6875),  # 11/16 in closed form
        (0.3, 1.0, 1.0, 0.3),  # the uniform distribution
        (0.4, 3.0, 1.0, 0.4**3),  # I_x(a, 1) = x^a
        (0.4, 1.0, 3.0, 1 - 0.6**3),  # I_x(1, b) = 1 - (1 - x)^b
        (0.5, 7.5, 7.5, 0.5),  # symmetry
        (0.0, 2.0, 2.0, 0.0),
        (1.0, 2.0, 2.0, 1.0),
    ],
)
def test_regularized_beta_matches_closed_forms(
    x: float, a: float, b: float, expected: float
) -> None:
    assert regularized_beta(x, a, b) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("p", "d1", "d2"), [(0.0, 1, 1), (1.0, 1, 1), (0.5, 0, 3), (0.5, 3, -1), (0.5, 3, math.inf)]
)
def test_f_quantile_refuses_impossible_arguments(p: float, d1: float, d2: float) -> None:
    with pytest.raises(ValueError, match="f_quantile needs"):
        f_quantile(p, d1, d2)


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ([], "at least two films"),
        ([[1.0, 2.0]], "at least two films"),
        ([[1.0], [2.0]], "two observers"),
        ([[1.0, 2.0], [3.0]], "same observers"),
        ([[1.0, 2.0], [3.0, 4.0, 5.0]], "same observers"),
        ([[1.0, math.nan], [3.0, 4.0]], "finite"),
        ([[1.0, 2.0], [math.inf, 4.0]], "finite"),
    ],
)
def test_unusable_tables_are_refused(ratings: list[list[float]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        icc_agreement_single(ratings)


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ([1.0], [2.0], "at least two films"),
        ([1.0, 2.0], [2.0], "same films"),
        ([1.0, math.nan], [2.0, 3.0], "finite"),
        ([1.0, 2.0], [2.0, -math.inf], "finite"),
    ],
)
def test_unusable_pairs_are_refused(a: list[float], b: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        bland_altman(a, b)


def test_identical_films_give_no_icc_and_say_why() -> None:
    result = icc_agreement_single([[10.0, 10.0], [10.0, 10.0], [10.0, 10.0]])
    assert result.icc is None
    assert result.ci_low is None
    assert result.band == ""
    assert "do not differ" in result.reason


def test_observers_who_differ_only_by_a_constant_still_get_an_interval() -> None:
    result = icc_agreement_single([[x, x + 2.0] for x in A])  # no residual error at all
    assert result.mse == pytest.approx(0.0, abs=1e-12)
    assert result.icc is not None
    assert result.ci_low is not None
    assert result.ci_high is not None
    assert result.ci_low < result.icc < result.ci_high < 1


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (-0.2, "poor"),
        (0.49, "poor"),
        (0.50, "moderate"),
        (0.74, "moderate"),
        (0.75, "good"),
        (0.90, "good"),
        (0.901, "excellent"),
        (1.0, "excellent"),
    ],
)
def test_koo_and_li_bands(value: float, band: str) -> None:
    assert koo_li_band(value) == band


# Angles to a tenth of a degree, as measured; distinct, so the films differ.
angles = st.lists(
    st.integers(min_value=-600, max_value=600), min_size=3, max_size=20, unique=True
).map(lambda tenths: [t / 10 for t in tenths])


@given(angles)
def test_identical_observers_agree_perfectly(a: list[float]) -> None:
    result = icc_agreement_single([[x, x, x] for x in a])
    assert result.icc == pytest.approx(1.0)
    assert result.band == "excellent"


@given(angles, st.floats(min_value=-20, max_value=20, allow_nan=False))
def test_adding_a_constant_to_every_rating_leaves_the_icc_unchanged(
    a: list[float], shift: float
) -> None:
    rows = [[x, x * 0.9 + 1] for x in a]
    moved = [[x + shift, y + shift] for x, y in rows]
    before, after = icc_agreement_single(rows), icc_agreement_single(moved)
    assert before.icc is not None
    assert after.icc is not None
    assert after.icc == pytest.approx(before.icc, abs=1e-6)
    assert after.msc == pytest.approx(before.msc, rel=1e-6, abs=1e-9)


@given(angles, st.lists(st.integers(-30, 30), min_size=20, max_size=20))
def test_the_interval_contains_the_estimate(a: list[float], noise: list[int]) -> None:
    rows = [[x, x + e / 10] for x, e in zip(a, noise, strict=False)]
    result = icc_agreement_single(rows)
    if result.icc is not None and result.ci_low is not None and result.ci_high is not None:
        assert result.ci_low <= result.icc <= result.ci_high <= 1


@given(angles)
def test_bias_changes_sign_when_the_observers_swap(a: list[float]) -> None:
    b = [x * 1.05 + 0.5 for x in a]
    forward, backward = bland_altman(a, b), bland_altman(b, a)
    assert forward.bias == pytest.approx(-backward.bias)
    assert forward.sd == pytest.approx(backward.sd)
    assert forward.lower == pytest.approx(-backward.upper)
