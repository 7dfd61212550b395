"""Every write to sites: validate, write in one transaction, audit."""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from halluxpath.accounts import permissions
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.frontdoor import page_only
from halluxpath.records import change_detail, check_version, field_changes
from halluxpath.sites.models import Site
from halluxpath.sites.schemas import SiteSettings


@dataclass(frozen=True)
class SiteInput:
    """A new site's settings (docs/operations.md, Sites)."""

    slug: str
    name: str
    time_zone: str = "Europe/London"
    reminder_hour: int = 10
    public_url: str = "http://127.0.0.1:8000"
    phone_in_hours: str = ""
    phone_out_of_hours: str = ""
    address: str = ""
    second_factor_required: bool = True
    recurrence_hva_threshold: int = 15


@page_only("operators add sites from the command line on the server; no page or API does")
def add_site(actor: Actor, data: SiteInput) -> Site:
    """Create a site; ``ValidationError`` names the field that is wrong."""
    values = {f.name: getattr(data, f.name) for f in fields(data)}
    values["public_url"] = str(values["public_url"]).rstrip("/")
    site = Site(**values)
    site.full_clean()
    with transaction.atomic():
        site.save()
        record(actor, "create", object_type="site", object_id=site.pk, detail={"fields": values})
    return site


@page_only("a site's settings are its administrators' page; the API serves clinical records")
def update_site_settings(actor: Actor, data: SiteSettings, version: int) -> Site:
    """Change the acting administrator's own site; refused if it changed since they opened it.

    ``ValidationError`` names the field that is wrong (the model's own rules:
    a known time zone, an hour 0-23, a telephone number's characters, never a
    smallest count below the national rule of DOMAIN §17).
    """
    if actor.user is None or not permissions.may_manage_site(actor.user):
        raise PermissionDenied("Only the site's administrators change its settings.")
    with transaction.atomic():
        site = Site.objects.select_for_update().get(pk=actor.user.site_id)
        check_version("site's settings", site.version, version)
        values = data.model_dump()
        values["public_url"] = str(values["public_url"]).rstrip("/")
        before = {name: getattr(site, name) for name in values}
        for name, value in values.items():
            setattr(site, name, value)
        site.full_clean(exclude=["slug"])
        changes = field_changes(before, values)
        if changes:
            site.version += 1
            site.save()
            record(
                actor,
                "change",
                object_type="site",
                object_id=site.pk,
                detail=change_detail(changes, site.version),
            )
    return site


def ensure_first_site(**signal: object) -> None:
    """After every migrate (and a test database flush), there is at least one site.

    Migration ``sites 0002`` makes the first site from the installation's
    settings; a database emptied by ``flush`` loses it, and every user,
    patient and pathway template needs a site, so it is made again the same way.
    """
    if Site.objects.exists():
        return
    with transaction.atomic():
        Site.objects.create(
            slug="main",
            name=settings.HALLUXPATH_CLINIC_NAME,
            time_zone=settings.TIME_ZONE,
            reminder_hour=settings.HALLUXPATH_REMINDER_HOUR,
            public_url=settings.HALLUXPATH_PUBLIC_URL.rstrip("/"),
        )
