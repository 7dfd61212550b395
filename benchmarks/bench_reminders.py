"""Draining the reminder outbox with two workers vs the bare send loop.

N due reminders (default 100,000) are put in the outbox of a throwaway
SQLite database (or DATABASE_URL). Baseline: one loop handing the same N
messages straight to Django's e-mail machinery (file backend) with no outbox.
Measured: two worker processes draining the outbox through the same e-mail
machinery, each claiming batches, sending and marking every message sent.
Prints messages per second for both, the ratio (workers' throughput / bare
loop's), and the number of duplicates found in everything the e-mail backend
wrote (by Message-ID), which must be 0.

    python benchmarks/bench_reminders.py [N]
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
BATCH = 200


def setup_django(data_dir: str, mail_dir: str) -> None:
    os.environ.setdefault("HALLUXPATH_DATA_DIR", data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halluxpath.site.settings")
    os.environ["HALLUXPATH_EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_FILE_PATH = mail_dir


def worker(name: str, data_dir: str, mail_dir: str) -> None:
    setup_django(data_dir, mail_dir)
    from halluxpath.reminders.worker import drain

    drain(name, batch_size=BATCH)


def fill_outbox(count: int) -> None:
    import datetime as dt

    from django.utils import timezone

    from halluxpath.accounts.models import CareTeam, Role, User
    from halluxpath.patients.models import Episode, Patient
    from halluxpath.reminders.models import OutboxMessage

    team = CareTeam.objects.create(name="Bench team")
    surgeon = User.objects.create(username="bench-surgeon", role=Role.SURGEON)
    patient = Patient.objects.create(
        hospital_number="DEMO-BENCH",
        given_name="Ada",
        family_name="Bench",
        date_of_birth=dt.date(1960, 1, 1),
        sex="female",
        email="ada@example.org",
    )
    episode = Episode.objects.create(
        patient=patient,
        side="left",
        diagnosis="Hallux valgus",
        responsible_surgeon=surgeon,
        care_team=team,
        referred_on=dt.date(2026, 1, 1),
    )
    due = timezone.now() - dt.timedelta(minutes=1)
    OutboxMessage.objects.bulk_create(
        (
            OutboxMessage(
                dedup_key=f"bench:{i}",
                kind="check_in",
                patient=patient,
                episode=episode,
                channel="email",
                recipient="ada@example.org",
                subject="How is your foot today?",
                body=f"Hello Ada, please tell us how your foot is today. ({i})",
                source="benchmark",
                due_at=due,
                next_attempt_at=due,
            )
            for i in range(count)
        ),
        batch_size=2000,
    )


def message_ids(mail_dir: Path) -> Counter[str]:
    found: Counter[str] = Counter()
    for path in mail_dir.iterdir():
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("Message-ID: "):
                    found[line[12:].strip()] += 1
    return found


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="halluxpath-bench-")
    baseline_dir = Path(tempfile.mkdtemp(prefix="halluxpath-bench-mail-base-"))
    worker_dir = Path(tempfile.mkdtemp(prefix="halluxpath-bench-mail-workers-"))
    setup_django(data_dir, str(baseline_dir))
    from django.core.management import call_command
    from django.db import connections

    from halluxpath.reminders.channels import Outgoing, open_sender
    from halluxpath.reminders.models import OutboxMessage, Status

    call_command("migrate", verbosity=0)
    fill_outbox(N)
    outgoing = [
        Outgoing(key, "email", recipient, subject, body)
        for key, recipient, subject, body in OutboxMessage.objects.values_list(
            "dedup_key", "recipient", "subject", "body"
        )
    ]

    start = time.perf_counter()
    # The bare send loop: one connection per BATCH messages, as the worker does.
    for first in range(0, N, BATCH):
        send, close = open_sender()
        for message in outgoing[first : first + BATCH]:
            send(message)
        close()
    bare = time.perf_counter() - start

    connections.close_all()
    spawn = multiprocessing.get_context("spawn")
    workers = [
        spawn.Process(target=worker, args=(f"bench-{i}", data_dir, str(worker_dir))) for i in (1, 2)
    ]
    start = time.perf_counter()
    for process in workers:
        process.start()
    for process in workers:
        process.join()
    drained = time.perf_counter() - start

    sent = OutboxMessage.objects.filter(status=Status.SENT).count()
    handed = message_ids(worker_dir)
    duplicates = sum(n - 1 for n in handed.values() if n > 1)
    per_worker = Counter(OutboxMessage.objects.values_list("lease_owner", flat=True).iterator())
    print(f"bare send loop:        {N / bare:8.0f} messages/s")
    print(f"two workers, outbox:   {N / drained:8.0f} messages/s  {dict(per_worker)}")
    print(f"ratio workers/bare throughput: {bare / drained:.2f} (N={N})")
    print(f"marked sent: {sent}/{N}; handed to e-mail: {len(handed)}; duplicates: {duplicates}")
    if sent != N or len(handed) != N or duplicates:
        raise SystemExit("FAILED: every reminder must be sent exactly once")


if __name__ == "__main__":
    main()
