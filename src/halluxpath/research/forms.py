"""The form that asks for a research export."""

from __future__ import annotations

from django import forms

from halluxpath.forms import ClinicForm


class ExportRequestForm(ClinicForm):
    purpose = forms.CharField(
        label="What is the dataset for?",
        max_length=200,
        help_text="The study or question, as your approval names it. Kept with the export "
        "and in the audit log.",
    )
