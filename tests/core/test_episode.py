from __future__ import annotations

import itertools

import pytest

from halluxpath.core.episode import (
    ALLOWED_TRANSITIONS,
    EpisodeStatus,
    TransitionRefused,
    check_transition,
    forward_path,
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


@pytest.mark.parametrize(("current", "target"), list(itertools.product(MAIN_LINE, MAIN_LINE)))
def test_the_work_moves_an_episode_only_forward_along_allowed_steps(
    current: EpisodeStatus, target: EpisodeStatus
) -> None:
    path = forward_path(current.value, target.value)
    i, j = MAIN_LINE.index(current), MAIN_LINE.index(target)
    passes_operation = i < MAIN_LINE.index(EpisodeStatus.OPERATED) < j
    assert len(path) == (0 if passes_operation else max(0, j - i))
    for step in path:
        assert step.to_status in ALLOWED_TRANSITIONS[step.from_status]
    if path:
        assert (path[0].from_status, path[-1].to_status) == (current, target)


def test_a_plan_saved_for_a_referred_foot_passes_through_assessed() -> None:
    path = forward_path("referred", "planned")
    assert [(s.from_status.value, s.to_status.value) for s in path] == [
        ("referred", "assessed"),
        ("assessed", "planned"),
    ]


def test_a_check_in_never_marks_an_unsigned_foot_operated() -> None:
    assert forward_path("planned", "follow_up") == ()
    assert len(forward_path("operated", "follow_up")) == 1


def test_a_discharged_episode_is_never_moved_by_the_work() -> None:
    assert forward_path("discharged", "operated") == ()


def test_an_unknown_status_has_no_path() -> None:
    with pytest.raises(TransitionRefused):
        forward_path("lost", "planned")
