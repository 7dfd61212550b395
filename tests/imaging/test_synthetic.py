"""The synthetic film generator: landmarks that measure true, reproducible pixels, files that
every reader in this environment opens, and the fake identity a de-identification must remove.

The landmarks are checked against a small reference implementation of the measurement
contract's formulas (spec/measurements.md, Frame and Measures) written here from the spec,
so these tests do not depend on the core measurement module.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
import pytest
from PIL import Image

from halluxpath.imaging.synthetic import (
    DX_FOR_PRESENTATION,
    MAX_STORED,
    TRANSFER_SYNTAXES,
    FootGeometry,
    SyntheticFilm,
    display_window,
    render,
    write_dicom,
    write_png,
)

Point = tuple[float, float]


# --- the contract's formulas, from the spec ---------------------------------------------------


def _sub(a: Point, b: Point) -> Point:
    return (a[0] - b[0], a[1] - b[1])


def _dot(a: Point, b: Point) -> float:
    return a[0] * b[0] + a[1] * b[1]


def sesamoid_grade(f: float) -> int:
    """Hardy and Clapham, the contract's operational form."""
    if f == 0:
        return 1
    if f < 0.25:
        return 2
    if f < 0.45:
        return 3
    if f <= 0.55:
        return 4
    if f <= 0.75:
        return 5
    if f < 1:
        return 6
    return 7


def contract_measures(document: dict[str, Any]) -> dict[str, float | int | None]:
    row_mm, column_mm = document["pixel_spacing_mm"]
    p: dict[str, Point] = {
        name: (x * column_mm, y * row_mm) for name, (x, y) in document["points"].items()
    }
    origin = p["m1_proximal"]
    axis = _sub(p["m1_distal"], origin)
    length = math.hypot(*axis)
    u = (axis[0] / length, axis[1] / length)
    n = (-u[1], u[0])
    c2 = (
        (p["m2_proximal"][0] + p["m2_distal"][0]) / 2,
        (p["m2_proximal"][1] + p["m2_distal"][1]) / 2,
    )
    lateral = n if _dot(_sub(c2, origin), n) > 0 else (-n[0], -n[1])

    def coordinate(q: Point) -> float:
        return _dot(_sub(q, origin), lateral)

    def theta(v: Point) -> float:
        return math.degrees(math.atan2(_dot(v, lateral), _dot(v, u)))

    def ordered(first: str, second: str) -> tuple[Point, Point]:
        a, b = p[first], p[second]
        return (a, b) if coordinate(a) <= coordinate(b) else (b, a)

    hva = theta(_sub(p["p1_distal"], p["p1_proximal"]))
    hvia = theta(_sub(p["d1_distal"], p["d1_proximal"])) - hva
    hvia = (hvia + 180) % 360 - 180 or hvia
    medial, lateral_end = ordered("m1_articular_medial", "m1_articular_lateral")
    a = _sub(lateral_end, medial)
    s1, s2 = sorted(
        coordinate(p[name]) for name in ("tibial_sesamoid_medial", "tibial_sesamoid_lateral")
    )
    fraction = 0.0 if s2 <= 0 else 1.0 if s1 >= 0 else s2 / (s2 - s1)
    translation = None
    if "head_medial_cortex" in p:
        cortex_m, cortex_l = ordered("osteotomy_medial_cortex", "osteotomy_lateral_cortex")
        w = _sub(cortex_l, cortex_m)
        translation = 100 * _dot(_sub(p["head_medial_cortex"], cortex_m), w) / _dot(w, w)
    return {
        "hva_deg": hva,
        "ima_deg": theta(_sub(p["m2_distal"], p["m2_proximal"])),
        "hvia_deg": hvia,
        "dmaa_deg": math.degrees(math.atan2(-_dot(a, u), _dot(a, lateral))),
        "sesamoid_lateral_fraction": fraction,
        "sesamoid_position": sesamoid_grade(fraction),
        "translation_pct": translation,
    }


def test_the_reference_formulas_reproduce_the_spec_example() -> None:
    example = {
        "pixel_spacing_mm": [0.14, 0.14],
        "points": {
            "m1_proximal": [612.0, 1840.5],
            "m1_distal": [655.2, 1215.0],
            "m2_proximal": [820.0, 1790.0],
            "m2_distal": [960.0, 1150.0],
            "p1_proximal": [690.0, 1020.0],
            "p1_distal": [835.0, 760.0],
            "d1_proximal": [850.0, 720.0],
            "d1_distal": [940.0, 600.0],
            "m1_articular_medial": [600.0, 1150.0],
            "m1_articular_lateral": [720.0, 1180.0],
            "tibial_sesamoid_medial": [610.0, 1260.0],
            "tibial_sesamoid_lateral": [700.0, 1265.0],
            "osteotomy_medial_cortex": [590.0, 1500.0],
            "osteotomy_lateral_cortex": [680.0, 1500.0],
            "head_medial_cortex": [630.0, 1470.0],
        },
    }
    result = contract_measures(example)
    expected = {"hva_deg": 25.2, "ima_deg": 8.4, "hvia_deg": 7.7, "dmaa_deg": 10.1}
    for key, value in expected.items():
        assert result[key] == pytest.approx(value, abs=0.05), key
    assert result["sesamoid_position"] == 4
    assert result["translation_pct"] == pytest.approx(44.4, abs=0.05)


# --- films ------------------------------------------------------------------------------------


def geometry(**changes: Any) -> FootGeometry:
    values: dict[str, Any] = {
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
    return FootGeometry(**values)


@pytest.fixture(scope="module")
def film() -> SyntheticFilm:
    return render(geometry(side="left", seed=11))


def test_the_same_seed_draws_the_same_film() -> None:
    first, again, other = render(geometry()), render(geometry()), render(geometry(seed=6))
    assert np.array_equal(first.pixels, again.pixels)
    assert first.landmarks == again.landmarks
    assert not np.array_equal(first.pixels, other.pixels)


def test_pixels_are_twelve_bit_with_bone_bright(film: SyntheticFilm) -> None:
    assert film.pixels.dtype == np.uint16
    assert film.pixels.shape == (520, 400)
    assert int(film.pixels.max()) <= MAX_STORED
    points = film.landmarks["points"]
    x, y = (round(v) for v in points["m2_proximal"])  # the second metatarsal's shaft
    assert film.pixels[y, x] > film.pixels[5:20, 5:20].mean() + 1000  # brighter than the air


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize(
    ("hva", "ima", "hvia", "dmaa", "fraction"),
    [
        (35.0, 15.0, 10.0, 12.0, 0.8),
        (10.0, 7.0, 3.0, 4.0, 0.2),
        (24.0, 12.0, 7.0, 8.0, 0.5),
        (-6.0, 6.0, 2.0, -3.0, 0.0),  # hallux varus, sesamoid wholly medial
        (-15.0, 3.0, -4.0, -8.0, -0.3),
        (45.0, 19.0, 14.0, 18.0, 1.0),  # severe, sesamoid wholly lateral
        (52.0, 22.0, 20.0, 25.0, 1.3),
    ],
)
def test_the_landmarks_measure_back_to_the_geometry(
    side: str, hva: float, ima: float, hvia: float, dmaa: float, fraction: float
) -> None:
    shape = {"hva_deg": hva, "ima_deg": ima, "hvia_deg": hvia, "dmaa_deg": dmaa}
    film = render(geometry(side=side, sesamoid_fraction=fraction, **shape))
    result = contract_measures(film.landmarks)
    for key, value in shape.items():
        assert result[key] == pytest.approx(value, abs=0.2), key
    assert result["sesamoid_position"] == sesamoid_grade(min(max(fraction, 0.0), 1.0))
    if 0 < fraction < 1:
        assert result["sesamoid_lateral_fraction"] == pytest.approx(fraction, abs=0.01)
    assert result["translation_pct"] is None


def test_hva_is_negative_for_hallux_varus_on_both_feet() -> None:
    for side in ("right", "left"):
        result = contract_measures(render(geometry(side=side, hva_deg=-10.0)).landmarks)
        assert result["hva_deg"] == pytest.approx(-10.0, abs=0.2)


def test_a_left_foot_is_the_mirror_image_with_the_big_toe_on_the_right() -> None:
    right, left = render(geometry()), render(geometry(side="left"))
    right_points, left_points = right.landmarks["points"], left.landmarks["points"]
    for name, (x, y) in right_points.items():
        assert left_points[name] == pytest.approx([400 - x, y], abs=0.011)
    assert right_points["m1_distal"][0] < right_points["m2_distal"][0]  # hallux on the left
    assert left_points["m1_distal"][0] > left_points["m2_distal"][0]


def test_a_post_operative_film_carries_the_osteotomy_and_its_shift() -> None:
    for pct in (30.0, 65.0, 100.0):
        film = render(geometry(hva_deg=8.0, ima_deg=5.0, translation_pct=pct))
        points = film.landmarks["points"]
        assert {"osteotomy_medial_cortex", "osteotomy_lateral_cortex"} <= set(points)
        result = contract_measures(film.landmarks)
        assert result["translation_pct"] == pytest.approx(pct, abs=0.2)
        assert result["ima_deg"] == pytest.approx(5.0, abs=0.2)


def test_a_pre_operative_film_has_no_osteotomy_points() -> None:
    points = render(geometry()).landmarks["points"]
    assert not {"osteotomy_medial_cortex", "head_medial_cortex"} & set(points)
    assert len(points) == 12  # the twelve placements of a pre-operative film (contract)


def test_non_square_pixels_still_measure_true_in_millimetres() -> None:
    film = render(geometry(pixel_spacing_mm=(0.25, 0.18), width=600, height=560))
    assert film.landmarks["pixel_spacing_mm"] == [0.25, 0.18]
    result = contract_measures(film.landmarks)
    assert result["hva_deg"] == pytest.approx(24.0, abs=0.2)
    assert result["ima_deg"] == pytest.approx(12.0, abs=0.2)


def test_the_landmark_document_is_a_contract_input(film: SyntheticFilm) -> None:
    document = film.landmarks
    assert set(document) == {"schema", "view", "pixel_spacing_mm", "points"}
    assert document["schema"] == "halluxpath.landmarks/1"
    assert document["view"] == "dp"
    assert list(document["points"])[:4] == ["m1_proximal", "m1_distal", "m2_proximal", "m2_distal"]


def test_the_core_measurement_agrees_with_the_reference(film: SyntheticFilm) -> None:
    from halluxpath.core.radiograph import measure_document

    core = measure_document(film.landmarks)
    reference = contract_measures(film.landmarks)
    for key in ("hva_deg", "ima_deg", "hvia_deg", "dmaa_deg"):
        assert core[key] == pytest.approx(reference[key], abs=0.051), key
    assert core["sesamoid_position"] == reference["sesamoid_position"]


@pytest.mark.parametrize(
    "changes",
    [
        {"hva_deg": 60.0, "ima_deg": 25.0, "hvia_deg": 25.0},
        {"hva_deg": -25.0, "ima_deg": -5.0},
        {"translation_pct": 140.0},
        {"width": 200, "height": 200, "pixel_spacing_mm": (0.5, 0.5)},
        {"width": 900, "height": 300, "pixel_spacing_mm": (0.4, 0.2)},
    ],
)
def test_every_landmark_lies_inside_the_image(changes: dict[str, Any]) -> None:
    for side in ("left", "right"):
        film = render(geometry(side=side, **changes))
        g = film.geometry
        for x, y in film.landmarks["points"].values():
            assert 0 <= x <= g.width
            assert 0 <= y <= g.height


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"side": "up"}, "side"),
        ({"pixel_spacing_mm": (0.0, 0.1)}, "pixel_spacing_mm"),
        ({"hva_deg": math.nan}, "finite"),
        ({"width": 10}, "width"),
        ({"translation_pct": 400.0}, "translation_pct"),
    ],
)
def test_impossible_geometries_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        geometry(**changes)


# --- files ------------------------------------------------------------------------------------


def eight_bit(pixels: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    centre, width = display_window(pixels)
    return np.clip((pixels.astype(float) - (centre - width / 2)) * 255 / width, 0, 255)


@pytest.mark.parametrize("syntax", TRANSFER_SYNTAXES)
def test_every_transfer_syntax_reads_back(film: SyntheticFilm, tmp_path: Path, syntax: str) -> None:
    path = tmp_path / f"{syntax}.dcm"
    write_dicom(film, path, transfer_syntax=syntax)
    raw = path.read_bytes()
    assert raw[:128] == b"\0" * 128
    assert raw[128:132] == b"DICM"
    dataset = pydicom.dcmread(path)
    pixels = dataset.pixel_array
    assert pixels.shape == film.pixels.shape
    assert dataset.SOPClassUID == DX_FOR_PRESENTATION
    assert dataset.file_meta.MediaStorageSOPClassUID == DX_FOR_PRESENTATION
    if syntax == "jpeg_baseline":
        assert dataset.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.4.50"
        assert dataset.BitsStored == 8
        assert np.abs(pixels.astype(float) - eight_bit(film.pixels)).mean() < 2.0
    else:
        assert dataset.BitsStored == 12
        assert np.array_equal(pixels, film.pixels)  # lossless


@pytest.mark.parametrize("syntax", ["explicit_little", "rle_lossless", "jpeg_baseline"])
def test_monochrome1_stores_inverted_values(
    film: SyntheticFilm, tmp_path: Path, syntax: str
) -> None:
    plain, inverted = tmp_path / "plain.dcm", tmp_path / "inverted.dcm"
    write_dicom(film, plain, transfer_syntax=syntax)
    write_dicom(film, inverted, transfer_syntax=syntax, photometric="MONOCHROME1")
    two, one = pydicom.dcmread(plain), pydicom.dcmread(inverted)
    assert one.PhotometricInterpretation == "MONOCHROME1"
    assert one.PresentationLUTShape == "INVERSE"
    top = 255 if syntax == "jpeg_baseline" else MAX_STORED
    difference = np.abs(one.pixel_array.astype(int) - (top - two.pixel_array.astype(int)))
    if syntax == "jpeg_baseline":  # lossy: the two encodings differ a little
        assert difference.mean() < 1.0
    else:
        assert difference.max() == 0
        assert float(one.WindowCenter) == MAX_STORED - float(two.WindowCenter)


def test_the_file_carries_fake_identifying_attributes(film: SyntheticFilm, tmp_path: Path) -> None:
    path = tmp_path / "film.dcm"
    study = "1.2.826.0.1.3680043.8.498.77"
    write_dicom(film, path, patient_name="DOE^JANE", patient_id="MRN123456", study_uid=study)
    dataset = pydicom.dcmread(path)
    assert str(dataset.PatientName) == "DOE^JANE"
    assert dataset.PatientID == "MRN123456"
    assert dataset.StudyInstanceUID == study
    for keyword in (
        "PatientBirthDate",
        "PatientSex",
        "InstitutionName",
        "ReferringPhysicianName",
        "AccessionNumber",
        "OperatorsName",
        "DeviceSerialNumber",
        "StudyDate",
        "AcquisitionDate",
        "ContentDate",
        "SeriesInstanceUID",
        "SOPInstanceUID",
    ):
        assert str(dataset.get(keyword, "") or ""), keyword
    private = [element for element in dataset if element.tag.is_private]
    assert any("DOE^JANE" in str(element.value) for element in private)
    assert dataset.SOPInstanceUID == dataset.file_meta.MediaStorageSOPInstanceUID
    assert dataset.ImageLaterality == "L"  # the module's film is a left foot
    assert dataset.BurnedInAnnotation == "NO"
    assert [float(v) for v in dataset.PixelSpacing] == [0.3, 0.3]
    assert "ImagerPixelSpacing" not in dataset
    assert (float(dataset.RescaleSlope), float(dataset.RescaleIntercept)) == (1.0, 0.0)
    assert 0 < float(dataset.WindowWidth) <= MAX_STORED + 1


@pytest.mark.parametrize(
    ("spacing_tag", "present", "absent"),
    [
        ("ImagerPixelSpacing", "ImagerPixelSpacing", "PixelSpacing"),
        ("none", None, "PixelSpacing"),
    ],
)
def test_the_spacing_can_be_at_the_detector_or_missing(
    film: SyntheticFilm, tmp_path: Path, spacing_tag: str, present: str | None, absent: str
) -> None:
    path = tmp_path / "film.dcm"
    write_dicom(film, path, spacing_tag=spacing_tag)
    dataset = pydicom.dcmread(path)
    assert absent not in dataset
    assert "ImagerPixelSpacing" not in dataset or present == "ImagerPixelSpacing"
    if present:
        assert [float(v) for v in dataset[present].value] == [0.3, 0.3]


def test_extra_attributes_are_set_or_removed(film: SyntheticFilm, tmp_path: Path) -> None:
    path = tmp_path / "film.dcm"
    write_dicom(
        film,
        path,
        burned_in_annotation=None,
        extra={"BodyPartExamined": "ANKLE", "InstitutionName": None},
    )
    dataset = pydicom.dcmread(path)
    assert dataset.BodyPartExamined == "ANKLE"
    assert "InstitutionName" not in dataset
    assert "BurnedInAnnotation" not in dataset


def test_unknown_options_are_refused(film: SyntheticFilm, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="transfer syntax"):
        write_dicom(film, tmp_path / "a.dcm", transfer_syntax="jpeg_xl")
    with pytest.raises(ValueError, match="spacing tag"):
        write_dicom(film, tmp_path / "b.dcm", spacing_tag="Spacing")
    with pytest.raises(ValueError, match="bits"):
        write_png(film, tmp_path / "c.png", bits=12)


@pytest.mark.parametrize(("bits", "mode"), [(8, "L"), (16, "I;16")])
def test_png_films_open_with_pillow(
    film: SyntheticFilm, tmp_path: Path, bits: int, mode: str
) -> None:
    path = tmp_path / "film.png"
    write_png(film, path, bits=bits)
    with Image.open(path) as image:
        assert image.size == (400, 520)
        assert image.mode == mode
        values = np.asarray(image)
    if bits == 16:
        assert np.array_equal(values >> 4, film.pixels)
    else:
        assert values.max() >= 250  # the window reaches white
