"""The research exports page: who may ask and download, the task, progress, audit, expiry."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from halluxpath.accounts.models import User
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.imaging.storage import media_path
from halluxpath.research import actions
from halluxpath.research.models import ExportStatus, ResearchExport
from halluxpath.research.schemas import ExportRequestInput
from tests.boundaries import FormCase, sweep
from tests.research.conftest import ResearchSite

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def finished_export(world: ResearchSite) -> ResearchExport:
    export = actions.request_export(Actor(world.researcher), ExportRequestInput(purpose="Study"))
    done = actions.run_export(export.pk)
    assert done is not None
    return done


@pytest.mark.django_db(transaction=True)
def test_asking_on_the_page_runs_the_task_and_the_page_shows_it_ready(
    research_site: ResearchSite,
) -> None:
    client = signed_in(research_site.researcher)
    response = client.post(reverse("research:exports"), {"purpose": "Recurrence after MICA"})
    export = ResearchExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("research:export", args=[export.pk])
    waiting = client.get(reverse("research:export", args=[export.pk])).content.decode()
    assert "Waiting to start" in waiting
    assert 'hx-trigger="every 2s"' in waiting  # the page polls while it is made
    assert "<progress" in waiting
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    export.refresh_from_db()
    assert (export.status, export.progress) == (ExportStatus.DONE, 100)
    page = client.get(reverse("research:export", args=[export.pk]), HTTP_HX_REQUEST="true")
    body = page.content.decode()
    assert "Ready to download" in body
    assert "hx-trigger" not in body  # polling stops
    assert reverse("research:download", args=[export.pk]) in body


def test_progress_is_written_step_by_step(
    research_site: ResearchSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[int, str]] = []
    original = actions._progress

    def spy(export: ResearchExport, percent: int, step: str) -> None:
        original(export, percent, step)
        row = ResearchExport.objects.get(pk=export.pk)
        seen.append((row.progress, row.step))

    monkeypatch.setattr(actions, "_progress", spy)
    finished_export(research_site)
    percents = [p for p, _ in seen]
    assert percents == sorted(percents)
    assert len(seen) >= 4
    assert seen[0] == (0, "Reading the operated feet")
    assert seen[-1] == (actions.WRITING_PERCENT, "Writing the files")


def test_a_rerun_of_the_task_makes_nothing_twice(research_site: ResearchSite) -> None:
    export = finished_export(research_site)
    assert actions.run_export(export.pk) is None
    assert ResearchExport.objects.get().file == export.file


def test_requesting_and_making_an_export_are_audited(research_site: ResearchSite) -> None:
    export = finished_export(research_site)
    events = AuditEvent.objects.filter(object_type="research_export", object_id=str(export.pk))
    created = events.get(action="create")
    assert created.actor_id == research_site.researcher.pk
    assert created.detail["purpose"] == "Study"
    made = events.get(action="export")
    assert made.outcome == "success"
    assert made.detail["rows"]["episodes"] == 2
    assert made.detail["sha256"] == export.sha256


def test_a_failed_export_is_shown_and_audited(
    research_site: ResearchSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("halluxpath.research.package.write_zip", broken)
    export = finished_export(research_site)
    assert export.status == ExportStatus.FAILED
    assert "could not be made" in export.error
    event = AuditEvent.objects.get(action="export", object_id=str(export.pk))
    assert event.outcome == "failed"
    page = signed_in(research_site.researcher).get(reverse("research:export", args=[export.pk]))
    assert "could not be made" in page.content.decode()


def test_the_researcher_downloads_the_zip_and_the_download_is_audited(
    research_site: ResearchSite,
) -> None:
    export = finished_export(research_site)
    response = signed_in(research_site.researcher).get(
        reverse("research:download", args=[export.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert "episodes.parquet" in zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert AuditEvent.objects.filter(action="download", object_id=str(export.pk)).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("researcher", 200),
        ("admin", 200),
        ("surgeon", 403),
        ("nurse", 403),
        ("other_site_surgeon", 403),
        ("other_site_researcher", 404),
    ],
)
def test_only_researchers_and_administrators_of_the_site_download(
    research_site: ResearchSite, who: str, status: int
) -> None:
    export = finished_export(research_site)
    client = signed_in(getattr(research_site, who))
    assert client.get(reverse("research:download", args=[export.pk])).status_code == status
    assert client.get(reverse("research:export", args=[export.pk])).status_code == status
    polled = client.get(reverse("research:export", args=[export.pk]), HTTP_HX_REQUEST="true")
    assert polled.status_code == status


def test_another_sites_researcher_does_not_see_the_export_listed(
    research_site: ResearchSite,
) -> None:
    export = finished_export(research_site)
    page = signed_in(research_site.other_site_researcher).get(reverse("research:exports"))
    assert page.status_code == 200
    assert "Study" not in page.content.decode()
    assert reverse("research:export", args=[export.pk]) not in page.content.decode()


def test_clinical_staff_cannot_ask_for_an_export(research_site: ResearchSite) -> None:
    response = signed_in(research_site.surgeon).post(reverse("research:exports"), {"purpose": "x"})
    assert response.status_code == 403
    assert not ResearchExport.objects.exists()


def test_one_unfinished_export_at_a_time(research_site: ResearchSite) -> None:
    client = signed_in(research_site.researcher)
    client.post(reverse("research:exports"), {"purpose": "First"})
    again = client.post(reverse("research:exports"), {"purpose": "Second"})
    assert again.status_code == 200
    assert "still being made" in again.content.decode()
    assert ResearchExport.objects.count() == 1


def test_an_expired_file_is_removed_and_no_longer_downloadable(
    research_site: ResearchSite,
) -> None:
    export = finished_export(research_site)
    path = media_path(export.file)
    assert path.exists()
    assert actions.remove_expired_exports(timezone.now()) == 0  # not yet
    later = timezone.now() + actions.keep_for() + dt.timedelta(minutes=1)
    assert actions.remove_expired_exports(later) == 1
    assert not path.exists()
    export.refresh_from_db()
    assert (export.status, export.file) == (ExportStatus.EXPIRED, "")
    assert AuditEvent.objects.filter(action="remove_file", object_id=str(export.pk)).exists()
    client = signed_in(research_site.researcher)
    assert client.get(reverse("research:download", args=[export.pk])).status_code == 404
    assert (
        "has been removed"
        in client.get(reverse("research:export", args=[export.pk])).content.decode()
    )


def test_the_keeping_time_is_a_setting(research_site: ResearchSite, settings: Any) -> None:
    settings.HALLUXPATH_RESEARCH_EXPORT_KEEP_HOURS = 1
    export = finished_export(research_site)
    assert export.expires_at is not None
    assert export.finished_at is not None
    assert export.expires_at - export.finished_at == dt.timedelta(hours=1)


def test_the_removal_command_removes_expired_files(research_site: ResearchSite) -> None:
    export = finished_export(research_site)
    ResearchExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    out = io.StringIO()
    call_command("remove_expired_exports", stdout=out)
    assert "removed 1 expired" in out.getvalue()


def test_a_stalled_export_is_marked_failed(research_site: ResearchSite) -> None:
    export = actions.request_export(
        Actor(research_site.researcher), ExportRequestInput(purpose="x")
    )
    later = timezone.now() + actions.STALLED_AFTER + dt.timedelta(minutes=1)
    actions.remove_expired_exports(later)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED


def test_the_request_form_survives_every_boundary_value(research_site: ResearchSite) -> None:
    client = signed_in(research_site.researcher)

    def finish_any() -> list[str]:
        for export in ResearchExport.objects.filter(status=ExportStatus.QUEUED):
            actions.run_export(export.pk)
        return [reverse("research:exports")]

    case = FormCase(
        "research export request",
        client,
        reverse("research:exports"),
        valid=lambda: {"purpose": "A study"},
        reload=finish_any,
    )
    result = sweep(case)
    result.check()
    assert result.saved


def test_polling_the_status_writes_no_audit_event_per_poll(research_site: ResearchSite) -> None:
    export = finished_export(research_site)
    client = signed_in(research_site.researcher)
    before = AuditEvent.objects.count()
    for _ in range(3):
        client.get(reverse("research:export", args=[export.pk]), HTTP_HX_REQUEST="true")
    assert AuditEvent.objects.count() == before
