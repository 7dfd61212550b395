from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halluxpath.core.disclosure import suppress_count


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, "0"), (1, "*"), (7, "*"), (8, "10"), (12, "10"), (13, "15"), (100, "100")],
)
def test_small_counts_are_hidden_and_others_rounded_to_five(count: int, shown: str) -> None:
    assert suppress_count(count) == shown


@given(st.integers(min_value=8, max_value=10**9))
def test_a_shown_count_is_within_two_of_the_truth(count: int) -> None:
    shown = int(suppress_count(count))
    assert shown % 5 == 0
    assert abs(shown - count) <= 2


def test_negative_counts_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        suppress_count(-1)
