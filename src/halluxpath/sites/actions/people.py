"""Every write to a site's people (accounts) and care teams: validate, one transaction, audit.

These live with the site, not in ``accounts``, because they record audit
events: ``audit`` depends on ``accounts`` (users, roles, permissions) and
``accounts`` depends on nothing above it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from halluxpath.accounts.models import CLINICAL_ROLES, CareTeam, Role, User
from halluxpath.accounts.passwords import set_checked_password
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.frontdoor import page_only
from halluxpath.sites.models import Site


@dataclass(frozen=True)
class NewUser:
    """A person to add at ``site`` with one role (and, for clinicians, care teams)."""

    username: str
    role: Role
    site: Site
    password: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    teams: tuple[str, ...] = field(default_factory=tuple)


@page_only("operators add accounts from the command line on the server (create_user)")
def create_user(actor: Actor, data: NewUser) -> User:
    """Create the user; teams of that name at the user's site are joined (made if new)."""
    if User.objects.filter(username=data.username).exists():
        raise ValidationError({"username": f"a user named {data.username!r} already exists"})
    if data.teams and data.role not in CLINICAL_ROLES:
        raise ValidationError({"teams": "only surgeons, nurses and physiotherapists join teams"})
    user = User(
        username=data.username,
        role=data.role,
        site=data.site,
        first_name=data.first_name,
        last_name=data.last_name,
        email=data.email,
    )
    set_checked_password(user, data.password)
    with transaction.atomic():
        user.save()
        for name in data.teams:
            CareTeam.objects.get_or_create(site=data.site, name=name)[0].members.add(user)
        record(
            actor,
            "create",
            object_type="user",
            object_id=user.pk,
            detail={
                "username": data.username,
                "role": data.role.value,
                "site": data.site.slug,
                "teams": list(data.teams),
            },
        )
    return user
