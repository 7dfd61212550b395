"""The complications forms: the register's fields in clinic words, each grade explained.

The grade is a choice among every grade code of both systems; the form and
the action both refuse a grade that is not one of the chosen system's
(DOMAIN §7: stored with its system, never converted). The page lists each
grade's definition beside the field (``GRADE_GUIDE``).
"""

from __future__ import annotations

from typing import Any

from django import forms

from halluxpath.core.complications import (
    ALL_GRADE_CODES,
    GRADES,
    Grade,
    GradeSystem,
    Kind,
    grades_of,
    is_grade_of,
)
from halluxpath.forms import ClinicForm

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Each system with its grades, for the guide printed beside the grade field.
GRADE_GUIDE: list[tuple[GradeSystem, tuple[Grade, ...]]] = list(GRADES.items())

FIELD_LABELS = {
    "kind": "Kind",
    "description": "What happened",
    "onset_on": "Onset",
    "grade_system": "Grading system",
    "grade": "Grade",
    "treatment": "Treatment",
    "reoperation": "Reoperation",
    "reoperated_on": "Reoperated on",
    "reoperation_reason": "Reason for reoperation",
    "implant_removed": "Implant removed",
    "resolved_on": "Resolved on",
    "entered_in_error": "Entered in error",
}


def _grade_help() -> str:
    systems = [
        f"{system.label}: " + "; ".join(g.code for g in grades) + "."
        for system, grades in GRADES.items()
    ]
    return " ".join(systems) + " What each grade means is listed below the form."


def check_grade(form: forms.Form, cleaned: dict[str, Any]) -> None:
    system, grade = cleaned.get("grade_system"), cleaned.get("grade")
    if system and grade and not is_grade_of(system, grade):
        codes = ", ".join(g.code for g in grades_of(system))
        form.add_error(
            "grade",
            f"Grade {grade} is not a grade of {GradeSystem(system).label}: choose one of {codes}.",
        )


class ComplicationForm(ClinicForm):
    """A complication as recorded (the fields of ``schemas.ComplicationInput``)."""

    kind = forms.ChoiceField(label=FIELD_LABELS["kind"], choices=Kind.choices())
    description = forms.CharField(
        label=FIELD_LABELS["description"],
        max_length=300,
        required=False,
        help_text="A few words; needed when the kind is Other.",
    )
    onset_on = forms.DateField(
        label=FIELD_LABELS["onset_on"],
        widget=DATE_INPUT,
        help_text="The day it started or was first noticed: not before the operation.",
    )
    grade_system = forms.ChoiceField(
        label=FIELD_LABELS["grade_system"],
        choices=GradeSystem.choices(),
        widget=forms.RadioSelect,
        initial=GradeSystem.CLAVIEN_DINDO.value,
        help_text="The grade is kept in the system you choose; it is never converted.",
    )
    grade = forms.ChoiceField(
        label=FIELD_LABELS["grade"],
        choices=[("", "Choose a grade"), *((c, f"Grade {c}") for c in ALL_GRADE_CODES)],
        help_text=_grade_help(),
    )
    treatment = forms.CharField(
        label=FIELD_LABELS["treatment"],
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reoperation = forms.BooleanField(label="Needed a reoperation", required=False)
    reoperated_on = forms.DateField(
        label=FIELD_LABELS["reoperated_on"], required=False, widget=DATE_INPUT
    )
    reoperation_reason = forms.CharField(
        label=FIELD_LABELS["reoperation_reason"], max_length=500, required=False
    )
    implant_removed = forms.BooleanField(label="An implant was removed", required=False)
    resolved_on = forms.DateField(
        label=FIELD_LABELS["resolved_on"],
        required=False,
        widget=DATE_INPUT,
        help_text="Leave empty while it persists.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_grade(self, cleaned)
        return cleaned


class NewComplicationForm(ComplicationForm):
    alert_id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class AmendComplicationForm(ComplicationForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(
        label="Reason for the amendment",
        max_length=500,
        help_text="Kept in the history with your name and the time.",
    )


class EnteredInErrorForm(ClinicForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(
        label="Why was it entered in error?",
        max_length=500,
        help_text="The complication stays in the record, struck through, and is not counted.",
    )


class ConfirmRecurrenceForm(ClinicForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    grade_system = forms.ChoiceField(
        label=FIELD_LABELS["grade_system"],
        choices=GradeSystem.choices(),
        widget=forms.RadioSelect,
        initial=GradeSystem.CLAVIEN_DINDO.value,
    )
    grade = forms.ChoiceField(
        label=FIELD_LABELS["grade"],
        choices=[("", "Choose a grade"), *((c, f"Grade {c}") for c in ALL_GRADE_CODES)],
        initial="I",
        help_text="A recurrence with no treatment yet is grade I in either system.",
    )
    treatment = forms.CharField(
        label="Treatment planned",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_grade(self, cleaned)
        return cleaned


class RejectRecurrenceForm(ClinicForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(
        label="Why is this not a recurrence?",
        max_length=500,
        help_text="For example: the film is rotated or not standing; measure again.",
    )
