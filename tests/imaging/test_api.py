"""The film API: the same actions and refusals as the pages, over django-ninja."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.core.landmarks import LandmarkError, landmarks_from_document
from halluxpath.core.radiograph import TimePoint, measure_document
from halluxpath.imaging import actions
from halluxpath.imaging.access import MEASUREMENTS, RADIOGRAPHS
from halluxpath.imaging.models import CALIBRATION, DEIDENTIFICATION, Measurement, Radiograph
from halluxpath.imaging.schemas import Calibration, FilmDetails
from halluxpath.imaging.synthetic import SyntheticFilm
from tests.api.problems import problem
from tests.conftest import Clinic
from tests.imaging import access_samples
from tests.imaging.conftest import FilmWriter


@pytest.fixture
def radiograph(clinic: Clinic, dicom_file: FilmWriter) -> Radiograph:
    episode = clinic.patient_a.episodes.get()
    episode.side = "right"
    episode.save()
    path = dicom_file()
    with path.open("rb") as handle:
        return actions.upload_radiograph(
            Actor(clinic.user(Role.SURGEON)),
            episode.pk,
            handle,
            path.stat().st_size,
            FilmDetails(time_point=TimePoint.PRE_OPERATIVE),
        )


def save(client: Client, film: Radiograph, document: Any, version: int | None = None) -> Any:
    headers = {} if version is None else {"If-Match": f'"{version}"'}
    return client.post(
        f"/api/v1/radiographs/{film.pk}/landmarks",
        json.dumps(document),
        content_type="application/json",
        headers=headers,
    )


def test_a_saved_landmark_set_answers_with_the_reading_the_core_computed(
    clinic: Clinic, client: Client, radiograph: Radiograph, film: SyntheticFilm
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    response = save(client, radiograph, film.landmarks, radiograph.version)
    assert response.status_code == 201
    body = response.json()
    assert body["results"] == measure_document(film.landmarks)
    assert body["landmarks"] == film.landmarks
    assert body["current"] is True
    assert Measurement.objects.get().pk == body["id"]


def test_a_save_on_a_film_calibrated_since_is_a_conflict_and_writes_nothing(
    clinic: Clinic, client: Client, radiograph: Radiograph, film: SyntheticFilm
) -> None:
    opened_on = radiograph.version
    actions.calibrate(
        Actor(clinic.user(Role.NURSE)),
        radiograph.pk,
        opened_on,
        Calibration(first=(100, 100), second=(200, 100), length_mm=25),
    )
    client.force_login(clinic.user(Role.SURGEON))
    response = save(client, radiograph, film.landmarks, opened_on)
    problem(response, 409, says="changed by someone else")
    assert not Measurement.objects.exists()


def test_a_save_without_the_film_version_is_refused(
    clinic: Clinic, client: Client, radiograph: Radiograph, film: SyntheticFilm
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    response = save(client, radiograph, film.landmarks)
    problem(response, 428, says="If-Match")
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["points"].pop("m1_distal"),
        lambda d: d["points"].pop("p1_distal"),
        lambda d: d.__setitem__("extra", 1),
        lambda d: d["points"].__setitem__("p1_distal", d["points"]["p1_proximal"]),
    ],
)
def test_landmarks_the_core_refuses_are_a_422_with_the_cores_message(
    clinic: Clinic, client: Client, radiograph: Radiograph, film: SyntheticFilm, change: Any
) -> None:
    document = copy.deepcopy(film.landmarks)
    change(document)
    with pytest.raises(LandmarkError) as refusal:
        landmarks_from_document(document)
    client.force_login(clinic.user(Role.SURGEON))
    response = save(client, radiograph, document, radiograph.version)
    assert problem(response, 422)["detail"] == str(refusal.value)
    assert not Measurement.objects.exists()


def test_another_teams_film_does_not_exist_for_them(
    clinic: Clinic, client: Client, radiograph: Radiograph, film: SyntheticFilm
) -> None:
    client.force_login(clinic.surgeon_b)
    assert save(client, radiograph, film.landmarks, radiograph.version).status_code == 404
    for path in ("", "/measurements"):
        assert client.get(f"/api/v1/radiographs/{radiograph.pk}{path}").status_code == 404
    assert not Measurement.objects.exists()


def test_a_physiotherapist_reads_the_film_but_may_not_save_landmarks(
    clinic: Clinic, client: Client, radiograph: Radiograph, film: SyntheticFilm
) -> None:
    client.force_login(clinic.user(Role.PHYSIOTHERAPIST))
    assert client.get(f"/api/v1/radiographs/{radiograph.pk}").status_code == 200
    response = save(client, radiograph, film.landmarks, radiograph.version)
    problem(response, 403, says="cannot")
    assert not Measurement.objects.exists()


def test_the_readings_of_a_film_list_history_and_download_drawn(
    clinic: Clinic, client: Client, radiograph: Radiograph, film: SyntheticFilm
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    save(client, radiograph, film.landmarks, radiograph.version)
    moved = copy.deepcopy(film.landmarks)
    moved["points"]["p1_distal"][0] += 5
    newest = save(client, radiograph, moved, radiograph.version).json()
    readings = client.get(f"/api/v1/radiographs/{radiograph.pk}/measurements").json()
    assert [r["current"] for r in readings] == [True, False]
    assert readings[0]["id"] == newest["id"]
    assert readings[0]["results"]["schema"] == "halluxpath.measurements/1"
    drawn = client.get(
        f"/api/v1/radiographs/{radiograph.pk}/measurements/{newest['id']}/annotated.png"
    )
    assert drawn.status_code == 200
    assert drawn["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(drawn.content)) as picture:
        assert picture.size == (600, 800)


def test_a_film_is_uploaded_through_the_api_by_the_same_checks(
    clinic: Clinic, client: Client, dicom_file: FilmWriter, tmp_path: Path
) -> None:
    episode = clinic.patient_a.episodes.get()
    episode.side = "right"
    episode.save()
    client.force_login(clinic.user(Role.SURGEON))
    url = f"/api/v1/episodes/{episode.pk}/radiographs"
    with dicom_file(patient_name="DOE^JANE").open("rb") as handle:
        response = client.post(url, {"file": handle, "time_point": "6w"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["time_point"], body["width"], body["pixel_spacing_mm"]) == (
        "6w",
        600,
        [0.2, 0.2],
    )
    stored = Radiograph.objects.get()
    assert DEIDENTIFICATION.read(stored.deidentification) == stored.deidentification_content
    assert stored.deidentification["schema"] == DEIDENTIFICATION.tag
    bad = tmp_path / "bad.dcm"
    bad.write_bytes(b"\0" * 128 + b"DICM")
    with bad.open("rb") as handle:
        refused = client.post(url, {"file": handle, "time_point": "pre_op"})
    problem(refused, 422, says="file")
    with dicom_file().open("rb") as handle:
        unknown = client.post(url, {"file": handle, "time_point": "someday"})
    problem(unknown, 422)
    assert Radiograph.objects.count() == 1


def test_calibration_and_pixel_review_through_the_api_carry_the_film_version(
    clinic: Clinic, client: Client, radiograph: Radiograph
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    url = f"/api/v1/radiographs/{radiograph.pk}"
    body = {"version": radiograph.version, "first": [100, 100], "second": [200, 100]}
    calibrated = client.post(
        f"{url}/calibration", {**body, "length_mm": 25}, content_type="application/json"
    )
    assert calibrated.status_code == 200
    assert calibrated.json()["pixel_spacing_mm"] == [0.25, 0.25]
    stale = client.post(
        f"{url}/calibration", {**body, "length_mm": 30}, content_type="application/json"
    )
    problem(stale, 409)
    reviewed = client.post(
        f"{url}/pixel-review",
        {"version": calibrated.json()["version"]},
        content_type="application/json",
    )
    assert reviewed.status_code == 200
    radiograph.refresh_from_db()
    assert radiograph.pixel_review == "confirmed"
    assert radiograph.calibration is not None
    assert radiograph.calibration["schema"] == CALIBRATION.tag
    assert radiograph.calibration_content == CALIBRATION.read(radiograph.calibration)
    assert radiograph.pixel_spacing_mm == (0.25, 0.25)


def test_an_unversioned_calibration_from_an_older_release_still_reads(
    radiograph: Radiograph,
) -> None:
    legacy = {"points": [[1, 1], [30, 1]], "length_mm": 25.0, "pixel_spacing_mm": 25 / 29}
    Radiograph.objects.filter(pk=radiograph.pk).update(
        calibration=legacy, deidentification={"removed": ["PatientName"]}
    )
    radiograph.refresh_from_db()
    assert radiograph.calibration_content == legacy
    assert radiograph.deidentification_content == {"removed": ["PatientName"]}


def test_the_access_samples_are_seen_by_the_team_only(clinic: Clinic) -> None:
    episode = clinic.patient_a.episodes.get()
    for object_type, helper in (("radiograph", RADIOGRAPHS), ("measurement", MEASUREMENTS)):
        sample = access_samples.SAMPLES[object_type](episode)
        own = Actor(clinic.user(Role.SURGEON))
        assert helper.get(own, sample.pk, purpose="edit") == sample
        with pytest.raises(Exception, match="No such record"):
            helper.get(Actor(clinic.surgeon_b), sample.pk)


def test_the_openapi_document_lists_every_film_endpoint(client: Client, db: None) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/episodes/{episode_id}/radiographs",
        "/api/v1/radiographs/{radiograph_id}",
        "/api/v1/radiographs/{radiograph_id}/landmarks",
        "/api/v1/radiographs/{radiograph_id}/measurements",
        "/api/v1/radiographs/{radiograph_id}/measurements/{measurement_id}/annotated.png",
        "/api/v1/radiographs/{radiograph_id}/calibration",
        "/api/v1/radiographs/{radiograph_id}/pixel-review",
    } <= set(paths)
    save = paths["/api/v1/radiographs/{radiograph_id}/landmarks"]["post"]
    assert "If-Match" in {p["name"] for p in save["parameters"]}
