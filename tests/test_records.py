"""The shared record infrastructure: versions, conflicts, and versioned clinical JSON."""

from __future__ import annotations

from typing import Any

import pytest

from halluxpath.records import (
    EditConflict,
    JsonSchema,
    SchemaError,
    change_detail,
    check_version,
    field_changes,
)


def test_a_stale_version_is_a_conflict_naming_the_current_one() -> None:
    with pytest.raises(EditConflict) as raised:
        check_version("plan", 3, 2)
    assert raised.value.current_version == 3
    check_version("plan", 3, 3)
    check_version("plan", None, 0)
    with pytest.raises(EditConflict):
        check_version("plan", None, 1)


def test_field_changes_lists_only_what_differs() -> None:
    changes = field_changes({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4})
    assert change_detail(changes, 2) == {
        "version": 2,
        "changes": {"b": {"before": 2, "after": 3}, "c": {"before": None, "after": 4}},
    }


def _items(bare: Any) -> dict[str, Any]:
    return {"items": bare}


def _rename(old: Any) -> dict[str, Any]:
    return {"entries": old["items"]}


FLAGS = JsonSchema("halluxpath.test-flags", 2, {0: _items, 1: _rename})


def test_stored_json_carries_its_schema_and_reads_back() -> None:
    stored = FLAGS.stamp({"entries": [1, 2]})
    assert stored["schema"] == "halluxpath.test-flags/2"
    assert FLAGS.read(stored) == {"entries": [1, 2]}


def test_a_reader_accepts_every_older_version() -> None:
    assert FLAGS.read([1, 2]) == {"entries": [1, 2]}  # stored before versions existed
    assert FLAGS.read({"schema": "halluxpath.test-flags/1", "items": [3]}) == {"entries": [3]}


def test_a_newer_or_foreign_schema_is_refused_clearly() -> None:
    with pytest.raises(SchemaError, match="newer"):
        FLAGS.read({"schema": "halluxpath.test-flags/3"})
    with pytest.raises(SchemaError, match="expected"):
        FLAGS.read({"schema": "halluxpath.other/1"})
