"""Stored pathway templates: read the current version and the history.

Saving a new version (admins only) is aftercare.actions.pathways.

HalluxPath ships one template, DOMAIN §11.1/§11.2's day-case MIS pathway with
screws (core.pathway.MIS_SCREWS); it is stored as version 1 the first time
the database is set up. An admin changes a template by saving a new version
with a note; older versions stay as they were, and plans already issued keep
their own copy of the items, so a change never alters them.
"""

from __future__ import annotations

import pydantic
from django.core.exceptions import ValidationError

from halluxpath.aftercare.models import PathwayTemplate, PathwayTemplateVersion
from halluxpath.aftercare.schemas import PathwayStep
from halluxpath.core import pathway, pathway_data
from halluxpath.sites.models import default_site_id

BUILT_IN = (pathway.MIS_SCREWS,)


def latest(template: PathwayTemplate) -> PathwayTemplateVersion:
    version = template.versions.order_by("-number").first()
    if version is None:
        raise ValidationError(f"The template {template.name!r} has no version yet.")
    return version


def as_core(version: PathwayTemplateVersion) -> pathway.Template:
    try:
        return pathway_data.template_from_data(
            version.template.name, version.number, version.step_list
        )
    except pathway_data.TemplateError as error:  # only if the table was edited by hand
        raise ValidationError(f"The stored template {version} is not usable: {error}") from None


def current(name: str, site_id: int | None = None) -> pathway.Template:
    """The newest version of the named template of the site, checked.

    A site without its own template of that name uses the installation's
    shipped one (stored in the first site).
    """
    templates = PathwayTemplate.objects.filter(name=name)
    shipped_at = default_site_id()
    template = None
    for site in (site_id, shipped_at):
        if template is None and site is not None:
            template = templates.filter(site_id=site).first()
    if template is None:
        raise ValidationError({"template": f"There is no pathway template {name!r}."})
    return as_core(latest(template))


def current_steps(version: PathwayTemplateVersion) -> list[PathwayStep]:
    """A stored version's steps as typed inputs (to edit one and save the rest unchanged)."""
    try:
        return [PathwayStep.model_validate(s) for s in version.step_list]
    except pydantic.ValidationError as error:  # only if the table was edited by hand
        raise ValidationError(f"The stored template {version} is not usable: {error}") from None


def history(template: PathwayTemplate) -> list[tuple[PathwayTemplateVersion, list[str]]]:
    """Every version, newest first, with what it changed from the one before."""
    versions = list(template.versions.select_related("created_by").order_by("number"))
    rows: list[tuple[PathwayTemplateVersion, list[str]]] = []
    previous: tuple[pathway.Step, ...] = ()
    for version in versions:
        steps = as_core(version).steps
        rows.append((version, pathway_data.diff_steps(previous, steps) if previous else []))
        previous = steps
    return rows[::-1]
