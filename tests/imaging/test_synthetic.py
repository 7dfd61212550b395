"""The synthetic film generator: reproducible, readable by pydicom, landmarks that measure true."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
import pytest

from halluxpath.core.radiograph import measure_document
from halluxpath.imaging.synthetic import FootGeometry, render, write_dicom


def geometry(**changes: object) -> FootGeometry:
    values: dict[str, object] = {
        "hva_deg": 24.0,
        "ima_deg": 12.0,
        "hvia_deg": 7.0,
        "dmaa_deg": 8.0,
        "sesamoid_fraction": 0.5,
        "side": "right",
        "width": 400,
        "height": 520,
        "pixel_spacing_mm": (0.3, 0.3),
        "seed": 5,
    }
    values.update(changes)
    return FootGeometry(**values)  # type: ignore[arg-type]


def test_the_same_seed_draws_the_same_film() -> None:
    assert np.array_equal(render(geometry()).pixels, render(geometry()).pixels)
    assert not np.array_equal(render(geometry()).pixels, render(geometry(seed=6)).pixels)


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize(
    ("hva", "ima", "hvia", "dmaa", "fraction", "grade"),
    [
        (35.0, 15.0, 10.0, 12.0, 0.8, 6),
        (10.0, 7.0, 3.0, 4.0, 0.2, 2),
        (-6.0, 6.0, 2.0, 3.0, -0.2, 1),
        (45.0, 18.0, 14.0, 16.0, 1.2, 7),
    ],
)
def test_the_landmarks_measure_back_to_the_geometry(
    side: str, hva: float, ima: float, hvia: float, dmaa: float, fraction: float, grade: int
) -> None:
    film = render(
        geometry(
            side=side,
            hva_deg=hva,
            ima_deg=ima,
            hvia_deg=hvia,
            dmaa_deg=dmaa,
            sesamoid_fraction=fraction,
        )
    )
    result = measure_document(film.landmarks)
    assert result["hva_deg"] == pytest.approx(hva, abs=0.2)
    assert result["ima_deg"] == pytest.approx(ima, abs=0.2)
    assert result["hvia_deg"] == pytest.approx(hvia, abs=0.2)
    assert result["dmaa_deg"] == pytest.approx(dmaa, abs=0.2)
    assert result["sesamoid_position"] == grade
    assert result["hallux_varus"] is (hva < 0)


def test_a_post_operative_film_has_the_osteotomy_and_its_shift() -> None:
    film = render(geometry(hva_deg=8.0, ima_deg=5.0, translation_pct=65.0))
    assert measure_document(film.landmarks)["translation_pct"] == pytest.approx(65.0, abs=0.2)


def test_every_landmark_lies_inside_the_image() -> None:
    for side in ("left", "right"):
        film = render(geometry(side=side, hva_deg=40.0, ima_deg=18.0))
        for x, y in film.landmarks["points"].values():
            assert 0 <= x <= film.geometry.width
            assert 0 <= y <= film.geometry.height


def test_the_dicom_file_carries_fake_identifying_attributes(tmp_path: Path) -> None:
    path = tmp_path / "film.dcm"
    write_dicom(render(geometry()), path, patient_name="DOE^JANE")
    dataset = pydicom.dcmread(path)
    assert str(dataset.PatientName) == "DOE^JANE"
    assert dataset.InstitutionName
    assert any(element.tag.is_private for element in dataset)
    assert dataset.ImageLaterality == "R"
