"""Base classes shared by every form: labels without Django's trailing colon."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.db.models import Model

M = TypeVar("M", bound=Model)


class ClinicForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ClinicModelForm(forms.ModelForm[M]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
