"""How long each dashboard page takes at registry size, as a ratio to one indexed COUNT.

Issue 13's target: every dashboard page answers in under a second at 1,000,000
episodes on this machine. This script bulk-inserts a synthetic registry
(patients, episodes, their ``CaseSummary`` rows, complications near the
published rates, NRS pain scores with falling completion) straight into the
tables, the way a bulk generator would (``registry.models`` says which
columns), then fetches each dashboard page with Django's test client, signed
in as the surgeon, the site's administrator, the site's researcher and for
the registry, and each chart of the registry page.

Baseline: one indexed COUNT over the episodes table (``status = 'operated'``)
in the same run. Prints, per page, the median seconds of a few fetches and
the ratio to the baseline; the absolute seconds are the figure the target
speaks of.

Uses a throwaway SQLite file, or DATABASE_URL (scripts/pgtemp.py makes one). With
HALLUXPATH_DATA_DIR naming a directory where a run has already generated the
registry, that registry is measured again without generating it.

    python benchmarks/bench_dashboards.py [EPISODES]   (default 100000)
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from typing import Any

EPISODES = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
SITES = 3
SURGEONS_PER_SITE = 10
BATCH = 5_000
FETCHES = 3


def setup_django() -> None:
    data_dir = os.environ.setdefault(
        "HALLUXPATH_DATA_DIR", tempfile.mkdtemp(prefix="halluxpath-bench-")
    )
    os.makedirs(os.path.join(data_dir, "static"), exist_ok=True)  # whitenoise looks there
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halluxpath.site.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import OperationalError, connection

    if connection.vendor == "postgresql":
        try:
            connection.ensure_connection()
        except OperationalError:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{connection.settings_dict["NAME"]}"')
    call_command("migrate", verbosity=0)


def timed(work: Callable[[], Any], rounds: int = FETCHES) -> float:
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def generate(n: int) -> dict[str, Any]:
    """The synthetic registry; returns the users to sign in as."""
    from django.db import transaction
    from django.utils import timezone

    from halluxpath.accounts.models import CareTeam, Role, User
    from halluxpath.complications.models import Complication
    from halluxpath.core.planning import Technique
    from halluxpath.outcomes.models import QuestionnaireResponse, ResponseStatus, Score
    from halluxpath.patients.models import Episode, Patient
    from halluxpath.registry.models import CaseSummary, Fixation
    from halluxpath.sites.models import Site

    Site.objects.update(second_factor_required=False)  # the benchmark signs in without one
    rng = random.Random(13)
    sites = [Site.objects.order_by("pk").first()] + [
        Site.objects.create(
            slug=f"bench-{i}", name=f"Bench hospital {i}", second_factor_required=False
        )
        for i in range(1, SITES)
    ]
    teams, surgeons = [], []
    for site in sites:
        assert site is not None
        team = CareTeam.objects.create(site=site, name=f"Team {site.pk}")
        teams.append(team)
        for k in range(SURGEONS_PER_SITE):
            user = User.objects.create(
                username=f"bench-s{site.pk}-{k}", role=Role.SURGEON, site=site, last_name=f"S{k}"
            )
            team.members.add(user)
            surgeons.append((user, team))
    first = sites[0]
    assert first is not None
    admin = User.objects.create(username="bench-admin", role=Role.ADMIN, site=first)
    researcher = User.objects.create(username="bench-research", role=Role.RESEARCHER, site=first)
    start = dt.date(2020, 1, 1)
    now = timezone.now()
    techniques = [Technique.MIS_DISTAL.value] * 8 + [Technique.LAPIDUS.value]
    fixations = [Fixation.SCREW.value] * 7 + [Fixation.K_WIRE.value, Fixation.MIXED.value]
    severities = ["mild", "moderate", "moderate", "severe"]
    numbers: dict[int, int] = {}
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        with transaction.atomic():
            patients = Patient.objects.bulk_create(
                Patient(
                    site_id=surgeons[(done + i) % len(surgeons)][1].site_id,
                    hospital_number=f"B{done + i:08d}",
                    given_name="Bench",
                    family_name=f"P{done + i}",
                    date_of_birth=dt.date(1960, 1, 1),
                    sex="female",
                )
                for i in range(size)
            )
            episodes = []
            for i, patient in enumerate(patients):
                surgeon, team = surgeons[(done + i) % len(surgeons)]
                episodes.append(
                    Episode(
                        patient=patient,
                        side="right",
                        diagnosis="Hallux valgus",
                        responsible_surgeon=surgeon,
                        care_team=team,
                        status="operated",
                        referred_on=start,
                    )
                )
            episodes = Episode.objects.bulk_create(episodes)
            rows, complications, responses = [], [], []
            for episode in episodes:
                surgeon_id = episode.responsible_surgeon_id
                operated = start + dt.timedelta(days=rng.randrange(0, 6 * 365))
                technique = rng.choice(techniques)
                mis = technique == Technique.MIS_DISTAL.value
                if mis:
                    numbers[surgeon_id] = numbers.get(surgeon_id, 0) + 1
                pre, post = rng.uniform(20, 45), rng.uniform(3, 18)
                follow_up = rng.choice([0, 42, 182, 365, 400, 730])
                recurred = post > 15 and rng.random() < 0.5
                reoperated = rng.random() < 0.03
                rows.append(
                    CaseSummary(
                        episode_id=episode.pk,
                        site_id=episode.patient.site_id,
                        surgeon_id=surgeon_id,
                        technique=technique,
                        fixation=rng.choice(fixations),
                        operated_on=operated,
                        operated_month=operated.replace(day=1),
                        severity=rng.choice(severities),
                        pre_hva_deg=pre,
                        pre_ima_deg=pre / 2.5,
                        post_hva_deg=post if follow_up else None,
                        post_ima_deg=post / 2 if follow_up else None,
                        hva_change_deg=pre - post if follow_up else None,
                        ima_change_deg=(pre / 2.5 - post / 2) if follow_up else None,
                        post_film_days=follow_up or None,
                        operative_time_min=rng.uniform(25, 90),
                        fluoro_time_s=rng.uniform(30, 150),
                        mis_case_number=numbers[surgeon_id] if mis else None,
                        complication_90d=rng.random() < 0.1,
                        recurrence_days=200 if recurred and follow_up >= 200 else None,
                        reoperation_days=250 if reoperated and follow_up >= 250 else None,
                        follow_up_days=follow_up,
                        proms_baseline=rng.random() < 0.525,
                        proms_6m=follow_up >= 182 and rng.random() < 0.272,
                        proms_12m=follow_up >= 365 and rng.random() < 0.157,
                        last_seen_on=operated + dt.timedelta(days=follow_up),
                        refreshed_at=now,
                    )
                )
                if rng.random() < 0.15:
                    complications.append(
                        Complication(
                            episode=episode,
                            kind=rng.choice(
                                ["infection_superficial", "nerve_injury", "hardware_irritation"]
                            ),
                            onset_on=operated + dt.timedelta(days=20),
                            grade_system="clavien_dindo",
                            grade="I",
                            recorded_by_id=surgeon_id,
                        )
                    )
                for time_point, share in (("baseline", 0.525), ("6m", 0.272), ("12m", 0.157)):
                    if rng.random() < share:
                        responses.append(
                            (
                                QuestionnaireResponse(
                                    episode=episode,
                                    instrument="nrs_pain",
                                    instrument_version="1",
                                    time_point=time_point,
                                    status=ResponseStatus.COMPLETED,
                                    answers={},
                                    completed_on=operated,
                                ),
                                rng.randint(0, 10)
                                if time_point == "baseline"
                                else rng.randint(0, 6),
                            )
                        )
            CaseSummary.objects.bulk_create(rows)
            Complication.objects.bulk_create(complications)
            made = QuestionnaireResponse.objects.bulk_create([r for r, _ in responses])
            Score.objects.bulk_create(
                Score(
                    response=response,
                    episode_id=response.episode_id,
                    instrument="nrs_pain",
                    domain="pain",
                    time_point=response.time_point,
                    value=value,
                )
                for response, (_r, value) in zip(made, responses, strict=True)
            )
        done += size
    from halluxpath.registry.actions import renumber_surgeon

    for surgeon, _team in surgeons:  # the curves and their summaries, as refresh_registry ends
        renumber_surgeon(surgeon.pk)
    return {
        "surgeon": surgeons[0][0],
        "admin": admin,
        "researcher": researcher,
    }


def main() -> None:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from halluxpath.patients.models import Episode
    from halluxpath.registry.access import Dashboard
    from halluxpath.registry.dashboards import slugs

    setup_test_environment()
    from django.conf import settings

    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.STORAGES = {**settings.STORAGES, "staticfiles": plain}
    from halluxpath.accounts.models import User
    from halluxpath.registry.models import CaseSummary

    if CaseSummary.objects.exists():  # HALLUXPATH_DATA_DIR named a registry made before
        users = {
            "surgeon": User.objects.filter(username__startswith="bench-s").order_by("pk")[0],
            "admin": User.objects.get(username="bench-admin"),
            "researcher": User.objects.get(username="bench-research"),
        }
        print(f"{CaseSummary.objects.count()} episodes already there, {connection.vendor}")
    else:
        started = time.perf_counter()
        users = generate(EPISODES)
        made = time.perf_counter() - started
        print(
            f"{EPISODES} episodes generated in {made:.1f} s ({EPISODES / made:.0f} per second), "
            f"{connection.vendor}"
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    baseline = timed(lambda: Episode.objects.filter(status="operated").count(), 5)
    print(f"baseline: one indexed COUNT over the episodes table {baseline * 1000:.1f} ms")
    pages = [
        ("surgeon", "surgeon", Dashboard.SURGEON),
        ("admin", "site", Dashboard.SITE),
        ("researcher", "site (researcher)", Dashboard.SITE),
        ("researcher", "registry", Dashboard.REGISTRY),
    ]
    worst = 0.0
    for who, label, board in pages:
        client = Client()
        client.force_login(users[who])
        url = f"/dashboards/{board.value}/"
        client.get(url)  # warm: templates, matplotlib not involved (charts are separate)
        seconds = timed(partial(client.get, url))
        worst = max(worst, seconds)
        print(f"{label:20} page   {seconds:7.3f} s   ratio {seconds / baseline:8.1f}")
    from halluxpath.audit.context import Actor
    from halluxpath.registry.access import scope_for
    from halluxpath.registry.dashboards import section
    from halluxpath.registry.sections import Filters

    for who, board in (("researcher", Dashboard.REGISTRY), ("surgeon", Dashboard.SURGEON)):
        scope = scope_for(Actor(users[who]), board)
        for slug in slugs(scope, Filters(), users[who].pk):
            seconds = timed(partial(section, scope, Filters(), users[who].pk, slug), 1)
            print(f"{board.value} section {slug:20} {seconds:7.3f} s")
    client = Client()
    client.force_login(users["researcher"])
    page = client.get("/dashboards/registry/").content.decode()

    for slug in re.findall(r"/dashboards/registry/([a-z0-9-]+)\.svg", page):
        seconds = timed(partial(client.get, f"/dashboards/registry/{slug}.svg"), 1)
        print(f"registry chart {slug:20} {seconds:7.3f} s   ratio {seconds / baseline:8.1f}")
    print(f"slowest page {worst:.3f} s (target: under 1 s at 1,000,000 episodes)")


if __name__ == "__main__":
    main()
