"""Forms for the patient and episode pages; validation of substance is in actions."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from halluxpath.accounts import permissions
from halluxpath.accounts.models import CareTeam, Role, User
from halluxpath.core.episode import DEFAULT_DIAGNOSIS, Side
from halluxpath.forms import ClinicForm, ClinicModelForm
from halluxpath.patients.models import Episode, Patient, Reminders, Status

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The plausible range of any date in a clinic list or record (issue 12, item 11):
# nothing before 1900, nothing further ahead than a booking could be.
EARLIEST_DATE = dt.date(1900, 1, 1)
YEARS_AHEAD = 5

SORTS = [
    ("name", "Name"),
    ("operation", "Operation date, earliest first"),
    ("-operation", "Operation date, latest first"),
    ("status", "Status"),
    ("next_due", "Next due"),
]


def latest_date(today: dt.date) -> dt.date:
    return today.replace(year=today.year + YEARS_AHEAD, day=min(today.day, 28))


def bound_dates(form: forms.BaseForm, *names: str, past_only: bool = False) -> None:
    """Refuse dates outside the plausible range with a form error, and tell the date picker.

    ``past_only``: a date that has happened (a birth, a referral) is not after today.
    """
    today = timezone.localdate()
    latest = today if past_only else latest_date(today)
    for name in names:
        field = form.fields[name]
        field.validators.append(
            MinValueValidator(EARLIEST_DATE, f"Enter a date from {date_format(EARLIEST_DATE)}.")
        )
        field.validators.append(
            MaxValueValidator(
                latest,
                "The date cannot be in the future."
                if past_only
                else f"Enter a date up to {date_format(latest)}.",
            )
        )
        field.widget = forms.DateInput(
            attrs={"type": "date", "min": EARLIEST_DATE.isoformat(), "max": latest.isoformat()},
            format="%Y-%m-%d",
        )


def full_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


class SurgeonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A surgeon, shown by full name."""

    def label_from_instance(self, obj: Any) -> str:
        return full_name(obj) if isinstance(obj, User) else str(obj)


def surgeons_of_site(user: User) -> QuerySet[User]:
    return User.objects.filter(role=Role.SURGEON, site_id=user.site_id).order_by(
        "last_name", "first_name", "username"
    )


class PatientForm(ClinicModelForm[Patient]):
    class Meta:
        model = Patient
        fields = [
            "hospital_number",
            "given_name",
            "family_name",
            "date_of_birth",
            "sex",
            "phone",
            "email",
            "reminders",
        ]
        widgets = {
            "date_of_birth": DATE_INPUT,
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "given_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "family_name": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        labels = {"date_of_birth": "Date of birth", "hospital_number": "Hospital number"}

    def validate_unique(self) -> None:
        # The action checks uniqueness inside its transaction; checking here
        # too would query twice and race anyway.
        pass

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reminders"].required = False  # left out: the default, "auto"
        bound_dates(self, "date_of_birth", past_only=True)

    def clean_reminders(self) -> str:
        return str(self.cleaned_data.get("reminders") or Reminders.AUTO)


class EpisodeForm(ClinicModelForm[Episode]):
    side = forms.ChoiceField(choices=Side.choices(), widget=forms.RadioSelect, label="Foot")

    class Meta:
        model = Episode
        fields = ["side", "diagnosis", "care_team", "responsible_surgeon", "referred_on"]
        widgets = {"referred_on": DATE_INPUT}
        labels = {"referred_on": "Referred on"}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = CareTeam.objects.filter(site_id=user.site_id)
        if not permissions.may_open_episodes_for_any_team(user):
            teams = teams.filter(members=user)
        care_team = cast(forms.ModelChoiceField, self.fields["care_team"])  # type: ignore[type-arg]
        surgeon = cast(forms.ModelChoiceField, self.fields["responsible_surgeon"])  # type: ignore[type-arg]
        care_team.queryset = teams
        bound_dates(self, "referred_on", past_only=True)
        surgeon.queryset = User.objects.filter(
            role=Role.SURGEON, is_active=True, site_id=user.site_id, care_teams__in=teams
        ).distinct()
        if not self.is_bound and self.instance.pk is None:
            self.initial.setdefault("diagnosis", DEFAULT_DIAGNOSIS)
            if permissions.may_be_responsible_surgeon(user):
                self.initial.setdefault("responsible_surgeon", user.pk)
            if teams.count() == 1:
                self.initial.setdefault("care_team", teams.first())


class VersionForm(ClinicForm):
    """The version the editor started from (optimistic concurrency)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class StatusChangeForm(VersionForm):
    to_status = forms.ChoiceField(choices=Status.choices)
    note = forms.CharField(max_length=500, required=False)


class WorklistFilterForm(ClinicForm):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Name or hospital number",
                "autocomplete": "off",
            }
        ),
    )
    status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[("", "Any open status"), ("all", "All, including discharged"), *Status.choices],
    )
    mine = forms.BooleanField(required=False, label="Only episodes I am responsible for")
    surgeon = SurgeonChoice(
        queryset=User.objects.none(),
        required=False,
        label="Surgeon",
        empty_label="Any surgeon",
    )
    operated_from = forms.DateField(required=False, label="Operation from", widget=DATE_INPUT)
    operated_to = forms.DateField(required=False, label="Operation to", widget=DATE_INPUT)
    sort = forms.ChoiceField(required=False, label="Sort by", choices=SORTS)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        surgeon = cast(SurgeonChoice, self.fields["surgeon"])
        surgeon.queryset = surgeons_of_site(user)
        bound_dates(self, "operated_from", "operated_to")

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        start, end = data.get("operated_from"), data.get("operated_to")
        if start and end and start > end:
            self.add_error("operated_to", "The end of the range is before its start.")
        return data


class TheatreListForm(ClinicForm):
    day = forms.DateField(label="Operation day", widget=DATE_INPUT)
    surgeon = SurgeonChoice(
        queryset=User.objects.none(),
        required=False,
        label="Surgeon",
        empty_label="All surgeons",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        surgeon = cast(SurgeonChoice, self.fields["surgeon"])
        surgeon.queryset = surgeons_of_site(user)
        bound_dates(self, "day")
