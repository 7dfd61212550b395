"""What every form shares: labels without Django's trailing colon, and showing refusals."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

M = TypeVar("M", bound=Model)


class ClinicForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ClinicModelForm(forms.ModelForm[M]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def add_validation_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show an action's refusal on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


S = TypeVar("S", bound=BaseModel)


def typed_input(form: forms.BaseForm, schema: type[S], **extra: object) -> S | None:
    """The form's cleaned data (plus ``extra``) as the action's typed input, or None.

    The form has already checked each field, so a refusal here is rare (a
    value the form let through that the input does not accept); it is shown
    on the form's field like any other error, never as a crash.
    """
    values = {k: v for k, v in form.cleaned_data.items() if k in schema.model_fields}
    values.update(extra)
    try:
        return schema.model_validate(values)
    except PydanticError as error:
        for problem in error.errors():
            field = str(problem["loc"][0]) if problem["loc"] else None
            form.add_error(field if field in form.fields else None, problem["msg"])
        return None
