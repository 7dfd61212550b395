"""The forms of the administrators' pages and of a person's own account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from halluxpath.accounts.models import CareTeam, Role
from halluxpath.accounts.usernames import MAX_LENGTH, RULE, normalise_username
from halluxpath.forms import ClinicForm
from halluxpath.sites.models import RECURRENCE_HVA_CHOICES, Site

PHONE = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "size": "20"})


class PersonForm(ClinicForm):
    """Name, e-mail, role and care teams of a person (the user name is chosen once)."""

    first_name = forms.CharField(max_length=150, required=False, label="First name")
    last_name = forms.CharField(max_length=150, required=False, label="Last name")
    email = forms.EmailField(max_length=254, required=False, label="E-mail")
    role = forms.ChoiceField(choices=Role.choices)
    teams = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Care teams",
        help_text="Surgeons, nurses and physiotherapists see the patients of their teams.",
    )

    def __init__(self, *args: Any, site: Site, patient: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["role"]
        if isinstance(role, forms.ChoiceField):
            # A portal account stays a patient's; staff accounts never become one.
            role.choices = [(r.value, r.label) for r in Role if (r == Role.PATIENT) == patient]
        names = CareTeam.objects.filter(site=site).values_list("name", flat=True)
        teams = self.fields["teams"]
        if isinstance(teams, forms.MultipleChoiceField):
            teams.choices = [(name, name) for name in names]

    def clean_teams(self) -> tuple[str, ...]:
        return tuple(self.cleaned_data.get("teams") or ())


class NewPersonForm(PersonForm):
    username = forms.CharField(
        max_length=MAX_LENGTH,
        label="User name",
        help_text=RULE,
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    password = forms.CharField(
        strip=False,
        max_length=4096,
        label="First password",
        help_text="At least 12 characters; the person changes it once signed in.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = ["username", "first_name", "last_name", "email", "role", "teams", "password"]

    def clean_username(self) -> str:
        return normalise_username(str(self.cleaned_data.get("username") or ""))


class SiteSettingsForm(ClinicForm):
    name = forms.CharField(max_length=200, label="Name shown to patients")
    time_zone = forms.CharField(max_length=64, label="Time zone", help_text="e.g. Europe/London")
    reminder_hour = forms.IntegerField(
        min_value=0, max_value=23, label="Hour reminders are sent (0-23, local time)"
    )
    public_url = forms.URLField(
        max_length=200,
        label="Address patients use",
        assume_scheme="https",
        help_text="The portal's public address, e.g. https://foot-clinic.example.org",
    )
    phone_in_hours = forms.CharField(
        max_length=30, required=False, label="Telephone in working hours", widget=PHONE
    )
    phone_out_of_hours = forms.CharField(
        max_length=30, required=False, label="Telephone out of hours", widget=PHONE
    )
    address = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Address"
    )
    second_factor_required = forms.BooleanField(
        required=False,
        label="Staff must sign in with a second factor (authenticator app)",
    )
    recurrence_hva_threshold = forms.TypedChoiceField(
        choices=RECURRENCE_HVA_CHOICES,
        coerce=int,
        label="Recurrence is proposed when HVA at follow-up is over",
    )
    smallest_count_shown = forms.IntegerField(
        min_value=0, max_value=10_000, label="Smallest count shown in research outputs"
    )
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "version" in self.errors:
            # A hidden field's own message would not be seen: say what to do instead.
            self.add_error(None, "This page is out of date: reload it and make your change again.")
        return data


class PasswordChangeForm(ClinicForm):
    current_password = forms.CharField(
        strip=False,
        max_length=4096,
        label="Current password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        strip=False,
        max_length=4096,
        label="New password",
        help_text="At least 12 characters; not a common password, not only digits.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        strip=False,
        max_length=4096,
        label="New password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", "The two new passwords are not the same.")
        return data


class CodeForm(ClinicForm):
    token = forms.CharField(
        max_length=20,
        label="Code",
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ResetRequestForm(ClinicForm):
    email = forms.EmailField(max_length=254, label="Your e-mail address")


class NewPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    """Django's new-password form; saving goes through the audited action."""

    def __init__(self, *args: Any, client_address: str | None = None, **kwargs: Any) -> None:
        self.client_address = client_address
        super().__init__(*args, **kwargs)

    def save(self, commit: bool = True) -> Any:
        from halluxpath.sites.actions.passwords import reset_password

        return reset_password(self.user, self.cleaned_data["new_password1"], self.client_address)
