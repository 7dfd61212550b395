"""What every clinical record shares: optimistic versions, conflicts, before/after changes.

Each editable record carries a ``version`` that grows by one with every change.
An edit names the version the editor started from; if someone else has saved
since, the edit is refused with :class:`EditConflict` and nothing is written,
so two people editing at once never silently overwrite each other
(STYLE.md, Data). Every action that changes a record calls
:func:`check_version` on the row it has locked, and describes the change with
:func:`field_changes` in its audit event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class EditConflict(Exception):
    """Someone else saved this record after the editor opened it."""

    def __init__(self, kind: str, current_version: int) -> None:
        self.kind = kind
        self.current_version = current_version
        super().__init__(
            f"This {kind} was changed by someone else while you were editing it "
            f"(now version {current_version}). Your changes have not been saved: "
            "reload the page to see the current record, then make your change again."
        )


def check_version(kind: str, current: int | None, expected: int | None) -> None:
    """Refuse an edit that did not start from the record's current version.

    ``current`` is the locked record's version, or None when it does not exist
    yet; ``expected`` is the version the editor started from (0 or None for a
    record they saw as not yet created).
    """
    if current is None:
        if expected not in (None, 0):
            raise EditConflict(kind, 0)
    elif current != expected:
        raise EditConflict(kind, current)


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after an edit, as written to the audit log."""

    before: object
    after: object


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, FieldChange]:
    """The fields whose value differs between ``before`` and ``after`` (missing = None)."""
    return {
        name: FieldChange(before.get(name), value)
        for name, value in after.items()
        if before.get(name) != value
    }


def change_detail(changes: Mapping[str, FieldChange], version: int) -> dict[str, Any]:
    """The audit detail of an edit: the new version and each field's before and after."""
    return {
        "version": version,
        "changes": {name: {"before": c.before, "after": c.after} for name, c in changes.items()},
    }
