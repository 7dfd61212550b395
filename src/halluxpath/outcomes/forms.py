"""The questionnaire forms: one item, a paper form, a definition file, a call note.

The item fields are built from the instrument's definition (core.instruments):
a choice of its options (and "not applicable" where the item allows it), or a
number within its range. The actions check every answer again.
"""

from __future__ import annotations

from typing import Any

from django import forms

from halluxpath.core.instruments import NOT_APPLICABLE, SHIPPED, SITE_LOADED, Instrument, Item
from halluxpath.core.schedule import Schedule, TimePointKey
from halluxpath.forms import ClinicForm
from halluxpath.outcomes.schemas import Answer

LARGEST_FILE_BYTES = 2_000_000
NOT_APPLICABLE_LABEL = "Not applicable to me"


def item_field(item: Item, label: str = "") -> forms.Field:
    """The form field that answers ``item`` (never required: a question may be left)."""
    if item.options:
        choices = [(str(o.value), o.label or str(o.value)) for o in item.options]
        if item.not_applicable:
            choices.append((NOT_APPLICABLE, NOT_APPLICABLE_LABEL))
        return forms.ChoiceField(
            label=label or item.text or item.key,
            choices=choices,
            widget=forms.RadioSelect,
            required=False,
        )
    return forms.FloatField(
        label=label or item.text or item.key,
        required=False,
        min_value=item.low,
        max_value=item.high,
        help_text=(
            f"A number from {item.low:g} to {item.high:g}."
            if item.low is not None and item.high is not None
            else ""
        ),
    )


def answer_of(value: object) -> Answer:
    """A cleaned field value as an answer: a number, "na", or None (left unanswered)."""
    if value in (None, ""):
        return None
    if value == NOT_APPLICABLE:
        return "na"
    return float(value)  # type: ignore[arg-type]


def initial_of(value: float | str | None) -> str | float | None:
    """A stored answer as the field's initial value."""
    if value is None or value == NOT_APPLICABLE:
        return value
    return (
        str(int(value)) if isinstance(value, int | float) and float(value).is_integer() else value
    )


class ItemForm(ClinicForm):
    """One question of a questionnaire, on its own screen."""

    def __init__(self, *args: Any, item: Item, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["value"] = item_field(item)

    def answer(self) -> Answer:
        return answer_of(self.cleaned_data.get("value"))


class PaperForm(ClinicForm):
    """A paper form typed in by staff: the day the patient filled it in, and every answer."""

    completed_on = forms.DateField(
        label="Date the patient filled in the form",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for number, item in enumerate(instrument.items, start=1):
            self.fields[f"item_{item.key}"] = item_field(item, f"{number}. {item.text or item.key}")

    def answers(self) -> dict[str, Answer]:
        return {
            item.key: answer_of(self.cleaned_data.get(f"item_{item.key}"))
            for item in self.instrument.items
        }


class LoadInstrumentForm(ClinicForm):
    definition_file = forms.FileField(
        label="Definition file (JSON)",
        help_text="The instrument's file under your site's licence: key, version, items.",
    )
    value_set_file = forms.FileField(
        label="EQ-5D-5L value set (CSV, optional)",
        required=False,
        help_text="Lines of profile,index, e.g. 21143,0.512.",
    )

    def _text(self, name: str) -> str:
        upload = self.cleaned_data.get(name)
        if not upload:
            return ""
        if upload.size > LARGEST_FILE_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB.")
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text.") from None

    def clean_definition_file(self) -> str:
        return self._text("definition_file")

    def clean_value_set_file(self) -> str:
        return self._text("value_set_file")


class CallForm(ClinicForm):
    episode_id = forms.IntegerField(widget=forms.HiddenInput)
    time_point = forms.ChoiceField(choices=TimePointKey.choices(), widget=forms.HiddenInput)
    note = forms.CharField(
        label="What happened",
        max_length=500,
        required=False,
        help_text="For example: answered on the phone, will fill it in today; no answer.",
    )


class ScheduleForm(ClinicForm):
    """Each time point's window (days from the operation) and its instruments."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, schedule: Schedule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(i.key, i.title) for i in (*SHIPPED.values(), *SITE_LOADED.values())]
        for key in TimePointKey:
            point = schedule.time_point(key)
            label = key.label
            self.fields[f"{key}_opens_days"] = forms.IntegerField(
                label=f"{label}: window opens (days from the operation)",
                min_value=-3650,
                max_value=3650,
                initial=point.opens_days if point else None,
            )
            self.fields[f"{key}_closes_days"] = forms.IntegerField(
                label=f"{label}: window closes (days from the operation)",
                min_value=-3650,
                max_value=3650,
                initial=point.closes_days if point else None,
            )
            self.fields[f"{key}_instruments"] = forms.MultipleChoiceField(
                label=f"{label}: questionnaires asked",
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=list(point.instruments) if point else [],
            )

    def time_points(self) -> list[dict[str, object]]:
        return [
            {
                "key": key.value,
                "opens_days": self.cleaned_data[f"{key}_opens_days"],
                "closes_days": self.cleaned_data[f"{key}_closes_days"],
                "instruments": tuple(self.cleaned_data[f"{key}_instruments"]),
            }
            for key in TimePointKey
        ]
