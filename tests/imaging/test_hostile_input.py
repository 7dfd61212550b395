"""Input found by probing (issue 12, items 5 and 15): a clear answer, never a 500.

DICOM files with a Window Width of 0 or non-numeric window or rescale values,
deeply nested or huge JSON sent to the landmark save, and implausible
measures saved without a warning.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.core.radiograph import TimePoint
from halluxpath.imaging import actions
from halluxpath.imaging.models import Measurement, Radiograph
from halluxpath.imaging.schemas import FilmDetails
from halluxpath.imaging.synthetic import SyntheticFilm
from tests.api.problems import problem
from tests.conftest import Clinic
from tests.imaging.conftest import FilmWriter

PLACEHOLDER = b"98765.4321"  # ten characters, written then replaced in the file's bytes


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


def patched_dicom(dicom_file: FilmWriter, keyword: str, text: str) -> Path:
    """A DICOM file whose ``keyword`` holds ``text`` as written, however bad (DS is text)."""
    path = dicom_file(extra={keyword: PLACEHOLDER.decode()})
    raw = path.read_bytes()
    assert raw.count(PLACEHOLDER) == 1
    path.write_bytes(raw.replace(PLACEHOLDER, text.encode().ljust(len(PLACEHOLDER))))
    return path


def prepared(clinic: Clinic, client: Client, role: str = Role.SURGEON) -> int:
    episode = clinic.patient_a.episodes.get()
    episode.side = "right"
    episode.save()
    client.force_login(clinic.user(role))
    return episode.pk


def page_upload(client: Client, episode_pk: int, path: Path) -> Any:
    with path.open("rb") as handle:
        return client.post(
            reverse("imaging:upload", args=[episode_pk]),
            {"file": handle, "time_point": "pre_op", "laterality": "right"},
        )


def api_upload(client: Client, episode_pk: int, path: Path) -> Any:
    with path.open("rb") as handle:
        return client.post(
            f"/api/v1/episodes/{episode_pk}/radiographs",
            {"file": handle, "time_point": "pre_op"},
        )


UNUSABLE_WINDOWS = [
    ("WindowWidth", "0"),
    ("WindowWidth", "-40"),
    ("WindowWidth", "wide"),
    ("WindowWidth", "1e999"),
    ("WindowCenter", "abc"),
    ("WindowCenter", "nan"),
]


@pytest.mark.parametrize(("keyword", "text"), UNUSABLE_WINDOWS)
def test_a_dicom_film_with_an_unusable_window_is_shown_with_a_computed_one(
    clinic: Clinic, client: Client, dicom_file: FilmWriter, keyword: str, text: str
) -> None:
    episode_pk = prepared(clinic, client)
    response = page_upload(client, episode_pk, patched_dicom(dicom_file, keyword, text))
    assert response.status_code == 302, response.content.decode()[:500]
    film = Radiograph.objects.get()
    assert client.get(reverse("imaging:radiograph", args=[film.pk])).status_code == 200
    assert client.get(reverse("imaging:image", args=[film.pk])).status_code == 200
    assert client.get(reverse("imaging:download", args=[film.pk])).status_code == 200
    answer = api_upload(client, episode_pk, patched_dicom(dicom_file, keyword, text))
    assert answer.status_code == 201, answer.content


@pytest.mark.parametrize(
    ("keyword", "text", "words"),
    [
        ("RescaleSlope", "x", "Rescale Slope is 'x', not a number"),
        ("RescaleSlope", "0", "Rescale Slope is 0"),
        ("RescaleIntercept", "nan", "Rescale Intercept is 'nan', not a number"),
        ("RescaleIntercept", "1e999", "not a number"),
    ],
)
def test_a_dicom_film_with_a_meaningless_rescale_is_refused_with_the_reason(
    clinic: Clinic, client: Client, dicom_file: FilmWriter, keyword: str, text: str, words: str
) -> None:
    episode_pk = prepared(clinic, client)
    response = page_upload(client, episode_pk, patched_dicom(dicom_file, keyword, text))
    assert response.status_code == 200
    body = response.content.decode()
    assert words in body.replace("&#x27;", "'")
    assert 'value="right" selected' in body  # the other fields keep their values
    answer = api_upload(client, episode_pk, patched_dicom(dicom_file, keyword, text))
    problem(answer, 422, says=words)
    assert not Radiograph.objects.exists()


# --- the landmark save: nested, huge, not JSON ---------------------------------------------


def nested(depth: int) -> str:
    return '{"schema": "halluxpath.landmarks/1", "points": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("depth", [40, 900, 5_000, 100_000, 1_000_000])
def test_deeply_nested_json_to_the_landmark_save_is_a_problem_body_not_a_500(
    clinic: Clinic, client: Client, radiograph: Radiograph, depth: int
) -> None:
    prepared(clinic, client)
    for url, expected in (
        (f"/api/v1/radiographs/{radiograph.pk}/landmarks", 400),
        ("/api/v1/measurements/compute", 422),
    ):
        response = client.post(
            url, nested(depth), content_type="application/json", headers={"If-Match": '"1"'}
        )
        detail = problem(response, expected)["detail"]
        assert "nested too deeply" in detail or "a landmarks document is far shorter" in detail
    assert not Measurement.objects.exists()


def test_a_body_larger_than_the_request_limit_is_a_json_413(
    clinic: Clinic, client: Client, radiograph: Radiograph
) -> None:
    prepared(clinic, client)
    body = "[" * 6_000_000
    for url in (f"/api/v1/radiographs/{radiograph.pk}/landmarks", "/api/v1/measurements/compute"):
        response = client.post(
            url, body, content_type="application/json", headers={"If-Match": '"1"'}
        )
        problem(response, 413, says="larger")


# --- implausible measures: a warning, then a confirmed save --------------------------------


def implausible(film: SyntheticFilm) -> dict[str, Any]:
    """The film's landmarks with M2 turned far out: an IMA no foot has."""
    document = copy.deepcopy(film.landmarks)
    p = document["points"]
    m2p = p["m2_proximal"]
    p["m2_distal"] = [m2p[0] + 300.0, m2p[1] - 360.0]
    return document


def save(client: Client, film: Radiograph, document: Any, confirm: bool = False) -> Any:
    query = "?confirm_implausible=true" if confirm else ""
    return client.post(
        f"/api/v1/radiographs/{film.pk}/landmarks{query}",
        json.dumps(document),
        content_type="application/json",
        headers={"If-Match": f'"{film.version}"'},
    )


def test_an_implausible_ima_is_not_saved_until_confirmed_and_the_warning_names_it(
    clinic: Clinic, client: Client, radiograph: Radiograph, film: SyntheticFilm
) -> None:
    prepared(clinic, client)
    document = implausible(film)
    response = save(client, radiograph, document)
    body = problem(response, 422)
    (warning,) = [w for w in body["warnings"] if w["measure"] == "ima_deg"]
    assert warning["value"] > 25
    assert (warning["low"], warning["high"]) == (-5.0, 25.0)
    assert warning["source"].startswith("DOMAIN §2")
    assert "IMA" in body["detail"]
    assert not Measurement.objects.exists()

    confirmed = save(client, radiograph, document, confirm=True)
    assert confirmed.status_code == 201
    assert any(w["measure"] == "ima_deg" for w in confirmed.json()["warnings"])
    event = AuditEvent.objects.get(action="create", object_type="measurement")
    assert any(w["measure"] == "ima_deg" for w in event.detail["confirmed_warnings"])
    page = client.get(reverse("imaging:radiograph", args=[radiograph.pk])).content.decode()
    assert "Saved after a warning: IMA" in page


def test_a_plausible_reading_saves_at_once_with_no_warnings(
    clinic: Clinic, client: Client, radiograph: Radiograph, film: SyntheticFilm
) -> None:
    prepared(clinic, client)
    response = save(client, radiograph, film.landmarks)
    assert response.status_code == 201
    assert response.json()["warnings"] == []
    assert response.json()["observer_name"] == "Surgeon Test"
