"""A hash chain over audit events, so that editing, deleting or inserting an
event after the fact is detectable.

Each event's digest is SHA-256 over the previous event's digest and a
canonical JSON encoding of the event's own fields. Changing any field of any
event, removing an event or reordering events breaks every digest after it.
This detects tampering by someone with write access to the table; it does not
prevent it (an attacker who rewrites the whole tail also rewrites the head),
which is why operators are told to keep a copy of the head digest elsewhere
(docs/operations.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_DIGEST = "0" * 64


def canonical_json(payload: Mapping[str, Any]) -> str:
    """One encoding per value: sorted keys, no spaces, no NaN."""
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def event_digest(previous_digest: str, payload: Mapping[str, Any]) -> str:
    material = previous_digest + "\n" + canonical_json(payload)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainedEvent:
    sequence: int
    payload: Mapping[str, Any]
    previous_digest: str
    digest: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    ok: bool
    broken_at: int | None = None
    problem: str = ""


def verify_chain(
    events: Iterable[ChainedEvent],
    *,
    head_sequence: int | None = None,
    head_digest: str | None = None,
) -> ChainReport:
    """Check that ``events`` (in sequence order, starting at 1) form one chain.

    When the recorded head (last sequence number and digest) is given, the
    chain must also end exactly there, so removing the newest events is
    caught too.
    """
    expected_previous = GENESIS_DIGEST
    expected_sequence = 1
    checked = 0
    for event in events:
        if event.sequence != expected_sequence:
            return ChainReport(
                checked,
                False,
                expected_sequence,
                f"event {expected_sequence} is missing (found {event.sequence} in its place)",
            )
        if event.previous_digest != expected_previous:
            return ChainReport(
                checked,
                False,
                event.sequence,
                f"event {event.sequence} does not follow the event before it",
            )
        if event_digest(event.previous_digest, event.payload) != event.digest:
            return ChainReport(
                checked,
                False,
                event.sequence,
                f"event {event.sequence} was changed after it was recorded",
            )
        expected_previous = event.digest
        expected_sequence += 1
        checked += 1
    if head_sequence is not None and head_sequence != checked:
        return ChainReport(
            checked,
            False,
            checked + 1,
            f"the log ends at event {checked} but {head_sequence} were recorded",
        )
    if head_digest is not None and head_digest != expected_previous:
        return ChainReport(
            checked,
            False,
            checked,
            "the newest event does not match the recorded head of the chain",
        )
    return ChainReport(checked, True)
