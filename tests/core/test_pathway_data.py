"""Pathway templates as data: every stored or typed version is checked (core.pathway_data)."""

from __future__ import annotations

import pytest

from halluxpath.core.pathway import MIS_SCREWS
from halluxpath.core.pathway_data import (
    TemplateError,
    diff_steps,
    steps_as_data,
    template_from_data,
)


def steps() -> list[dict[str, object]]:
    return steps_as_data(MIS_SCREWS.steps)


def test_the_shipped_template_round_trips() -> None:
    assert template_from_data(MIS_SCREWS.name, 1, steps()) == MIS_SCREWS


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"end_day": 3, "start_day": 5}, "end_day", "before the first"),
        ({"start_day": -1}, "start_day", "between day 0"),
        ({"start_day": 9999}, "start_day", "between day 0"),
        ({"start_day": "7"}, "start_day", "whole number"),
        ({"start_day": True}, "start_day", "whole number"),
        ({"category": "party"}, "category", "Unknown category"),
        ({"only_if": "moon"}, "only_if", "Unknown condition"),
        ({"title": "   "}, "title", "Give the title"),
        ({"instructions": "x" * 1001}, "instructions", "under 1000"),
        ({"key": "<b>"}, "key", "letters, digits"),
        ({"source": 5}, "source", "must be text"),
    ],
)
def test_bad_steps_are_refused_with_the_field(
    change: dict[str, object], field: str, words: str
) -> None:
    data = steps()
    data[0] = {**data[0], **change}
    with pytest.raises(TemplateError, match=words) as caught:
        template_from_data("T", 2, data)
    assert caught.value.field == field


def test_whole_template_rules() -> None:
    with pytest.raises(TemplateError, match="at least one step"):
        template_from_data("T", 1, [])
    with pytest.raises(TemplateError, match="unique"):
        template_from_data("T", 1, [*steps(), steps()[0]])
    with pytest.raises(TemplateError, match="added by the plan builder"):
        template_from_data("T", 1, [*steps(), {**steps()[0], "key": "driving"}])
    with pytest.raises(TemplateError, match="Unknown field"):
        template_from_data("T", 1, [{**steps()[0], "colour": "red"}])
    with pytest.raises(TemplateError, match="named fields"):
        template_from_data("T", 1, ["step"])


def test_diff_names_each_change() -> None:
    before = MIS_SCREWS.steps
    data = steps()
    data[0] = {**data[0], "end_day": 35}
    data.append({**data[1], "key": "new-step", "title": "New"})
    after = template_from_data("T", 2, [d for d in data if d["key"] != "ice"]).steps
    assert diff_steps(before, after) == [
        "Added new-step: New",
        "Removed ice: Ice",
        "wb-shoe end_day: 42 → 35",
    ]
    assert diff_steps(before, before) == []
