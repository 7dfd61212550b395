"""Which sections each dashboard shows, in order, for one viewer and one set of filters.

A page computes every section; a chart or CSV request computes only its own
(``section``), so each request runs only the aggregates it shows.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from halluxpath.accounts.models import User
from halluxpath.registry import outcome_sections, sections
from halluxpath.registry.access import Dashboard, Scope
from halluxpath.registry.learning import CURVES
from halluxpath.registry.outcome_sections import EVENTS
from halluxpath.registry.sections import Filters
from halluxpath.registry.tables import Section


def surgeon_names(scope: Scope) -> dict[int, str]:
    """Surgeons' names for identified viewers (none for de-identified ones)."""
    if not scope.identified:
        return {}
    people: QuerySet[User] = User.objects.filter(site_id=scope.site_id or 0)
    return {u.pk: str(u) for u in people}


def curve_surgeon(scope: Scope, filters: Filters, viewer_id: int) -> int | None:
    """Whose case-by-case learning curve is shown: identified viewers only, one surgeon."""
    if not scope.identified:
        return None
    if scope.dashboard is Dashboard.SURGEON:
        return viewer_id
    return filters.surgeon_id


OUTCOMES = ["complications", *(e.slug for e in EVENTS), "questionnaires", "mcid", "completion"]


def slugs(scope: Scope, filters: Filters, viewer_id: int) -> list[str]:
    found = ["volume", "correction", *OUTCOMES, "learning"]
    if curve_surgeon(scope, filters, viewer_id) is not None:
        found += [c.key.replace("_", "-") for c in CURVES]
    return found


def section(
    scope: Scope, filters: Filters, viewer_id: int, slug: str, today: dt.date | None = None
) -> Section | None:
    """The one section named ``slug``, or None when this viewer's dashboard has no such section.

    ``today`` dates the questionnaire windows (default: the site's today).
    """
    if slug not in slugs(scope, filters, viewer_id):
        return None
    if slug == "volume":
        return sections.case_volume(scope, filters)
    if slug == "correction":
        return sections.correction(scope, filters)
    if slug == "complications":
        return outcome_sections.complication_rates(scope, filters)
    event = next((e for e in EVENTS if e.slug == slug), None)
    if event is not None:
        return outcome_sections.survival(scope, filters, event)
    if slug == "questionnaires":
        return outcome_sections.trajectories(scope, filters)
    if slug == "mcid":
        return outcome_sections.mcid_share(scope, filters)
    if slug == "completion":
        return outcome_sections.completion(scope, filters, today or timezone.localdate())
    names = surgeon_names(scope)
    if slug == "learning":
        return sections.learning_summary(scope, filters, names)
    surgeon_id = curve_surgeon(scope, filters, viewer_id)
    if surgeon_id is None:  # slugs() offers curves only with a surgeon
        return None
    curve = next(c for c in CURVES if c.key.replace("_", "-") == slug)
    return sections.learning_curve(scope, surgeon_id, curve, names.get(surgeon_id, ""))


def all_sections(
    scope: Scope, filters: Filters, viewer_id: int, today: dt.date | None = None
) -> list[Section]:
    found = [
        section(scope, filters, viewer_id, slug, today) for slug in slugs(scope, filters, viewer_id)
    ]
    return [s for s in found if s is not None]
