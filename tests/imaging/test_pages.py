"""The radiograph page, saving landmarks, downloads, comparison, and the compute API."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.core.radiograph import TimePoint, measure_document
from halluxpath.imaging import actions
from halluxpath.imaging.models import Measurement, Radiograph
from halluxpath.imaging.schemas import FilmDetails
from halluxpath.imaging.synthetic import SyntheticFilm
from tests.api.problems import problem
from tests.conftest import Clinic
from tests.imaging.conftest import FilmWriter

COMPUTE = "/api/v1/measurements/compute"


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


def post_json(client: Client, url: str, document: Any) -> Any:
    return client.post(url, json.dumps(document), content_type="application/json")


def save_url(radiograph: Radiograph) -> str:
    """The landmark save, in the API since the landmark tool posts there."""
    return f"/api/v1/radiographs/{radiograph.pk}/landmarks"


def save_landmarks(client: Client, radiograph: Radiograph, body: Any) -> Any:
    """POST a landmark document (or raw bytes) naming the film version it was measured on."""
    return client.post(
        save_url(radiograph),
        body if isinstance(body, bytes) else json.dumps(body),
        content_type="application/json",
        headers={"If-Match": f'"{radiograph.version}"'},
    )


def test_the_page_opens_with_the_tool_and_its_configuration(
    clinic: Clinic, client: Client, radiograph: Radiograph
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    response = client.get(reverse("imaging:radiograph", args=[radiograph.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="landmark-tool-config"' in body
    assert 'data-action="save"' in body
    config = json.loads(
        body.split('id="landmark-tool-config" type="application/json">')[1].split("</script>")[0]
    )
    assert (config["width"], config["height"]) == (600, 800)
    assert config["pixelSpacing"] == [0.2, 0.2]
    image = client.get(config["imageUrl"])
    assert image["Content-Type"] == "image/png"


def test_saving_landmarks_stores_the_document_and_the_results(
    clinic: Clinic, client: Client, radiograph: Radiograph, film: SyntheticFilm
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    response = save_landmarks(client, radiograph, film.landmarks)
    assert response.status_code == 201
    saved = Measurement.objects.get()
    assert saved.landmarks == film.landmarks
    assert saved.results == measure_document(film.landmarks)
    assert abs(saved.results["hva_deg"] - 28.0) <= 0.2


def test_re_measuring_keeps_history_and_observers_measure_independently(
    clinic: Clinic, client: Client, radiograph: Radiograph, film: SyntheticFilm
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    save_landmarks(client, radiograph, film.landmarks)
    moved = copy.deepcopy(film.landmarks)
    moved["points"]["p1_distal"][0] += 5
    save_landmarks(client, radiograph, moved)
    client.force_login(clinic.user(Role.NURSE))
    save_landmarks(client, radiograph, film.landmarks)
    current = Measurement.objects.filter(superseded_at__isnull=True)
    assert current.count() == 2
    assert Measurement.objects.filter(observer__username="surgeon").count() == 2
    assert (
        Measurement.objects.get(observer__username="surgeon", superseded_at__isnull=True).landmarks
        == moved
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["points"].pop("m1_distal"), "m1_distal"),
        (lambda d: d["points"].__setitem__("p1_distal", [-50, 10]), "outside the image"),
        (lambda d: d.__setitem__("pixel_spacing_mm", [0.1, 0.1]), "pixel size changed"),
        (lambda d: d.__setitem__("schema", "nope"), "schema"),
    ],
)
def test_bad_landmarks_are_refused_and_nothing_is_saved(
    clinic: Clinic,
    client: Client,
    radiograph: Radiograph,
    film: SyntheticFilm,
    change: Any,
    message: str,
) -> None:
    document = copy.deepcopy(film.landmarks)
    change(document)
    client.force_login(clinic.user(Role.SURGEON))
    response = save_landmarks(client, radiograph, document)
    problem(response, 422, says=message)
    assert not Measurement.objects.exists()


def test_a_body_that_is_not_json_is_refused(
    clinic: Clinic, client: Client, radiograph: Radiograph
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    response = save_landmarks(client, radiograph, b"\xff\xfe{")
    assert response.status_code == 400


def test_the_annotated_image_downloads_and_is_audited(
    clinic: Clinic, client: Client, radiograph: Radiograph, film: SyntheticFilm
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    save_landmarks(client, radiograph, film.landmarks)
    measurement = Measurement.objects.get()
    response = client.get(reverse("imaging:annotated", args=[radiograph.pk, measurement.pk]))
    assert response.status_code == 200
    with Image.open(io.BytesIO(response.content)) as picture:
        assert picture.size == (600, 800)
        assert picture.mode == "RGB"
    assert AuditEvent.objects.filter(action="export", object_type="radiograph").exists()


def test_calibration_sets_the_pixel_size_from_a_known_length(
    clinic: Clinic, client: Client, radiograph: Radiograph
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    response = client.post(
        reverse("imaging:calibrate", args=[radiograph.pk]),
        {
            "version": radiograph.version,
            "x1": 100,
            "y1": 100,
            "x2": 200,
            "y2": 100,
            "length_mm": 25,
        },
        follow=True,
    )
    assert "Calibration saved" in response.content.decode()
    radiograph.refresh_from_db()
    assert radiograph.pixel_spacing_mm == (0.25, 0.25)
    assert radiograph.spacing_source == "calibration"
    stale = client.post(
        reverse("imaging:calibrate", args=[radiograph.pk]),
        {"version": 1, "x1": 100, "y1": 100, "x2": 300, "y2": 100, "length_mm": 25},
        follow=True,
    )
    assert "changed by someone else" in stale.content.decode()


def test_calibration_points_too_close_are_refused(
    clinic: Clinic, client: Client, radiograph: Radiograph
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    response = client.post(
        reverse("imaging:calibrate", args=[radiograph.pk]),
        {
            "version": radiograph.version,
            "x1": 100,
            "y1": 100,
            "x2": 105,
            "y2": 100,
            "length_mm": 25,
        },
        follow=True,
    )
    assert "pixels apart" in response.content.decode()
    radiograph.refresh_from_db()
    assert radiograph.spacing_source == "pixel_spacing"


def test_the_comparison_shows_the_change_in_every_measure(
    clinic: Clinic,
    client: Client,
    radiograph: Radiograph,
    film: SyntheticFilm,
    dicom_file: FilmWriter,
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    path = dicom_file()
    with path.open("rb") as handle:
        later = actions.upload_radiograph(
            Actor(clinic.user(Role.SURGEON)),
            radiograph.episode_id,
            handle,
            path.stat().st_size,
            FilmDetails(time_point=TimePoint.WEEKS_6),
        )
    save_landmarks(client, radiograph, film.landmarks)
    corrected = copy.deepcopy(film.landmarks)
    p = corrected["points"]
    # Straighten the toe: put p1_distal on the M1 axis direction from p1_proximal.
    ux = p["m1_distal"][0] - p["m1_proximal"][0]
    uy = p["m1_distal"][1] - p["m1_proximal"][1]
    p["p1_distal"] = [p["p1_proximal"][0] + ux * 0.4, p["p1_proximal"][1] + uy * 0.4]
    save_landmarks(client, later, corrected)
    response = client.get(
        reverse("imaging:compare", args=[radiograph.episode_id]),
        {"before": radiograph.pk, "after": later.pk},
    )
    rows = {row.key: row for row in response.context["rows"]}
    assert rows["hva_deg"].after == 0.0
    assert rows["hva_deg"].change == pytest.approx(-rows["hva_deg"].before, abs=0.11)
    assert rows["ima_deg"].change == 0.0


def test_other_teams_cannot_see_the_film_or_its_image(
    clinic: Clinic, client: Client, radiograph: Radiograph
) -> None:
    client.force_login(clinic.surgeon_b)
    for name in ("imaging:radiograph", "imaging:image", "imaging:download"):
        assert client.get(reverse(name, args=[radiograph.pk])).status_code == 404
    client.force_login(clinic.user(Role.PATIENT))
    assert client.get(reverse("imaging:radiograph", args=[radiograph.pk])).status_code == 403


def test_the_physiotherapist_reads_but_cannot_measure(
    clinic: Clinic, client: Client, radiograph: Radiograph, film: SyntheticFilm
) -> None:
    client.force_login(clinic.user(Role.PHYSIOTHERAPIST))
    page = client.get(reverse("imaging:radiograph", args=[radiograph.pk]))
    assert page.status_code == 200
    assert 'data-action="save"' not in page.content.decode()
    response = save_landmarks(client, radiograph, film.landmarks)
    assert response.status_code == 403


def test_the_compute_api_follows_the_contract(
    clinic: Clinic, client: Client, film: SyntheticFilm
) -> None:
    client.force_login(clinic.user(Role.NURSE))
    response = post_json(client, COMPUTE, film.landmarks)
    assert response.status_code == 200
    assert response.json() == measure_document(film.landmarks)
    assert next(iter(response.json())) == "schema"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"schema": "halluxpath.landmarks/1", "points": {}}', "m1_proximal"),
        (b"[1, 2]", "object"),
        (b'{"schema": NaN}', ""),
        (b"\xff", ""),
    ],
)
def test_the_compute_api_refuses_with_422_and_a_detail(
    clinic: Clinic, client: Client, body: bytes, message: str
) -> None:
    client.force_login(clinic.user(Role.NURSE))
    response = client.post(COMPUTE, body, content_type="application/json")
    problem(response, 422, says=message)


@pytest.mark.parametrize("role", [Role.PATIENT, Role.RESEARCHER])
def test_the_compute_api_is_for_staff_only(
    clinic: Clinic, client: Client, role: Role, film: SyntheticFilm
) -> None:
    client.force_login(clinic.user(role))
    assert post_json(client, COMPUTE, film.landmarks).status_code == 401


def test_the_compute_api_needs_a_signed_in_user_and_csrf(db: None, film: SyntheticFilm) -> None:
    assert post_json(Client(), COMPUTE, film.landmarks).status_code == 401


def test_the_openapi_document_describes_the_endpoint(clinic: Clinic, client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/measurements/compute" in schema["paths"]
    client.force_login(clinic.user(Role.NURSE))
    assert client.get("/api/v1/docs").status_code == 200


def test_radiograph_files_are_not_reachable_by_a_media_url(
    client: Client, clinic: Clinic, radiograph: Radiograph
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    assert client.get("/media/" + radiograph.stored_file).status_code == 404
    assert Path(radiograph.stored_file).suffix == ".dcm"
