"""The radiographic measurement contract (spec/measurements.md, v1) as pure functions.

Landmarks in, measures out: HVA, IMA, HVIA, DMAA, the Hardy–Clapham sesamoid
position, the lateral translation after an osteotomy and the severity grade
(DOMAIN §2). The browser tool, the API and the command line all call
``measure``, so the same landmarks give the same numbers everywhere.

Angles are computed in a frame fixed to the first metatarsal (the contract's
"Frame"): ``u`` runs along M1 distally and ``l`` points to the side where the
second metatarsal lies. Nothing depends on how the film is displayed
(left or right foot, rotated, mirrored), and the medial and lateral points of
a pair may be given in either order.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from halluxpath.core import grading

INPUT_SCHEMA = "halluxpath.landmarks/1"
OUTPUT_SCHEMA = "halluxpath.measurements/1"
VIEWS = ("dp",)
TOP_LEVEL_KEYS = ("schema", "view", "pixel_spacing_mm", "points")

REQUIRED_LANDMARKS: tuple[str, ...] = ("m1_proximal", "m1_distal", "m2_proximal", "m2_distal")
OPTIONAL_GROUPS: dict[str, tuple[str, ...]] = {
    "p1": ("p1_proximal", "p1_distal"),
    "d1": ("d1_proximal", "d1_distal"),
    "articular": ("m1_articular_medial", "m1_articular_lateral"),
    "sesamoid": ("tibial_sesamoid_medial", "tibial_sesamoid_lateral"),
    "translation": ("osteotomy_medial_cortex", "osteotomy_lateral_cortex", "head_medial_cortex"),
}
LANDMARK_ORDER: tuple[str, ...] = REQUIRED_LANDMARKS + tuple(
    name for group in OPTIONAL_GROUPS.values() for name in group
)
_KNOWN = frozenset(LANDMARK_ORDER)

# Pairs whose two points must be at least 1 stored pixel apart.
_PAIRS = (
    ("m1_proximal", "m1_distal"),
    ("m2_proximal", "m2_distal"),
    ("p1_proximal", "p1_distal"),
    ("d1_proximal", "d1_distal"),
    ("m1_articular_medial", "m1_articular_lateral"),
    ("tibial_sesamoid_medial", "tibial_sesamoid_lateral"),
    ("osteotomy_medial_cortex", "osteotomy_lateral_cortex"),
)
# Axes whose distal point must lie distal to the proximal one along M1.
_DIRECTED_AXES = (
    ("m2_proximal", "m2_distal"),
    ("p1_proximal", "p1_distal"),
    ("d1_proximal", "d1_distal"),
)
MIN_SEPARATION_PX = 1.0

Point = tuple[float, float]


class LandmarkError(ValueError):
    """Landmarks that cannot be measured; the message says why, in plain words."""


@dataclass(frozen=True)
class LandmarkSet:
    points: Mapping[str, Point]
    pixel_spacing_mm: tuple[float, float] | None = None  # (row, column), DICOM order
    view: str = "dp"

    def to_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {"schema": INPUT_SCHEMA, "view": self.view}
        if self.pixel_spacing_mm is not None:
            document["pixel_spacing_mm"] = list(self.pixel_spacing_mm)
        document["points"] = {
            name: list(self.points[name]) for name in LANDMARK_ORDER if name in self.points
        }
        return document


@dataclass(frozen=True)
class Measurements:
    """Unrounded results; ``to_json`` gives the contract's output document."""

    hva_deg: float | None
    ima_deg: float
    hvia_deg: float | None
    dmaa_deg: float | None
    sesamoid_position: int | None
    sesamoid_lateral_fraction: float | None
    translation_pct: float | None
    osteotomy_width_mm: float | None
    severity: str | None
    hallux_varus: bool | None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": OUTPUT_SCHEMA,
            "hva_deg": round_half_away(self.hva_deg, 1),
            "ima_deg": round_half_away(self.ima_deg, 1),
            "hvia_deg": round_half_away(self.hvia_deg, 1),
            "dmaa_deg": round_half_away(self.dmaa_deg, 1),
            "sesamoid_position": self.sesamoid_position,
            "sesamoid_lateral_fraction": round_half_away(self.sesamoid_lateral_fraction, 2),
            "translation_pct": round_half_away(self.translation_pct, 1),
            "osteotomy_width_mm": round_half_away(self.osteotomy_width_mm, 1),
            "severity": self.severity,
            "hallux_varus": self.hallux_varus,
        }


def round_half_away(value: float | None, places: int) -> float | None:
    """Round half away from zero, as the number reads in decimal.

    ``repr`` gives the shortest decimal that is the float, so 2.45 rounds to
    2.5 and -0.25 to -0.3, as a person reading the value would expect (binary
    arithmetic alone would give 2.4). A result of -0.0 is given as 0.0.
    """
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    rounded = float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))
    return rounded + 0.0  # turns -0.0 into 0.0


# --- reading the document ----------------------------------------------------------------


def _refuse_constant(token: str) -> float:
    raise LandmarkError(f"the input is not valid JSON: {token} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise LandmarkError(f"the input is not valid JSON: the number {text} is too large")
    return value


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise LandmarkError(f"the key '{key}' appears twice in one object")
        result[key] = value
    return result


_DECODER = json.JSONDecoder(
    parse_constant=_refuse_constant, parse_float=_finite_float, object_pairs_hook=_no_duplicate_keys
)
_JSON_WHITESPACE = " \t\n\r"


def parse_landmarks_json(raw: bytes | str) -> LandmarkSet:
    """Parse and validate a landmarks document given as JSON text.

    Strict: the text must be UTF-8, hold exactly one JSON document, use no
    ``NaN`` or ``Infinity`` and no number too large for a float, and repeat no
    key within an object (a repeated landmark would silently hide a typo).
    """
    if isinstance(raw, bytes | bytearray):
        try:
            text = bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            raise LandmarkError("the input is not UTF-8 text") from None
    else:
        text = raw
    start = len(text) - len(text.lstrip(_JSON_WHITESPACE))
    try:
        document, end = _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as error:
        raise LandmarkError(
            f"the input is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise LandmarkError("the input is not valid JSON: it is nested too deeply") from None
    if text[end:].strip(_JSON_WHITESPACE):
        raise LandmarkError("there is more data after the JSON document")
    return landmarks_from_document(document)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _finite(value: int | float) -> float | None:
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _coordinate(name: str, value: object) -> Point:
    if not isinstance(value, list) or len(value) != 2:
        raise LandmarkError(f"landmark '{name}' must be a list of two numbers [x, y]")
    numbers = []
    for item in value:
        number = _finite(item) if _is_number(item) else None
        if number is None:
            raise LandmarkError(
                f"landmark '{name}' must be a list of two finite numbers "
                f"[x, y]; {json.dumps(item)} is not one"
            )
        numbers.append(number)
    return (numbers[0], numbers[1])


def _spacing(value: object) -> tuple[float, float]:
    problem = (
        "'pixel_spacing_mm' must be a positive number or a list of two positive "
        "numbers [row, column]"
    )
    items = value if isinstance(value, list) else [value, value]
    if len(items) != 2:
        raise LandmarkError(problem)
    spacing = []
    for item in items:
        number = _finite(item) if _is_number(item) else None
        if number is None or number <= 0:
            raise LandmarkError(problem)
        spacing.append(number)
    return (spacing[0], spacing[1])


def landmarks_from_document(document: object) -> LandmarkSet:
    """Validate a decoded landmarks document (the contract's Errors, in order)."""
    if not isinstance(document, dict):
        raise LandmarkError("the landmarks document must be a JSON object")
    if "schema" not in document:
        raise LandmarkError(f"'schema' is missing: it must be '{INPUT_SCHEMA}'")
    if document["schema"] != INPUT_SCHEMA:
        raise LandmarkError(
            f"'schema' must be '{INPUT_SCHEMA}', not {json.dumps(document['schema'])}"
        )
    view = document.get("view", "dp")
    if view not in VIEWS:
        raise LandmarkError(
            f"'view' must be 'dp' (weight-bearing dorsoplantar), not {json.dumps(view)}"
        )
    for key in document:
        if key not in TOP_LEVEL_KEYS:
            raise LandmarkError(f"unknown top-level key '{key}'")
    if "points" not in document:
        raise LandmarkError("'points' is missing")
    raw_points = document["points"]
    if not isinstance(raw_points, dict):
        raise LandmarkError("'points' must be a JSON object of landmark names")
    for name in raw_points:
        if name not in _KNOWN:
            raise LandmarkError(f"unknown landmark '{name}'")
    points = {
        name: _coordinate(name, raw_points[name]) for name in LANDMARK_ORDER if name in raw_points
    }
    spacing = _spacing(document["pixel_spacing_mm"]) if "pixel_spacing_mm" in document else None
    for name in REQUIRED_LANDMARKS:
        if name not in points:
            raise LandmarkError(f"required landmark '{name}' is missing")
    for group, names in OPTIONAL_GROUPS.items():
        given = [n for n in names if n in points]
        if given and len(given) != len(names):
            missing = next(n for n in names if n not in points)
            raise LandmarkError(
                f"the {group} landmarks must be given together: '{missing}' is missing"
            )
    _check_geometry(points, spacing)
    return LandmarkSet(points=points, pixel_spacing_mm=spacing, view=view)


# --- the frame -----------------------------------------------------------------------------


def _sub(a: Point, b: Point) -> Point:
    return (a[0] - b[0], a[1] - b[1])


def _dot(a: Point, b: Point) -> float:
    return a[0] * b[0] + a[1] * b[1]


def _to_mm(points: Mapping[str, Point], spacing: tuple[float, float] | None) -> dict[str, Point]:
    if spacing is None:
        return dict(points)
    row, column = spacing
    return {name: (x * column, y * row) for name, (x, y) in points.items()}


@dataclass(frozen=True)
class _Frame:
    origin: Point
    u: Point  # along M1, distally
    l: Point  # noqa: E741  (the contract's name) lateral: towards M2

    def lateral(self, p: Point) -> float:
        return _dot(_sub(p, self.origin), self.l)

    def theta(self, v: Point) -> float:
        return math.degrees(math.atan2(_dot(v, self.l), _dot(v, self.u)))


def _frame(mm: Mapping[str, Point]) -> _Frame:
    origin = mm["m1_proximal"]
    axis = _sub(mm["m1_distal"], origin)
    length = math.hypot(*axis)
    u = (axis[0] / length, axis[1] / length)
    n = (-u[1], u[0])
    m2p, m2d = mm["m2_proximal"], mm["m2_distal"]
    c2 = ((m2p[0] + m2d[0]) / 2, (m2p[1] + m2d[1]) / 2)
    lateral = n if _dot(_sub(c2, origin), n) > 0 else (-n[0], -n[1])
    return _Frame(origin, u, lateral)


def _check_geometry(points: Mapping[str, Point], spacing: tuple[float, float] | None) -> None:
    for first, second in _PAIRS:
        if (
            first in points
            and second in points
            and math.dist(points[first], points[second]) < MIN_SEPARATION_PX
        ):
            raise LandmarkError(f"'{first}' and '{second}' are less than 1 pixel apart")
    # The M2 midpoint must lie off the M1 axis line (stored pixels), or no side is lateral.
    m1p, m1d = points["m1_proximal"], points["m1_distal"]
    m2p, m2d = points["m2_proximal"], points["m2_distal"]
    c2 = ((m2p[0] + m2d[0]) / 2, (m2p[1] + m2d[1]) / 2)
    axis = _sub(m1d, m1p)
    offset = abs(axis[0] * (c2[1] - m1p[1]) - axis[1] * (c2[0] - m1p[0])) / math.hypot(*axis)
    if offset < MIN_SEPARATION_PX:
        raise LandmarkError(
            "the second metatarsal's midpoint lies on the first metatarsal's "
            "axis, so the lateral side cannot be found"
        )
    mm = _to_mm(points, spacing)
    frame = _frame(mm)
    for proximal, distal in _DIRECTED_AXES:
        if proximal in mm and _dot(_sub(mm[distal], mm[proximal]), frame.u) <= 0:
            raise LandmarkError(
                f"'{distal}' does not lie distal to '{proximal}' along the "
                "first metatarsal: were the two points swapped?"
            )


# --- the measures ----------------------------------------------------------------------------


def _sesamoid_position(fraction: float) -> int:
    """Hardy and Clapham's seven grades, in the contract's operational form."""
    if fraction <= 0:
        return 1
    if fraction < 0.25:
        return 2
    if fraction < 0.45:
        return 3
    if fraction <= 0.55:
        return 4
    if fraction <= 0.75:
        return 5
    if fraction < 1:
        return 6
    return 7


def _ordered(frame: _Frame, a: Point, b: Point) -> tuple[Point, Point]:
    """The pair as (medial, lateral) by lateral coordinate."""
    return (a, b) if frame.lateral(a) <= frame.lateral(b) else (b, a)


def measure(landmarks: LandmarkSet) -> Measurements:
    """All measures of a validated landmark set (unrounded)."""
    mm = _to_mm(landmarks.points, landmarks.pixel_spacing_mm)
    frame = _frame(mm)
    ima = frame.theta(_sub(mm["m2_distal"], mm["m2_proximal"]))
    hva = hvia = dmaa = fraction = translation = width = None
    position = None
    if "p1_proximal" in mm:
        hva = frame.theta(_sub(mm["p1_distal"], mm["p1_proximal"]))
        if "d1_proximal" in mm:
            hvia = frame.theta(_sub(mm["d1_distal"], mm["d1_proximal"])) - hva
            while hvia <= -180:
                hvia += 360
            while hvia > 180:
                hvia -= 360
    if "m1_articular_medial" in mm:
        medial, lateral = _ordered(frame, mm["m1_articular_medial"], mm["m1_articular_lateral"])
        a = _sub(lateral, medial)
        dmaa = math.degrees(math.atan2(-_dot(a, frame.u), _dot(a, frame.l)))
    if "tibial_sesamoid_medial" in mm:
        s1, s2 = sorted(
            (
                frame.lateral(mm["tibial_sesamoid_medial"]),
                frame.lateral(mm["tibial_sesamoid_lateral"]),
            )
        )
        fraction = 0.0 if s2 <= 0 else 1.0 if s1 >= 0 else s2 / (s2 - s1)
        position = _sesamoid_position(fraction)
    if "osteotomy_medial_cortex" in mm:
        medial, lateral = _ordered(
            frame, mm["osteotomy_medial_cortex"], mm["osteotomy_lateral_cortex"]
        )
        w = _sub(lateral, medial)
        translation = 100 * _dot(_sub(mm["head_medial_cortex"], medial), w) / _dot(w, w)
        if landmarks.pixel_spacing_mm is not None:
            width = math.hypot(*w)
    return Measurements(
        hva_deg=hva,
        ima_deg=ima,
        hvia_deg=hvia,
        dmaa_deg=dmaa,
        sesamoid_position=position,
        sesamoid_lateral_fraction=fraction,
        translation_pct=translation,
        osteotomy_width_mm=width,
        severity=None if hva is None else grading.severity(hva, ima),
        hallux_varus=None if hva is None else grading.is_hallux_varus(hva),
    )


def measure_document(document: object) -> dict[str, Any]:
    """Validate, measure and give the contract's output document."""
    return measure(landmarks_from_document(document)).to_json()
