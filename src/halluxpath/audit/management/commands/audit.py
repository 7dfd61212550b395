"""``halluxpath audit verify``: check that the audit log has not been tampered with."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from halluxpath.audit.chain import verify


class Command(BaseCommand):
    help = "Audit log tools. 'verify' checks the hash chain and exits non-zero if it is broken."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("operation", choices=["verify"], help="what to do")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify()
        if not report.ok:
            raise CommandError(
                f"audit log is BROKEN at event {report.broken_at}: {report.problem} "
                f"({report.checked} events checked before it)",
                returncode=1,
            )
        self.stdout.write(f"audit log intact: {report.checked} events, chain verified")
