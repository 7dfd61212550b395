from __future__ import annotations

import itertools

import pytest

from halluxpath.core.episode import (
    ALLOWED_TRANSITIONS,
    EpisodeStatus,
    TransitionRefused,
    check_transition,
    next_statuses,
)

MAIN_LINE = list(EpisodeStatus)


def expected_allowed(current: EpisodeStatus, target: EpisodeStatus) -> bool:
    """The rule in words: one step forward, or discharge before the operation."""
    i, j = MAIN_LINE.index(current), MAIN_LINE.index(target)
    one_step_forward = j == i + 1
    early_discharge = target == EpisodeStatus.DISCHARGED and i < MAIN_LINE.index(
        EpisodeStatus.OPERATED
    )
    return one_step_forward or early_discharge


@pytest.mark.parametrize(("current", "target"), list(itertools.product(MAIN_LINE, MAIN_LINE)))
def test_every_status_pair_follows_the_rule(current: EpisodeStatus, target: EpisodeStatus) -> None:
    if expected_allowed(current, target):
        step = check_transition(current.value, target.value)
        assert (step.from_status, step.to_status) == (current, target)
    else:
        with pytest.raises(TransitionRefused):
            check_transition(current.value, target.value)


def test_an_operated_foot_cannot_be_discharged_without_follow_up() -> None:
    with pytest.raises(TransitionRefused, match="can only become follow-up"):
        check_transition("operated", "discharged")


def test_a_discharged_episode_is_closed() -> None:
    assert next_statuses(EpisodeStatus.DISCHARGED) == ()
    with pytest.raises(TransitionRefused, match="closed"):
        check_transition("discharged", "referred")


def test_unknown_statuses_are_refused_with_their_name() -> None:
    with pytest.raises(TransitionRefused, match="'bogus'"):
        check_transition("referred", "bogus")
    with pytest.raises(TransitionRefused, match="current status"):
        check_transition("<script>", "assessed")


def test_every_status_can_reach_discharge() -> None:
    for start in EpisodeStatus:
        seen, frontier = {start}, [start]
        while frontier:
            for nxt in ALLOWED_TRANSITIONS[frontier.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert EpisodeStatus.DISCHARGED in seen
