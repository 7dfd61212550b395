"""Sign-in and the landing page each role starts from."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from halluxpath.accounts import permissions
from halluxpath.accounts.forms import SignInForm
from halluxpath.accounts.models import User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Signing out is a POST (a link cannot sign someone out); a GET asks first."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        return render(request, "accounts/logout_confirm.html")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user if isinstance(request.user, User) else None
    if permissions.uses_staff_pages(user):
        return redirect("patients:worklist")
    if permissions.is_patient(user):
        return redirect("patients:me")
    return redirect("patients:research")
