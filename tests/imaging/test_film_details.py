"""A film's side, view and date: recorded at upload and on the film page, who and when kept.

A PNG or JPEG film carries no side, so without a side a person records the
Time Out's three-way check (DOMAIN §9) can never pass (issue 12, item 1).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.core import checklist
from halluxpath.core.radiograph import Laterality, TimePoint
from halluxpath.imaging import actions
from halluxpath.imaging.models import Radiograph
from halluxpath.imaging.schemas import FilmDetails, FilmDetailsChange
from halluxpath.imaging.synthetic import SyntheticFilm, write_png
from halluxpath.patients.models import Episode
from halluxpath.records import EditConflict
from tests.api.problems import problem
from tests.conftest import Clinic
from tests.imaging.conftest import FilmWriter


@pytest.fixture
def episode(clinic: Clinic) -> Episode:
    found = clinic.patient_a.episodes.get()
    found.side = "right"
    found.save()
    return found


@pytest.fixture
def png_path(film: SyntheticFilm, tmp_path: Path) -> Path:
    path = tmp_path / "film.png"
    write_png(film, path)
    return path


def upload_page(client: Client, episode: Episode, path: Path, **fields: str) -> Any:
    data: dict[str, Any] = {"time_point": "pre_op", "acquired_on": "2026-03-14", **fields}
    with path.open("rb") as handle:
        data["file"] = handle
        return client.post(reverse("imaging:upload", args=[episode.pk]), data)


def png_film(clinic: Clinic, episode: Episode, path: Path, **details: Any) -> Radiograph:
    with path.open("rb") as handle:
        return actions.upload_radiograph(
            Actor(clinic.user(Role.SURGEON)),
            episode.pk,
            handle,
            path.stat().st_size,
            FilmDetails(
                time_point=TimePoint.PRE_OPERATIVE, acquired_on=dt.date(2026, 3, 14), **details
            ),
        )


def test_a_png_film_with_the_side_recorded_at_upload_confirms_the_side_at_time_out(
    clinic: Clinic, client: Client, episode: Episode, png_path: Path
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    response = upload_page(client, episode, png_path, laterality="right")
    assert response.status_code == 302
    film = Radiograph.objects.get()
    assert film.laterality == "right"
    assert film.file_laterality == ""
    assert film.laterality_recorded_by == clinic.user(Role.SURGEON)
    assert film.laterality_recorded_at is not None
    assert checklist.check_laterality("right", "right", film.laterality).ok
    event = AuditEvent.objects.get(action="create", object_type="radiograph")
    assert event.detail["laterality"] == "right"
    assert event.detail["laterality_source"] == "staff"
    page = client.get(reverse("imaging:radiograph", args=[film.pk])).content.decode()
    assert "Side recorded as right by Surgeon Test" in page


def test_an_upload_whose_side_differs_from_the_episode_is_refused_and_keeps_the_other_fields(
    clinic: Clinic, client: Client, episode: Episode, png_path: Path
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    response = upload_page(
        client, episode, png_path, laterality="left", time_point="6w", acquired_on="2026-03-01"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "this episode is for the RIGHT foot" in body
    assert not Radiograph.objects.exists()
    assert 'value="6w" selected' in body
    assert 'value="left" selected' in body
    assert 'value="2026-03-01"' in body
    assert "form-errors" in body


def test_a_png_film_without_a_side_asks_for_one_and_the_film_page_records_it(
    clinic: Clinic, client: Client, episode: Episode, png_path: Path
) -> None:
    film = png_film(clinic, episode, png_path)
    assert film.laterality == ""
    assert not checklist.check_laterality("right", "right", film.laterality).ok
    client.force_login(clinic.user(Role.NURSE))
    page = client.get(reverse("imaging:radiograph", args=[film.pk])).content.decode()
    assert "No side is recorded for this film" in page
    response = client.post(
        reverse("imaging:details", args=[film.pk]),
        {
            "version": film.version,
            "laterality": "right",
            "view": "dp",
            "acquired_on": "2026-03-14",
        },
    )
    assert response.status_code == 302
    film.refresh_from_db()
    assert film.laterality == "right"
    assert film.version == 2
    assert film.laterality_recorded_by == clinic.user(Role.NURSE)
    event = AuditEvent.objects.get(action="change", object_type="radiograph")
    assert event.detail["changes"] == {"laterality": {"before": "", "after": "right"}}
    page = client.get(reverse("imaging:radiograph", args=[film.pk])).content.decode()
    assert "Side recorded as right by Nurse Test" in page
    assert "No side is recorded" not in page


def test_a_dicom_films_side_keeps_the_files_value_and_shows_a_correction(
    clinic: Clinic, client: Client, episode: Episode, dicom_file: FilmWriter
) -> None:
    path = dicom_file(extra={"ImageLaterality": "R"})
    with path.open("rb") as handle:
        film = actions.upload_radiograph(
            Actor(clinic.user(Role.SURGEON)),
            episode.pk,
            handle,
            path.stat().st_size,
            FilmDetails(time_point=TimePoint.PRE_OPERATIVE),
        )
    assert (film.laterality, film.file_laterality) == ("right", "right")
    assert film.laterality_recorded_by is None
    assert film.file_acquired_on == dt.date(2026, 3, 14)
    client.force_login(clinic.user(Role.SURGEON))
    page = client.get(reverse("imaging:radiograph", args=[film.pk])).content.decode()
    assert "From the DICOM file" in page
    actions.record_film_details(
        Actor(clinic.user(Role.SURGEON)),
        film.pk,
        film.version,
        FilmDetailsChange(laterality=Laterality.LEFT, acquired_on=dt.date(2026, 3, 13)),
    )
    film.refresh_from_db()
    assert (film.laterality, film.file_laterality) == ("left", "right")
    page = client.get(reverse("imaging:radiograph", args=[film.pk])).content.decode()
    assert "Corrected to left by Surgeon Test" in page
    assert "the DICOM file says right" in page
    assert "Side mismatch" in page  # the episode is for the right foot
    assert not checklist.check_laterality("right", "right", film.laterality).ok


def test_a_dicom_upload_whose_entered_side_contradicts_the_file_is_refused(
    clinic: Clinic, episode: Episode, dicom_file: FilmWriter
) -> None:
    path = dicom_file(extra={"ImageLaterality": "R"})
    with path.open("rb") as handle, pytest.raises(Exception, match="The file says this is a RIGHT"):
        actions.upload_radiograph(
            Actor(clinic.user(Role.SURGEON)),
            episode.pk,
            handle,
            path.stat().st_size,
            FilmDetails(time_point=TimePoint.PRE_OPERATIVE, laterality=Laterality.LEFT),
        )
    assert not Radiograph.objects.exists()


def test_a_details_edit_on_a_film_changed_since_is_a_conflict(
    clinic: Clinic, client: Client, episode: Episode, png_path: Path
) -> None:
    film = png_film(clinic, episode, png_path)
    actions.record_film_details(
        Actor(clinic.user(Role.NURSE)),
        film.pk,
        film.version,
        FilmDetailsChange(laterality=Laterality.RIGHT),
    )
    with pytest.raises(EditConflict):
        actions.record_film_details(
            Actor(clinic.user(Role.SURGEON)),
            film.pk,
            film.version,
            FilmDetailsChange(laterality=Laterality.LEFT),
        )
    client.force_login(clinic.user(Role.SURGEON))
    response = client.post(
        reverse("imaging:details", args=[film.pk]),
        {"version": film.version, "laterality": "left", "view": "dp", "acquired_on": "2026-03-14"},
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    film.refresh_from_db()
    assert film.laterality == "right"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("acquired_on", "0001-01-01", "before the patient was born"),
        ("acquired_on", "9999-12-31", "cannot be in the future"),
        ("acquired_on", "31/31/2026", "Enter a valid date"),
        ("acquired_on", "2026-03-14" + "x" * 4000, "Enter a valid date"),
        ("laterality", "<script>alert(1)</script>", "Select a valid choice"),
        ("laterality", "", "This field is required"),
        ("view", "lateral", "Select a valid choice"),
        ("version", "abc", "reload the page"),
        ("version", "99999999999999999999999", "changed by someone else"),
    ],
)
def test_bad_details_get_a_form_error_never_a_500_and_the_film_still_opens(
    clinic: Clinic,
    client: Client,
    episode: Episode,
    png_path: Path,
    field: str,
    value: str,
    message: str,
) -> None:
    film = png_film(clinic, episode, png_path)
    client.force_login(clinic.user(Role.SURGEON))
    data = {"version": str(film.version), "laterality": "right", "view": "dp"}
    data["acquired_on"] = "2026-03-14"
    data[field] = value
    response = client.post(reverse("imaging:details", args=[film.pk]), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "<script>alert(1)</script>" not in body
    film.refresh_from_db()
    assert film.version == 1
    for name in ("imaging:radiograph", "imaging:image", "imaging:download"):
        assert client.get(reverse(name, args=[film.pk])).status_code == 200
    assert client.get(reverse("imaging:compare", args=[episode.pk])).status_code == 200


def test_physiotherapists_cannot_record_a_films_details(
    clinic: Clinic, client: Client, episode: Episode, png_path: Path
) -> None:
    film = png_film(clinic, episode, png_path)
    client.force_login(clinic.user(Role.PHYSIOTHERAPIST))
    response = client.post(
        reverse("imaging:details", args=[film.pk]),
        {"version": 1, "laterality": "right", "view": "dp", "acquired_on": "2026-03-14"},
    )
    assert response.status_code == 403
    film.refresh_from_db()
    assert film.laterality == ""


# --- the API: PATCH with If-Match --------------------------------------------------------


def patch(client: Client, film: Radiograph, body: Any, version: int | None) -> Any:
    headers = {} if version is None else {"If-Match": f'"{version}"'}
    return client.patch(
        f"/api/v1/radiographs/{film.pk}",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def test_the_api_records_the_side_with_who_and_when(
    clinic: Clinic, client: Client, episode: Episode, png_path: Path
) -> None:
    film = png_film(clinic, episode, png_path)
    client.force_login(clinic.user(Role.SURGEON))
    response = patch(client, film, {"laterality": "right"}, film.version)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["laterality"] == "right"
    assert body["laterality_recorded_by"] == "Surgeon Test"
    assert body["version"] == 2
    assert body["acquired_on"] == "2026-03-14"  # left out: unchanged
    problem(patch(client, film, {"laterality": "left"}, 1), 409)
    problem(patch(client, film, {"laterality": "left"}, None), 428, says="If-Match")
    for bad in (
        {"laterality": "middle"},
        {"acquired_on": "9999-12-31"},
        {"acquired_on": "0001-01-01"},
        {"view": 3},
        {"unknown": 1},
    ):
        answer = patch(client, film, bad, 2)
        assert problem(answer, 422)["errors"], bad
    film.refresh_from_db()
    assert (film.laterality, film.version) == ("right", 2)
    client.force_login(clinic.user(Role.PHYSIOTHERAPIST))
    problem(patch(client, film, {"laterality": "left"}, 2), 403)


def test_the_api_upload_takes_the_side_and_refuses_the_other_foot(
    clinic: Clinic, client: Client, episode: Episode, png_path: Path
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    url = f"/api/v1/episodes/{episode.pk}/radiographs"
    for side, status in (("left", 422), ("right", 201)):
        with png_path.open("rb") as handle:
            response = client.post(
                url,
                {
                    "file": handle,
                    "time_point": "pre_op",
                    "acquired_on": "2026-03-14",
                    "laterality": side,
                },
            )
        assert response.status_code == status, response.content
    body = response.json()
    assert body["laterality"] == "right"
    assert body["laterality_recorded_by"] == "Surgeon Test"
    assert body["file_laterality"] == ""
    assert Radiograph.objects.count() == 1
    spec = client.get("/api/v1/openapi.json").json()
    assert "patch" in spec["paths"]["/api/v1/radiographs/{radiograph_id}"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("acquired_on", "0001-01-01", "before the patient was born"),
        ("acquired_on", "9999-12-31", "cannot be in the future"),
        ("acquired_on", "not a date", "Enter a valid date"),
        ("laterality", "both", "Select a valid choice"),
        ("laterality", "<b>right</b>" * 500, "Select a valid choice"),
        ("view", "lateral", "Select a valid choice"),
        ("time_point", "1e999", "Select a valid choice"),
    ],
)
def test_bad_upload_details_get_a_form_error_and_keep_the_other_values(
    clinic: Clinic,
    client: Client,
    episode: Episode,
    png_path: Path,
    field: str,
    value: str,
    message: str,
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    fields = {"time_point": "6w", "laterality": "right", "acquired_on": "2026-03-01", field: value}
    response = upload_page(client, episode, png_path, **fields)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "form-errors" in body
    assert "<b>right</b>" not in body
    if field != "time_point":
        assert 'value="6w" selected' in body
    if field != "acquired_on":
        assert 'value="2026-03-01"' in body
    assert not Radiograph.objects.exists()
    assert client.get(reverse("imaging:upload", args=[episode.pk])).status_code == 200
