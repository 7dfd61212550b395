"""``halluxpath load_demo``: the synthetic demo cohort, its films and the demo accounts."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from halluxpath.aftercare.demo import load_demo_plans
from halluxpath.imaging.demo import load_demo_films
from halluxpath.patients.demo import DEFAULT_SEED, DEFAULT_SIZE, DEMO_ACCOUNTS, load_demo


class Command(BaseCommand):
    help = "Load synthetic demo patients and the demo accounts (idempotent)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--size",
            type=int,
            default=DEFAULT_SIZE,
            help=f"number of synthetic patients (default {DEFAULT_SIZE})",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="random seed; the same seed gives the same people",
        )
        parser.add_argument(
            "--no-films",
            action="store_true",
            help="skip the synthetic radiographs (faster, e.g. for benchmarks)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["size"] < 0:
            raise CommandError("--size cannot be negative")
        report = load_demo(options["size"], options["seed"])
        self.stdout.write(
            f"demo data: {report.users_created} accounts, {report.patients_created} patients, "
            f"{report.episodes_created} episodes created (existing records left as they were)"
        )
        plans = load_demo_plans()
        self.stdout.write(f"demo aftercare: {plans} plans issued for recently operated feet")
        if not options["no_films"]:
            films = load_demo_films(options["seed"])
            self.stdout.write(f"demo films: {films} synthetic radiographs added, with landmarks")
        names = ", ".join(a.username for a in DEMO_ACCOUNTS if a.can_sign_in)
        self.stdout.write(f"demo accounts: {names}; password: halluxpath-demo")
