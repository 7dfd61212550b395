"""Refreshes held back by ``summaries_deferred`` leave the rows one refresh per call would.

The demo load signs hundreds of records in a row; each refresh_case
renumbers the surgeon's learning curve, so it defers them to one rebuild
(issue 13 item 7). The figures must not change because of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from halluxpath.registry.actions import refresh_case, summaries_deferred
from halluxpath.registry.models import CaseSummary
from halluxpath.surgery.models import OperativeRecord
from tests.registry.world import RegistryWorld, operated_case


def rows() -> dict[int, dict[str, Any]]:
    """Every summary row's derived columns (not the moment it was refreshed)."""
    derived: dict[int, dict[str, Any]] = {}
    for row in CaseSummary.objects.values().order_by("episode_id"):
        values: dict[str, Any] = dict(row)
        del values["refreshed_at"]
        derived[values.pop("episode_id")] = values
    return derived


def test_deferred_refreshes_give_the_same_rows_as_one_refresh_per_call(
    registry_world: RegistryWorld,
) -> None:
    expected = rows()
    episodes = list(expected)
    CaseSummary.objects.all().delete()
    with summaries_deferred() as noted:
        for episode_id in reversed(episodes):
            assert refresh_case(episode_id) is None
            assert refresh_case(episode_id) is None  # noted once
        with summaries_deferred() as inner:  # a nested block leaves the work to the outer
            assert inner is noted
        assert noted == set(episodes)
        assert not CaseSummary.objects.exists()
    assert rows() == expected


def test_a_deferred_unsigned_or_earlier_case_renumbers_the_surgeon_once_at_the_end(
    registry_world: RegistryWorld,
) -> None:
    beta = registry_world.beta
    with summaries_deferred():
        earlier = operated_case(beta, registry_world.team_a, dt.date(2025, 12, 1))
        draft = operated_case(beta, registry_world.team_a, dt.date(2026, 5, 1), signed=False)
        refresh_case(draft.pk)
        signed = CaseSummary.objects.filter(surgeon=beta).exclude(episode=earlier)
        first = signed.order_by("operated_on").first()
        assert first is not None
        OperativeRecord.objects.filter(episode_id=first.episode_id).update(signed_at=None)
        refresh_case(first.episode_id)  # its record unsigned again: the row goes
    deferred = rows()
    assert deferred[earlier.pk]["mis_case_number"] == 1
    assert draft.pk not in deferred
    assert first.episode_id not in deferred
    for episode_id in deferred:
        refresh_case(episode_id)
    assert rows() == deferred
