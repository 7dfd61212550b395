"""The versioned layouts of the surgical record's JSON fields (records.JsonSchema).

Every JSON field of the surgical record is written stamped with its schema
(``"schema": "<name>/<version>"``) and read through it, so a later release
reads rows written before the field had a version (version 0: the bare list
or object stored then) without a data migration. Object-shaped fields keep
their keys when stamped; list-shaped ones are stored as ``{"items": [...]}``.
"""

from __future__ import annotations

from typing import Any

from halluxpath.records import JsonSchema


def _items(legacy: Any) -> dict[str, Any]:
    return {"items": list(legacy) if isinstance(legacy, list) else []}


def _object(legacy: Any) -> dict[str, Any]:
    return dict(legacy) if isinstance(legacy, dict) else {}


ASSESSMENT_FLAGS = JsonSchema("halluxpath.assessment-flags", 1, {0: _items})
PLAN_INPUTS = JsonSchema("halluxpath.plan-inputs", 1, {0: _object})
PLAN_SUGGESTION = JsonSchema("halluxpath.plan-suggestion", 1, {0: _object})
PLAN_FIXATION = JsonSchema("halluxpath.plan-fixation", 1, {0: _items})
CHECKLIST_TICKED = JsonSchema("halluxpath.checklist-ticked", 1, {0: _object})
CHECKLIST_COMPLETED = JsonSchema("halluxpath.checklist-completed", 1, {0: _object})
CHECKLIST_TEAM = JsonSchema("halluxpath.checklist-team", 1, {0: _object})
CHECKLIST_LATERALITY = JsonSchema("halluxpath.checklist-laterality", 1, {0: _object})
OPERATIVE_RECORD = JsonSchema("halluxpath.operative-record", 1, {0: _object})
AMENDMENT_CHANGES = JsonSchema("halluxpath.amendment-changes", 1, {0: _object})
CONSENT_SHEET = JsonSchema("halluxpath.consent-sheet", 1, {0: _object})


def stamp_items(schema: JsonSchema, items: list[Any]) -> dict[str, Any]:
    return schema.stamp({"items": items})


def read_items(schema: JsonSchema, stored: object) -> list[Any]:
    return list(schema.read(stored).get("items", []))
