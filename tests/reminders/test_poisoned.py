"""One bad record never stops a worker (issue 12 item 11).

A plan issued with the operation on 0001-01-01 once killed the reminder
worker with an OverflowError. Now a plan the schedule cannot read is logged,
skipped and listed for staff among the failures, the other plans' reminders
still go out, and a message the channel cannot take fails on its own.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

import halluxpath
from halluxpath.accounts.models import Role
from halluxpath.aftercare import stored
from halluxpath.aftercare.actions import issue_plan
from halluxpath.aftercare.models import AftercarePlan
from halluxpath.aftercare.schemas import PlanIssue
from halluxpath.audit.context import Actor
from halluxpath.reminders.models import Kind, OutboxMessage, Status
from halluxpath.reminders.schedule import problem_key, schedule
from halluxpath.reminders.worker import drain
from tests.conftest import Clinic
from tests.reminders.conftest import make_messages
from tests.reminders.test_killed_worker import ROOT, database_url

RUN_CLI = "import sys; from halluxpath.cli import main; sys.exit(main())"
LONDON = zoneinfo.ZoneInfo("Europe/London")
OPERATED = dt.date(2026, 11, 2)
NOW = dt.datetime(2026, 11, 9, 8, 0, tzinfo=LONDON)


def _plans(clinic: Clinic) -> tuple[AftercarePlan, AftercarePlan]:
    """A good plan (patient A) and a poisoned one (patient B: a date no calendar has)."""
    for patient in (clinic.patient_a, clinic.patient_b):
        patient.email = f"{patient.given_name.lower()}@example.org"
        patient.save()
    good = issue_plan(
        Actor(clinic.user(Role.NURSE)),
        clinic.patient_a.episodes.get().pk,
        PlanIssue(operated_on=OPERATED),
    )
    bad = issue_plan(
        Actor(clinic.surgeon_b), clinic.patient_b.episodes.get().pk, PlanIssue(operated_on=OPERATED)
    )
    items = bad.item_list
    items[0]["starts_on"] = "0001-13-45"  # as a row from before the checks, or edited by hand
    AftercarePlan.objects.filter(pk=bad.pk).update(
        items=stored.PLAN_ITEMS.stamp({"items": items}), operated_on=dt.date.min
    )
    return good, bad


def test_a_poisoned_plan_is_skipped_logged_and_shown_while_the_others_are_scheduled(
    clinic: Clinic, caplog: pytest.LogCaptureFixture, client: Client
) -> None:
    good, bad = _plans(clinic)
    result = schedule(NOW)
    assert (result.plans, result.problems) == (2, 1)
    assert OutboxMessage.objects.filter(episode=good.episode, status=Status.PENDING).exists()
    problem = OutboxMessage.objects.get(dedup_key=problem_key(bad.episode_id))
    assert (problem.kind, problem.status) == (Kind.PLAN_PROBLEM, Status.FAILED)
    assert "could not be read" in problem.last_error
    assert "month must be in 1..12" in problem.last_error
    assert f"plan of episode {bad.episode_id} could not be worked out" in caplog.text
    assert schedule(NOW).problems == 1
    assert OutboxMessage.objects.filter(dedup_key__startswith="plan_problem:").count() == 1

    # The worker never sends it, and its team sees it on the outbox page.
    assert drain("w1").failed == 0
    assert all("could not be worked out" not in m.subject for m in mail.outbox)
    client.force_login(clinic.surgeon_b)
    page = client.get(reverse("reminders:outbox") + "?status=failed").content.decode()
    assert "Reminders could not be worked out" in page
    assert "month must be in 1..12" in page
    assert "Open the plan" in page
    refused = client.post(reverse("reminders:change", args=[problem.pk]), {"do": "retry"})
    assert refused.status_code == 302
    problem.refresh_from_db()
    assert problem.status == Status.FAILED

    # Issuing the plan again mends it; the next run clears the problem.
    issue_plan(Actor(clinic.surgeon_b), bad.episode_id, PlanIssue(operated_on=OPERATED))
    assert schedule(NOW).problems == 0
    problem.refresh_from_db()
    assert problem.status == Status.CANCELLED


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_survives_a_poisoned_plan_and_sends_the_others(
    clinic: Clinic, tmp_path: Path
) -> None:
    """The real command in its own process, as `make run` starts it."""
    good, _ = _plans(clinic)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "HALLUXPATH_EMAIL_BACKEND": "tests.reminders.sink.FileSinkBackend",
        "HALLUXPATH_TEST_SINK": str(tmp_path / "sink"),
        "PYTHONPATH": os.pathsep.join((str(ROOT), str(Path(halluxpath.__file__).parents[1]))),
    }
    done = subprocess.run(  # noqa: S603 (our own command line, fixed arguments)
        [sys.executable, "-c", RUN_CLI, "send_reminders", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert "1 plan(s) that could not be read" in done.stdout.decode()
    assert OutboxMessage.objects.filter(episode=good.episode).exists()
    assert OutboxMessage.objects.filter(dedup_key__startswith="plan_problem:").count() == 1


def test_one_poisoned_message_among_good_ones_fails_alone(clinic: Clinic) -> None:
    episode = clinic.patient_a.episodes.get()
    make_messages(episode, 3, prefix="good")
    [poisoned] = make_messages(episode, 1, prefix="bad", recipient="ada@example.org\nBcc: x@y")
    result = drain("w1")
    assert (result.sent, result.failed) == (3, 1)
    assert len(mail.outbox) == 3
    poisoned.refresh_from_db()
    assert poisoned.status == Status.FAILED
    assert "could not be written" in poisoned.last_error
