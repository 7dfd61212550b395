"""Tamper evidence for the audit log: events sealed, in order and in batches, into a
hash chain of seals, in the manner of a Certificate Transparency log (RFC 6962
§3, RFC 9162 §4).

Why seals and not a chain through every event: chaining at append time means
every writer must read the previous digest and write the next one, so all
requests queue on one row. Here an event is one plain INSERT carrying its own
digest (``entry_digest``: SHA-256 over canonical JSON of its fields), and one
sealer, later, binds events into the history:

- A *seal* lists the exact event ids it covers (as compact ranges, ascending),
  and stores the digest of the ordered list of ``(id, digest)`` pairs
  (``batch_digest``), a digest of the same digests sorted (``contents_digest``,
  which only tells "reordered" from "changed"), the previous seal's digest and
  its own digest over all of that. Seals form a chain; the newest seal's
  digest stands for the whole sealed history, and operators keep a copy of it
  where the database's users cannot write (docs/operations.md).
- The event's id is not in its own digest, because the id is not known before
  the INSERT (a second statement would break immutability); the seal binds
  each id to its digest, so swapping two events' ids or contents is caught.

Commit order. Ids are handed out at INSERT, but transactions commit in any
order: event 100 may commit after event 101 was sealed. A sealer that sealed
"every id up to the largest seen" would skip event 100 for good. So seals list
the ids they hold, and an id a seal passed over (below the highest sealed id,
in no seal) is a *gap*. A gap is filled by a later seal only within the
*merge delay* (default 10 minutes, like CT's maximum merge delay) after the
seal that first passed over it; after that the gap is closed for good (on
PostgreSQL most gaps are rolled-back inserts that will never appear). An event
that later shows up in a closed gap was inserted into sealed history, or
belongs to a transaction that stayed open longer than the merge delay: either
way ``verify_log`` reports it. An event in an open gap, or above every seal,
is "not yet sealed": reported, not a failure. The rule is judged from seal
times only (``sealed_at`` is inside each digested seal), never from an
event's own ``occurred_at``, which whoever inserts it controls.

What this cannot do: someone with write access can append convincing new
events, or rewrite the log *and* every seal after a point. The first is what
any writer could do anyway; the second is caught by comparing the newest seal
digest with the copy kept elsewhere.

Migration ``audit.0003`` uses ``verify_chain`` (the chain this log had before
seals) and ``entry_digest``/``make_seal`` to carry old events over: their
meaning must not change without a new migration.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import itertools
import json
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

GENESIS_DIGEST = "0" * 64
_EVENT_DOMAIN = "halluxpath audit event\n"
_SEAL_DOMAIN = "halluxpath audit seal\n"

IdRanges = tuple[tuple[int, int], ...]


def canonical_json(payload: Mapping[str, Any]) -> str:
    """One encoding per value: sorted keys, no spaces, no NaN."""
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- The chain before seals --------------------------------------------------
# Until seals, each event's digest covered the previous event's digest too.
# Kept so that migration audit.0003 can check an old log before carrying it
# over; nothing writes this chain any more.


def event_digest(previous_digest: str, payload: Mapping[str, Any]) -> str:
    return _sha256(previous_digest + "\n" + canonical_json(payload))


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


# --- Events and seals --------------------------------------------------------


def entry_digest(payload: Mapping[str, Any]) -> str:
    """An event's own digest: SHA-256 over its fields, without its id (see above)."""
    return _sha256(_EVENT_DOMAIN + canonical_json(payload))


def batch_digest(entries: Iterable[tuple[int, str]]) -> str:
    """The digest of ``(id, digest)`` pairs in the order given (ascending ids)."""
    hasher = hashlib.sha256(b"halluxpath audit batch\n")
    for event_id, digest in entries:
        hasher.update(f"{event_id} {digest}\n".encode("ascii"))
    return hasher.hexdigest()


def contents_digest(digests: Iterable[str]) -> str:
    """The digest of the events' digests whatever their order: same events, same value."""
    return _sha256("halluxpath audit contents\n" + "\n".join(sorted(digests)))


def compact_ranges(ids: Iterable[int]) -> IdRanges:
    """Ascending, distinct ids as inclusive ranges: 1, 2, 3, 7 → ((1, 3), (7, 7))."""
    ranges: list[tuple[int, int]] = []
    for event_id in ids:
        if ranges and event_id <= ranges[-1][1]:
            raise ValueError("ids must be distinct and ascending")
        if ranges and event_id == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], event_id)
        else:
            ranges.append((event_id, event_id))
    return tuple(ranges)


def _range_count(ranges: IdRanges) -> int:
    return sum(last - first + 1 for first, last in ranges)


@dataclass(frozen=True)
class LoggedEvent:
    """An event as stored: its id, when it happened, the fields its digest covers."""

    id: int
    occurred_at: datetime
    payload: Mapping[str, Any]
    digest: str


@dataclass(frozen=True)
class Seal:
    number: int  # 1, 2, 3, ... in the order they were made
    sealed_at: datetime
    event_ranges: IdRanges
    event_count: int
    merge_delay_seconds: int  # the delay the sealer worked to (for its gap fills)
    batch_digest: str
    contents_digest: str
    previous_digest: str
    digest: str = ""

    @property
    def first_event_id(self) -> int:
        return self.event_ranges[0][0]

    @property
    def last_event_id(self) -> int:
        return self.event_ranges[-1][1]

    def digest_payload(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "sealed_at": self.sealed_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "event_ranges": [list(r) for r in self.event_ranges],
            "event_count": self.event_count,
            "merge_delay_seconds": self.merge_delay_seconds,
            "batch_digest": self.batch_digest,
            "contents_digest": self.contents_digest,
            "previous_digest": self.previous_digest,
        }


def seal_digest(seal: Seal) -> str:
    return _sha256(_SEAL_DOMAIN + canonical_json(seal.digest_payload()))


def make_seal(
    previous: Seal | None,
    entries: Sequence[tuple[int, str]],
    *,
    sealed_at: datetime,
    merge_delay: timedelta,
) -> Seal:
    """The seal after ``previous`` over ``entries``: ``(id, digest)``, ascending ids."""
    if not entries:
        raise ValueError("a seal covers at least one event")
    unsigned = Seal(
        number=previous.number + 1 if previous else 1,
        sealed_at=sealed_at,
        event_ranges=compact_ranges(event_id for event_id, _ in entries),
        event_count=len(entries),
        merge_delay_seconds=int(merge_delay.total_seconds()),
        batch_digest=batch_digest(entries),
        contents_digest=contents_digest(digest for _, digest in entries),
        previous_digest=previous.digest if previous else GENESIS_DIGEST,
    )
    return replace(unsigned, digest=seal_digest(unsigned))


# --- What the sealer may seal next ------------------------------------------


@dataclass(frozen=True)
class SealingHorizon:
    """What is left to seal: every id above ``high_water``, and the open gaps below it."""

    high_water: int
    open_gaps: IdRanges


def _merged(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _uncovered(first: int, last: int, covered: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Sub-ranges of ``first..last`` outside ``covered`` (merged, ascending)."""
    start = first
    index = bisect.bisect_left(covered, (first, first)) - 1
    for low, high in covered[max(index, 0) :]:
        if low > last:
            break
        if high < start:
            continue
        if low > start:
            yield (start, low - 1)
        start = max(start, high + 1)
        if start > last:
            return
    if start <= last:
        yield (start, last)


def sealing_horizon(
    recent: Sequence[Seal], *, settled_high_water: int, now: datetime, merge_delay: timedelta
) -> SealingHorizon:
    """The gaps a new seal made at ``now`` may still fill.

    ``recent`` are the seals made after the last seal older than the merge
    delay, in number order; ``settled_high_water`` is the highest id any
    earlier seal covers (0 if none). Every gap at or below it is closed. A
    gap above it is open while the seal that first passed over it is younger
    than ``merge_delay`` (the module docstring says why).
    """
    covered = _merged(r for seal in recent for r in seal.event_ranges)
    high_water = settled_high_water
    gaps: list[tuple[int, int]] = []
    for seal in recent:
        passed_from, high_water = high_water, max(high_water, seal.last_event_id)
        if high_water - passed_from > 1 and now - seal.sealed_at <= merge_delay:
            gaps.extend(_uncovered(passed_from + 1, high_water - 1, covered))
    return SealingHorizon(high_water, tuple(gaps))


# --- Checking the log -------------------------------------------------------


class Problem(StrEnum):
    EVENT_CHANGED = "event changed"
    EVENT_DELETED = "event deleted"
    EVENT_INSERTED = "event inserted into sealed history"
    EVENTS_REORDERED = "events reordered"
    SEAL_CHANGED = "seal changed"
    SEAL_REMOVED = "seal removed"


@dataclass(frozen=True)
class SealRecord:
    """The sealer's own note of the newest seal (or a copy kept off-site)."""

    number: int
    digest: str


@dataclass(frozen=True)
class LogReport:
    ok: bool
    sealed: int = 0  # events checked against their seal
    seals: int = 0
    unsealed: int = 0  # events not yet sealed (checked against their own digest only)
    oldest_unsealed_at: datetime | None = None
    newest_unsealed_at: datetime | None = None
    newest_seal_digest: str = GENESIS_DIGEST
    kind: Problem | None = None
    broken_at: int | None = None  # the event id (or, for a seal, the seal number) at fault
    problem: str = ""

    @property
    def checked(self) -> int:
        return self.sealed + self.unsealed


class _Broken(Exception):
    def __init__(self, kind: Problem, at: int | None, problem: str) -> None:
        super().__init__(problem)
        self.kind, self.at, self.problem = kind, at, problem


class _SealChain:
    """First pass, over the seals in number order: the chain, and when each seal was made.

    Keeps two numbers per seal (its high water, the highest id sealed up to and
    including it, and its time) so that a log of millions of seals is checked
    in little memory.
    """

    def __init__(self, known: SealRecord | None) -> None:
        self.known = known
        self.previous_digest = GENESIS_DIGEST
        self.high_waters: array[int] = array("q")
        self.sealed_at: array[float] = array("d")

    @property
    def count(self) -> int:
        return len(self.high_waters)

    def passer(self, event_id: int) -> int | None:
        """The index of the first seal that passed over ``event_id``, if one did."""
        index = bisect.bisect_right(self.high_waters, event_id)
        return index if index < self.count else None

    def add(self, seal: Seal) -> None:
        expected = self.count + 1
        if seal.number != expected:
            raise _Broken(
                Problem.SEAL_REMOVED,
                expected,
                f"seal {expected} is missing (found seal {seal.number} in its place)",
            )
        if seal.previous_digest != self.previous_digest:
            raise _Broken(
                Problem.SEAL_CHANGED,
                seal.number,
                f"seal {seal.number} does not follow the seal before it",
            )
        if seal_digest(seal) != seal.digest:
            raise _Broken(
                Problem.SEAL_CHANGED,
                seal.number,
                f"seal {seal.number} was changed after it was made",
            )
        ranges = seal.event_ranges
        if (
            not ranges
            or any(first > last for first, last in ranges)
            or any(a[1] + 1 >= b[0] for a, b in itertools.pairwise(ranges))
            or _range_count(ranges) != seal.event_count
        ):
            raise _Broken(
                Problem.SEAL_CHANGED, seal.number, f"seal {seal.number} lists its events wrongly"
            )
        known = self.known
        if known is not None and known.number == seal.number and known.digest != seal.digest:
            raise _Broken(
                Problem.SEAL_CHANGED,
                seal.number,
                f"seal {seal.number} does not match the copy of its digest kept elsewhere",
            )
        self._check_gap_fills(seal)
        before = self.high_waters[-1] if self.count else 0
        self.high_waters.append(max(before, seal.last_event_id))
        self.sealed_at.append(seal.sealed_at.timestamp())
        self.previous_digest = seal.digest

    def _check_gap_fills(self, seal: Seal) -> None:
        """A seal may fill a gap only within its merge delay after the seal that passed over it."""
        allowed = seal.merge_delay_seconds
        for first, _ in seal.event_ranges:
            passer = self.passer(first)
            if passer is None:
                return
            if seal.sealed_at.timestamp() - self.sealed_at[passer] > allowed:
                raise _Broken(
                    Problem.EVENT_INSERTED,
                    first,
                    f"event {first} was sealed in seal {seal.number}, later than the merge "
                    f"delay allows after seal {passer + 1} passed over it: it was inserted "
                    "into sealed history",
                )

    def finish(self, head: SealRecord | None) -> None:
        if self.known is not None and self.known.number > self.count:
            raise _Broken(
                Problem.SEAL_REMOVED,
                self.count + 1,
                f"seal {self.known.number}, whose digest was kept elsewhere, is missing",
            )
        if head is None:
            if self.count:
                raise _Broken(
                    Problem.SEAL_CHANGED, None, "the sealer's record of the newest seal is missing"
                )
            return
        if head.number > self.count:
            raise _Broken(
                Problem.SEAL_REMOVED,
                self.count + 1,
                f"the log ends at seal {self.count} but {head.number} were made",
            )
        if head.number < self.count or head.digest != self.previous_digest:
            raise _Broken(
                Problem.SEAL_CHANGED,
                self.count,
                "the newest seal does not match the sealer's record of it",
            )


@dataclass
class _OpenSeal:
    seal: Seal
    entries: list[tuple[int, str]] = field(default_factory=list)
    stored_digest_differs: int | None = None

    def close(self) -> None:
        """Check the seal against the events found for it, all of them present."""
        seal, entries = self.seal, self.entries
        if batch_digest(entries) == seal.batch_digest:
            if self.stored_digest_differs is not None:
                at = self.stored_digest_differs
                raise _Broken(Problem.EVENT_CHANGED, at, f"event {at}'s stored digest was changed")
            return
        span = f"events {seal.first_event_id}–{seal.last_event_id}"
        if contents_digest(digest for _, digest in entries) == seal.contents_digest:
            raise _Broken(
                Problem.EVENTS_REORDERED,
                seal.first_event_id,
                f"{span} in seal {seal.number} are not in the order they were sealed in "
                "(events were swapped or renumbered)",
            )
        if self.stored_digest_differs is not None:
            at = self.stored_digest_differs
            raise _Broken(
                Problem.EVENT_CHANGED, at, f"event {at} was changed after it was recorded"
            )
        raise _Broken(
            Problem.EVENT_CHANGED,
            seal.first_event_id,
            f"one of {span} in seal {seal.number} was changed together with its digest",
        )


class _SealedRanges:
    """Second pass: which seal holds each event, walking seals by their first event id.

    Only the seals whose events are being read are held, so memory stays
    small however long the log.
    """

    def __init__(self, seals_by_first_event: Iterable[Seal]) -> None:
        self._seals = iter(seals_by_first_event)
        self._next_seal = next(self._seals, None)
        self._waiting: list[tuple[int, int, int]] = []  # heap of (first, last, seal number)
        self._current: tuple[int, int, int] | None = None
        self._next_id = 0  # the next id the current range expects
        self.open: dict[int, _OpenSeal] = {}

    def _load_until(self, event_id: int | None) -> None:
        while self._next_seal is not None and (
            event_id is None or self._next_seal.first_event_id <= event_id
        ):
            seal = self._next_seal
            self.open[seal.number] = _OpenSeal(seal)
            for first, last in seal.event_ranges:
                heapq.heappush(self._waiting, (first, last, seal.number))
            self._next_seal = next(self._seals, None)

    def _check_overlap(self) -> None:
        if self._current is not None and self._waiting:
            first, _, number = self._waiting[0]
            if first <= self._current[1]:
                raise _Broken(
                    Problem.SEAL_CHANGED,
                    first,
                    f"event {first} is in seal {self._current[2]} and in seal {number}",
                )

    def holder(self, event_id: int | None) -> _OpenSeal | None:
        """The seal that holds ``event_id`` (None: no seal); ``None`` id: the end of the log.

        Raises when a sealed id before it is missing from the log.
        """
        self._load_until(event_id)
        while True:
            if self._current is None:
                if not self._waiting:
                    return None
                self._current = heapq.heappop(self._waiting)
                self._next_id = self._current[0]
            self._check_overlap()
            _, last, number = self._current
            if self._next_id > last:
                self._current = None
                continue
            if event_id is not None and event_id < self._next_id:
                return None
            if event_id == self._next_id:
                self._next_id += 1
                return self.open[number]
            raise _Broken(
                Problem.EVENT_DELETED,
                self._next_id,
                f"event {self._next_id} is missing: seal {number} holds it",
            )


def verify_log(
    seals: Iterable[Seal],
    events: Iterable[LoggedEvent],
    *,
    seals_by_first_event: Iterable[Seal],
    head: SealRecord | None,
    now: datetime,
    merge_delay: timedelta,
    known: SealRecord | None = None,
) -> LogReport:
    """Check every event against its seal, and the seals against each other.

    ``seals`` in number order and ``seals_by_first_event`` (the same seals)
    in the order of their first event id, both up to the sealer's ``head``;
    ``events`` in ascending id order. Returns the first problem found, or an
    intact report that counts the events not yet sealed. ``known`` is a seal
    digest kept elsewhere (docs/operations.md), checked too.
    """
    chain = _SealChain(known)
    sealed = unsealed = 0
    oldest: datetime | None = None
    newest: datetime | None = None
    try:
        for seal in seals:
            chain.add(seal)
        chain.finish(head)
        ranges = _SealedRanges(seals_by_first_event)
        for event in events:
            content = entry_digest(event.payload)
            holder = ranges.holder(event.id)
            if holder is not None:
                holder.entries.append((event.id, content))
                if content != event.digest and holder.stored_digest_differs is None:
                    holder.stored_digest_differs = event.id
                if len(holder.entries) == holder.seal.event_count:
                    holder.close()
                    del ranges.open[holder.seal.number]
                    sealed += holder.seal.event_count
                continue
            if content != event.digest:
                raise _Broken(
                    Problem.EVENT_CHANGED,
                    event.id,
                    f"event {event.id} was changed after it was recorded",
                )
            passer = chain.passer(event.id)
            if passer is not None and now.timestamp() - chain.sealed_at[passer] > (
                merge_delay.total_seconds()
            ):
                raise _Broken(
                    Problem.EVENT_INSERTED,
                    event.id,
                    f"event {event.id} is in no seal, though seal {passer + 1} passed over it "
                    "more than the merge delay ago: it was inserted into sealed history (or its "
                    "transaction stayed open longer than the merge delay)",
                )
            unsealed += 1
            oldest = event.occurred_at if oldest is None else min(oldest, event.occurred_at)
            newest = event.occurred_at if newest is None else max(newest, event.occurred_at)
        ranges.holder(None)
    except _Broken as broken:
        return LogReport(
            False,
            sealed=sealed,
            seals=chain.count,
            unsealed=unsealed,
            kind=broken.kind,
            broken_at=broken.at,
            problem=broken.problem,
        )
    return LogReport(
        True,
        sealed=sealed,
        seals=chain.count,
        unsealed=unsealed,
        oldest_unsealed_at=oldest,
        newest_unsealed_at=newest,
        newest_seal_digest=chain.previous_digest,
    )
