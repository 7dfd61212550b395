"""The site's settings page, for its administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from halluxpath.accounts.decorators import admin_required, signed_in_user
from halluxpath.audit.context import Actor
from halluxpath.forms import add_validation_errors, typed_input
from halluxpath.records import EditConflict
from halluxpath.sites.actions import update_site_settings
from halluxpath.sites.forms import SiteSettingsForm
from halluxpath.sites.schemas import SiteSettings

FIELDS = (
    "name",
    "time_zone",
    "reminder_hour",
    "public_url",
    "phone_in_hours",
    "phone_out_of_hours",
    "address",
    "second_factor_required",
    "recurrence_hva_threshold",
    "smallest_count_shown",
    "version",
)


@admin_required
def site_settings(request: HttpRequest) -> HttpResponse:
    site = signed_in_user(request).site
    form = SiteSettingsForm(
        request.POST or None, initial={name: getattr(site, name) for name in FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        data = typed_input(form, SiteSettings)
        if data is not None:
            try:
                update_site_settings(
                    Actor.from_request(request), data, form.cleaned_data["version"]
                )
            except EditConflict as conflict:
                form.add_error(None, str(conflict))
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, "The site's settings have been saved.")
                return redirect("people:site_settings")
    return render(request, "sites/site_settings.html", {"form": form, "site": site})
