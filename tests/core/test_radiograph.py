"""The measurement contract (spec/measurements.md): examples, every error, invariances."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from halluxpath.core.radiograph import (
    LANDMARK_ORDER,
    LandmarkError,
    landmarks_from_document,
    measure,
    measure_document,
    parse_landmarks_json,
    round_half_away,
)

EXAMPLE: dict[str, Any] = {
    "schema": "halluxpath.landmarks/1",
    "view": "dp",
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
EXAMPLE_OUTPUT = {
    "schema": "halluxpath.measurements/1",
    "hva_deg": 25.2,
    "ima_deg": 8.4,
    "hvia_deg": 7.7,
    "dmaa_deg": 10.1,
    "sesamoid_position": 4,
    "sesamoid_lateral_fraction": 0.53,
    "translation_pct": 44.4,
    "osteotomy_width_mm": 12.6,
    "severity": "moderate",
    "hallux_varus": False,
}
MEASURED_KEYS = (
    "hva_deg",
    "ima_deg",
    "hvia_deg",
    "dmaa_deg",
    "sesamoid_lateral_fraction",
    "translation_pct",
)


def example(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(EXAMPLE)
    document.update(changes)
    return document


def with_points(**points: Any) -> dict[str, Any]:
    document = example()
    for name, value in points.items():
        if value is None:
            document["points"].pop(name)
        else:
            document["points"][name] = value
    return document


def test_the_contract_example_gives_the_contract_output() -> None:
    assert measure_document(EXAMPLE) == EXAMPLE_OUTPUT
    assert list(measure_document(EXAMPLE)) == list(EXAMPLE_OUTPUT)  # schema first, all keys


def test_required_landmarks_and_p1_alone_give_hva_ima_and_severity() -> None:
    keep = {"m1_proximal", "m1_distal", "m2_proximal", "m2_distal", "p1_proximal", "p1_distal"}
    document = example(points={k: v for k, v in EXAMPLE["points"].items() if k in keep})
    assert measure_document(document) == {
        **dict.fromkeys(EXAMPLE_OUTPUT),
        "schema": "halluxpath.measurements/1",
        "hva_deg": 25.2,
        "ima_deg": 8.4,
        "severity": "moderate",
        "hallux_varus": False,
    }


def test_without_p1_hva_severity_and_varus_are_null() -> None:
    result = measure_document(
        with_points(p1_proximal=None, p1_distal=None, d1_proximal=None, d1_distal=None)
    )
    assert (result["hva_deg"], result["severity"], result["hallux_varus"]) == (None, None, None)
    assert result["ima_deg"] == 8.4


def test_without_spacing_no_millimetre_figure_is_reported() -> None:
    document = example()
    del document["pixel_spacing_mm"]
    result = measure_document(document)
    assert result["osteotomy_width_mm"] is None
    assert result["hva_deg"] == 25.2  # isotropic spacing does not change angles


def test_an_isotropic_number_is_accepted_as_spacing() -> None:
    assert measure_document(example(pixel_spacing_mm=0.14)) == EXAMPLE_OUTPUT


def test_hva_is_negative_for_hallux_varus() -> None:
    p = EXAMPLE["points"]
    # Mirror P1 about the M1 axis direction: the toe now points medially.
    u = (p["m1_distal"][0] - p["m1_proximal"][0], p["m1_distal"][1] - p["m1_proximal"][1])
    length = math.hypot(*u)
    u = (u[0] / length, u[1] / length)
    start = p["p1_proximal"]
    medial = (-u[1], u[0]) if (p["m2_proximal"][0] - start[0]) * u[1] > 0 else (u[1], -u[0])
    end = [start[0] + 150 * u[0] + 40 * medial[0], start[1] + 150 * u[1] + 40 * medial[1]]
    result = measure_document(with_points(p1_distal=end, d1_proximal=None, d1_distal=None))
    assert result["hva_deg"] < 0
    assert result["hallux_varus"] is True
    assert result["severity"] == "normal"  # a negative HVA grades as normal


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfe", "not UTF-8"),
        ("{", "not valid JSON"),
        ('{"schema": NaN}', "NaN"),
        ('{"schema": Infinity}', "Infinity"),
        ('{"x": -Infinity}', "Infinity"),
        (
            '{"schema": "halluxpath.landmarks/1", "points": {"m1_proximal": [1e999, 1]}}',
            "too large",
        ),
        ('{"schema": "halluxpath.landmarks/1"} {}', "more data after"),
        ('{"schema": "halluxpath.landmarks/1"} x', "more data after"),
        ('{"schema": "a", "schema": "b"}', "appears twice"),
        ("[" * 100_000, "not valid JSON"),
    ],
)
def test_text_that_is_not_one_strict_json_document_is_refused(
    raw: str | bytes, message: str
) -> None:
    with pytest.raises(LandmarkError, match=message):
        parse_landmarks_json(raw)


def test_surrounding_whitespace_is_allowed() -> None:
    assert (
        measure(parse_landmarks_json("\n  " + json.dumps(EXAMPLE) + " \r\n")).to_json()
        == EXAMPLE_OUTPUT
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "must be a JSON object"),
        ("dp", "must be a JSON object"),
        ({"points": {}}, "'schema' is missing"),
        (example(schema="halluxpath.landmarks/2"), "'schema' must be"),
        (example(view="lateral"), "'view' must be 'dp'"),
        (example(extra=1), "unknown top-level key 'extra'"),
        ({"schema": "halluxpath.landmarks/1"}, "'points' is missing"),
        (example(points=[]), "'points' must be a JSON object"),
        (with_points(m1_proximall=[1, 2]), "unknown landmark 'm1_proximall'"),
        (with_points(m1_distal=[1]), "'m1_distal' must be a list of two numbers"),
        (with_points(m1_distal=[1, 2, 3]), "'m1_distal' must be a list of two numbers"),
        (with_points(m1_distal="1,2"), "'m1_distal' must be a list of two numbers"),
        (with_points(m1_distal=[True, 2]), "'m1_distal' must be a list of two finite numbers"),
        (with_points(m1_distal=["1", 2]), "'m1_distal' must be a list of two finite numbers"),
        (with_points(m1_distal=[None, 2]), "'m1_distal' must be a list of two finite numbers"),
        (with_points(m1_distal=[10**400, 2]), "'m1_distal' must be a list of two finite numbers"),
        (with_points(m1_distal=[math.nan, 2]), "'m1_distal' must be a list of two finite numbers"),
        (example(pixel_spacing_mm=0), "'pixel_spacing_mm' must be a positive number"),
        (example(pixel_spacing_mm=-0.1), "'pixel_spacing_mm' must be a positive number"),
        (example(pixel_spacing_mm=[0.1]), "'pixel_spacing_mm' must be a positive number"),
        (example(pixel_spacing_mm=[0.1, 0.1, 0.1]), "'pixel_spacing_mm' must be a positive"),
        (example(pixel_spacing_mm=[0.1, 0]), "'pixel_spacing_mm' must be a positive number"),
        (example(pixel_spacing_mm=True), "'pixel_spacing_mm' must be a positive number"),
        (example(pixel_spacing_mm="0.1"), "'pixel_spacing_mm' must be a positive number"),
        (with_points(m2_distal=None), "required landmark 'm2_distal' is missing"),
        (with_points(p1_distal=None), "'p1_distal' is missing"),
        (with_points(d1_proximal=None), "'d1_proximal' is missing"),
        (with_points(m1_articular_lateral=None), "'m1_articular_lateral' is missing"),
        (with_points(tibial_sesamoid_medial=None), "'tibial_sesamoid_medial' is missing"),
        (with_points(head_medial_cortex=None), "'head_medial_cortex' is missing"),
        (with_points(m1_distal=[612.5, 1840.9]), "'m1_proximal' and 'm1_distal' are less than 1"),
        (with_points(m2_distal=[820.3, 1790.3]), "'m2_proximal' and 'm2_distal' are less than 1"),
        (with_points(p1_distal=[690.5, 1020.0]), "'p1_proximal' and 'p1_distal' are less than 1"),
        (with_points(d1_distal=[850.0, 720.9]), "'d1_proximal' and 'd1_distal' are less than 1"),
        (with_points(m1_articular_lateral=[600.2, 1150.2]), "'m1_articular_medial' and"),
        (with_points(tibial_sesamoid_lateral=[610.0, 1260.5]), "'tibial_sesamoid_medial' and"),
        (with_points(osteotomy_lateral_cortex=[590.5, 1500.0]), "'osteotomy_medial_cortex' and"),
        (
            with_points(m2_proximal=[733.6, 1577.75], m2_distal=[533.6, 1477.75]),
            "second metatarsal's midpoint lies on the first metatarsal's axis",
        ),
        (
            with_points(p1_proximal=[835.0, 760.0], p1_distal=[690.0, 1020.0]),
            "'p1_distal' does not lie distal to 'p1_proximal'",
        ),
        (
            with_points(m2_proximal=[960.0, 1150.0], m2_distal=[820.0, 1790.0]),
            "'m2_distal' does not lie distal to 'm2_proximal'",
        ),
        (
            with_points(d1_proximal=[940.0, 600.0], d1_distal=[850.0, 720.0]),
            "'d1_distal' does not lie distal to 'd1_proximal'",
        ),
    ],
)
def test_every_contract_error_is_refused_with_a_message_naming_it(
    document: Any, message: str
) -> None:
    with pytest.raises(LandmarkError, match=message):
        landmarks_from_document(document)
    with pytest.raises(LandmarkError, match=message):
        parse_landmarks_json(json.dumps(document)) if _json_safe(
            document
        ) else landmarks_from_document(document)


def _json_safe(document: Any) -> bool:
    try:
        json.dumps(document, allow_nan=False)
    except (ValueError, OverflowError):
        return False
    return True


def test_the_one_pixel_rules_use_stored_pixels_not_millimetres() -> None:
    # 0.8 px apart: refused even though a large spacing would make it 8 mm.
    document = with_points(m1_distal=[612.8, 1840.5])
    document["pixel_spacing_mm"] = [10.0, 10.0]
    with pytest.raises(LandmarkError, match="less than 1 pixel"):
        landmarks_from_document(document)


def test_the_swapped_axis_rule_uses_millimetres_when_spacing_is_given() -> None:
    # Slightly distal in pixels along M1, but proximal once columns are stretched.
    points = {
        "m1_proximal": [0.0, 0.0],
        "m1_distal": [100.0, -100.0],
        "m2_proximal": [100.0, 20.0],
        "m2_distal": [180.0, -60.0],
        "p1_proximal": [50.0, -150.0],
        "p1_distal": [60.0, -141.0],
    }
    square = {"schema": "halluxpath.landmarks/1", "points": points}
    landmarks_from_document(square)  # distal in pixels: accepted
    stretched = {**square, "pixel_spacing_mm": [1.0, 0.1]}
    with pytest.raises(LandmarkError, match="'p1_distal' does not lie distal"):
        landmarks_from_document(stretched)


# --- rounding ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (0.25, 1, 0.3),
        (-0.25, 1, -0.3),
        (2.45, 1, 2.5),
        (2.449, 1, 2.4),
        (0.125, 2, 0.13),
        (-0.04, 1, 0.0),
        (25.25, 1, 25.3),
        (None, 1, None),
    ],
)
def test_rounding_is_half_away_from_zero(
    value: float | None, places: int, expected: float | None
) -> None:
    result = round_half_away(value, places)
    assert result == expected
    if result == 0:
        assert math.copysign(1, result) == 1  # never -0.0


def test_hvia_is_the_difference_of_the_phalanx_angles_within_the_half_open_interval() -> None:
    # M1 points straight up the image; P1 at +85°, D1 at -85°: HVIA -170°.
    c, s = math.cos(math.radians(85)), math.sin(math.radians(85))
    document = {
        "schema": "halluxpath.landmarks/1",
        "points": {
            "m1_proximal": [0.0, 0.0],
            "m1_distal": [0.0, -100.0],
            "m2_proximal": [50.0, 0.0],
            "m2_distal": [50.0, -100.0],
            "p1_proximal": [0.0, -150.0],
            "p1_distal": [100 * s, -150 - 100 * c],
            "d1_proximal": [100.0, -160.0],
            "d1_distal": [100 - 100 * s, -160 - 100 * c],
        },
    }
    result = measure_document(document)
    assert result["hva_deg"] == 85.0
    assert result["hvia_deg"] == -170.0


# --- invariances (Hypothesis) ------------------------------------------------------------------


def transformed(document: dict[str, Any], fn: Any) -> dict[str, Any]:
    result = copy.deepcopy(document)
    result["points"] = {k: list(fn(*v)) for k, v in document["points"].items()}
    return result


def unrounded(document: dict[str, Any]) -> dict[str, Any]:
    m = measure(landmarks_from_document(document))
    return {key: getattr(m, key) for key in MEASURED_KEYS}


def assert_close(a: dict[str, Any], b: dict[str, Any]) -> None:
    for key in MEASURED_KEYS:
        assert a[key] == pytest.approx(b[key], abs=1e-6), key


angles = st.floats(min_value=0, max_value=2 * math.pi, allow_nan=False)
shifts = st.floats(min_value=-5000, max_value=5000, allow_nan=False)
scales = st.floats(min_value=0.5, max_value=8, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(angles, shifts, shifts)
def test_rotating_and_shifting_the_film_changes_nothing(angle: float, dx: float, dy: float) -> None:
    c, s = math.cos(angle), math.sin(angle)
    moved = transformed(EXAMPLE, lambda x, y: (c * x - s * y + dx, s * x + c * y + dy))
    assert_close(unrounded(moved), unrounded(EXAMPLE))


@settings(max_examples=40, deadline=None)
@given(angles)
def test_a_mirrored_film_left_foot_or_flipped_gives_the_same_measures(angle: float) -> None:
    c, s = math.cos(angle), math.sin(angle)
    mirrored = transformed(EXAMPLE, lambda x, y: (c * -x - s * y, s * -x + c * y))
    assert_close(unrounded(mirrored), unrounded(EXAMPLE))


@settings(max_examples=40, deadline=None)
@given(scales)
def test_a_uniformly_scaled_film_gives_the_same_angles(k: float) -> None:
    scaled = transformed(EXAMPLE, lambda x, y: (k * x, k * y))
    scaled["pixel_spacing_mm"] = [0.14 / k, 0.14 / k]
    assert_close(unrounded(scaled), unrounded(EXAMPLE))
    width = measure(landmarks_from_document(scaled)).osteotomy_width_mm
    assert width == pytest.approx(measure(landmarks_from_document(EXAMPLE)).osteotomy_width_mm)


@given(
    st.sampled_from(
        [
            ("m1_articular_medial", "m1_articular_lateral"),
            ("tibial_sesamoid_medial", "tibial_sesamoid_lateral"),
            ("osteotomy_medial_cortex", "osteotomy_lateral_cortex"),
        ]
    )
)
def test_a_swapped_medial_lateral_pair_gives_the_same_result(pair: tuple[str, str]) -> None:
    first, second = pair
    swapped = copy.deepcopy(EXAMPLE)
    points = swapped["points"]
    points[first], points[second] = points[second], points[first]
    assert measure_document(swapped) == EXAMPLE_OUTPUT


@settings(max_examples=40, deadline=None)
@given(
    st.floats(min_value=0.3, max_value=4, allow_nan=False),
    st.floats(min_value=0.05, max_value=0.5, allow_nan=False),
)
def test_anisotropic_spacing_is_honoured(stretch: float, spacing: float) -> None:
    """A film whose rows are k times denser, with row spacing s/k, is the same foot."""
    square = copy.deepcopy(EXAMPLE)
    square["pixel_spacing_mm"] = [spacing, spacing]
    dense = transformed(EXAMPLE, lambda x, y: (x, y * stretch))
    dense["pixel_spacing_mm"] = [spacing / stretch, spacing]
    assume(
        all(
            math.dist(dense["points"][a], dense["points"][b]) >= 1
            for a, b in (("m1_proximal", "m1_distal"),)
        )
    )
    assert_close(unrounded(dense), unrounded(square))


def test_landmark_order_follows_the_contract_table() -> None:
    assert LANDMARK_ORDER[:4] == ("m1_proximal", "m1_distal", "m2_proximal", "m2_distal")
    assert LANDMARK_ORDER[-1] == "head_medial_cortex"
    assert len(LANDMARK_ORDER) == 15
