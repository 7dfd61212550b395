"""What every form shares: labels without Django's trailing colon, and showing refusals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from halluxpath.records import EditConflict

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


R = TypeVar("R")


@dataclass(frozen=True)
class Done(Generic[R]):
    """What the action returned, once it has accepted the form (the value may be None)."""

    value: R


def submit(
    form: forms.BaseForm, schema: type[S], act: Callable[[S], R], **extra: object
) -> Done[R] | None:
    """Check ``form``, hand its typed input to ``act`` (the action), show any refusal on it.

    The one shape of a page's POST: the form's own checks, then the typed
    input (``typed_input``), then the action. An edit conflict (someone saved
    the record since the form was opened) or the action's ``ValidationError``
    is shown on the form, nothing saved; the caller then shows the form again.
    Returns ``Done(result)`` when the action ran, else None.
    """
    if not form.is_valid():
        return None
    data = typed_input(form, schema, **extra)
    if data is None:
        return None
    try:
        return Done(act(data))
    except EditConflict as conflict:
        form.add_error(None, str(conflict))
    except ValidationError as error:
        add_validation_errors(form, error)
    return None
