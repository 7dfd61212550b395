"""``halluxpath create_user``: add a person with a role (and care teams) at a site."""

from __future__ import annotations

import getpass
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.sites.actions.people import NewUser, create_user
from halluxpath.sites.models import Site, default_site


class Command(BaseCommand):
    help = "Create a user with a role. The password is asked for, never taken from arguments."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--site", default="", help="the site's slug (default: the first site)")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--team",
            action="append",
            default=[],
            help="care team of the site to join (created if new); may be repeated",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            site = Site.objects.get(slug=options["site"]) if options["site"] else default_site()
        except Site.DoesNotExist:
            raise CommandError(f"there is no site {options['site']!r}") from None
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("the passwords do not match")
        data = NewUser(
            username=options["username"],
            role=Role(options["role"]),
            site=site,
            password=password,
            first_name=options["first_name"],
            last_name=options["last_name"],
            email=options["email"],
            teams=tuple(options["team"]),
        )
        try:
            user = create_user(Actor(user=None), data)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"created {data.role.label.lower()} {user.username!r} at {site.slug}")
