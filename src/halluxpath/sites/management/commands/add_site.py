"""``halluxpath add_site``: add a clinic or hospital to the installation."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from halluxpath.audit.context import Actor
from halluxpath.sites.actions import SiteInput, add_site


class Command(BaseCommand):
    help = "Add a site (clinic or hospital) with its own settings."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slug", help="short name, e.g. hillcrest")
        parser.add_argument("--name", required=True, help="the name patients see")
        parser.add_argument("--time-zone", default="Europe/London")
        parser.add_argument("--reminder-hour", type=int, default=10)
        parser.add_argument("--public-url", default="http://127.0.0.1:8000")
        parser.add_argument("--phone-in-hours", default="")
        parser.add_argument("--phone-out-of-hours", default="")
        parser.add_argument("--recurrence-hva", type=int, choices=[15, 20], default=15)

    def handle(self, *args: Any, **options: Any) -> None:
        data = SiteInput(
            slug=options["slug"],
            name=options["name"],
            time_zone=options["time_zone"],
            reminder_hour=options["reminder_hour"],
            public_url=options["public_url"],
            phone_in_hours=options["phone_in_hours"],
            phone_out_of_hours=options["phone_out_of_hours"],
            recurrence_hva_threshold=options["recurrence_hva"],
        )
        try:
            site = add_site(Actor(user=None), data)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"added site {site.slug!r} ({site.name})")
