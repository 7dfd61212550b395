"""The two front doors, pages and the JSON API, open onto the same actions.

Every public function of an ``actions`` module is either called by an API
endpoint (``halluxpath.api``) or marked here as page-only with the reason; the
parity test (tests/test_front_doors.py) fails on any action that is neither,
so an integrator can do what a clinician can unless there is a stated reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])

PAGE_ONLY_ATTRIBUTE = "__page_only__"


def page_only(reason: str) -> Callable[[F], F]:
    """Mark an action as reachable from the pages only, saying why (shown in the parity test)."""
    if not reason.strip():
        raise ValueError("say why the action is page-only")

    def mark(action: F) -> F:
        setattr(action, PAGE_ONLY_ATTRIBUTE, reason)
        return action

    return mark


def page_only_reason(action: object) -> str | None:
    reason = getattr(action, PAGE_ONLY_ATTRIBUTE, None)
    return reason if isinstance(reason, str) else None
