"""Clean layers: which parts of HalluxPath may import which (docs/development.md, the map).

Read from the source, so a new import that climbs a layer fails here before
it grows into a cycle: ``core`` knows nothing of Django; no app imports the
project package ``site`` (which imports every app); ``accounts`` is below
``audit``; ``patients`` does not reach up into the apps built on it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "halluxpath"


def imports_of(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (SOURCE / folder).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[path.relative_to(SOURCE).as_posix()] = names
    return found


FORBIDDEN = [
    ("core", ("django", "halluxpath.site", "halluxpath.accounts", "halluxpath.patients")),
    ("accounts", ("halluxpath.audit", "halluxpath.patients", "halluxpath.site.")),
    ("patients", ("halluxpath.aftercare", "halluxpath.imaging", "halluxpath.surgery")),
    ("audit", ("halluxpath.patients", "halluxpath.site.")),
    *[
        (app, ("halluxpath.site.",))
        for app in ("sites", "imaging", "surgery", "aftercare", "reminders", "api")
    ],
]


@pytest.mark.parametrize(("folder", "forbidden"), FORBIDDEN)
def test_a_layer_does_not_import_the_layers_above_it(
    folder: str, forbidden: tuple[str, ...]
) -> None:
    wrong = sorted(
        f"{module} imports {name}"
        for module, names in imports_of(folder).items()
        for name in names
        if any(name == f.rstrip(".") or name.startswith(f.rstrip(".") + ".") for f in forbidden)
    )
    assert not wrong, "\n".join(wrong)
