"""Sign-in and the landing page each role starts from."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from halluxpath.accounts.models import STAFF_ROLES, Role


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Signing out is a POST (a link cannot sign someone out); a GET asks first."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        return render(request, "accounts/logout_confirm.html")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = getattr(request.user, "role", "")
    if role in STAFF_ROLES:
        return redirect("patients:worklist")
    if role == Role.PATIENT:
        return redirect("patients:me")
    return redirect("patients:research")
