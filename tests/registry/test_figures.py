"""The dashboards' statistics from aggregates, against DOMAIN §17's worked examples."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halluxpath.core.stats import paired_difference
from halluxpath.core.survival import kaplan_meier
from halluxpath.registry.figures import (
    at_risk_at,
    kaplan_meier_grouped,
    paired_from_sums,
    survival_at,
)


def test_the_paired_difference_from_sums_is_the_moxfq_example() -> None:
    d = [42, 24, 55, 26, 26, 41, 48, 21]
    paired = paired_from_sums(len(d), sum(d), sum(x * x for x in d))
    assert paired is not None
    assert paired.sd is not None
    assert paired.low is not None
    assert round(paired.mean, 1) == 35.4
    assert round(paired.sd, 1) == 12.7
    assert (round(paired.low, 1), round(paired.high or 0, 1)) == (24.7, 46.0)


def test_one_pair_has_a_mean_and_no_interval_and_none_has_nothing() -> None:
    one = paired_from_sums(1, 5.0, 25.0)
    assert one is not None
    assert one.mean == 5.0
    assert one.low is None
    assert paired_from_sums(0, 0.0, 0.0) is None


@given(st.lists(st.floats(-60, 60), min_size=2, max_size=40))
def test_the_sums_give_the_same_mean_and_sd_as_the_list(d: list[float]) -> None:
    """Σd² − (Σd)²/n loses digits when every d is nearly equal: about 1e-6° of SD, far below
    the 0.1° the dashboards print, hence the tolerance."""
    paired = paired_from_sums(len(d), sum(d), sum(x * x for x in d))
    assert paired is not None
    assert paired.sd is not None
    core = paired_difference(d, [0.0] * len(d))
    assert paired.mean == pytest.approx(core.mean, abs=1e-9)
    assert paired.sd == pytest.approx(core.sd, abs=1e-4)
    if core.low is not None and paired.low is not None:
        assert paired.low == pytest.approx(core.low, abs=1e-4)


def test_kaplan_meier_from_grouped_counts_is_the_worked_example() -> None:
    # 10 feet, events at 2, 5, 8 months, censored at 4, 5, 10 and 12 (x4): (t, events, censored).
    rows = [(2, 1, 0), (4, 0, 1), (5, 1, 1), (8, 1, 0), (10, 0, 1), (12, 0, 4)]
    steps = kaplan_meier_grouped(rows)
    assert [(s.at_risk, s.events) for s in steps] == [(10, 1), (8, 1), (6, 1)]
    assert [s.survival for s in steps] == pytest.approx([0.9, 0.7875, 0.65625])
    assert round(steps[-1].se, 3) == 0.164
    assert all(0 <= s.low <= s.survival <= s.high <= 1 for s in steps)
    assert at_risk_at(rows, [0, 3, 6, 12]) == [10, 9, 6, 4]
    assert survival_at(steps, 6) == steps[1].survival


@given(st.lists(st.tuples(st.integers(0, 800), st.booleans()), min_size=1, max_size=60))
def test_grouped_kaplan_meier_agrees_with_the_core_on_patient_lists(
    feet: list[tuple[int, bool]],
) -> None:
    grouped: dict[int, list[int]] = {}
    for t, happened in feet:
        grouped.setdefault(t, [0, 0])[0 if happened else 1] += 1
    rows = [(t, e, c) for t, (e, c) in sorted(grouped.items())]
    mine = kaplan_meier_grouped(rows)
    core = kaplan_meier([t for t, _ in feet], [h for _, h in feet])
    assert [(s.t, s.at_risk, s.events) for s in mine] == [
        (s.t, s.at_risk, s.events) for s in core.event_steps
    ]
    for a, b in zip(mine, core.event_steps, strict=True):
        assert a.survival == pytest.approx(b.survival, abs=1e-12)
        if b.se is not None:
            assert a.se == pytest.approx(b.se, abs=1e-9)
    offsets = [0, 91, 182, 365, 730]
    assert at_risk_at(rows, offsets) == [sum(1 for t, _ in feet if t >= o) for o in offsets]


def test_a_long_table_is_thinned_on_the_page_and_whole_in_the_csv() -> None:
    from halluxpath.registry.tables import PAGE_ROWS, Column, Table

    rows = [[str(i)] for i in range(1, 251)]
    table = Table("cases", (Column("case"),), rows)
    assert table.every == 3
    assert len(table.page_rows) <= PAGE_ROWS + 1
    assert table.page_rows[0] == ["1"]
    assert table.page_rows[-1] == ["250"]
    assert Table("few", (Column("case"),), rows[:10]).page_rows == rows[:10]
