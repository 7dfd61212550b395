"""Every write to API tokens: make one, revoke one, note its use (docs/api.md, Tokens).

A person makes tokens for themselves; an administrator makes tokens for a
named integration, acting as a staff account of their own site (a
dedicated account, usually, made on the people pages). Each token is
bound to the site it is made at. Making and revoking are audited; noting
the last use is bookkeeping, like ``last_login``, and writes at most once a
minute per token (``LAST_USE_EVERY``), so a busy integration does not turn
every request into a write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from halluxpath.access import signed_in
from halluxpath.accounts import permissions
from halluxpath.accounts.models import User
from halluxpath.api import tokens
from halluxpath.api.access import TOKENS
from halluxpath.api.models import ApiToken, TokenKind
from halluxpath.api.schemas import NewIntegrationToken, NewToken
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.frontdoor import page_only
from halluxpath.sites.access import USER_ACCOUNTS

LAST_USE_EVERY = timedelta(minutes=1)
ON_PAGES = (
    "tokens are made and revoked on the pages, in a signed-in session with its second factor, "
    "so that a token, if stolen, cannot make more tokens or keep itself alive"
)


@dataclass(frozen=True)
class IssuedToken:
    """A new token's row and its secret, which is shown this once and never again."""

    row: ApiToken
    secret: str


def _issue(
    actor: Actor, maker: User, account: User, kind: TokenKind, data: NewToken
) -> IssuedToken:
    now = timezone.now()
    for _attempt in range(3):  # a prefix already taken (1 in 10^12): draw again
        prefix, secret = tokens.new_token()
        try:
            with transaction.atomic():
                row = ApiToken.objects.create(
                    kind=kind,
                    name=data.name,
                    user=account,
                    site_id=account.site_id,
                    prefix=prefix,
                    digest=tokens.digest(secret),
                    scopes=" ".join(data.scopes),
                    created_at=now,
                    created_by=maker,
                    expires_at=now + timedelta(days=data.lifetime_days),
                )
                record(
                    actor,
                    "create",
                    object_type="api_token",
                    object_id=row.pk,
                    detail={
                        "kind": kind.value,
                        "name": row.name,
                        "prefix": row.shown_prefix,
                        "acts_as": account.pk,
                        "scopes": list(data.scopes),
                        "expires_at": row.expires_at.isoformat(),
                    },
                )
        except IntegrityError:
            continue
        return IssuedToken(row, secret)
    raise RuntimeError("could not draw an unused token prefix")


@page_only(ON_PAGES)
def create_personal_token(actor: Actor, data: NewToken) -> IssuedToken:
    """A token for the signed-in person's own scripts, with their role and teams."""
    user = signed_in(actor)
    if not permissions.uses_staff_pages(user):
        raise PermissionDenied("Only staff use the API.")
    return _issue(actor, user, user, TokenKind.PERSONAL, data)


@page_only(ON_PAGES)
def create_integration_token(actor: Actor, data: NewIntegrationToken) -> IssuedToken:
    """A token for a named integration, acting as a staff account of the administrator's site."""
    admin = signed_in(actor)
    if not permissions.may_manage_site(admin):
        raise PermissionDenied("Only the site's administrators make integration tokens.")
    account = USER_ACCOUNTS.queryset(actor).filter(pk=data.acts_as, is_active=True).first()
    if account is None or not permissions.uses_staff_pages(account):
        raise ValidationError({"acts_as": "Choose an active staff account of your site."})
    return _issue(actor, admin, account, TokenKind.INTEGRATION, data)


@page_only(ON_PAGES)
def revoke_token(actor: Actor, token_id: int) -> ApiToken:
    """Revoke at once: the next request with it is refused (nothing caches a token)."""
    found = TOKENS.get(actor, token_id, purpose="edit")
    with transaction.atomic():
        row = ApiToken.objects.select_for_update().get(pk=found.pk)
        if row.revoked_at is not None:
            raise ValidationError("This token is already revoked.")
        row.revoked_at = timezone.now()
        row.revoked_by = actor.user
        row.save(update_fields=["revoked_at", "revoked_by"])
        record(
            actor,
            "revoke",
            object_type="api_token",
            object_id=row.pk,
            detail={"prefix": row.shown_prefix, "name": row.name},
        )
    return row


def note_use(row: ApiToken, address: str | None, now: datetime) -> None:
    """Record the token's last use and address, at most once every ``LAST_USE_EVERY``."""
    if row.last_used_at is not None and now - row.last_used_at < LAST_USE_EVERY:
        return
    ApiToken.objects.filter(pk=row.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USE_EVERY)
    ).update(last_used_at=now, last_used_from=address)
    row.last_used_at, row.last_used_from = now, address
