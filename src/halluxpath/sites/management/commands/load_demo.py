"""``halluxpath load_demo``: the demo sites, accounts, cohort, plans and films (halluxpath.demo)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from halluxpath.demo import DEFAULT_SEED, DEFAULT_SIZE, load_everything
from halluxpath.patients.demo import DEMO_ACCOUNTS


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
        result = load_everything(options["size"], options["seed"], films=not options["no_films"])
        report = result.people
        self.stdout.write(
            f"demo data: {report.users_created} accounts, {report.patients_created} patients, "
            f"{report.episodes_created} episodes created (existing records left as they were)"
        )
        self.stdout.write(
            f"demo aftercare: {result.plans} plans issued (recently operated "
            "feet, and planned feet booked for today's theatre list)"
        )
        if result.films is not None:
            self.stdout.write(
                f"demo films: {result.films} synthetic radiographs added, with landmarks"
            )
        if result.surgery is not None:
            done = result.surgery
            self.stdout.write(
                f"demo surgery: {done.assessments} assessments, {done.plans} plans with consent "
                f"sheets, {done.signed_records} signed operative records ({done.amended} amended)"
                + (f"; {done.skipped} episodes skipped (see the audit log)" if done.skipped else "")
            )
        if result.check_ins:
            self.stdout.write(
                f"demo check-ins: {result.check_ins} sent by recently operated patients "
                "(some with alerts open on the triage list)"
            )
        if result.questionnaires is not None and result.questionnaires.completed:
            asked = result.questionnaires
            self.stdout.write(
                f"demo questionnaires: {asked.completed} completed ({asked.on_paper} from paper), "
                f"{asked.in_progress} left half way"
            )
        if result.complications is not None and result.complications.recorded:
            found = result.complications
            self.stdout.write(
                f"demo complications: {found.recorded} recorded on {found.operated_feet} operated "
                f"feet ({found.reoperations} reoperations, {found.recurrences_confirmed} "
                f"recurrences confirmed, {found.proposals_waiting} proposals on the worklist)"
            )
        names = ", ".join(a.username for a in DEMO_ACCOUNTS if a.can_sign_in)
        self.stdout.write(f"demo accounts: {names}; password: halluxpath-demo")
