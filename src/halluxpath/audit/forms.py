from __future__ import annotations

import datetime as dt

from django import forms

from halluxpath.audit.models import Outcome
from halluxpath.forms import ClinicForm

# The log cannot hold events from before the software or far ahead; a date out here
# is a typing slip (and 9999-12-31 + 1 day would overflow).
EARLIEST, LATEST = "2000-01-01", "2099-12-31"
ACTIONS = ["create", "change", "view", "transition", "search", "login", "logout"]


class AuditFilterForm(ClinicForm):
    actor = forms.CharField(required=False, max_length=150, label="User name")
    action = forms.ChoiceField(
        required=False, choices=[("", "Any action")] + [(a, a) for a in ACTIONS]
    )
    outcome = forms.ChoiceField(required=False, choices=[("", "Any outcome"), *Outcome.choices])
    patient = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, label="Patient record number"
    )
    since = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date", "min": EARLIEST, "max": LATEST}),
    )
    until = forms.DateField(
        required=False,
        label="To (inclusive)",
        widget=forms.DateInput(attrs={"type": "date", "min": EARLIEST, "max": LATEST}),
    )

    def _in_range(self, name: str) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get(name)
        if value is not None and not dt.date.fromisoformat(
            EARLIEST
        ) <= value <= dt.date.fromisoformat(LATEST):
            raise forms.ValidationError("Enter a date between 1 January 2000 and 31 December 2099.")
        return value

    def clean_since(self) -> dt.date | None:
        return self._in_range("since")

    def clean_until(self) -> dt.date | None:
        return self._in_range("until")
