"""The dashboards' filters: surgeon, site, technique, fixation, period and severity.

A GET form: a bad value is shown as an error beside its field and the figures
are drawn with the other filters, so nothing the viewer chose is lost. In a
de-identified scope the surgeon and site choices are pseudonyms
(registry.access.pseudonym); their real ids never reach the page.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms

from halluxpath.accounts.models import Role, User
from halluxpath.core.grading import GRADES
from halluxpath.core.planning import Technique
from halluxpath.forms import ClinicForm
from halluxpath.registry.access import Dashboard, Scope, pseudonym
from halluxpath.registry.models import NOT_RECORDED, Fixation
from halluxpath.registry.sections import Filters
from halluxpath.sites.models import Site

ALL = ""
UNRECORDED = "unrecorded"
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(value: str, field: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    found = MONTH.match(value)
    if found is None:
        raise forms.ValidationError(f"Give the {field} month as year-month, e.g. 2026-01.")
    year, month = int(found[1]), int(found[2])
    if not (1 <= month <= 12 and 1900 <= year <= 2999):
        raise forms.ValidationError(f"{value} is not a month between 1900-01 and 2999-12.")
    return dt.date(year, month, 1)


class DashboardFilterForm(ClinicForm):
    surgeon = forms.ChoiceField(label="Surgeon", required=False)
    site = forms.ChoiceField(label="Site", required=False)
    technique = forms.ChoiceField(
        label="Technique",
        required=False,
        choices=[(ALL, "All"), *Technique.choices(), (UNRECORDED, "Not recorded")],
    )
    fixation = forms.ChoiceField(
        label="Fixation", required=False, choices=[(ALL, "All"), *Fixation.choices()]
    )
    severity = forms.ChoiceField(
        label="Pre-operative severity",
        required=False,
        choices=[
            (ALL, "All"),
            *((g, g.capitalize()) for g in GRADES),
            (UNRECORDED, "Not measured"),
        ],
    )
    month_from = forms.CharField(
        label="From (month)",
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-01"}),
    )
    month_to = forms.CharField(
        label="To (month)",
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-12"}),
    )

    def __init__(self, scope: Scope, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.surgeon_ids: dict[str, int] = {}
        self.site_ids: dict[str, int] = {}
        if scope.dashboard is Dashboard.SURGEON:
            del self.fields["surgeon"]
        else:
            surgeons = User.objects.filter(role=Role.SURGEON)
            if not scope.across_sites:
                surgeons = surgeons.filter(site_id=scope.site_id or 0)
            choices = []
            for user in surgeons.order_by("last_name", "first_name", "pk"):
                key = str(user.pk) if scope.identified else pseudonym("surgeon", user.pk)
                self.surgeon_ids[key] = user.pk
                choices.append((key, str(user) if scope.identified else key))
            if not scope.identified:
                choices.sort(key=lambda c: c[1])
            self._choices("surgeon", [(ALL, "All"), *choices])
        if scope.across_sites:
            labels = sorted(
                (pseudonym("site", pk), pk) for pk in Site.objects.values_list("pk", flat=True)
            )
            self.site_ids = dict(labels)
            self._choices("site", [(ALL, "All"), *((k, k) for k, _ in labels)])
        else:
            del self.fields["site"]

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        if isinstance(field, forms.ChoiceField):
            field.choices = choices

    def clean_month_from(self) -> dt.date | None:
        return _month(self.cleaned_data.get("month_from") or "", "first")

    def clean_month_to(self) -> dt.date | None:
        return _month(self.cleaned_data.get("month_to") or "", "last")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("month_from"), data.get("month_to")
        if first and last and first > last:
            self.add_error("month_to", "The last month is before the first: swap them.")
        return data

    def filters(self) -> Filters:
        """The valid filters (an invalid field is left out, its error shown)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})

        def chosen(name: str) -> str | None:
            value = data.get(name) or ALL
            if value == ALL:
                return None
            return NOT_RECORDED if value == UNRECORDED else str(value)

        surgeon = chosen("surgeon")
        site = chosen("site")
        return Filters(
            surgeon_id=self.surgeon_ids.get(surgeon) if surgeon else None,
            site_id=self.site_ids.get(site) if site else None,
            technique=chosen("technique"),
            fixation=chosen("fixation"),
            severity=chosen("severity"),
            month_from=data.get("month_from"),
            month_to=data.get("month_to"),
        )
