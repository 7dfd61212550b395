"""Who may see the accounts of a site's people: its administrators, and nobody else."""

from __future__ import annotations

from django.db.models import QuerySet

from halluxpath.access import RecordAccess, register
from halluxpath.accounts import permissions
from halluxpath.accounts.models import User


def visible_accounts(user: User) -> QuerySet[User]:
    """An administrator sees every account of their own site (never another site's)."""
    if not permissions.may_manage_site(user):
        return User.objects.none()
    return User.objects.filter(site_id=user.site_id).prefetch_related("care_teams")


def _no_patient(account: User) -> None:
    return None


USER_ACCOUNTS = register(
    RecordAccess(
        "user_account",
        visible_accounts,
        _no_patient,
        may_change=permissions.may_manage_site,
        refusal="Only the site's administrators change accounts.",
    )
)
