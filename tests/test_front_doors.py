"""Parity: every action is reachable from the JSON API, or marked page-only with its reason.

An action is a public function of an ``actions`` module (or package) whose
first parameter is the ``actor`` (docs/development.md). The pages and the
API call the same actions; this test fails on any action that no module of
``halluxpath.api`` calls and that is not marked ``@frontdoor.page_only``, so
an integrator can do what a clinician can unless someone has said why not.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import halluxpath
from halluxpath.frontdoor import page_only_reason

SOURCE = Path(halluxpath.__file__).resolve().parent


def action_modules() -> Iterator[ModuleType]:
    for info in pkgutil.walk_packages([str(SOURCE)], prefix="halluxpath."):
        parts = info.name.split(".")
        if "actions" in parts and "migrations" not in parts:
            yield importlib.import_module(info.name)


def actions() -> dict[str, Callable[..., object]]:
    found: dict[str, Callable[..., object]] = {}
    for module in action_modules():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            parameters = list(inspect.signature(function).parameters)
            if parameters[:1] == ["actor"]:
                found[f"{module.__name__}.{name}"] = function
    return found


def names_used_by_the_api() -> set[str]:
    used: set[str] = set()
    for path in (SOURCE / "api").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute):
                used.add(node.attr)
            elif isinstance(node, ast.Name):
                used.add(node.id)
            elif isinstance(node, ast.alias):
                used.add(node.asname or node.name.rsplit(".", 1)[-1])
    return used


def test_actions_are_found() -> None:
    found = actions()
    assert "halluxpath.patients.actions.create_patient" in found
    assert len(found) >= 20


def test_every_action_is_in_the_api_or_says_why_not() -> None:
    used = names_used_by_the_api()
    missing = [
        qualified
        for qualified, action in actions().items()
        if action.__name__ not in used and page_only_reason(action) is None
    ]
    assert not missing, (
        "actions neither called by an API endpoint nor marked @frontdoor.page_only(reason):\n"
        + "\n".join(sorted(missing))
    )


def test_page_only_reasons_are_real_sentences() -> None:
    for qualified, action in actions().items():
        reason = page_only_reason(action)
        if reason is not None:
            assert len(reason.split()) >= 4, f"{qualified}: say why it is page-only"
