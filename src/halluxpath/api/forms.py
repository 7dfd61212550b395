"""The forms of the token pages: a name, a lifetime, and the access in each area."""

from __future__ import annotations

from typing import Any

from django import forms

from halluxpath.accounts.models import User
from halluxpath.api import scopes
from halluxpath.api.schemas import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS, NAME_LENGTH
from halluxpath.forms import ClinicForm

ACCESS_CHOICES = [
    ("", "No access"),
    (scopes.Access.READ.value, "Read"),
    (scopes.Access.WRITE.value, "Read and change"),
]


class TokenForm(ClinicForm):
    name = forms.CharField(
        max_length=NAME_LENGTH,
        label="Name",
        help_text="What the token is for, e.g. a script's name",
    )
    lifetime_days = forms.IntegerField(
        min_value=1,
        max_value=MAX_LIFETIME_DAYS,
        initial=DEFAULT_LIFETIME_DAYS,
        label="Expires after (days)",
        help_text=f"{DEFAULT_LIFETIME_DAYS} days unless you need otherwise; "
        f"{MAX_LIFETIME_DAYS} at most.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for area in scopes.Area:
            self.fields[f"scope_{area.value}"] = forms.ChoiceField(
                choices=ACCESS_CHOICES,
                required=False,
                label=area.value.capitalize(),
                help_text=scopes.RECORDS[area].capitalize(),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = self.scopes()
        if not chosen and not self.errors:
            raise forms.ValidationError("Give the token access to at least one area.")
        data["scopes"] = chosen
        return data

    def scopes(self) -> tuple[str, ...]:
        cleaned = getattr(self, "cleaned_data", {})
        return tuple(
            scopes.scope(area, scopes.Access(cleaned[f"scope_{area.value}"]))
            for area in scopes.Area
            if cleaned.get(f"scope_{area.value}")
        )


class IntegrationTokenForm(TokenForm):
    acts_as = forms.TypedChoiceField(
        coerce=int,
        label="Acts as",
        help_text="The staff account whose role and teams the integration uses "
        "(add a dedicated account on the People page).",
    )

    field_order = ["name", "acts_as", "lifetime_days"]

    def __init__(self, *args: Any, accounts: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["acts_as"]
        if isinstance(field, forms.TypedChoiceField):
            field.choices = [
                (a.pk, f"{a.get_full_name() or a.username} ({a.get_role_display()})")
                for a in accounts
            ]
        self.order_fields(self.field_order)
