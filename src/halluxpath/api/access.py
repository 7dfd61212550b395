"""Who may see an API token: the account it acts as, and the site's administrators."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from halluxpath.access import RecordAccess, register
from halluxpath.accounts import permissions
from halluxpath.accounts.models import User
from halluxpath.api.models import ApiToken


def visible_tokens(user: User) -> QuerySet[ApiToken]:
    """A staff member's own tokens (and those acting as them); an administrator, the site's."""
    if not permissions.uses_staff_pages(user):
        return ApiToken.objects.none()
    mine = Q(user_id=user.pk)
    if permissions.may_manage_site(user):
        mine |= Q(site_id=user.site_id)
    return ApiToken.objects.filter(mine).select_related("user", "created_by", "revoked_by")


def _no_patient(token: ApiToken) -> None:
    return None


TOKENS = register(
    RecordAccess(
        "api_token",
        visible_tokens,
        _no_patient,
        # whoever sees a token may revoke it: its own account, or the site's administrators
        may_change=permissions.uses_staff_pages,
        refusal="Only staff revoke API tokens.",
    )
)
