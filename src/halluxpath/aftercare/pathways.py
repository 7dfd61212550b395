"""Stored pathway templates: read the current version, and save a new one (admins only).

HalluxPath ships one template, DOMAIN §11.1/§11.2's day-case MIS pathway with
screws (core.pathway.MIS_SCREWS); it is stored as version 1 the first time
the database is set up. An admin changes a template by saving a new version
with a note; older versions stay as they were, and plans already issued keep
their own copy of the items, so a change never alters them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from halluxpath.accounts import permissions
from halluxpath.aftercare.models import PathwayTemplate, PathwayTemplateVersion
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import pathway, pathway_data
from halluxpath.records import EditConflict, check_version
from halluxpath.sites.models import default_site_id

BUILT_IN = (pathway.MIS_SCREWS,)


def ensure_built_in(**_: Any) -> None:
    """Store the shipped templates as version 1 unless they exist (post_migrate)."""
    for template in BUILT_IN:
        stored, created = PathwayTemplate.objects.get_or_create(
            name=template.name, site_id=default_site_id()
        )
        if created or not stored.versions.exists():
            PathwayTemplateVersion.objects.get_or_create(
                template=stored,
                number=template.version,
                defaults={
                    "steps": pathway_data.steps_as_data(template.steps),
                    "note": "Shipped with HalluxPath (DOMAIN §11.1, §11.2).",
                },
            )


def latest(template: PathwayTemplate) -> PathwayTemplateVersion:
    version = template.versions.order_by("-number").first()
    if version is None:
        raise ValidationError(f"The template {template.name!r} has no version yet.")
    return version


def as_core(version: PathwayTemplateVersion) -> pathway.Template:
    try:
        return pathway_data.template_from_data(version.template.name, version.number, version.steps)
    except pathway_data.TemplateError as error:  # only if the table was edited by hand
        raise ValidationError(f"The stored template {version} is not usable: {error}") from None


def current(name: str) -> pathway.Template:
    """The newest version of the named template, checked."""
    template = PathwayTemplate.objects.filter(name=name).first()
    if template is None:
        raise ValidationError({"template": f"There is no pathway template {name!r}."})
    return as_core(latest(template))


def _template_error(error: pathway_data.TemplateError) -> ValidationError:
    message = (f"Step {error.step}: " if error.step else "") + str(error)
    return ValidationError({error.field: message} if error.field else message)


def save_version(
    actor: Actor,
    template_id: int,
    expected_number: int,
    steps: list[dict[str, object]],
    note: str,
) -> PathwayTemplateVersion:
    """Save ``steps`` as the template's next version; refused unless started from the newest."""
    user = actor.user
    if user is None or not permissions.may_manage_site(user):
        raise PermissionDenied("Only an administrator can change pathway templates.")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what you changed and why."})
    with transaction.atomic():
        template = PathwayTemplate.objects.select_for_update().filter(pk=template_id).first()
        if template is None:
            raise ValidationError("There is no such template.")
        newest = latest(template)
        check_version("pathway template", newest.number, expected_number)
        try:
            checked = pathway_data.template_from_data(template.name, newest.number + 1, steps)
        except pathway_data.TemplateError as error:
            raise _template_error(error) from None
        before = as_core(newest)
        changes = pathway_data.diff_steps(before.steps, checked.steps)
        if not changes:
            raise ValidationError("Nothing changed, so no new version was saved.")
        try:
            version = PathwayTemplateVersion.objects.create(
                template=template,
                number=checked.version,
                steps=pathway_data.steps_as_data(checked.steps),
                note=note[:500],
                created_by=user,
            )
        except IntegrityError:  # a second save of the same version number
            raise EditConflict("pathway template", newest.number + 1) from None
        record(
            actor,
            "change",
            object_type="pathway_template",
            object_id=template.pk,
            detail={"version": version.number, "note": note[:500], "changes": changes[:50]},
        )
    return version


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
