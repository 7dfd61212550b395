"""A person's own account: password, second factor (enrolment, verification, recovery codes)."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticToken

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import signed_in_user
from halluxpath.audit.context import Actor
from halluxpath.forms import add_validation_errors, typed_input
from halluxpath.sites.actions import second_factor
from halluxpath.sites.actions.passwords import change_password
from halluxpath.sites.forms import CodeForm, PasswordChangeForm
from halluxpath.sites.schemas import PasswordChange


def _next(request: HttpRequest) -> str:
    """Where to go after a step of sign-in: the ``next`` asked for, if it is this site's."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _verified(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    codes_left = StaticToken.objects.filter(device__user=user).count()
    return render(
        request,
        "sites/account.html",
        {
            "form": PasswordChangeForm(),
            "may_enrol": permissions.may_enrol_second_factor(user),
            "may_use_api": permissions.uses_staff_pages(user),
            "has_device": user_has_device(user),
            "required": permissions.must_use_second_factor(user),
            "codes_left": codes_left,
        },
    )


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = typed_input(form, PasswordChange)
        if data is not None:
            try:
                user = change_password(Actor.from_request(request), data)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                update_session_auth_hash(request, user)
                messages.success(request, "Your password has been changed.")
                return redirect("people:account")
    return render(request, "sites/password_change.html", {"form": form})


def _qr_data_uri(url: str) -> str:
    """The enrolment address as a QR code image (an SVG data URI: no external service)."""
    return str(segno.make(url, error="m").svg_data_uri(scale=5, border=2))


@never_cache
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app; someone with a device must first prove they hold it."""
    user = signed_in_user(request)
    if not permissions.may_enrol_second_factor(user):
        raise PermissionDenied("Patients do not use a second factor.")
    if user_has_device(user) and not _verified(request):
        return redirect("people:second_factor")
    actor = Actor.from_request(request)
    form = CodeForm(request.POST or None)
    device = second_factor.pending_device(user)
    if request.method == "POST" and form.is_valid() and device is not None:
        try:
            device, codes = second_factor.confirm_enrolment(actor, form.cleaned_data["token"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            otp_login(request, device)
            return render(
                request, "sites/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
    if device is None:
        device = second_factor.start_enrolment(actor)
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "sites/enrol.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr": _qr_data_uri(device.config_url),
            "next": _next(request),
            "required": permissions.must_use_second_factor(user),
        },
    )


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of sign-in: a code from the app, or a recovery code."""
    if _verified(request):
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor.verify_second_factor(
                Actor.from_request(request), form.cleaned_data["token"]
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            otp_login(request, device)
            return redirect(_next(request))
    return render(request, "sites/verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    if not _verified(request):
        return redirect("people:second_factor")
    codes = second_factor.replace_recovery_codes(Actor.from_request(request))
    return render(request, "sites/recovery_codes.html", {"codes": codes, "next": "/"})
