"""Uploading through the action and the page: stored de-identified, or nothing left behind."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.core.radiograph import TimePoint
from halluxpath.imaging import actions
from halluxpath.imaging.actions import films
from halluxpath.imaging.models import Radiograph
from halluxpath.imaging.schemas import FilmDetails
from halluxpath.imaging.synthetic import FootGeometry, render, write_png
from tests.conftest import Clinic
from tests.imaging.conftest import FilmWriter


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(clinic: Clinic, path: Path, **options: object) -> Radiograph:
    episode = clinic.patient_a.episodes.get()
    episode.side = "right"
    episode.save()
    with path.open("rb") as handle:
        return actions.upload_radiograph(
            Actor(clinic.user(Role.SURGEON)),
            episode.pk,
            handle,
            path.stat().st_size,
            FilmDetails(
                time_point=TimePoint(str(options.get("time_point", "pre_op"))),
                acquired_on=cast("date | None", options.get("acquired_on")),
            ),
        )


def test_an_uploaded_film_is_stored_de_identified_with_its_display_image(
    clinic: Clinic, dicom_file: FilmWriter
) -> None:
    radiograph = upload(clinic, dicom_file(patient_name="DOE^JANE"))
    stored = Path(settings.MEDIA_ROOT) / radiograph.stored_file
    assert b"DOE^JANE" not in stored.read_bytes()
    assert (Path(settings.MEDIA_ROOT) / radiograph.display_file).read_bytes()[:4] == b"\x89PNG"
    assert (radiograph.width, radiograph.height) == (600, 800)
    assert radiograph.pixel_spacing_mm == (0.2, 0.2)
    event = AuditEvent.objects.get(action="create", object_type="radiograph")
    assert event.detail["sha256"] == radiograph.sha256


def test_a_refused_file_leaves_nothing_behind(clinic: Clinic, tmp_path: Path) -> None:
    bad = tmp_path / "bad.dcm"
    bad.write_bytes(b"\0" * 128 + b"DICM")
    with pytest.raises(ValidationError, match="no SOP class"):
        upload(clinic, bad)
    assert media_files() == []
    assert not Radiograph.objects.exists()
    assert AuditEvent.objects.get(object_type="radiograph").outcome == "failed"


def test_a_crash_while_recording_removes_the_written_files(
    clinic: Clinic, dicom_file: FilmWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("database went away")

    monkeypatch.setattr(films, "record", broken)
    with pytest.raises(OSError, match="went away"):
        upload(clinic, dicom_file())
    assert media_files() == []
    assert not Radiograph.objects.exists()


def test_a_film_of_the_other_foot_is_refused(clinic: Clinic, dicom_file: FilmWriter) -> None:
    episode = clinic.patient_a.episodes.get()  # a left-foot episode
    path = dicom_file()  # the synthetic film says R
    with path.open("rb") as handle, pytest.raises(ValidationError, match="RIGHT foot"):
        actions.upload_radiograph(
            Actor(clinic.user(Role.SURGEON)),
            episode.pk,
            handle,
            path.stat().st_size,
            FilmDetails(time_point=TimePoint.PRE_OPERATIVE),
        )
    assert media_files() == []


def test_a_png_needs_the_date_it_was_taken(clinic: Clinic, tmp_path: Path) -> None:
    png = tmp_path / "film.png"
    write_png(
        render(
            FootGeometry(
                hva_deg=20,
                ima_deg=10,
                hvia_deg=5,
                dmaa_deg=5,
                sesamoid_fraction=0.5,
                side="left",
                width=300,
                height=400,
                pixel_spacing_mm=(0.2, 0.2),
                seed=1,
            )
        ),
        png,
    )
    with pytest.raises(ValidationError, match="when it was taken"):
        upload(clinic, png)
    radiograph = upload(clinic, png, acquired_on=date(2026, 3, 1))
    assert radiograph.source_format == "png"
    assert radiograph.pixel_spacing_mm is None


def test_the_upload_page_shows_the_reason_and_keeps_the_choices(
    clinic: Clinic, client: Client, tmp_path: Path
) -> None:
    client.force_login(clinic.user(Role.NURSE))
    episode = clinic.patient_a.episodes.get()
    bad = tmp_path / "notes.txt"
    bad.write_bytes(b"hello")
    with bad.open("rb") as handle:
        response = client.post(
            reverse("imaging:upload", args=[episode.pk]), {"file": handle, "time_point": "6w"}
        )
    body = response.content.decode()
    assert response.status_code == 200
    assert "not a DICOM, PNG or JPEG" in body
    assert 'value="6w" selected' in body


def test_physiotherapists_and_other_teams_cannot_upload(clinic: Clinic, client: Client) -> None:
    episode = clinic.patient_a.episodes.get()
    client.force_login(clinic.user(Role.PHYSIOTHERAPIST))
    assert client.get(reverse("imaging:upload", args=[episode.pk])).status_code == 403
    client.force_login(clinic.surgeon_b)
    assert client.get(reverse("imaging:upload", args=[episode.pk])).status_code == 404
