"""The journey of an episode: each step's state and the next step (core.journey)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from halluxpath.core.episode import EpisodeStatus
from halluxpath.core.journey import (
    DueItem,
    Snapshot,
    Stamp,
    State,
    Step,
    first_candidate,
    journey,
    next_due,
)

AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
BY = Stamp("Ada Surgeon", AT)
ALL_PHASES = {"sign_in": BY, "time_out": BY, "sign_out": BY}


def test_a_new_episode_starts_with_the_radiographs() -> None:
    result = journey(Snapshot(status=EpisodeStatus.REFERRED))
    assert [s.state for s in result.steps] == [State.NOT_STARTED] * len(Step)
    assert result.next_step is not None
    assert result.next_step.step == Step.RADIOGRAPHS


def test_an_unmeasured_film_is_in_progress_and_still_the_next_step() -> None:
    result = journey(Snapshot(status=EpisodeStatus.REFERRED, films=2, first_film=BY))
    step = result.step(Step.RADIOGRAPHS)
    assert step.state == State.IN_PROGRESS
    assert "2 films" in step.detail
    assert result.next_step == step


def test_after_the_plan_the_consent_sheet_is_next() -> None:
    result = journey(
        Snapshot(status=EpisodeStatus.PLANNED, films=1, measured=BY, assessment=BY, plan=BY)
    )
    assert result.step(Step.PLAN).stamp == BY
    assert result.next_step is not None
    assert result.next_step.step == Step.CONSENT


def test_a_checklist_with_sign_in_done_is_in_progress_and_names_the_open_phases() -> None:
    result = journey(Snapshot(status=EpisodeStatus.PLANNED, checklist_phases={"sign_in": BY}))
    step = result.step(Step.CHECKLIST)
    assert step.state == State.IN_PROGRESS
    assert step.detail == "Time Out, Sign Out open"
    assert [p.state for p in step.parts] == [State.DONE, State.NOT_STARTED, State.NOT_STARTED]


def test_a_written_but_unsigned_record_is_in_progress() -> None:
    result = journey(
        Snapshot(
            status=EpisodeStatus.PLANNED,
            measured=BY,
            assessment=BY,
            plan=BY,
            consent=BY,
            consent_signed=BY,
            checklist_phases=ALL_PHASES,
            record_written=BY,
        )
    )
    step = result.step(Step.OPERATIVE_RECORD)
    assert step.state == State.IN_PROGRESS
    assert result.next_step == step


def test_follow_up_under_way_has_no_next_step() -> None:
    result = journey(
        Snapshot(
            status=EpisodeStatus.FOLLOW_UP,
            measured=BY,
            assessment=BY,
            plan=BY,
            consent=BY,
            consent_signed=BY,
            checklist_phases=ALL_PHASES,
            record_signed=BY,
            aftercare_plan=BY,
            first_check_in=BY,
        )
    )
    assert result.step(Step.FOLLOW_UP).state == State.IN_PROGRESS
    assert result.next_step is None


def test_an_operated_foot_is_not_sent_back_to_its_pre_operative_gaps() -> None:
    result = journey(Snapshot(status=EpisodeStatus.OPERATED, record_signed=BY))
    assert result.step(Step.ASSESSMENT).state == State.NOT_STARTED
    assert result.next_step is not None
    assert result.next_step.step == Step.AFTERCARE_PLAN


def test_a_discharged_episode_has_no_next_step() -> None:
    assert journey(Snapshot(status=EpisodeStatus.DISCHARGED)).next_step is None


@given(
    st.sampled_from(list(EpisodeStatus)),
    st.integers(min_value=0, max_value=3),
    st.booleans(),
    st.booleans(),
    st.sets(st.sampled_from(["sign_in", "time_out", "sign_out"])),
    st.booleans(),
)
def test_the_next_step_is_always_the_first_step_not_done(
    status: EpisodeStatus,
    films: int,
    assessed: bool,
    planned: bool,
    phases: set[str],
    signed: bool,
) -> None:
    result = journey(
        Snapshot(
            status=status,
            films=films,
            assessment=BY if assessed else None,
            plan=BY if planned else None,
            checklist_phases=dict.fromkeys(phases, BY),
            record_signed=BY if signed else None,
        )
    )
    assert len(result.steps) == len(Step)
    if result.next_step is not None:
        start = first_candidate(status)
        before = result.steps[start : result.steps.index(result.next_step)]
        assert all(s.done for s in before)
        assert not result.next_step.done


def test_the_next_due_item_is_the_earliest_from_today() -> None:
    today = dt.date(2026, 3, 10)
    items = [
        DueItem("Wound check", dt.date(2026, 3, 9)),
        DueItem("Six-week review", dt.date(2026, 4, 20)),
        DueItem("Stitches out", dt.date(2026, 3, 10)),
    ]
    due = next_due(items, today)
    assert due is not None
    assert due.title == "Stitches out"
    assert next_due(items[:1], today) is None


def test_a_prepared_but_unsigned_consent_sheet_is_in_progress() -> None:
    result = journey(
        Snapshot(status=EpisodeStatus.PLANNED, measured=BY, assessment=BY, plan=BY, consent=BY)
    )
    step = result.step(Step.CONSENT)
    assert step.state == State.IN_PROGRESS
    assert result.next_step == step
    assert step.action == "Record the consent signature"
