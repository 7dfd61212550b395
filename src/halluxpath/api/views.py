"""The token pages: a person's own tokens, and the integration tokens of an administrator's site.

Thin: the rows come through the access helper (api.access.TOKENS), every
write is an action (api.actions) given a typed input (api.schemas). A new
token's secret is shown in the answer to the form's post and nowhere else:
not stored, not in a message, not in a later page (every page is
``no-store``, site.caching).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import admin_required, signed_in_user, staff_required
from halluxpath.api import actions
from halluxpath.api.access import TOKENS
from halluxpath.api.forms import IntegrationTokenForm, TokenForm
from halluxpath.api.models import ApiToken, TokenKind
from halluxpath.api.schemas import NewIntegrationToken, NewToken
from halluxpath.audit.context import Actor
from halluxpath.forms import submit
from halluxpath.sites.access import USER_ACCOUNTS


def _rows(tokens: list[ApiToken]) -> list[tuple[ApiToken, str]]:
    now = timezone.now()
    return [(t, t.state(now)) for t in tokens]


@staff_required
def my_tokens(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST":
        done = submit(form, NewToken, lambda data: actions.create_personal_token(actor, data))
        if done is not None:
            issued = done.value
            form = TokenForm()
    rows = list(TOKENS.queryset(actor).filter(user_id=signed_in_user(request).pk))
    return render(
        request,
        "api/tokens.html",
        {"form": form, "rows": _rows(rows), "issued": issued, "integration": False},
    )


@admin_required
def site_tokens(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    accounts = [
        a
        for a in USER_ACCOUNTS.queryset(actor).filter(is_active=True).order_by("last_name")
        if permissions.uses_staff_pages(a)
    ]
    form = IntegrationTokenForm(request.POST or None, accounts=accounts)
    issued = None
    if request.method == "POST":
        done = submit(
            form,
            NewIntegrationToken,
            lambda data: actions.create_integration_token(actor, data),
        )
        if done is not None:
            issued = done.value
            form = IntegrationTokenForm(accounts=accounts)
    rows = list(TOKENS.queryset(actor).filter(site_id=signed_in_user(request).site_id))
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "rows": _rows(rows),
            "issued": issued,
            "integration": True,
            "kinds": TokenKind,
        },
    )


@staff_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = actions.revoke_token(Actor.from_request(request), pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{row.shown_prefix} is revoked: it no longer works.")
    back = str(request.POST.get("back", ""))
    return redirect("tokens:site" if back == "site" else "tokens:mine")
