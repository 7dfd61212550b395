"""The sign-in form: the user name in its normal form, its length capped before any work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest

from halluxpath.accounts.usernames import MAX_LENGTH, folded, sign_in_name


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the name normalised (accounts.usernames) and capped.

    A name longer than ``MAX_LENGTH`` is refused by the field before anything
    looks it up; a name no account can have is looked up as "" and fails like
    a wrong password, so the answer never says whether an account exists.
    """

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        if isinstance(username, forms.CharField):
            username.max_length = MAX_LENGTH
            # Django sets max_length after the field is made, so without this validator a
            # longer name would still be looked up and recorded by the lockout.
            username.validators.append(MaxLengthValidator(MAX_LENGTH))
            username.widget.attrs["maxlength"] = str(MAX_LENGTH)

    def clean_username(self) -> str:
        return sign_in_name(str(self.cleaned_data.get("username") or ""))


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The name django-axes records and locks by (AXES_USERNAME_CALLABLE): normal form, capped.

    A failed sign-in stores this name; a 200,000-character one is cut to the
    field's length first, so the lockout table never holds more than that.
    """
    raw: object = None
    if credentials:
        raw = credentials.get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    return folded(str(raw or ""))[:MAX_LENGTH]
