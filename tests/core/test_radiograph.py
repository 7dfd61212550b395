"""The measurement contract (spec/measurements.md): examples, every error, invariances.

Most tests build a foot from the angles it should have (``Foot``), in a frame
of its own (along M1, lateral), and place it on a film at some angle, side
and position (``Placement``). Measuring must give the angles back, whatever
the placement.
"""

from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from halluxpath.core.landmarks import (
    LANDMARK_ORDER,
    OPTIONAL_GROUPS,
    REQUIRED_LANDMARKS,
    LandmarkError,
    NotJsonError,
    landmarks_from_document,
    parse_landmarks_json,
)
from halluxpath.core.radiograph import (
    Measurements,
    measure,
    measure_document,
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
EXAMPLE_OUTPUT: dict[str, Any] = {
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
OUTPUT_KEYS = tuple(EXAMPLE_OUTPUT)
Point = tuple[float, float]


def example(**changes: Any) -> dict[str, Any]:
    """The contract's example with top-level keys changed (``None`` removes one)."""
    document = copy.deepcopy(EXAMPLE)
    for key, value in changes.items():
        if value is None:
            document.pop(key)
        else:
            document[key] = value
    return document


def with_points(**points: Any) -> dict[str, Any]:
    """The contract's example with landmarks moved (``None`` removes one)."""
    document = example()
    for name, value in points.items():
        if value is None:
            document["points"].pop(name)
        else:
            document["points"][name] = value
    return document


def only(*names: str) -> dict[str, Any]:
    document = example()
    document["points"] = {k: v for k, v in EXAMPLE["points"].items() if k in names}
    return document


def refusal(document: Any, *, as_text: bool = True) -> str:
    """The message refusing ``document``; its JSON text must be refused the same way."""
    with pytest.raises(LandmarkError) as refused:
        landmarks_from_document(document)
    message = str(refused.value)
    if not as_text:
        return message
    try:
        text = json.dumps(document, allow_nan=False)
    except (TypeError, ValueError):
        return message
    with pytest.raises(LandmarkError) as refused_text:
        parse_landmarks_json(text)
    assert str(refused_text.value) == message
    return message


# --- feet built from their angles ---------------------------------------------------------


@dataclass(frozen=True)
class Foot:
    """A foot in its own frame: (along M1 distally, lateral) in pixels, M1 from the origin."""

    hva_deg: float = 25.0
    ima_deg: float = 12.0
    hvia_deg: float = 8.0
    dmaa_deg: float = 10.0
    sesamoid_medial_border: float = -40.0  # lateral coordinate of the border nearer the midline
    sesamoid_width: float = 90.0
    sesamoid_tilt: float = 5.0
    translation_pct: float = 50.0
    shaft_width: float = 80.0
    osteotomy_tilt: float = 4.0
    head_offset: float = -20.0  # across the cut: has no bearing on translation
    m1_length: float = 400.0
    m2_length: float = 420.0
    m2_start: Point = (10.0, 150.0)
    p1_start_lateral: float = 10.0
    p1_length: float = 180.0
    d1_length: float = 90.0
    articular_width: float = 110.0

    def expected_fraction(self) -> float:
        s1 = self.sesamoid_medial_border
        s2 = s1 + self.sesamoid_width
        return 0.0 if s2 <= 0 else 1.0 if s1 >= 0 else s2 / (s2 - s1)

    def local_points(self) -> dict[str, Point]:
        def toward(start: Point, angle_deg: float, distance: float) -> Point:
            a = math.radians(angle_deg)
            return (start[0] + distance * math.cos(a), start[1] + distance * math.sin(a))

        length = self.m1_length
        p1_proximal = (length + 40.0, self.p1_start_lateral)
        p1_distal = toward(p1_proximal, self.hva_deg, self.p1_length)
        d1_proximal = toward(p1_distal, self.hva_deg, 15.0)
        articular_medial = (length - 15.0, -35.0)
        d = math.radians(self.dmaa_deg)
        w = (self.osteotomy_tilt, self.shaft_width)
        w_size = math.hypot(*w)
        cut_medial = (0.45 * length, -45.0)
        t = self.translation_pct / 100
        s1 = self.sesamoid_medial_border
        return {
            "m1_proximal": (0.0, 0.0),
            "m1_distal": (length, 0.0),
            "m2_proximal": self.m2_start,
            "m2_distal": toward(self.m2_start, self.ima_deg, self.m2_length),
            "p1_proximal": p1_proximal,
            "p1_distal": p1_distal,
            "d1_proximal": d1_proximal,
            "d1_distal": toward(d1_proximal, self.hva_deg + self.hvia_deg, self.d1_length),
            "m1_articular_medial": articular_medial,
            "m1_articular_lateral": (
                articular_medial[0] - self.articular_width * math.sin(d),
                articular_medial[1] + self.articular_width * math.cos(d),
            ),
            "tibial_sesamoid_medial": (length - 70.0, s1),
            "tibial_sesamoid_lateral": (
                length - 70.0 + self.sesamoid_tilt,
                s1 + self.sesamoid_width,
            ),
            "osteotomy_medial_cortex": cut_medial,
            "osteotomy_lateral_cortex": (cut_medial[0] + w[0], cut_medial[1] + w[1]),
            "head_medial_cortex": (
                cut_medial[0] + t * w[0] - self.head_offset * w[1] / w_size,
                cut_medial[1] + t * w[1] + self.head_offset * w[0] / w_size,
            ),
        }


@dataclass(frozen=True)
class Placement:
    """Where the foot lies on the film: M1's direction, which side is lateral, and where."""

    angle_deg: float = -90.0  # M1 points up the image
    mirrored: bool = False  # False: lateral is 90° counter-clockwise from M1 in (x, y)
    origin: Point = (1000.0, 2000.0)

    def pixel(self, p: Point) -> list[float]:
        a = math.radians(self.angle_deg)
        u = (math.cos(a), math.sin(a))
        lateral = (-u[1], u[0]) if not self.mirrored else (u[1], -u[0])
        return [
            self.origin[0] + p[0] * u[0] + p[1] * lateral[0],
            self.origin[1] + p[0] * u[1] + p[1] * lateral[1],
        ]


def film(
    foot: Foot | None = None, placement: Placement | None = None, spacing: float | None = None
) -> dict[str, Any]:
    """The landmarks document of ``foot`` (default ``Foot()``) placed on a film."""
    local = (foot or Foot()).local_points()
    place = placement or Placement()
    document: dict[str, Any] = {"schema": "halluxpath.landmarks/1"}
    if spacing is not None:
        document["pixel_spacing_mm"] = [spacing, spacing]
    document["points"] = {name: place.pixel(local[name]) for name in LANDMARK_ORDER}
    return document


def measured(document: dict[str, Any]) -> Measurements:
    return measure(landmarks_from_document(document))


def moved(document: dict[str, Any], transform: Any) -> dict[str, Any]:
    result = copy.deepcopy(document)
    result["points"] = {k: list(transform(*v)) for k, v in document["points"].items()}
    return result


ANGLE_KEYS = ("hva_deg", "ima_deg", "hvia_deg", "dmaa_deg")
UNROUNDED_KEYS = (*ANGLE_KEYS, "sesamoid_lateral_fraction", "translation_pct", "osteotomy_width_mm")
SESAMOID_BOUNDS = (0.0, 0.25, 0.45, 0.55, 0.75, 1.0)


def _near(value: float | None, bounds: tuple[float, ...]) -> bool:
    return value is not None and any(abs(value - b) < 1e-6 for b in bounds)


def assert_same_measures(a: Measurements, b: Measurements) -> None:
    """Equal up to float noise; a grade is compared unless an angle sits on its bound."""
    for key in UNROUNDED_KEYS:
        first, second = getattr(a, key), getattr(b, key)
        assert (first is None) == (second is None), key
        if first is not None:
            assert first == pytest.approx(second, abs=1e-6), key
    if not _near(a.sesamoid_lateral_fraction, SESAMOID_BOUNDS):
        assert a.sesamoid_position == b.sesamoid_position
    if not (_near(a.hva_deg, (15.0, 20.0, 40.0)) or _near(a.ima_deg, (9.0, 11.0, 16.0))):
        assert a.severity == b.severity
    if not _near(a.hva_deg, (0.0,)):
        assert a.hallux_varus == b.hallux_varus


def _fraction_strategy() -> st.SearchStrategy[float]:
    return st.floats(min_value=-120, max_value=80)


feet = st.builds(
    Foot,
    hva_deg=st.floats(min_value=-30, max_value=60),
    ima_deg=st.floats(min_value=-10, max_value=25),
    hvia_deg=st.floats(min_value=-20, max_value=20),
    dmaa_deg=st.floats(min_value=-40, max_value=40),
    sesamoid_medial_border=_fraction_strategy(),
    sesamoid_width=st.floats(min_value=30, max_value=120),
    sesamoid_tilt=st.floats(min_value=-20, max_value=20),
    translation_pct=st.floats(min_value=-20, max_value=120),
    shaft_width=st.floats(min_value=40, max_value=120),
    osteotomy_tilt=st.floats(min_value=-10, max_value=10),
    head_offset=st.floats(min_value=-40, max_value=40),
    m1_length=st.floats(min_value=250, max_value=600),
    m2_length=st.floats(min_value=250, max_value=600),
    m2_start=st.tuples(
        st.floats(min_value=-40, max_value=40), st.floats(min_value=100, max_value=200)
    ),
    p1_start_lateral=st.floats(min_value=-30, max_value=30),
    p1_length=st.floats(min_value=120, max_value=260),
    d1_length=st.floats(min_value=60, max_value=150),
    articular_width=st.floats(min_value=60, max_value=150),
)
placements = st.builds(
    Placement,
    angle_deg=st.floats(min_value=-360, max_value=360),
    mirrored=st.booleans(),
    origin=st.tuples(
        st.floats(min_value=-3000, max_value=6000), st.floats(min_value=-3000, max_value=6000)
    ),
)
spacings = st.one_of(st.none(), st.floats(min_value=0.05, max_value=0.5))
turns = st.floats(min_value=-2 * math.pi, max_value=2 * math.pi)
shifts = st.floats(min_value=-5000, max_value=5000)
PROPERTY = settings(max_examples=150, deadline=None)


# --- the contract's examples ----------------------------------------------------------------


def test_the_contract_example_gives_exactly_the_contract_output() -> None:
    result = measure_document(EXAMPLE)
    assert result == EXAMPLE_OUTPUT
    assert list(result) == list(EXAMPLE_OUTPUT)  # schema first, every key present
    assert type(result["sesamoid_position"]) is int


def test_the_example_as_json_text_gives_the_same_output() -> None:
    assert measure(parse_landmarks_json(json.dumps(EXAMPLE).encode())).to_json() == EXAMPLE_OUTPUT


def test_required_landmarks_and_p1_alone_give_hva_ima_and_severity_and_nulls_elsewhere() -> None:
    result = measure_document(only(*REQUIRED_LANDMARKS, "p1_proximal", "p1_distal"))
    assert result == {
        "schema": "halluxpath.measurements/1",
        "hva_deg": 25.2,
        "ima_deg": 8.4,
        "hvia_deg": None,
        "dmaa_deg": None,
        "sesamoid_position": None,
        "sesamoid_lateral_fraction": None,
        "translation_pct": None,
        "osteotomy_width_mm": None,
        "severity": "moderate",
        "hallux_varus": False,
    }
    assert list(result) == list(EXAMPLE_OUTPUT)


def test_without_the_p1_pair_there_is_no_hva_severity_varus_flag_or_hvia() -> None:
    result = measure_document(only(*REQUIRED_LANDMARKS, "d1_proximal", "d1_distal"))
    assert result["ima_deg"] == 8.4  # IMA is always known
    for key in ("hva_deg", "hvia_deg", "severity", "hallux_varus"):
        assert result[key] is None, key


def test_without_spacing_no_millimetre_figure_is_reported_and_angles_stay() -> None:
    result = measure_document(example(pixel_spacing_mm=None))
    assert result["osteotomy_width_mm"] is None
    assert result == {**EXAMPLE_OUTPUT, "osteotomy_width_mm": None}


def test_a_single_spacing_number_means_square_pixels() -> None:
    landmarks = landmarks_from_document(example(pixel_spacing_mm=0.14))
    assert landmarks.pixel_spacing_mm == (0.14, 0.14)
    assert measure(landmarks).to_json() == EXAMPLE_OUTPUT


# --- what each measure means -------------------------------------------------------------------


def test_the_angles_the_foot_was_built_with_are_measured() -> None:
    result = measure_document(film(Foot(hva_deg=32.0, ima_deg=14.0, hvia_deg=9.0, dmaa_deg=12.0)))
    assert (result["hva_deg"], result["ima_deg"]) == (32.0, 14.0)
    assert (result["hvia_deg"], result["dmaa_deg"]) == (9.0, 12.0)
    assert result["severity"] == "moderate"


def test_hva_is_negative_for_hallux_varus() -> None:
    result = measure_document(film(Foot(hva_deg=-8.0, ima_deg=5.0)))
    assert result["hva_deg"] == -8.0
    assert result["hallux_varus"] is True


def test_a_negative_hva_grades_normal_and_still_flags_varus() -> None:
    result = measure_document(film(Foot(hva_deg=-25.0, ima_deg=-3.0)))
    assert result["severity"] == "normal"
    assert result["hallux_varus"] is True
    assert result["ima_deg"] == -3.0


def test_ima_is_positive_when_the_first_metatarsal_diverges_medially() -> None:
    assert measure_document(film(Foot(ima_deg=13.0)))["ima_deg"] == 13.0
    assert measure_document(film(Foot(ima_deg=-4.0)))["ima_deg"] == -4.0


def test_hvia_is_positive_when_the_distal_phalanx_deviates_laterally() -> None:
    assert measure_document(film(Foot(hvia_deg=11.0)))["hvia_deg"] == 11.0
    assert measure_document(film(Foot(hvia_deg=-6.0)))["hvia_deg"] == -6.0


def test_dmaa_is_positive_when_the_articular_surface_faces_laterally() -> None:
    assert measure_document(film(Foot(dmaa_deg=15.0)))["dmaa_deg"] == 15.0
    assert measure_document(film(Foot(dmaa_deg=-7.0)))["dmaa_deg"] == -7.0


@pytest.mark.parametrize(
    ("medial_border", "width", "fraction", "position"),
    [
        (-130.0, 30.0, 0.0, 1),  # wholly medial of the M1 axis
        (-100.0, 100.0, 0.0, 1),  # lateral border on the axis
        (-99.0, 100.0, 0.01, 2),
        (-75.0, 100.0, 0.25, 3),
        (-56.0, 100.0, 0.44, 3),
        (-55.0, 100.0, 0.45, 4),
        (-50.0, 100.0, 0.5, 4),  # bisected by the axis
        (-45.0, 100.0, 0.55, 4),
        (-44.0, 100.0, 0.56, 5),
        (-25.0, 100.0, 0.75, 5),
        (-24.0, 100.0, 0.76, 6),
        (-1.0, 100.0, 0.99, 6),
        (0.0, 100.0, 1.0, 7),  # medial border on the axis
        (20.0, 60.0, 1.0, 7),  # wholly lateral
    ],
)
def test_sesamoid_position_follows_the_hardy_clapham_grades(
    medial_border: float, width: float, fraction: float, position: int
) -> None:
    foot = Foot(sesamoid_medial_border=medial_border, sesamoid_width=width, sesamoid_tilt=0.0)
    m = measured(film(foot, Placement(angle_deg=-90.0, origin=(1000.0, 2000.0))))
    assert m.sesamoid_lateral_fraction == fraction
    assert m.sesamoid_position == position


def test_translation_is_the_lateral_shift_of_the_head_in_percent_of_shaft_width() -> None:
    foot = Foot(translation_pct=62.5, shaft_width=80.0, osteotomy_tilt=0.0)
    result = measure_document(film(foot, spacing=0.2))
    assert result["translation_pct"] == 62.5
    assert result["osteotomy_width_mm"] == 16.0  # 80 px of 0.2 mm


def test_a_medial_shift_of_the_head_is_a_negative_translation() -> None:
    assert measure_document(film(Foot(translation_pct=-12.0)))["translation_pct"] == -12.0


def test_row_spacing_is_vertical_and_column_spacing_horizontal() -> None:
    # M1 straight up the image, M2 to its right; P1 goes 50 px right and 100 px up.
    document = {
        "schema": "halluxpath.landmarks/1",
        "points": {
            "m1_proximal": [1000.0, 2000.0],
            "m1_distal": [1000.0, 1600.0],
            "m2_proximal": [1150.0, 2000.0],
            "m2_distal": [1150.0, 1600.0],
            "p1_proximal": [1000.0, 1500.0],
            "p1_distal": [1050.0, 1400.0],
        },
    }
    square = measured(document).hva_deg
    tall_pixels = measured({**document, "pixel_spacing_mm": [0.2, 0.1]}).hva_deg
    assert square == pytest.approx(math.degrees(math.atan2(50, 100)))
    assert tall_pixels == pytest.approx(math.degrees(math.atan2(50 * 0.1, 100 * 0.2)))


def test_grading_uses_the_unrounded_hva() -> None:
    result = measure_document(film(Foot(hva_deg=20.04, ima_deg=5.0)))
    assert result["hva_deg"] == 20.0
    assert result["severity"] == "moderate"


def test_severity_is_the_worse_of_the_hva_and_ima_grades() -> None:
    assert measure_document(film(Foot(hva_deg=16.0, ima_deg=17.0)))["severity"] == "severe"
    assert measure_document(film(Foot(hva_deg=41.0, ima_deg=5.0)))["severity"] == "severe"
    assert measure_document(film(Foot(hva_deg=12.0, ima_deg=10.0)))["severity"] == "mild"


def test_hvia_stays_in_the_half_open_interval_after_rounding() -> None:
    m = measured(film(Foot(hva_deg=5.0, hvia_deg=-10.0)))
    assert replace(m, hvia_deg=-179.96).to_json()["hvia_deg"] == 180.0
    assert replace(m, hvia_deg=180.0).to_json()["hvia_deg"] == 180.0
    assert replace(m, hvia_deg=-179.94).to_json()["hvia_deg"] == -179.9


# --- the landmark set -------------------------------------------------------------------------


def test_landmark_order_follows_the_contract_table() -> None:
    assert LANDMARK_ORDER == (
        "m1_proximal",
        "m1_distal",
        "m2_proximal",
        "m2_distal",
        "p1_proximal",
        "p1_distal",
        "d1_proximal",
        "d1_distal",
        "m1_articular_medial",
        "m1_articular_lateral",
        "tibial_sesamoid_medial",
        "tibial_sesamoid_lateral",
        "osteotomy_medial_cortex",
        "osteotomy_lateral_cortex",
        "head_medial_cortex",
    )
    assert set(OPTIONAL_GROUPS) == {"p1", "d1", "articular", "sesamoid", "translation"}


def test_the_landmark_set_gives_back_the_contract_input_document() -> None:
    shuffled = example()
    shuffled["points"] = dict(reversed(list(EXAMPLE["points"].items())))
    landmarks = landmarks_from_document(shuffled)
    document = landmarks.to_document()
    assert document == EXAMPLE
    assert list(document) == ["schema", "view", "pixel_spacing_mm", "points"]
    assert list(document["points"]) == list(LANDMARK_ORDER)
    assert landmarks_from_document(document) == landmarks


def test_a_landmark_set_without_spacing_has_no_spacing_key() -> None:
    document = landmarks_from_document(example(pixel_spacing_mm=None)).to_document()
    assert "pixel_spacing_mm" not in document
    assert list(document) == ["schema", "view", "points"]


def test_a_landmark_set_cannot_be_changed_after_validation() -> None:
    landmarks = landmarks_from_document(EXAMPLE)
    with pytest.raises(TypeError):
        landmarks.points["m1_distal"] = (0.0, 0.0)  # type: ignore[index]


def test_integers_and_tuples_are_taken_as_json_numbers_and_arrays() -> None:
    document = example(pixel_spacing_mm=(0.14, 0.14))
    document["points"] = {k: tuple(v) for k, v in EXAMPLE["points"].items()}
    document["points"]["p1_proximal"] = [690, 1020]
    assert measure_document(document) == EXAMPLE_OUTPUT


# --- errors: text that is not one strict JSON document -------------------------------------


def test_text_that_is_not_json_is_refused() -> None:
    with pytest.raises(LandmarkError, match=r"not valid JSON: .*line 1"):
        parse_landmarks_json('{"schema": ')


def test_bytes_that_are_not_utf8_are_refused() -> None:
    with pytest.raises(LandmarkError, match="not UTF-8 text"):
        parse_landmarks_json(b'{"schema": "\xff"}')


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_tokens_are_refused(token: str) -> None:
    text = json.dumps(EXAMPLE).replace("612.0", token)
    with pytest.raises(LandmarkError, match=f"not valid JSON: {re.escape(token)} is not a number"):
        parse_landmarks_json(text)


@pytest.mark.parametrize("number", ["1e999", "-1e999", "1" + "0" * 400, "1" * 5000])
def test_numbers_that_overflow_to_infinity_are_refused(number: str) -> None:
    text = json.dumps(EXAMPLE).replace("612.0", number)
    with pytest.raises(LandmarkError, match=r"not valid JSON: the number .* is too large"):
        parse_landmarks_json(text)


@pytest.mark.parametrize("tail", ["{}", "x", "]", '"more"'])
def test_trailing_data_after_the_document_is_refused(tail: str) -> None:
    with pytest.raises(LandmarkError, match="more data after the JSON document"):
        parse_landmarks_json(json.dumps(EXAMPLE) + "\n" + tail)


def test_a_key_given_twice_is_refused_so_no_placement_hides_another() -> None:
    text = json.dumps(EXAMPLE).replace('"p1_distal"', '"p1_proximal"')
    with pytest.raises(LandmarkError, match="the key 'p1_proximal' appears twice"):
        parse_landmarks_json(text)


def test_empty_input_is_refused() -> None:
    with pytest.raises(LandmarkError, match="the input is empty"):
        parse_landmarks_json(b" \n")


def test_a_byte_order_mark_is_refused() -> None:
    with pytest.raises(LandmarkError, match="byte-order mark"):
        parse_landmarks_json(b"\xef\xbb\xbf" + json.dumps(EXAMPLE).encode())


def test_deeply_nested_input_is_refused_without_a_traceback() -> None:
    with pytest.raises(LandmarkError, match="not valid JSON"):
        parse_landmarks_json("[" * 100_000 + "]" * 100_000)


@pytest.mark.parametrize("depth", [33, 900, 2_000])
def test_nesting_deeper_than_any_landmarks_document_is_refused_before_decoding(depth: int) -> None:
    with pytest.raises(NotJsonError, match="nested too deeply"):
        parse_landmarks_json('{"points": ' + "[" * depth + "]" * depth + "}")


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    document = copy.deepcopy(EXAMPLE)
    document["view"] = "[" * 100  # refused as a view, not as nesting
    with pytest.raises(LandmarkError, match="'view' must be 'dp'"):
        parse_landmarks_json(json.dumps(document))


def test_an_input_far_longer_than_a_landmarks_document_is_refused() -> None:
    with pytest.raises(NotJsonError, match="far shorter"):
        parse_landmarks_json(" " * 1_000_001)


def test_whitespace_around_the_document_is_allowed() -> None:
    landmarks = parse_landmarks_json("\n\t " + json.dumps(EXAMPLE) + " \r\n")
    assert measure(landmarks).to_json() == EXAMPLE_OUTPUT


# --- errors: the document ----------------------------------------------------------------------


@pytest.mark.parametrize("document", [[], "dp", 3, None, [EXAMPLE]])
def test_a_top_level_that_is_not_an_object_is_refused(document: Any) -> None:
    assert refusal(document).startswith("the landmarks document must be a JSON object")


def test_a_missing_schema_is_refused() -> None:
    assert refusal(example(schema=None)).startswith("'schema' is missing")


@pytest.mark.parametrize("schema", ["halluxpath.landmarks/2", "", 1, ["halluxpath.landmarks/1"]])
def test_a_wrong_schema_is_refused(schema: Any) -> None:
    assert refusal(example(schema=schema)).startswith("'schema' must be 'halluxpath.landmarks/1'")


@pytest.mark.parametrize("view", ["lateral", "DP", "", 0, False, [], {}])
def test_a_view_other_than_dp_is_refused(view: Any) -> None:
    assert refusal(example(view=view)).startswith("'view' must be 'dp'")


def test_a_null_view_is_refused() -> None:
    document = example()
    document["view"] = None
    assert refusal(document).startswith("'view' must be 'dp'")


def test_an_unknown_top_level_key_is_refused() -> None:
    assert "unknown top-level key 'patient_name'" in refusal(example(patient_name="X"))


def test_an_unknown_landmark_name_is_refused_with_a_suggestion() -> None:
    message = refusal(with_points(p1_distall=[835.0, 760.0]))
    assert message == "unknown landmark 'p1_distall': did you mean 'p1_distal'?"


def test_an_odd_landmark_name_is_shown_escaped() -> None:
    assert refusal(with_points(**{"bad\nname": [1.0, 2.0]})) == 'unknown landmark "bad\\nname"'


def test_missing_points_are_refused() -> None:
    assert refusal(example(points=None)).startswith("'points' is missing")


@pytest.mark.parametrize("points", [[], "m1", 1, [["m1_proximal", [1, 2]]]])
def test_points_that_are_not_an_object_are_refused(points: Any) -> None:
    assert refusal(example(points=points)).startswith("'points' must be an object")


@pytest.mark.parametrize("value", [[1.0], [1.0, 2.0, 3.0], [], "1,2", {"x": 1, "y": 2}, 5, None])
def test_a_coordinate_that_is_not_a_list_of_two_is_refused(value: Any) -> None:
    message = refusal(with_points(m1_distal=value) if value is not None else _null_point())
    assert message.startswith("landmark 'm1_distal' must be a list of two numbers [x, y]")


def _null_point() -> dict[str, Any]:
    document = example()
    document["points"]["m1_distal"] = None
    return document


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ([True, 1215.0], "true"),
        ([655.2, False], "false"),
        (["655.2", 1215.0], 'the text "655.2"'),
        ([None, 1215.0], "null"),
        ([[655.2], 1215.0], "a list of 1 item"),
        ([math.nan, 1215.0], "a number that is not finite"),
        ([655.2, math.inf], "a number that is not finite"),
        ([10**400, 1215.0], "a number that is not finite"),
    ],
)
def test_a_coordinate_that_is_not_a_finite_number_is_refused(value: Any, shown: str) -> None:
    message = refusal(with_points(m1_distal=value), as_text=not isinstance(value[0], int))
    assert message == (
        f"landmark 'm1_distal' must be a list of two finite numbers [x, y]; {shown} is not one"
    )


@pytest.mark.parametrize(
    "spacing", [0, -0.14, [0.14], [0.14, 0.14, 0.14], [0.14, 0], [0.14, -1.0], True, "0.14"]
)
def test_a_pixel_spacing_that_is_not_positive_numbers_is_refused(spacing: Any) -> None:
    assert refusal(example(pixel_spacing_mm=spacing)).startswith(
        "'pixel_spacing_mm' must be a positive number or a list of two positive numbers"
    )


def test_a_null_pixel_spacing_is_refused() -> None:
    document = example()
    document["pixel_spacing_mm"] = None
    assert refusal(document).startswith("'pixel_spacing_mm' must be a positive number")


@pytest.mark.parametrize("spacing", [[1e-200, 0.14], [0.14, 1e200], 5e-324])
def test_a_pixel_spacing_too_extreme_to_compute_with_is_refused(spacing: Any) -> None:
    assert "'pixel_spacing_mm' must lie between 1e-100 and 1e100" in refusal(
        example(pixel_spacing_mm=spacing)
    )


def test_a_coordinate_beyond_any_image_is_refused() -> None:
    message = refusal(with_points(head_medial_cortex=[630.0, -1e120]))
    assert message.startswith("landmark 'head_medial_cortex' lies beyond 1e100 pixels")


@pytest.mark.parametrize("name", REQUIRED_LANDMARKS)
def test_a_missing_required_landmark_is_refused(name: str) -> None:
    assert refusal(with_points(**{name: None})) == f"required landmark '{name}' is missing"


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        (names[:i] + names[i + 1 :], names[i])
        for names in OPTIONAL_GROUPS.values()
        for i in range(len(names))
    ],
)
def test_an_optional_group_given_in_part_is_refused_naming_a_missing_landmark(
    given: tuple[str, ...], missing: str
) -> None:
    message = refusal(only(*REQUIRED_LANDMARKS, *given))
    assert message.startswith(f"landmark '{missing}' is missing: the ")
    assert "are given all together or not at all" in message


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("m1_proximal", "m1_distal"),
        ("m2_proximal", "m2_distal"),
        ("p1_proximal", "p1_distal"),
        ("d1_proximal", "d1_distal"),
        ("m1_articular_medial", "m1_articular_lateral"),
        ("tibial_sesamoid_medial", "tibial_sesamoid_lateral"),
        ("osteotomy_medial_cortex", "osteotomy_lateral_cortex"),
    ],
)
def test_the_two_points_of_a_pair_closer_than_one_pixel_are_refused(
    first: str, second: str
) -> None:
    x, y = EXAMPLE["points"][first]
    message = refusal(with_points(**{second: [x + 0.6, y - 0.6]}))
    assert message.startswith(f"landmarks '{first}' and '{second}' are less than 1 pixel apart")


def test_the_one_pixel_rule_uses_stored_pixels_not_millimetres() -> None:
    # 0.8 px apart: refused although a 10 mm pixel would make it 8 mm.
    document = with_points(p1_distal=[690.8, 1020.0])
    document["pixel_spacing_mm"] = [10.0, 10.0]
    assert "less than 1 pixel apart" in refusal(document)
    # 1 px apart is enough, however small the pixel.
    landmarks_from_document(
        with_points(p1_distal=[690.0, 1019.0], d1_proximal=None, d1_distal=None)
    )


def test_an_m2_midpoint_on_the_m1_axis_is_refused_as_no_lateral_side() -> None:
    # M2 crosses the M1 axis at its midpoint: (0, 0) in the foot's frame.
    document = film(Foot(m2_start=(100.0, -100.0), m2_length=200 * math.sqrt(2), ima_deg=45.0))
    message = refusal(document)
    assert "lies within 1 pixel of the first metatarsal's axis" in message
    assert "lateral side cannot be found" in message


@pytest.mark.parametrize(
    ("proximal", "distal"),
    [("m2_proximal", "m2_distal"), ("p1_proximal", "p1_distal"), ("d1_proximal", "d1_distal")],
)
def test_an_axis_drawn_from_distal_to_proximal_is_refused_as_swapped(
    proximal: str, distal: str
) -> None:
    points = EXAMPLE["points"]
    message = refusal(with_points(**{proximal: points[distal], distal: points[proximal]}))
    assert message == (
        f"landmark '{distal}' does not lie distal to '{proximal}' along the first "
        "metatarsal's axis: were the points swapped?"
    )


def test_the_swapped_axis_rule_is_judged_in_millimetres() -> None:
    # Distal along M1 in square pixels, proximal once columns are narrowed to 0.1 mm.
    points = {
        "m1_proximal": [0.0, 0.0],
        "m1_distal": [100.0, -100.0],
        "m2_proximal": [100.0, 20.0],
        "m2_distal": [180.0, -60.0],
        "p1_proximal": [50.0, -150.0],
        "p1_distal": [60.0, -141.0],
    }
    square = {"schema": "halluxpath.landmarks/1", "points": points}
    landmarks_from_document(square)
    message = refusal({**square, "pixel_spacing_mm": [1.0, 0.1]})
    assert message.startswith("landmark 'p1_distal' does not lie distal to 'p1_proximal'")


# --- nothing but a result or a refusal ---------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12,
)


def _measured_or_refused(document: Any) -> None:
    try:
        result = measure_document(document)
    except LandmarkError as error:
        message = str(error)
        assert message
        return
    assert list(result) == list(OUTPUT_KEYS)
    json.dumps(result, allow_nan=False)  # every number finite


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_value_is_measured_or_refused_with_a_message(value: Any) -> None:
    _measured_or_refused(value)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from((*LANDMARK_ORDER, "schema", "view", "pixel_spacing_mm")), json_values)
def test_a_damaged_example_is_measured_or_refused_with_a_message(key: str, value: Any) -> None:
    document = example()
    if key in LANDMARK_ORDER:
        document["points"][key] = value
    else:
        document[key] = value
    _measured_or_refused(document)


finite_floats = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(LANDMARK_ORDER), finite_floats, finite_floats, finite_floats)
def test_extreme_numbers_are_measured_or_refused_never_overflowing(
    name: str, x: float, y: float, spacing: float
) -> None:
    document = with_points(**{name: [x, y]})
    document["pixel_spacing_mm"] = [abs(spacing) or 1.0, 0.14]
    _measured_or_refused(document)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80) | st.text(max_size=80).map(str.encode))
def test_any_bytes_are_measured_or_refused_with_a_message(raw: bytes) -> None:
    try:
        parse_landmarks_json(raw)
    except LandmarkError as error:
        message = str(error)
        assert message


# --- invariances ------------------------------------------------------------------------------


@PROPERTY
@given(feet, placements, spacings)
def test_the_angles_built_into_a_foot_are_measured_on_any_film_orientation(
    foot: Foot, placement: Placement, spacing: float | None
) -> None:
    assume(abs(foot.hva_deg + foot.hvia_deg) <= 80)
    m = measured(film(foot, placement, spacing))
    assert m.hva_deg == pytest.approx(foot.hva_deg, abs=1e-6)
    assert m.ima_deg == pytest.approx(foot.ima_deg, abs=1e-6)
    assert m.hvia_deg == pytest.approx(foot.hvia_deg, abs=1e-6)
    assert m.dmaa_deg == pytest.approx(foot.dmaa_deg, abs=1e-6)
    assert m.sesamoid_lateral_fraction == pytest.approx(foot.expected_fraction(), abs=1e-9)
    assert m.translation_pct == pytest.approx(foot.translation_pct, abs=1e-6)
    if spacing is None:
        assert m.osteotomy_width_mm is None
    else:
        width = spacing * math.hypot(foot.osteotomy_tilt, foot.shaft_width)
        assert m.osteotomy_width_mm == pytest.approx(width)


@PROPERTY
@given(feet, placements, spacings, turns, shifts, shifts)
def test_rotating_and_shifting_the_film_changes_no_measure(
    foot: Foot,
    placement: Placement,
    spacing: float | None,
    turn: float,
    dx: float,
    dy: float,
) -> None:
    assume(abs(foot.hva_deg + foot.hvia_deg) <= 80)
    document = film(foot, placement, spacing)
    c, s = math.cos(turn), math.sin(turn)
    turned = moved(document, lambda x, y: (c * x - s * y + dx, s * x + c * y + dy))
    assert_same_measures(measured(turned), measured(document))


@PROPERTY
@given(feet, placements, spacings, st.sampled_from(["x", "y"]))
def test_a_mirrored_film_left_foot_or_flipped_gives_the_same_measures(
    foot: Foot, placement: Placement, spacing: float | None, axis: str
) -> None:
    assume(abs(foot.hva_deg + foot.hvia_deg) <= 80)
    document = film(foot, placement, spacing)
    flip = (lambda x, y: (4000 - x, y)) if axis == "x" else (lambda x, y: (x, 4000 - y))
    assert_same_measures(measured(moved(document, flip)), measured(document))


@PROPERTY
@given(feet, placements, st.floats(min_value=0.05, max_value=0.5), st.floats(0.5, 8.0))
def test_a_uniformly_scaled_film_with_matching_spacing_gives_the_same_measures(
    foot: Foot, placement: Placement, spacing: float, k: float
) -> None:
    assume(abs(foot.hva_deg + foot.hvia_deg) <= 80)
    document = film(foot, placement, spacing)
    scaled = moved(document, lambda x, y: (k * x, k * y))
    scaled["pixel_spacing_mm"] = [spacing / k, spacing / k]
    assert_same_measures(measured(scaled), measured(document))
    unscaled_pixels = film(foot, placement)
    bigger = moved(unscaled_pixels, lambda x, y: (k * x, k * y))
    assert_same_measures(measured(bigger), measured(unscaled_pixels))  # angles need no spacing


@PROPERTY
@given(
    feet,
    placements,
    spacings,
    st.sampled_from(
        [
            ("m1_articular_medial", "m1_articular_lateral"),
            ("tibial_sesamoid_medial", "tibial_sesamoid_lateral"),
            ("osteotomy_medial_cortex", "osteotomy_lateral_cortex"),
        ]
    ),
)
def test_a_medial_lateral_pair_given_the_wrong_way_round_gives_the_same_result(
    foot: Foot, placement: Placement, spacing: float | None, pair: tuple[str, str]
) -> None:
    assume(abs(foot.hva_deg + foot.hvia_deg) <= 80)
    document = film(foot, placement, spacing)
    swapped = copy.deepcopy(document)
    first, second = pair
    points = swapped["points"]
    points[first], points[second] = points[second], points[first]
    assert measured(swapped) == measured(document)


@PROPERTY
@given(feet, placements, st.floats(0.05, 0.5), st.floats(0.25, 4.0), st.booleans())
def test_anisotropic_spacing_is_honoured(
    foot: Foot, placement: Placement, spacing: float, k: float, stretch_rows: bool
) -> None:
    """A film k times denser along one image axis, that spacing divided by k: the same foot."""
    assume(abs(foot.hva_deg + foot.hvia_deg) <= 80)
    square = film(foot, placement, spacing)
    if stretch_rows:
        dense = moved(square, lambda x, y: (x, k * y))
        dense["pixel_spacing_mm"] = [spacing / k, spacing]
    else:
        dense = moved(square, lambda x, y: (k * x, y))
        dense["pixel_spacing_mm"] = [spacing, spacing / k]
    assert_same_measures(measured(dense), measured(square))


# --- rounding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (0.25, 1, 0.3),
        (-0.25, 1, -0.3),
        (2.45, 1, 2.5),  # binary 2.4500000000000001776...: reads as a half
        (8.45, 1, 8.5),  # binary 8.4499999999999992894...: still reads as a half
        (1.005, 2, 1.01),
        (0.125, 2, 0.13),
        (0.535, 2, 0.54),
        (2.449, 1, 2.4),
        (2.4999999, 1, 2.5),
        (-0.05, 1, -0.1),
        (-0.04, 1, 0.0),
        (179.95, 1, 180.0),
        (44.44444444444441, 1, 44.4),
        (0.0, 1, 0.0),
        (123456789.25, 1, 123456789.3),
        (1e20, 1, 1e20),
        (-3.5e-7, 2, 0.0),
    ],
)
def test_rounding_is_half_away_from_zero_as_the_number_reads(
    value: float, places: int, expected: float
) -> None:
    result = round_half_away(value, places)
    assert result == expected
    assert math.copysign(1.0, result) == math.copysign(1.0, expected)  # never -0.0


def _reference_rounding(value: float, places: int) -> float:
    quantum = Decimal(1).scaleb(-places)
    exact = Decimal(repr(value)).quantize(
        quantum, rounding=ROUND_HALF_UP, context=Context(prec=400)
    )
    return float(exact) + 0.0


decimal_ties = st.decimals(
    min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False
).map(float)


@settings(max_examples=500)
@given(finite_floats | decimal_ties, st.sampled_from([1, 2]))
def test_rounding_agrees_with_decimal_arithmetic_on_the_printed_number(
    value: float, places: int
) -> None:
    result = round_half_away(value, places)
    assert result == _reference_rounding(value, places)
    assert not (result == 0 and math.copysign(1.0, result) < 0)
