"""Pathway templates: an admin saves a new version; the shipped ones are stored at set-up.

Older versions stay as they were, and plans already issued keep their own
copy of the items, so a change never alters them (DOMAIN §11).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from halluxpath.accounts import permissions
from halluxpath.aftercare import stored
from halluxpath.aftercare.access import PATHWAY_TEMPLATES
from halluxpath.aftercare.models import PathwayTemplate, PathwayTemplateVersion
from halluxpath.aftercare.pathways import BUILT_IN, as_core, current_steps, latest
from halluxpath.aftercare.schemas import PathwayStep, PathwayVersion, StepEdit, StepRemoval
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import pathway_data
from halluxpath.frontdoor import page_only
from halluxpath.records import EditConflict, check_version
from halluxpath.sites.models import default_site_id


@page_only("set-up data: stored once when the database is migrated (post_migrate)")
def ensure_built_in(**_: Any) -> None:
    """Store the shipped templates as version 1 unless they exist (post_migrate)."""
    for template in BUILT_IN:
        saved, created = PathwayTemplate.objects.get_or_create(
            name=template.name, site_id=default_site_id()
        )
        if created or not saved.versions.exists():
            PathwayTemplateVersion.objects.get_or_create(
                template=saved,
                number=template.version,
                defaults={
                    "steps": stored.TEMPLATE_STEPS.stamp(
                        {"steps": pathway_data.steps_as_data(template.steps)}
                    ),
                    "note": "Shipped with HalluxPath (DOMAIN §11.1, §11.2).",
                },
            )


def _template_error(error: pathway_data.TemplateError) -> ValidationError:
    message = (f"Step {error.step}: " if error.step else "") + str(error)
    return ValidationError({error.field: message} if error.field else message)


def _step_data(step: PathwayStep) -> dict[str, object]:
    return step.model_dump()


def save_pathway_version(
    actor: Actor, template_id: int, expected_number: int, data: PathwayVersion
) -> PathwayTemplateVersion:
    """Save ``data.steps`` as the next version; refused unless started from the newest."""
    return _save(actor, template_id, expected_number, data.note, lambda _: list(data.steps))


def save_step(
    actor: Actor, template_id: int, expected_number: int, data: StepEdit
) -> PathwayTemplateVersion:
    """Change one step (``data.replaces``) or add a new one; saving makes a new version."""

    def steps(current: list[PathwayStep]) -> list[PathwayStep]:
        if not data.replaces:
            return [*current, data.step]
        if not any(s.key == data.replaces for s in current):
            raise ValidationError(f"The template has no step {data.replaces!r}.")
        return [data.step if s.key == data.replaces else s for s in current]

    return _save(actor, template_id, expected_number, data.note, steps)


@page_only("the same change as save_pathway_version, which the API offers with all the steps")
def remove_step(
    actor: Actor, template_id: int, expected_number: int, data: StepRemoval
) -> PathwayTemplateVersion:
    """Remove one step; saving makes a new version."""
    return _save(
        actor,
        template_id,
        expected_number,
        data.note,
        lambda current: [s for s in current if s.key != data.key],
    )


def _save(
    actor: Actor,
    template_id: int,
    expected_number: int,
    note: str,
    edit: Callable[[list[PathwayStep]], list[PathwayStep]],
) -> PathwayTemplateVersion:
    user = actor.user
    if user is None or not permissions.may_manage_site(user):
        raise PermissionDenied("Only an administrator can change pathway templates.")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what you changed and why."})
    with transaction.atomic():
        PATHWAY_TEMPLATES.get(actor, template_id, purpose="edit")
        template = PathwayTemplate.objects.select_for_update().get(pk=template_id)
        newest = latest(template)
        check_version("pathway template", newest.number, expected_number)
        steps = [_step_data(s) for s in edit(current_steps(newest))]
        try:
            checked = pathway_data.template_from_data(template.name, newest.number + 1, steps)
        except pathway_data.TemplateError as error:
            raise _template_error(error) from None
        before = as_core(newest)
        changes = pathway_data.diff_steps(before.steps, checked.steps)
        if not changes:
            raise ValidationError("Nothing changed, so no new version was saved.")
        try:
            with transaction.atomic():
                version = PathwayTemplateVersion.objects.create(
                    template=template,
                    number=checked.version,
                    steps=stored.TEMPLATE_STEPS.stamp(
                        {"steps": pathway_data.steps_as_data(checked.steps)}
                    ),
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
