"""The navigation a user sees depends on their role."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from halluxpath.accounts.models import STAFF_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def _items_for(role: str) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    if role in STAFF_ROLES:
        items.append(("Worklist", "patients:worklist"))
    if role in (Role.SURGEON, Role.NURSE, Role.ADMIN):
        items.append(("New patient", "patients:create"))
    if role in STAFF_ROLES:
        items.append(("Observer agreement", "imaging:agreement"))
    if role in STAFF_ROLES:
        items.append(("Triage", "aftercare:triage"))
        items.append(("Reminders", "reminders:outbox"))
    if role == Role.PATIENT:
        items.append(("Today", "aftercare:today"))
        items.append(("My care", "patients:me"))
        items.append(("Check-in", "aftercare:check_in"))
        items.append(("Documents", "aftercare:documents"))
    if role == Role.RESEARCHER:
        items.append(("Cohort overview", "patients:research"))
    if role == Role.ADMIN:
        items.append(("Pathways", "aftercare:pathways"))
        items.append(("Audit log", "audit:events"))
    return items


def navigation(request: HttpRequest) -> dict[str, object]:
    user = request.user
    if not user.is_authenticated:
        return {"nav_items": []}
    role = getattr(user, "role", "")
    items = [(label, reverse(name)) for label, name in _items_for(role)]
    # The longest matching address is the current section (/me/check-in/ is not /me/).
    current = max((url for _, url in items if request.path.startswith(url)), key=len, default="")
    nav = [NavItem(label, url, url == current) for label, url in items]
    return {"nav_items": nav, "user_role_label": Role(role).label if role else ""}
