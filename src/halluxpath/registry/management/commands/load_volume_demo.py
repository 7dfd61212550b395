"""``halluxpath load_volume_demo --episodes N``: a registry-sized synthetic dataset.

Adds N synthetic operated episodes (with questionnaires and complications)
across new "Volume site" sites, for trying the dashboards at registry size
and for benchmarks/bench_volume.py. Not for a clinic's database: the sites
it adds are synthetic and stay until the database is dropped.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from halluxpath.registry.volume import generate


class Command(BaseCommand):
    help = "Add N synthetic operated episodes across new volume sites (dashboards at scale)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--episodes", type=int, default=100_000)
        parser.add_argument("--sites", type=int, default=5)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        episodes, sites = options["episodes"], options["sites"]
        if episodes < 1 or sites < 1:
            raise CommandError("--episodes and --sites must be at least 1")

        def report(done: int, total: int) -> None:
            self.stdout.write(f"{done:,} of {total:,} episodes")

        result = generate(episodes, sites=sites, seed=options["seed"], progress=report)
        self.stdout.write(
            f"added {result.episodes:,} episodes, {result.responses:,} questionnaire responses "
            f"({result.scores:,} scores) and {result.complications:,} complications in "
            f"{result.seconds:.1f} s ({result.episodes_per_second:,.0f} episodes a second)"
        )
