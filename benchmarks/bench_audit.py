"""What an audit append costs: appends (with their digest) vs plain inserts of the same rows.

Every view of a patient's record writes one audit event, so the chain's cost
is paid on every page. Baseline: the same AuditEvent rows saved one by one
without the digest. Prints events per second for both and the
ratio (chained / plain time). Uses a throwaway SQLite file, or DATABASE_URL.

    python benchmarks/bench_audit.py [N]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 2000


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="halluxpath-bench-")
    os.environ.setdefault("HALLUXPATH_DATA_DIR", data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halluxpath.site.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from halluxpath.audit import record
    from halluxpath.audit.context import Actor
    from halluxpath.audit.models import AuditEvent

    call_command("migrate", verbosity=0)
    actor = Actor(None, "127.0.0.1")

    start = time.perf_counter()
    for n in range(N):
        with transaction.atomic():
            AuditEvent(
                occurred_at=timezone.now(),
                action="view",
                object_type="patient",
                object_id=str(n),
                patient_id=n,
                client_address="127.0.0.1",
                detail={"n": n},
                digest="0" * 64,
            ).save()
    plain = time.perf_counter() - start

    start = time.perf_counter()
    for n in range(N):
        record(actor, "view", object_type="patient", object_id=n, patient_id=n, detail={"n": n})
    chained = time.perf_counter() - start

    print(f"plain inserts:   {N / plain:8.0f} events/s")
    print(f"chained appends: {N / chained:8.0f} events/s")
    print(f"ratio chained/plain time: {chained / plain:.2f}x (N={N})")


if __name__ == "__main__":
    main()
