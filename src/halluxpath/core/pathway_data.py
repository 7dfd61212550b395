"""Pathway templates as data: checked when read or edited, and compared (DOMAIN §11).

An admin edits the stored templates (aftercare.pathways); every version is
checked here first, so a plan is only ever built from a well-formed template.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from typing import Literal, get_args

from halluxpath.core.pathway import LONGEST_PLAN_DAYS, Step, Template

# What a step is about (DOMAIN §11), and when it applies (DOMAIN §11.4); the one list of each.
Category = Literal[
    "weight_bearing",
    "elevation",
    "ice",
    "medication",
    "dressing",
    "follow_up",
    "physio",
    "shoes",
    "driving",
    "work",
    "sport",
]
Condition = Literal["", "k_wire", "screws", "antibiotics", "vte_prophylaxis"]
CATEGORIES: tuple[str, ...] = get_args(Category)
CONDITIONS: tuple[str, ...] = get_args(Condition)
LONGEST_DAY = LONGEST_PLAN_DAYS  # two years after the operation (one limit: core.pathway)
STEP_FIELDS = tuple(Step.__dataclass_fields__)


class TemplateError(ValueError):
    """A template that cannot be used, with the field and the reason."""

    def __init__(self, message: str, *, step: str = "", field: str = "") -> None:
        super().__init__(message)
        self.step = step
        self.field = field


def steps_as_data(steps: Collection[Step]) -> list[dict[str, object]]:
    return [dataclasses.asdict(s) for s in steps]


def _text(raw: dict[str, object], name: str, key: str, limit: int, required: bool) -> str:
    value = raw.get(name, "")
    if not isinstance(value, str):
        raise TemplateError(f"{name} must be text.", step=key, field=name)
    value = value.strip()
    if required and not value:
        raise TemplateError(f"Give the {name.replace('_', ' ')}.", step=key, field=name)
    if len(value) > limit:
        raise TemplateError(f"Keep the {name} under {limit} characters.", step=key, field=name)
    return value


def _day(raw: dict[str, object], name: str, key: str) -> int:
    value = raw.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise TemplateError(f"{name} must be a whole number of days.", step=key, field=name)
    if not 0 <= value <= LONGEST_DAY:
        raise TemplateError(
            f"{name} must be between day 0 and day {LONGEST_DAY}.", step=key, field=name
        )
    return value


def step_from_data(raw: dict[str, object]) -> Step:
    """One step from stored or typed data, checked (DOMAIN §11 categories)."""
    unknown = set(raw) - set(STEP_FIELDS)
    if unknown:
        raise TemplateError(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    key = _text(raw, "key", "", 40, True)
    if not key.replace("-", "").isalnum() or not key.isascii():
        raise TemplateError("Use letters, digits and hyphens for the key.", step=key, field="key")
    category = _text(raw, "category", key, 40, True)
    if category not in CATEGORIES:
        raise TemplateError(f"Unknown category {category!r}.", step=key, field="category")
    only_if = _text(raw, "only_if", key, 40, False)
    if only_if not in CONDITIONS:
        raise TemplateError(f"Unknown condition {only_if!r}.", step=key, field="only_if")
    start = _day(raw, "start_day", key)
    end = None if raw.get("end_day") is None else _day(raw, "end_day", key)
    if end is not None and end < start:
        raise TemplateError("The last day cannot come before the first.", step=key, field="end_day")
    return Step(
        key=key,
        category=category,
        title=_text(raw, "title", key, 200, True),
        instructions=_text(raw, "instructions", key, 1000, True),
        start_day=start,
        end_day=end,
        source=_text(raw, "source", key, 200, True),
        only_if=only_if,
    )


def template_from_data(name: str, version: int, steps: object) -> Template:
    """A whole template from data: at least one step, keys unique, each step checked."""
    if not isinstance(steps, list) or not steps:
        raise TemplateError("A template needs at least one step.")
    parsed = []
    for raw in steps:
        if not isinstance(raw, dict):
            raise TemplateError("Each step must be a set of named fields.")
        parsed.append(step_from_data(raw))
    keys = [s.key for s in parsed]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise TemplateError(f"Step keys must be unique: {', '.join(repeated)}.", field="key")
    reserved = sorted({"driving", "work", "visit-1w"} & set(keys))
    if reserved:
        raise TemplateError(
            f"The key {reserved[0]!r} is added by the plan builder (DOMAIN §11.2, §11.4); "
            "choose another key.",
            field="key",
        )
    return Template(name, version, tuple(parsed))


def diff_steps(before: Collection[Step], after: Collection[Step]) -> list[str]:
    """What changed between two versions, one plain line per step and field."""
    old = {s.key: s for s in before}
    new = {s.key: s for s in after}
    lines = [f"Added {k}: {new[k].title}" for k in new if k not in old]
    lines += [f"Removed {k}: {old[k].title}" for k in old if k not in new]
    for key in (k for k in new if k in old):
        for name in STEP_FIELDS:
            was, now = getattr(old[key], name), getattr(new[key], name)
            if was != now:
                lines.append(f"{key} {name}: {was!r} → {now!r}")
    return lines
