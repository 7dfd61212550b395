"""Who sees which dashboard, of which cases, named or de-identified (docs/dashboards.md).

The one place that turns a user and a dashboard into the case rows it may
count; views never filter ``CaseSummary`` by hand. Three dashboards:

- **surgeon**: a surgeon's own cases (``Episode.responsible_surgeon``),
  identified, counts as they are;
- **site**: every case of the user's site. Staff (clinical roles and
  administrators) see it identified; researchers of the site see it
  de-identified (surgeons by pseudonym) with the site's small-cell rule
  (DOMAIN §17, ``Site.smallest_count_shown``);
- **registry**: every site's cases, de-identified aggregates only (sites and
  surgeons by pseudonym), suppressed with the strictest threshold of any
  site. Researchers and administrators see it: a registry's analysts, and a
  site's administrator who answers for what the site contributes.

These are aggregates, not records: no row is handed out, so nothing is
registered with ``halluxpath.access``; each page view is audited by the
view (``registry_dashboard`` events).
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max, QuerySet

from halluxpath.access import signed_in
from halluxpath.accounts import permissions
from halluxpath.audit.context import Actor
from halluxpath.core.disclosure import SMALLEST_SHOWN
from halluxpath.registry.models import CaseSummary
from halluxpath.sites.models import Site


class Dashboard(enum.StrEnum):
    SURGEON = "surgeon"
    SITE = "site"
    REGISTRY = "registry"

    @property
    def heading(self) -> str:
        return {
            Dashboard.SURGEON: "My cases",
            Dashboard.SITE: "Site dashboard",
            Dashboard.REGISTRY: "Registry dashboard",
        }[self]


@dataclass(frozen=True)
class Scope:
    """The cases one user may count on one dashboard, and how the figures may be shown.

    ``smallest_shown`` is None when counts are shown as they are (the
    surgeon's own cases, staff of the site); otherwise counts below it are
    suppressed and the rest rounded to 5 (DOMAIN §17).
    """

    dashboard: Dashboard
    cases: QuerySet[CaseSummary]
    identified: bool
    smallest_shown: int | None
    across_sites: bool
    heading: str
    site_id: int | None  # the one site of the scope; None across sites
    surgeon_id: int | None = None  # the one surgeon of the scope (the surgeon dashboard)

    @property
    def suppressed(self) -> bool:
        return self.smallest_shown is not None


def _strictest_threshold() -> int:
    found = Site.objects.aggregate(most=Max("smallest_count_shown"))["most"]
    return max(SMALLEST_SHOWN, found or SMALLEST_SHOWN)


def scope_for(actor: Actor, dashboard: Dashboard) -> Scope:
    """The user's scope on ``dashboard``; ``PermissionDenied`` when their role has none."""
    user = signed_in(actor)
    everything = CaseSummary.objects.all()
    if dashboard is Dashboard.SURGEON:
        if not permissions.may_view_surgeon_dashboard(user):
            raise PermissionDenied("The surgeon dashboard shows a surgeon's own cases.")
        return Scope(
            dashboard,
            everything.filter(site_id=user.site_id, surgeon_id=user.pk),
            identified=True,
            smallest_shown=None,
            across_sites=False,
            heading=f"Cases of {user.get_full_name() or user.username}",
            site_id=user.site_id,
            surgeon_id=user.pk,
        )
    if dashboard is Dashboard.SITE:
        if not permissions.may_view_site_dashboard(user):
            raise PermissionDenied("This dashboard is not available to your role.")
        hidden = permissions.sees_suppressed_counts_only(user)
        return Scope(
            dashboard,
            everything.filter(site_id=user.site_id),
            identified=not hidden,
            smallest_shown=max(SMALLEST_SHOWN, user.site.smallest_count_shown) if hidden else None,
            across_sites=False,
            heading=f"Cases of {user.site.name}",
            site_id=user.site_id,
        )
    if not permissions.may_view_registry_dashboard(user):
        raise PermissionDenied("The registry dashboard is for researchers and administrators.")
    return Scope(
        dashboard,
        everything,
        identified=False,
        smallest_shown=_strictest_threshold(),
        across_sites=True,
        heading="Cases of every site, de-identified",
        site_id=None,
    )


def pseudonym(kind: str, pk: int) -> str:
    """A stable label for a surgeon ("S-…") or a site ("Site-…") that names nobody.

    A keyed hash (the installation's secret key) of the id: the same person
    keeps the same label from one view to the next, and nobody without the
    key can work back to them (DOMAIN §18: surgeon and site pseudonyms).
    """
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"registry-{kind}:{pk}".encode(), hashlib.sha256).hexdigest()
    prefix = "S" if kind == "surgeon" else "Site"
    return f"{prefix}-{digest[:6].upper()}"
