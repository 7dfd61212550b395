from __future__ import annotations

import enum
from typing import Any

from django import forms
from django.utils import timezone

from halluxpath.aftercare.models import RESPONSES, PathwayTemplate
from halluxpath.aftercare.schemas import PlanIssue, PlanItemAdjustment
from halluxpath.core import triage
from halluxpath.core.pathway import (
    EARLIEST_DATE,
    FIXATIONS,
    WORK_KINDS,
    latest_operation_date,
    operation_date_problem,
)
from halluxpath.core.pathway_data import CATEGORIES, CONDITIONS, LONGEST_DAY
from halluxpath.forms import ClinicForm


def _answers(vocabulary: type[enum.StrEnum]) -> list[tuple[str, str]]:
    """The choices of one check-in question: core.triage's answers, in the patient's words."""
    return [(a.value, triage.ANSWER_WORDS[a]) for a in vocabulary if a.value]


# The words shown for core.pathway's fixations, kinds of work and step conditions.
FIXATION_WORDS = {"screws": "Screws", "k_wire": "K-wire"}
WORK_WORDS = {"seated": "Seated", "standing": "Standing or walking", "manual": "Manual"}
CONDITION_WORDS = {
    "": "Always",
    "screws": "Fixed with screws",
    "k_wire": "Fixed with a K-wire",
    "antibiotics": "Antibiotics prescribed",
    "vte_prophylaxis": "VTE prophylaxis prescribed",
}


def category_words(category: str) -> str:
    """A plan category (core.pathway_data.CATEGORIES) as words: "follow_up" → "Follow up"."""
    return category.replace("_", " ").capitalize()


class CheckInForm(ClinicForm):
    """Plain words for the patient (DOMAIN §12); every answer maps to core.triage.CheckIn."""

    submission = forms.RegexField(regex=r"^[0-9a-f]{32}$", required=False, widget=forms.HiddenInput)
    pain_score = forms.IntegerField(
        min_value=0,
        max_value=10,
        label="How bad is the pain now? (0 none, 10 worst)",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    pain_uncontrolled_or_rising = forms.BooleanField(
        label="My painkillers are not controlling the pain, or it is getting worse", required=False
    )
    temperature_c = forms.FloatField(
        required=False,
        label="Temperature, if you took it (°C)",
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    feverish_or_shivering = forms.BooleanField(label="I feel feverish or shivery", required=False)
    sepsis_signs = forms.BooleanField(
        label="I feel confused, my skin looks blotchy or blue, or I have not passed urine all day",
        required=False,
    )
    breathless_or_chest_pain = forms.BooleanField(
        label="I am suddenly short of breath, have chest pain, or am coughing blood", required=False
    )
    calf_pain_or_swelling = forms.BooleanField(
        label="My calf or thigh is painful, swollen, warm or red", required=False
    )
    redness_spreading = forms.BooleanField(
        label="Redness is spreading from the wounds, or a wound is hotter and more swollen",
        required=False,
    )
    discharge = forms.ChoiceField(
        label="Anything coming from the wounds?",
        choices=_answers(triage.Discharge),
    )
    wound_open = forms.BooleanField(label="A wound has opened or I can see metal", required=False)
    bleeding = forms.ChoiceField(
        label="Bleeding",
        choices=_answers(triage.Bleeding),
    )
    toes_cold_or_discoloured = forms.BooleanField(
        label="My toes are cold, white, blue or grey", required=False
    )
    numbness = forms.ChoiceField(
        label="Numbness or tingling in the toes",
        choices=_answers(triage.Numbness),
    )
    dressing_too_tight = forms.BooleanField(label="The dressing feels too tight", required=False)
    fall_with_new_pain = forms.BooleanField(
        label="I fell or knocked my foot and it hurts more now", required=False
    )
    vomiting_or_diarrhoea_over_24h = forms.BooleanField(
        label="Sickness or diarrhoea for more than a day", required=False
    )
    cannot_keep_fluids_down = forms.BooleanField(
        label="I cannot keep drinks or medicines down", required=False
    )
    rash_or_drug_reaction = forms.BooleanField(
        label="A rash or a reaction to a medicine", required=False
    )
    face_swelling_or_breathing_difficulty = forms.BooleanField(
        label="My face or lips are swelling, or I find it hard to breathe", required=False
    )
    feels_seriously_wrong = forms.BooleanField(
        label="Something feels seriously wrong", required=False
    )
    medication = forms.ChoiceField(
        label="Your medicines (painkillers and any others you were given)",
        choices=_answers(triage.Medication),
        required=False,
    )
    kept_foot_up = forms.BooleanField(label="I kept my foot up as advised", required=False)
    used_ice = forms.BooleanField(label="I used ice as advised", required=False)
    free_text = forms.CharField(
        required=False,
        max_length=2000,
        label="Anything else?",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    wound_photo = forms.FileField(
        required=False,
        label="Photo of the wound",
        help_text=(
            "Optional: a photo of the wound, taken in good light. "
            "Photos are only seen by your care team."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class AcknowledgeForm(ClinicForm):
    """A response from core.triage.TeamResponse and the clinician's words beside it."""

    response = forms.ChoiceField(label="What was done", choices=RESPONSES, widget=forms.RadioSelect)
    note = forms.CharField(
        max_length=500,
        required=False,
        label="Details",
        help_text="Who you spoke to, what was agreed. Needed for “Other”.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class IssuePlanForm(ClinicForm):
    template = forms.ChoiceField(
        label="Pathway template", required=False, help_text="Its newest version is used."
    )
    operated_on = forms.DateField(
        label="Date of operation", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    fixation = forms.ChoiceField(choices=[(f, FIXATION_WORDS[f]) for f in FIXATIONS])
    antibiotics_prescribed = forms.BooleanField(
        required=False, label="Antibiotics prescribed after discharge"
    )
    vte_prophylaxis = forms.BooleanField(required=False, label="VTE prophylaxis prescribed")
    automatic_car = forms.ChoiceField(
        label="Car",
        choices=[("", "Not known"), ("yes", "Automatic"), ("no", "Manual")],
        required=False,
    )
    work = forms.ChoiceField(
        label="Work",
        choices=[("", "Not known"), *((w, WORK_WORDS[w]) for w in WORK_KINDS)],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operated_on"].widget.attrs.update(
            min=EARLIEST_DATE.isoformat(),
            max=latest_operation_date(timezone.localdate()).isoformat(),
        )
        names = PathwayTemplate.objects.order_by("name").values_list("name", flat=True)
        self.fields["template"].choices = [(n, n) for n in names]  # type: ignore[attr-defined]

    def clean_operated_on(self) -> object:
        day = self.cleaned_data["operated_on"]
        problem = operation_date_problem(day, timezone.localdate())
        if problem:
            raise forms.ValidationError(problem)
        return day

    def as_input(self) -> PlanIssue:
        data = self.cleaned_data
        return PlanIssue(
            operated_on=data["operated_on"],
            fixation=data["fixation"],
            antibiotics_prescribed=data["antibiotics_prescribed"],
            vte_prophylaxis=data["vte_prophylaxis"],
            automatic_car={"yes": True, "no": False}.get(data["automatic_car"]),
            template=data["template"],
            work=data["work"] or None,
        )


class AdjustItemForm(ClinicForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    item_key = forms.CharField(widget=forms.HiddenInput, max_length=40)
    starts_on = forms.DateField(
        label="Starts on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    instructions = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    time = forms.TimeField(required=False, label="Booked time")
    place = forms.CharField(required=False, max_length=200, label="Where")
    reason = forms.CharField(max_length=500, label="Reason for the change")

    def as_input(self) -> PlanItemAdjustment:
        return PlanItemAdjustment.model_validate(
            {k: v for k, v in self.cleaned_data.items() if k != "version"}
        )


class AcceptInvitationForm(ClinicForm):
    username = forms.CharField(
        max_length=150,
        label="Choose a user name",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; not a common password.",
    )
    password_again = forms.CharField(
        label="The password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords are not the same.")
        return data


class PathwayStepForm(ClinicForm):
    """One step of a pathway template, as an admin edits it (core.pathway_data checks it)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    key = forms.SlugField(
        max_length=40, help_text="A short name used in plans and reminders, e.g. visit-2w."
    )
    category = forms.ChoiceField(choices=[(c, category_words(c)) for c in CATEGORIES])
    title = forms.CharField(max_length=200, help_text="What the patient reads as the heading.")
    instructions = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Plain words for the patient.",
    )
    start_day = forms.IntegerField(
        min_value=0, max_value=LONGEST_DAY, label="First day (0 = the day of the operation)"
    )
    end_day = forms.IntegerField(
        min_value=0,
        max_value=LONGEST_DAY,
        required=False,
        label="Last day",
        help_text="Leave empty for a one-day event such as a visit.",
    )
    source = forms.CharField(max_length=200, help_text="Where this comes from, e.g. DOMAIN §11.1.")
    only_if = forms.ChoiceField(
        required=False,
        label="Only when",
        choices=[(c, CONDITION_WORDS[c]) for c in CONDITIONS],
    )
    note = forms.CharField(max_length=500, label="What you changed and why")


class RemoveStepForm(ClinicForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(max_length=500, label="Why remove this step")
