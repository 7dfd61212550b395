"""Every write to sites: validate, write in one transaction, audit."""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.conf import settings
from django.db import transaction

from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.frontdoor import page_only
from halluxpath.sites.models import Site


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
