"""The layout of every aftercare JSON field, with its version (halluxpath.records.JsonSchema).

Values are stamped when written (``PLAN_ITEMS.stamp(...)``) and read back
through the schema (the models' read properties), so a row written before the
field had a version (version 0: a bare list or object) is read unchanged and
needs no data migration.
"""

from __future__ import annotations

from typing import Any

from halluxpath.records import JsonSchema


def _items(legacy: Any) -> dict[str, Any]:
    return {"items": list(legacy)}


def _steps(legacy: Any) -> dict[str, Any]:
    return {"steps": list(legacy)}


# AftercarePlan.items: {"items": [core.pathway.PlanItem as data, ...]}; version 0 a bare list.
PLAN_ITEMS = JsonSchema("halluxpath.aftercare.plan_items", 1, {0: _items})
# AftercarePlan.options: fixation, prescriptions, car, work and the risk rules used.
PLAN_OPTIONS = JsonSchema("halluxpath.aftercare.plan_options", 1, {0: dict})
# PlanChange.before / .after: one plan item as data.
PLAN_ITEM = JsonSchema("halluxpath.aftercare.plan_item", 1, {0: dict})
# PathwayTemplateVersion.steps: {"steps": [core.pathway.Step as data, ...]}; version 0 a bare list.
TEMPLATE_STEPS = JsonSchema("halluxpath.aftercare.template_steps", 1, {0: _steps})
# CheckIn.answers: the core.triage.CheckIn answers, with the day since the operation.
CHECK_IN_ANSWERS = JsonSchema("halluxpath.aftercare.check_in_answers", 1, {0: dict})
