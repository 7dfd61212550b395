"""Who may see and download a research export: researchers and administrators of its site.

An export is de-identified, but it is still the site's data: nobody at
another site sees it, and clinical staff, who work with identifiable records,
have no use for it. Nobody changes an export (it is made by its task and
removed when it expires).
"""

from __future__ import annotations

from django.db.models import QuerySet

from halluxpath.access import RecordAccess, register
from halluxpath.accounts import permissions
from halluxpath.accounts.models import User
from halluxpath.research.models import ResearchExport


def visible_exports(user: User) -> QuerySet[ResearchExport]:
    if not permissions.may_use_research_exports(user):
        return ResearchExport.objects.none()
    return ResearchExport.objects.filter(site_id=user.site_id)


def no_patient(export: ResearchExport) -> int | None:
    """An export is about a whole site, not one patient."""
    return None


EXPORTS = register(
    RecordAccess(
        "research_export",
        visible_exports,
        no_patient,
        may_change=permissions.may_manage_site,
        refusal="A research export is made by its task; nobody changes it.",
    )
)
