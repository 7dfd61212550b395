"""A forgotten password: a one-time link by e-mail (Django's reset views and token).

The answer to a request is the same whether or not an account has that
address, and requests are limited per address and per computer (the
limiter below) so the form cannot be used to flood someone's mailbox or to
test addresses. The link works once: Django's token is made from the
password hash, which the new password changes.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy

from halluxpath.audit.context import client_address
from halluxpath.sites.forms import NewPasswordForm, ResetRequestForm


def _allowed(key: str, limit: int, window_seconds: int) -> bool:
    """Count one more request under ``key``; False once ``limit`` is passed within the window."""
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        count = 1
    return count <= limit


def reset_allowed(request: HttpRequest, email: str) -> bool:
    """At most PASSWORD_RESET_PER_ADDRESS requests per address and PER_IP per computer an hour."""
    window = settings.PASSWORD_RESET_WINDOW_SECONDS
    address = hashlib.sha256(email.strip().casefold().encode("utf-8")).hexdigest()
    by_address = _allowed(f"reset:address:{address}", settings.PASSWORD_RESET_PER_ADDRESS, window)
    by_ip = _allowed(
        f"reset:ip:{client_address(request) or 'unknown'}", settings.PASSWORD_RESET_PER_IP, window
    )
    return by_address and by_ip


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "sites/password_reset_form.html"
    email_template_name = "sites/password_reset_email.txt"
    subject_template_name = "sites/password_reset_subject.txt"
    success_url = reverse_lazy("people:password_reset_done")

    def get_form_class(self) -> Any:
        return _ResetForm

    def form_valid(self, form: Any) -> HttpResponse:
        if not reset_allowed(self.request, form.cleaned_data["email"]):
            # The same answer as a sent link: a limit reached says nothing about an account.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class _ResetForm(PasswordResetForm):
    """Django's reset form with the house label and length."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"] = ResetRequestForm.base_fields["email"]


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "sites/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "sites/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("people:password_reset_complete")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["client_address"] = client_address(self.request)
        return kwargs


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "sites/password_reset_complete.html"
