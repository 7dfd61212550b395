"""``halluxpath load_instrument SITE FILE``: load a site's licensed questionnaire file.

The file is the site's own (docs/outcomes.md, Questionnaires): JSON with the
instrument's key, version and items with their wording; for EQ-5D-5L a value
set as ``--value-set FILE.csv`` (lines ``profile,index``) or in the JSON.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from halluxpath.audit.context import Actor
from halluxpath.outcomes.actions import load_instrument
from halluxpath.outcomes.schemas import InstrumentFile


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: {getattr(error, 'strerror', None) or error}") from None


class Command(BaseCommand):
    help = "Load a site's licensed questionnaire definition file (MOXFQ, EQ-5D-5L, ...)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("site", help="the site's short name (slug)")
        parser.add_argument("file", help="the definition file (JSON)")
        parser.add_argument("--value-set", default="", help="EQ-5D-5L value set (CSV)")

    def handle(self, *args: Any, **options: Any) -> None:
        data = InstrumentFile(
            definition_text=_read(options["file"]),
            value_set_text=_read(options["value_set"]) if options["value_set"] else "",
            site_slug=options["site"],
        )
        try:
            row = load_instrument(Actor(user=None), data)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"loaded {row.key} version {row.version} for site {options['site']}")
