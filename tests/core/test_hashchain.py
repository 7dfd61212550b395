from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halluxpath.core.hashchain import (
    GENESIS_DIGEST,
    ChainedEvent,
    LoggedEvent,
    LogReport,
    Problem,
    Seal,
    SealRecord,
    compact_ranges,
    entry_digest,
    event_digest,
    make_seal,
    sealing_horizon,
    verify_chain,
    verify_log,
)

payloads = st.lists(
    st.dictionaries(
        st.sampled_from(["action", "actor", "detail", "patient_id"]),
        st.one_of(st.text(max_size=20), st.integers(), st.none()),
        min_size=1,
    ),
    min_size=1,
    max_size=12,
)


def build(payloads: list[dict[str, Any]]) -> list[ChainedEvent]:
    events, previous = [], GENESIS_DIGEST
    for sequence, payload in enumerate(payloads, start=1):
        digest = event_digest(previous, payload)
        events.append(ChainedEvent(sequence, payload, previous, digest))
        previous = digest
    return events


# --- The chain before seals (still checked when an old log is carried over) ---


@given(payloads)
def test_an_untouched_chain_verifies(items: list[dict[str, Any]]) -> None:
    events = build(items)
    report = verify_chain(events, head_sequence=len(events), head_digest=events[-1].digest)
    assert report.ok
    assert report.checked == len(events)


@given(payloads, st.data())
def test_changing_any_field_of_any_event_is_detected(
    items: list[dict[str, Any]], data: st.DataObject
) -> None:
    events = build(items)
    index = data.draw(st.integers(0, len(events) - 1))
    victim = events[index]
    key = data.draw(st.sampled_from(sorted(victim.payload)))
    forged = {**victim.payload, key: "forged" if victim.payload[key] != "forged" else "x"}
    events[index] = ChainedEvent(victim.sequence, forged, victim.previous_digest, victim.digest)
    report = verify_chain(events)
    assert not report.ok
    assert report.broken_at == victim.sequence


@given(payloads, st.data())
def test_deleting_an_event_is_detected(items: list[dict[str, Any]], data: st.DataObject) -> None:
    events = build(items)
    index = data.draw(st.integers(0, len(events) - 1))
    remaining = events[:index] + events[index + 1 :]
    report = verify_chain(remaining, head_sequence=len(events), head_digest=events[-1].digest)
    assert not report.ok


def test_rewriting_an_event_together_with_its_digest_breaks_the_next_link() -> None:
    events = build([{"action": "view"}, {"action": "change"}, {"action": "view"}])
    forged_payload = {"action": "nothing"}
    events[1] = ChainedEvent(
        2, forged_payload, events[0].digest, event_digest(events[0].digest, forged_payload)
    )
    report = verify_chain(events)
    assert not report.ok
    assert report.broken_at == 3
    assert "does not follow" in report.problem


def test_the_digest_does_not_depend_on_key_order() -> None:
    assert event_digest(GENESIS_DIGEST, {"a": 1, "b": 2}) == event_digest(
        GENESIS_DIGEST, {"b": 2, "a": 1}
    )
    assert entry_digest({"a": 1, "b": 2}) == entry_digest({"b": 2, "a": 1})


# --- The sealed log --------------------------------------------------------

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
DELAY = timedelta(minutes=10)


def logged(event_id: int, payload: dict[str, Any] | None = None) -> LoggedEvent:
    body = payload if payload is not None else {"action": "view", "n": event_id}
    return LoggedEvent(event_id, START + timedelta(seconds=event_id), body, entry_digest(body))


class Sealer:
    """The sealer's rules over events held in memory: what the audit app does with rows."""

    def __init__(self, batch_size: int = 4) -> None:
        self.seals: list[Seal] = []
        self.batch_size = batch_size

    def seal(self, committed: Sequence[LoggedEvent], now: datetime) -> list[Seal]:
        made: list[Seal] = []
        while True:
            old = [s for s in self.seals if now - s.sealed_at > DELAY]
            recent = [s for s in self.seals if now - s.sealed_at <= DELAY]
            horizon = sealing_horizon(
                recent,
                settled_high_water=max((s.last_event_id for s in old), default=0),
                now=now,
                merge_delay=DELAY,
            )
            wanted = [
                (e.id, e.digest)
                for e in sorted(committed, key=lambda e: e.id)
                if e.id > horizon.high_water
                or any(first <= e.id <= last for first, last in horizon.open_gaps)
            ][: self.batch_size]
            if not wanted:
                return made
            seal = make_seal(
                self.seals[-1] if self.seals else None, wanted, sealed_at=now, merge_delay=DELAY
            )
            self.seals.append(seal)
            made.append(seal)

    def head(self) -> SealRecord | None:
        return SealRecord(self.seals[-1].number, self.seals[-1].digest) if self.seals else None


def check(
    sealer: Sealer,
    events: Sequence[LoggedEvent],
    now: datetime,
    *,
    seals: Sequence[Seal] | None = None,
    head: SealRecord | None = None,
) -> LogReport:
    chosen = list(sealer.seals if seals is None else seals)
    return verify_log(
        chosen,
        sorted(events, key=lambda e: e.id),
        seals_by_first_event=sorted(chosen, key=lambda s: s.first_event_id),
        head=sealer.head() if head is None else head,
        now=now,
        merge_delay=DELAY,
    )


# Ids with gaps, as PostgreSQL leaves them after rolled-back inserts.
event_ids = st.lists(st.integers(1, 60), min_size=1, max_size=25, unique=True).map(sorted)


def sealed_log(ids: list[int], batch_size: int = 4) -> tuple[Sealer, list[LoggedEvent]]:
    events = [logged(i) for i in ids]
    sealer = Sealer(batch_size)
    sealer.seal(events, START + timedelta(hours=1))
    return sealer, events


LATER = START + timedelta(hours=2)


@given(event_ids)
def test_an_untouched_sealed_log_verifies_and_counts_every_event(ids: list[int]) -> None:
    sealer, events = sealed_log(ids)
    report = check(sealer, events, LATER)
    assert report.ok, report.problem
    assert (report.sealed, report.unsealed) == (len(ids), 0)
    assert report.seals == len(sealer.seals) == -(-len(ids) // 4)
    assert report.newest_seal_digest == sealer.seals[-1].digest


@given(event_ids)
def test_the_sealer_seals_each_event_once_and_a_second_pass_seals_nothing(ids: list[int]) -> None:
    sealer, events = sealed_log(ids)
    assert sealer.seal(events, START + timedelta(hours=1, seconds=5)) == []
    covered = [
        i for s in sealer.seals for first, last in s.event_ranges for i in range(first, last + 1)
    ]
    assert covered == ids


@given(event_ids, st.data())
def test_changing_any_field_of_a_sealed_event_is_detected_there(
    ids: list[int], data: st.DataObject
) -> None:
    sealer, events = sealed_log(ids)
    index = data.draw(st.integers(0, len(events) - 1))
    victim = events[index]
    events[index] = dataclasses.replace(victim, payload={**victim.payload, "action": "nothing"})
    report = check(sealer, events, LATER)
    assert (report.ok, report.kind, report.broken_at) == (False, Problem.EVENT_CHANGED, victim.id)


@given(event_ids, st.data())
def test_rewriting_a_sealed_event_with_its_digest_is_caught_by_its_seal(
    ids: list[int], data: st.DataObject
) -> None:
    sealer, events = sealed_log(ids)
    index = data.draw(st.integers(0, len(events) - 1))
    forged = {**events[index].payload, "action": "nothing"}
    events[index] = dataclasses.replace(events[index], payload=forged, digest=entry_digest(forged))
    report = check(sealer, events, LATER)
    assert (report.ok, report.kind) == (False, Problem.EVENT_CHANGED)
    assert "changed together with its digest" in report.problem


@given(event_ids, st.data())
def test_deleting_any_sealed_event_is_detected_there(ids: list[int], data: st.DataObject) -> None:
    sealer, events = sealed_log(ids)
    index = data.draw(st.integers(0, len(events) - 1))
    gone = events.pop(index)
    report = check(sealer, events, LATER)
    assert (report.ok, report.kind, report.broken_at) == (False, Problem.EVENT_DELETED, gone.id)


@pytest.mark.parametrize("keep_digests", [True, False], ids=["whole rows", "contents only"])
def test_swapping_two_sealed_events_is_reported_as_reordered(keep_digests: bool) -> None:
    sealer, events = sealed_log([1, 2, 3, 4])
    a, b = events[1], events[2]
    if keep_digests:  # the rows trade ids
        events[1], events[2] = dataclasses.replace(b, id=a.id), dataclasses.replace(a, id=b.id)
    else:  # the contents move, each row keeps its digest
        events[1] = dataclasses.replace(a, payload=b.payload)
        events[2] = dataclasses.replace(b, payload=a.payload)
    report = check(sealer, events, LATER)
    assert (report.ok, report.kind, report.broken_at) == (False, Problem.EVENTS_REORDERED, 1)


def test_a_late_commit_into_a_gap_is_sealed_within_the_merge_delay() -> None:
    """Event 2 commits after event 3 was sealed: its transaction began first."""
    events = [logged(1), logged(3)]
    sealer = Sealer()
    sealer.seal(events, START)
    assert sealer.seals[-1].event_ranges == ((1, 1), (3, 3))
    events.append(logged(2))
    pending = check(sealer, events, START + timedelta(minutes=1))
    assert pending.ok
    assert (pending.sealed, pending.unsealed) == (2, 1)
    assert pending.newest_unsealed_at == START + timedelta(seconds=2)
    [fill] = sealer.seal(events, START + timedelta(minutes=2))
    assert fill.event_ranges == ((2, 2),)
    report = check(sealer, events, LATER)
    assert report.ok
    assert (report.sealed, report.unsealed) == (3, 0)


def test_an_event_in_a_gap_closed_by_the_merge_delay_is_an_insertion_never_sealed() -> None:
    events = [logged(1), logged(3)]
    sealer = Sealer()
    sealer.seal(events, START)
    events.append(logged(2))  # written behind the application's back, 11 minutes on
    eleven = START + timedelta(minutes=11)
    assert sealer.seal(events, eleven) == []
    report = check(sealer, events, eleven)
    assert (report.ok, report.kind, report.broken_at) == (False, Problem.EVENT_INSERTED, 2)


def test_a_seal_that_fills_a_closed_gap_is_reported() -> None:
    events = [logged(1), logged(3)]
    sealer = Sealer()
    sealer.seal(events, START)
    late = make_seal(
        sealer.seals[-1],
        [(2, logged(2).digest)],
        sealed_at=START + timedelta(minutes=11),
        merge_delay=DELAY,
    )
    sealer.seals.append(late)
    report = check(sealer, [*events, logged(2)], LATER)
    assert (report.ok, report.kind, report.broken_at) == (False, Problem.EVENT_INSERTED, 2)


def test_events_after_the_newest_seal_are_not_yet_sealed_not_a_failure() -> None:
    sealer, events = sealed_log([1, 2, 3])
    events += [logged(4), logged(7)]
    report = check(sealer, events, LATER)
    assert report.ok
    assert (report.sealed, report.unsealed) == (3, 2)
    assert report.oldest_unsealed_at == START + timedelta(seconds=4)
    assert report.newest_unsealed_at == START + timedelta(seconds=7)


def test_an_unsealed_event_still_has_its_own_digest_checked() -> None:
    sealer = Sealer()
    forged = dataclasses.replace(logged(1), payload={"action": "nothing"})
    report = check(sealer, [forged], LATER)
    assert (report.ok, report.kind, report.broken_at) == (False, Problem.EVENT_CHANGED, 1)


def test_a_changed_seal_and_a_removed_seal_are_detected() -> None:
    sealer, events = sealed_log(list(range(1, 13)))
    changed = list(sealer.seals)
    changed[1] = dataclasses.replace(changed[1], event_count=3)
    report = check(sealer, events, LATER, seals=changed)
    assert (report.kind, report.broken_at) == (Problem.SEAL_CHANGED, 2)

    middle_gone = [sealer.seals[0], sealer.seals[2]]
    report = check(sealer, events, LATER, seals=middle_gone)
    assert (report.kind, report.broken_at) == (Problem.SEAL_REMOVED, 2)

    newest_gone = sealer.seals[:2]
    report = check(sealer, events, LATER, seals=newest_gone)
    assert (report.kind, report.broken_at) == (Problem.SEAL_REMOVED, 3)
    assert "ends at seal 2 but 3 were made" in report.problem


def test_a_rewritten_history_differs_from_the_digest_kept_elsewhere() -> None:
    sealer, events = sealed_log([1, 2, 3])
    kept = SealRecord(1, sealer.seals[0].digest)
    forged_events = [logged(1, {"action": "nothing"}), *events[1:]]
    forger = Sealer()
    forger.seal(forged_events, START + timedelta(hours=1))
    report = verify_log(
        forger.seals,
        forged_events,
        seals_by_first_event=forger.seals,
        head=forger.head(),
        now=LATER,
        merge_delay=DELAY,
        known=kept,
    )
    assert (report.ok, report.kind) == (False, Problem.SEAL_CHANGED)
    assert "kept elsewhere" in report.problem


def test_an_empty_log_verifies() -> None:
    report = verify_log([], [], seals_by_first_event=[], head=None, now=LATER, merge_delay=DELAY)
    assert report.ok
    assert report.checked == 0


@given(st.lists(st.integers(0, 200), unique=True).map(sorted))
def test_compact_ranges_cover_exactly_the_ids(ids: list[int]) -> None:
    ranges = compact_ranges(ids)
    assert [i for first, last in ranges for i in range(first, last + 1)] == ids
    assert all(a[1] + 1 < b[0] for a, b in itertools.pairwise(ranges))


@given(
    st.lists(st.integers(1, 40), min_size=1, max_size=30, unique=True),
    st.lists(st.integers(0, 30), min_size=1, max_size=30),
)
def test_events_committed_in_any_order_are_each_sealed_once_within_the_delay(
    ids: list[int], pass_after: list[int]
) -> None:
    """Commit order is not id order: the sealer runs between commits and misses nothing.

    At most 30 passes 15 seconds apart: every late commit arrives within the
    10-minute merge delay (Hypothesis found that 30-second passes let one
    arrive after it, where refusing to seal it is the right answer).
    """
    sealer, committed = Sealer(batch_size=3), []
    now = START
    for n, event_id in enumerate(ids):
        committed.append(logged(event_id))
        if pass_after[n % len(pass_after)] % 3 == 0:
            now += timedelta(seconds=15)
            sealer.seal(committed, now)
    sealer.seal(committed, now + timedelta(seconds=15))
    covered = sorted(
        i for s in sealer.seals for first, last in s.event_ranges for i in range(first, last + 1)
    )
    assert covered == sorted(ids)
    report = check(sealer, committed, now + timedelta(hours=1))
    assert report.ok, report.problem
    assert report.sealed == len(ids)
