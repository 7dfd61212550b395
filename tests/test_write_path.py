"""One write path: every ORM write in the application is in an ``actions`` module.

STYLE.md: every write goes through one action function that validates, writes
in one transaction and records the audit event; the page and the API call
it. This test reads every module of ``src/halluxpath`` and fails on an ORM
write anywhere else, so a write cannot drift into a view, a form, a helper
module or a template tag. The only other places allowed to write are listed
in ``ALLOWED`` with the reason.

What counts as an ORM write (read from the syntax, so code no test runs is
checked too): ``.save()``/``.delete()`` with no positional argument (a
Pillow image's ``save(buffer, ...)`` has one), and ``create``, ``update``,
``delete``, ``bulk_create``, ``bulk_update``, ``get_or_create``,
``update_or_create`` reached through a manager or a query set
(``X.objects...``, ``....filter(...)``), and many-to-many ``add``/``remove``/
``set``/``clear`` on a manager-like attribute.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "halluxpath"

QUERY_METHODS = frozenset(
    {"objects", "filter", "exclude", "all", "select_for_update", "select_related", "order_by"}
)
QUERY_WRITES = frozenset(
    {
        "create",
        "update",
        "delete",
        "bulk_create",
        "bulk_update",
        "get_or_create",
        "update_or_create",
    }
)
RELATION_WRITES = frozenset({"add", "remove", "set", "clear"})
RELATION_NAMES = frozenset({"members", "care_teams", "groups", "user_permissions"})

# Places other than actions that write, and why.
ALLOWED: dict[str, str] = {
    "audit/": "the audit log writes its own events and seals (append-only, no action audits it)",
    "reminders/worker.py": "the worker claims and marks outbox rows (a worker, STYLE.md)",
    "reminders/schedule.py": "the scheduler keeps the outbox in line with the plans (a worker)",
    "registry/volume.py": "the registry-sized synthetic load test writes its rows in bulk "
    "(synthetic data for the dashboards' benchmark, no clinical write)",
    "registry/tallies.py": "the dashboards' derived tallies, rebuilt only from registry.actions "
    "(refresh_case, refresh_all, rebuild_tallies): the rebuild's SQL, no clinical write",
    "imaging/drawing.py": "a demo film's files drawn on first use: the file's digest and facts "
    "filled in and its pending row removed (derived from the stored order, no clinical write)",
}


def _allowed(relative: str) -> bool:
    parts = relative.split("/")
    if "migrations" in parts:
        return True
    if "actions.py" in parts or "actions" in parts[:-1]:
        return True
    if parts[-1] == "demo.py" or "demo" in parts[:-1] or relative == "demo.py":
        return True
    return any(relative.startswith(prefix) for prefix in ALLOWED)


def _chain(node: ast.expr) -> list[str]:
    """The attribute and call names a call's receiver is built from, outermost last."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names
        else:
            return names


@dataclass(frozen=True)
class Write:
    where: str
    line: int
    call: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.call}"


def orm_writes(tree: ast.AST, where: str) -> list[Write]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method = node.func.attr
        receiver = _chain(node.func.value)
        if method in ("save", "delete") and not node.args:
            found.append(Write(where, node.lineno, f".{method}()"))
        elif method in QUERY_WRITES and QUERY_METHODS & set(receiver):
            found.append(Write(where, node.lineno, f"query set .{method}()"))
        elif method in RELATION_WRITES and receiver and receiver[0] in RELATION_NAMES:
            found.append(Write(where, node.lineno, f".{receiver[0]}.{method}()"))
    return found


def test_the_detector_finds_each_kind_of_write() -> None:
    code = """
patient.save()
Patient.objects.create(x=1)
Patient.objects.filter(pk=1).update(x=2)
team.members.add(user)
image.save(buffer, "PNG")
context.update({"a": 1})
"""
    calls = [w.call for w in orm_writes(ast.parse(code), "x.py")]
    assert calls == [".save()", "query set .create()", "query set .update()", ".members.add()"]


def test_every_orm_write_is_in_an_action_module() -> None:
    outside = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        if _allowed(relative):
            continue
        outside += orm_writes(ast.parse(path.read_text(encoding="utf-8")), relative)
    assert not outside, "ORM writes outside actions (move them into an action):\n" + "\n".join(
        map(str, outside)
    )
