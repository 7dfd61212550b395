"""The navigation a user sees depends on their role."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from halluxpath.accounts import permissions
from halluxpath.accounts.models import Role, User


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def _items_for(user: User) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    if permissions.uses_staff_pages(user):
        items.append(("Worklist", "patients:worklist"))
    if permissions.may_register_patients(user):
        items.append(("New patient", "patients:create"))
    if permissions.uses_staff_pages(user):
        items.append(("Observer agreement", "imaging:agreement"))
        items.append(("Triage", "aftercare:triage"))
        items.append(("Reminders", "reminders:outbox"))
        items.append(("Questionnaires", "outcomes:completion"))
    if permissions.is_patient(user):
        items.append(("Today", "aftercare:today"))
        items.append(("My care", "patients:me"))
        items.append(("Check-in", "aftercare:check_in"))
        items.append(("Documents", "aftercare:documents"))
    if permissions.is_researcher(user):
        items.append(("Cohort overview", "patients:research"))
    if permissions.may_view_surgeon_dashboard(user):
        items.append(("My cases", "registry:surgeon"))
    if permissions.may_view_site_dashboard(user):
        items.append(("Site dashboard", "registry:site"))
    if permissions.may_view_registry_dashboard(user):
        items.append(("Registry", "registry:registry"))
    if permissions.may_use_research_exports(user):
        items.append(("Research exports", "research:exports"))
    if permissions.may_manage_site(user):
        items.append(("Pathways", "aftercare:pathways"))
        items.append(("People", "people:users"))
        items.append(("Site settings", "people:site_settings"))
    if permissions.may_read_audit_log(user):
        items.append(("Audit log", "audit:events"))
    return items


def _abilities(user: User) -> dict[str, bool]:
    """What the templates may offer, by the named permissions (never by role name)."""
    return {
        "change_records": permissions.may_change_clinical_records(user),
        "register_patients": permissions.may_register_patients(user),
        "sign_operative_record": permissions.may_sign_operative_record(user),
        "be_responsible_surgeon": permissions.may_be_responsible_surgeon(user),
        "manage_site": permissions.may_manage_site(user),
    }


def navigation(request: HttpRequest) -> dict[str, object]:
    user = request.user
    if not isinstance(user, User):
        return {"nav_items": [], "can": {}}
    role = user.role
    items = [(label, reverse(name)) for label, name in _items_for(user)]
    # The longest matching address is the current section (/me/check-in/ is not /me/).
    current = max((url for _, url in items if request.path.startswith(url)), key=len, default="")
    nav = [NavItem(label, url, url == current) for label, url in items]
    return {
        "nav_items": nav,
        "user_role_label": Role(role).label if role else "",
        "can": _abilities(user),
    }
