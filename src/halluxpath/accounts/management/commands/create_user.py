"""``halluxpath create_user``: add a person with a role (and care teams)."""

from __future__ import annotations

import getpass
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from halluxpath.accounts.models import CLINICAL_ROLES, CareTeam, Role, User
from halluxpath.audit import record
from halluxpath.audit.context import Actor


class Command(BaseCommand):
    help = "Create a user with a role. The password is asked for, never taken from arguments."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--team",
            action="append",
            default=[],
            help="care team to join (created if new); may be repeated",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        role = Role(options["role"])
        if User.objects.filter(username=username).exists():
            raise CommandError(f"a user named {username!r} already exists")
        if options["team"] and role not in CLINICAL_ROLES:
            raise CommandError("only surgeons, nurses and physiotherapists join care teams")
        user = User(
            username=username,
            role=role,
            first_name=options["first_name"],
            last_name=options["last_name"],
            email=options["email"],
        )
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("the passwords do not match")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        with transaction.atomic():
            user.save()
            for name in options["team"]:
                CareTeam.objects.get_or_create(name=name)[0].members.add(user)
            record(
                Actor(user=None),
                "create",
                object_type="user",
                object_id=user.pk,
                detail={"username": username, "role": role.value, "teams": options["team"]},
            )
        self.stdout.write(f"created {role.label.lower()} {username!r}")
