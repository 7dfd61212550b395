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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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


# --- clinical JSON with a schema version ---------------------------------------------------


class SchemaError(ValueError):
    """A stored JSON value names a schema or version this code cannot read."""


Upgrade = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class JsonSchema:
    """The name and current version of one clinical JSON field's layout.

    Stored values are objects whose ``"schema"`` key is ``"<name>/<version>"``
    (as ``halluxpath.measurements/1`` in spec/measurements.md). A reader
    accepts every older version: ``upgrades[n]`` turns a version-``n`` value
    into version ``n + 1``, and version 0 is whatever was stored before the
    field had a version (a bare list or object), so records written by older
    releases are read without a data migration.
    """

    name: str
    version: int
    upgrades: Mapping[int, Upgrade] = field(default_factory=dict)

    @property
    def tag(self) -> str:
        return f"{self.name}/{self.version}"

    def stamp(self, content: Mapping[str, Any]) -> dict[str, Any]:
        """``content`` as stored: the same keys, plus this schema's tag."""
        if "schema" in content:
            raise SchemaError(f"{self.name}: content may not use the key 'schema'")
        return {"schema": self.tag, **content}

    def read(self, stored: object) -> dict[str, Any]:
        """The current-version content of a stored value of any version, without the tag."""
        version, content = self._split(stored)
        while version < self.version:
            upgrade = self.upgrades.get(version)
            if upgrade is None:
                raise SchemaError(f"{self.name}: no reader for version {version}")
            content = upgrade(content)
            version += 1
        if not isinstance(content, dict):
            raise SchemaError(f"{self.name}: stored value is not an object")
        return content

    def _split(self, stored: object) -> tuple[int, Any]:
        if not isinstance(stored, dict) or "schema" not in stored:
            return 0, stored
        name, _, number = str(stored["schema"]).rpartition("/")
        if name != self.name or not number.isdigit():
            raise SchemaError(f"expected {self.name}, found {stored['schema']!r}")
        version = int(number)
        if version > self.version:
            raise SchemaError(f"{self.name}/{version} is newer than this release reads")
        return version, {k: v for k, v in stored.items() if k != "schema"}
