"""Agreement statistics against DOMAIN §17's worked examples and known F quantiles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halluxpath.core.stats import bland_altman, f_quantile, icc_agreement_single

A = [30, 25, 38, 20, 33]
B = [32, 24, 41, 21, 35]


def test_icc_reproduces_the_domain_example() -> None:
    result = icc_agreement_single([[a, b] for a, b in zip(A, B, strict=True)])
    assert result.msr == pytest.approx(113.85)
    assert result.msc == pytest.approx(4.90)
    assert result.mse == pytest.approx(1.15)
    assert result.icc == pytest.approx(0.967, abs=5e-4)
    assert result.ci_low is not None
    assert result.ci_high is not None
    assert result.ci_low < 0.967 < result.ci_high <= 1


def test_bland_altman_reproduces_the_domain_example() -> None:
    result = bland_altman(A, B)
    assert result.bias == pytest.approx(1.4)
    assert round(result.lower, 1) == -1.6
    assert round(result.upper, 1) == 4.4
    assert result.points[0] == (31.0, 2)


@pytest.mark.parametrize(
    ("p", "d1", "d2", "expected"),
    [
        (0.975, 4, 4, 9.6045),
        (0.975, 10, 20, 2.7737),
        (0.95, 1, 10, 4.9646),
        (0.5, 6, 6, 1.0),
    ],
)
def test_f_quantiles_match_published_tables(
    p: float, d1: float, d2: float, expected: float
) -> None:
    assert f_quantile(p, d1, d2) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ([[1, 2]], "at least two films"),
        ([[1], [2]], "at least two films"),
        ([[1, 2], [3]], "same observers"),
        ([[1, float("nan")], [3, 4]], "finite"),
    ],
)
def test_unusable_tables_are_refused(ratings: list[list[float]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        icc_agreement_single(ratings)


def test_identical_films_give_no_icc_and_say_why() -> None:
    result = icc_agreement_single([[10, 10], [10, 10], [10, 10]])
    assert result.icc is None
    assert "do not differ" in result.reason


# Angles to a tenth of a degree, as measured; distinct, so the films differ.
values = st.lists(
    st.integers(min_value=-600, max_value=600), min_size=3, max_size=20, unique=True
).map(lambda tenths: [t / 10 for t in tenths])


@given(values)
def test_identical_observers_agree_perfectly(a: list[float]) -> None:
    assert icc_agreement_single([[x, x] for x in a]).icc == pytest.approx(1.0)


@given(values, st.floats(min_value=-20, max_value=20, allow_nan=False))
def test_adding_a_constant_to_every_rating_leaves_the_icc_unchanged(
    a: list[float], shift: float
) -> None:
    rows = [[x, x * 0.9 + 1] for x in a]
    moved = [[x + shift, y + shift] for x, y in rows]
    before, after = icc_agreement_single(rows).icc, icc_agreement_single(moved).icc
    assert before is not None
    assert after is not None
    assert after == pytest.approx(before, abs=1e-6)


@given(values)
def test_bias_changes_sign_when_the_observers_swap(a: list[float]) -> None:
    b = [x * 1.05 + 0.5 for x in a]
    assert bland_altman(a, b).bias == pytest.approx(-bland_altman(b, a).bias)
