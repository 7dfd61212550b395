from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from halluxpath.core.hashchain import (
    GENESIS_DIGEST,
    ChainedEvent,
    event_digest,
    verify_chain,
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
