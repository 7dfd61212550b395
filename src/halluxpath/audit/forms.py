from __future__ import annotations

from django import forms

from halluxpath.audit.models import Outcome
from halluxpath.forms import ClinicForm

ACTIONS = ["create", "change", "view", "transition", "search", "login", "logout"]


class AuditFilterForm(ClinicForm):
    actor = forms.CharField(required=False, max_length=150, label="User name")
    action = forms.ChoiceField(
        required=False, choices=[("", "Any action")] + [(a, a) for a in ACTIONS]
    )
    outcome = forms.ChoiceField(required=False, choices=[("", "Any outcome"), *Outcome.choices])
    patient = forms.IntegerField(required=False, min_value=1, label="Patient record number")
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To (inclusive)", widget=forms.DateInput(attrs={"type": "date"})
    )
