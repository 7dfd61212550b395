"""Forms for the patient and episode pages; validation of substance is in actions."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from halluxpath.accounts import permissions
from halluxpath.accounts.models import CareTeam, Role, User
from halluxpath.core.episode import DEFAULT_DIAGNOSIS, Side
from halluxpath.forms import ClinicForm, ClinicModelForm
from halluxpath.patients.models import Episode, Patient, Reminders, Status

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
