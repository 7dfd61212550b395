"""Loading a site's licensed definition file (DOMAIN §13): checked, kept, audited.

A file is refused, with the place and the reason, if it is not JSON, does not
match the scoring HalluxPath ships for its instrument (core.instruments),
tries to change a shipped instrument, or reuses a version already loaded
with different content. Nothing already loaded is changed or lost: a new
version is a new row, and the newest is the one asked.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from halluxpath.accounts import permissions
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core.instruments import DefinitionError, load_site_definition, value_set_from_csv
from halluxpath.frontdoor import page_only
from halluxpath.outcomes import stored
from halluxpath.outcomes.models import LoadedInstrument
from halluxpath.outcomes.schemas import InstrumentFile
from halluxpath.sites.models import Site


def _site(actor: Actor, slug: str) -> Site:
    """The admin's own site; the operator (no user: the command line) names one."""
    if actor.user is None:
        site = Site.objects.filter(slug=slug).first()
        if site is None:
            raise ValidationError({"site_slug": f"There is no site {slug!r}."})
        return site
    if not permissions.may_manage_site(actor.user):
        raise PermissionDenied("Only the site's administrators load questionnaire files.")
    return actor.user.site


def _parsed(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(
            {
                "definition_file": f"The file is not JSON: {error.msg} "
                f"(line {error.lineno}, column {error.colno})."
            }
        ) from None
    if not isinstance(data, dict):
        raise ValidationError({"definition_file": "The file must hold one JSON object."})
    return data


@page_only(
    "a site's licensed file is loaded by its administrators on the settings page or by the "
    "operator with `halluxpath load_instrument`; the API serves clinical records"
)
def load_instrument(actor: Actor, data: InstrumentFile) -> LoadedInstrument:
    """Check and keep the site's definition file; ``ValidationError`` says what is wrong."""
    site = _site(actor, data.site_slug)
    content = _parsed(data.definition_text)
    if data.value_set_text.strip():
        if content.get("key") != "eq5d5l":
            raise ValidationError(
                {"value_set_file": "A value set belongs to an EQ-5D-5L definition file."}
            )
        try:
            content["value_set"] = value_set_from_csv(data.value_set_text)
        except DefinitionError as error:
            raise ValidationError({"value_set_file": str(error)}) from None
    try:
        instrument = load_site_definition(content)
    except DefinitionError as error:
        raise ValidationError({"definition_file": f"{error}."}) from None
    with transaction.atomic():
        same = (
            LoadedInstrument.objects.select_for_update()
            .filter(site=site, key=instrument.key, version=instrument.version)
            .first()
        )
        if same is not None:
            if same.file_content == content:
                return same  # the same file again: nothing to do
            raise ValidationError(
                {
                    "definition_file": f"Version {instrument.version} of {instrument.key} is "
                    "already loaded with different content: give the new file its own version."
                }
            )
        row = LoadedInstrument.objects.create(
            site=site,
            key=instrument.key,
            version=instrument.version,
            definition=stored.DEFINITION.stamp({"file": content}),
            loaded_by=actor.user,
        )
        record(
            actor,
            "create",
            object_type="loaded_instrument",
            object_id=row.pk,
            detail={
                "site": site.slug,
                "key": instrument.key,
                "version": instrument.version,
                "items": len(instrument.items),
                "value_set_profiles": len(instrument.value_set),
            },
        )
    return row
