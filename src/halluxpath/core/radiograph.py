"""The radiographic measurement contract (spec/measurements.md, v1) as pure functions.

Landmarks in, measures out: HVA, IMA, HVIA, DMAA, the Hardy–Clapham sesamoid
position, the lateral translation of the head after an osteotomy and the
severity grade (DOMAIN §2). The browser tool, the API and the command line
all call ``measure``, so the same landmarks give the same numbers everywhere.

Angles are taken in a frame fixed to the first metatarsal (the contract's
"Frame"): ``u`` runs along M1 distally and ``l`` points to the side where the
second metatarsal lies. Nothing therefore depends on how the film is
displayed (left or right foot, rotated, mirrored), and the medial and lateral
points of a pair may be given in either order. Axes join shaft-centre points
at the metaphyseal–diaphyseal regions, as the AOFAS ad hoc committee method
prescribes (DOMAIN §2).

Input that cannot be measured raises ``LandmarkError`` with one message in a
clinician's words; nothing here returns a partial result. Beyond the
contract's list, two limits keep the arithmetic finite and are far outside
any film: a coordinate may not exceed 1e100 pixels, and a pixel spacing must
lie between 1e-100 and 1e100 mm (the contract also says input that cannot be
measured is refused, never answered with a traceback).
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from types import MappingProxyType
from typing import Any

from halluxpath.core import grading
from halluxpath.core.geometry import (
    Frame,
    Vec,
    angle_deg,
    distance,
    distance_to_line,
    dot,
    length,
    midpoint,
    negated,
    scaled,
    sub,
    turned,
    unit,
)

INPUT_SCHEMA = "halluxpath.landmarks/1"
OUTPUT_SCHEMA = "halluxpath.measurements/1"
VIEWS: tuple[str, ...] = ("dp",)
TOP_LEVEL_KEYS: tuple[str, ...] = ("schema", "view", "pixel_spacing_mm", "points")

REQUIRED_LANDMARKS: tuple[str, ...] = ("m1_proximal", "m1_distal", "m2_proximal", "m2_distal")
OPTIONAL_GROUPS: dict[str, tuple[str, ...]] = {
    "p1": ("p1_proximal", "p1_distal"),
    "d1": ("d1_proximal", "d1_distal"),
    "articular": ("m1_articular_medial", "m1_articular_lateral"),
    "sesamoid": ("tibial_sesamoid_medial", "tibial_sesamoid_lateral"),
    "translation": ("osteotomy_medial_cortex", "osteotomy_lateral_cortex", "head_medial_cortex"),
}
LANDMARK_ORDER: tuple[str, ...] = REQUIRED_LANDMARKS + tuple(
    name for names in OPTIONAL_GROUPS.values() for name in names
)
_GROUP_WORDS = {
    "p1": "proximal phalanx (P1)",
    "d1": "distal phalanx (D1)",
    "articular": "first metatarsal articular surface",
    "sesamoid": "tibial sesamoid",
    "translation": "osteotomy translation",
}
_KNOWN = frozenset(LANDMARK_ORDER)
_KNOWN_TOP_LEVEL = frozenset(TOP_LEVEL_KEYS)

# Pairs whose two points must be at least 1 stored pixel apart, and what each pair draws.
_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("m1_proximal", "m1_distal", "first metatarsal axis"),
    ("m2_proximal", "m2_distal", "second metatarsal axis"),
    ("p1_proximal", "p1_distal", "proximal phalanx axis"),
    ("d1_proximal", "d1_distal", "distal phalanx axis"),
    ("m1_articular_medial", "m1_articular_lateral", "articular line"),
    ("tibial_sesamoid_medial", "tibial_sesamoid_lateral", "sesamoid width"),
    ("osteotomy_medial_cortex", "osteotomy_lateral_cortex", "shaft width"),
)
# Axes whose distal point must lie distal to the proximal one along M1.
_DIRECTED_AXES: tuple[tuple[str, str], ...] = (
    ("m2_proximal", "m2_distal"),
    ("p1_proximal", "p1_distal"),
    ("d1_proximal", "d1_distal"),
)
MIN_SEPARATION_PX = 1.0
MAX_COORDINATE_PX = 1e100
SPACING_RANGE_MM = (1e-100, 1e100)


class LandmarkError(ValueError):
    """Landmarks that cannot be measured; the message says why, in plain words."""


@dataclass(frozen=True)
class LandmarkSet:
    """A validated landmark set: pixel coordinates by name, and the pixel size if known.

    Build one with ``parse_landmarks_json`` or ``landmarks_from_document``;
    ``measure`` trusts that the contract's checks have passed.
    """

    points: Mapping[str, Vec]
    pixel_spacing_mm: tuple[float, float] | None = None  # (row, column), DICOM order
    view: str = "dp"

    def to_document(self) -> dict[str, Any]:
        """The contract's input document: schema first, points in the landmark table's order."""
        document: dict[str, Any] = {"schema": INPUT_SCHEMA, "view": self.view}
        if self.pixel_spacing_mm is not None:
            document["pixel_spacing_mm"] = [self.pixel_spacing_mm[0], self.pixel_spacing_mm[1]]
        order = [name for name in LANDMARK_ORDER if name in self.points]
        order += [name for name in self.points if name not in _KNOWN]  # refused on re-reading
        document["points"] = {name: [self.points[name][0], self.points[name][1]] for name in order}
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
        """Every key, schema first; 0.1 (fraction 0.01) half away from zero."""
        hvia = None if self.hvia_deg is None else round_half_away(self.hvia_deg, 1)
        return {
            "schema": OUTPUT_SCHEMA,
            "hva_deg": _rounded(self.hva_deg, 1),
            "ima_deg": round_half_away(self.ima_deg, 1),
            "hvia_deg": 180.0 if hvia == -180.0 else hvia,  # stays in (-180, 180] once rounded
            "dmaa_deg": _rounded(self.dmaa_deg, 1),
            "sesamoid_position": self.sesamoid_position,
            "sesamoid_lateral_fraction": _rounded(self.sesamoid_lateral_fraction, 2),
            "translation_pct": _rounded(self.translation_pct, 1),
            "osteotomy_width_mm": _rounded(self.osteotomy_width_mm, 1),
            "severity": self.severity,
            "hallux_varus": self.hallux_varus,
        }


# --- rounding ------------------------------------------------------------------------------

_WIDE = Context(prec=400)  # enough digits to quantize any finite float to 0.01
_POWERS_OF_TEN = (1.0, 10.0, 100.0, 1000.0)


def round_half_away(value: float, places: int) -> float:
    """Round a finite float half away from zero, as its decimal form reads.

    The decimal form is ``repr``: the shortest decimal that is the float. So
    2.45 gives 2.5, 1.005 gives 1.01 and -0.25 gives -0.3, as a person reading
    the number expects, although the binary values of 2.45 and 1.005 lie just
    below the half. A result of -0.0 is given as 0.0.

    Most values are nowhere near a half and are rounded by arithmetic alone.
    Near one, below 1e9, ``repr`` shows a tie as exactly ``places + 1``
    decimals ending in 5 (the shortest decimal cannot step over a tie that
    close), and otherwise ``round`` agrees with the decimal form; beyond
    that, ``Decimal`` decides.
    """
    factor = _POWERS_OF_TEN[places]
    magnitude = abs(value) * factor
    whole = math.floor(magnitude) if magnitude < 1e8 else 0
    rest = magnitude - whole
    if magnitude < 1e8 and not 0.499999 < rest < 0.500001:
        nearest = (whole + (rest > 0.5)) / factor
        return (-nearest if value < 0 else nearest) + 0.0
    text = repr(value)
    if -1e9 < value < 1e9 and "e" not in text:
        point = text.index(".")
        if len(text) - point == places + 2 and text[-1] == "5":
            tie = (int(text[:point].lstrip("-") + text[point + 1 : -1]) + 1) / factor
            return -tie if value < 0 else tie
        return round(value, places) + 0.0
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(text).quantize(quantum, rounding=ROUND_HALF_UP, context=_WIDE)) + 0.0


def _rounded(value: float | None, places: int) -> float | None:
    return None if value is None else round_half_away(value, places)


# --- reading JSON text ---------------------------------------------------------------------


def _refuse_constant(token: str) -> float:
    raise LandmarkError(f"the input is not valid JSON: {token} is not a number JSON allows")


def _too_large(text: str) -> LandmarkError:
    shown = text if len(text) <= 24 else text[:20] + "..."
    return LandmarkError(f"the input is not valid JSON: the number {shown} is too large")


def _json_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _too_large(text)
    return value


def _json_int(text: str) -> int:
    if len(text) > 330:  # more digits than any finite float, and than int() accepts safely
        raise _too_large(text)
    value = int(text)
    try:
        float(value)
    except OverflowError:
        raise _too_large(text) from None
    return value


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise LandmarkError(f"the key {_quoted(key)} appears twice in one JSON object")
            seen.add(key)
    return result


_DECODER = json.JSONDecoder(
    parse_float=_json_float,
    parse_int=_json_int,
    parse_constant=_refuse_constant,
    object_pairs_hook=_no_duplicate_keys,
)
_JSON_WHITESPACE = " \t\n\r"


def parse_landmarks_json(raw: bytes | str) -> LandmarkSet:
    """Parse and validate a landmarks document given as JSON text (RFC 8259, strictly).

    Bytes must be UTF-8, without a byte-order mark. The text must hold
    exactly one JSON document (whitespace around it is allowed), with no
    ``NaN`` or ``Infinity`` and no number that overflows a float. A key
    repeated within one object is refused: a repeated landmark would hide one
    of two placements. Then ``landmarks_from_document`` validates it.
    """
    if isinstance(raw, str):
        text = raw
    else:
        try:
            text = bytes(raw).decode("utf-8")
        except UnicodeDecodeError as error:
            raise LandmarkError(
                f"the input is not UTF-8 text (byte {error.start} is not valid UTF-8)"
            ) from None
    if text.startswith("\ufeff"):
        raise LandmarkError("the input starts with a byte-order mark; save it as plain UTF-8")
    start = len(text) - len(text.lstrip(_JSON_WHITESPACE))
    if start == len(text):
        raise LandmarkError("the input is empty: a landmarks JSON document was expected")
    try:
        document, end = _DECODER.raw_decode(text, start)
    except LandmarkError:
        raise
    except json.JSONDecodeError as error:
        raise LandmarkError(
            f"the input is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise LandmarkError("the input is not valid JSON: it is nested too deeply") from None
    except ValueError as error:
        raise LandmarkError(f"the input is not valid JSON: {error}") from None
    if text[end:].strip(_JSON_WHITESPACE):
        line = text.count("\n", 0, end) + 1
        raise LandmarkError(f"there is more data after the JSON document (line {line})")
    return landmarks_from_document(document)


# --- validating the document ---------------------------------------------------------------


def _quoted(name: object) -> str:
    """A key as a message shows it: 'm1_distal', or JSON-escaped if it is odd."""
    text = name if isinstance(name, str) else str(name)
    if text.isprintable() and text.isascii() and len(text) <= 60 and "'" not in text:
        return f"'{text}'"
    return json.dumps(text[:60])


def _described(value: object) -> str:
    """A JSON value in a message: its kind, and the value itself when short."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {json.dumps(value[:40])}"
    if isinstance(value, int | float):
        number = _finite(value)
        return repr(number) if number is not None else "a number that is not finite"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} item{'' if len(value) == 1 else 's'}"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def _finite(value: object) -> float | None:
    """The JSON number as a finite float, or None (booleans are not numbers)."""
    if type(value) is float:
        return value if math.isfinite(value) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            return None
        return number if math.isfinite(number) else None
    return None


def _coordinate(name: str, value: object) -> Vec:
    if type(value) is list and len(value) == 2:  # the usual case, checked quickly
        x, y = value
        if (
            type(x) is float
            and type(y) is float
            and -MAX_COORDINATE_PX <= x <= MAX_COORDINATE_PX
            and -MAX_COORDINATE_PX <= y <= MAX_COORDINATE_PX
        ):
            return (x, y)
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise LandmarkError(
            f"landmark {_quoted(name)} must be a list of two numbers [x, y], "
            f"not {_described(value)}"
        )
    x, y = _finite(value[0]), _finite(value[1])
    if x is None or y is None:
        bad = value[0] if x is None else value[1]
        raise LandmarkError(
            f"landmark {_quoted(name)} must be a list of two finite numbers [x, y]; "
            f"{_described(bad)} is not one"
        )
    if not (-MAX_COORDINATE_PX <= x <= MAX_COORDINATE_PX) or not (
        -MAX_COORDINATE_PX <= y <= MAX_COORDINATE_PX
    ):
        raise LandmarkError(
            f"landmark {_quoted(name)} lies beyond 1e100 pixels from the image origin, "
            "outside any radiograph"
        )
    return (x, y)


def _spacing(value: object) -> tuple[float, float]:
    items = value if isinstance(value, list | tuple) else (value, value)
    row = _finite(items[0]) if len(items) == 2 else None
    column = _finite(items[1]) if len(items) == 2 else None
    if row is None or column is None or row <= 0 or column <= 0:
        raise LandmarkError(
            "'pixel_spacing_mm' must be a positive number or a list of two positive "
            f"numbers [row, column] in millimetres, not {_described(value)}"
        )
    low, high = SPACING_RANGE_MM
    if not (low <= row <= high and low <= column <= high):
        raise LandmarkError(
            "'pixel_spacing_mm' must lie between 1e-100 and 1e100 mm per pixel; "
            f"{row:g} × {column:g} mm cannot be computed with"
        )
    return (row, column)


def landmarks_from_document(doc: object) -> LandmarkSet:
    """Validate a decoded landmarks document (the contract's Errors, in its order).

    Lists and tuples are both taken as JSON arrays, so a document built in
    Python validates as its JSON text would.
    """
    if not isinstance(doc, dict):
        raise LandmarkError(f"the landmarks document must be a JSON object, not {_described(doc)}")
    if "schema" not in doc:
        raise LandmarkError(f"'schema' is missing: it must be '{INPUT_SCHEMA}'")
    schema = doc["schema"]
    if not (isinstance(schema, str) and schema == INPUT_SCHEMA):
        raise LandmarkError(f"'schema' must be '{INPUT_SCHEMA}', not {_described(schema)}")
    view = doc.get("view", "dp")
    if not (isinstance(view, str) and view in VIEWS):
        raise LandmarkError(
            "'view' must be 'dp' (weight-bearing dorsoplantar), the only view in v1, "
            f"not {_described(view)}"
        )
    for key in doc:
        if key not in _KNOWN_TOP_LEVEL:
            raise LandmarkError(
                f"unknown top-level key {_quoted(key)} (allowed: {', '.join(TOP_LEVEL_KEYS)})"
            )
    if "points" not in doc:
        raise LandmarkError("'points' is missing: the landmarks go in an object under 'points'")
    raw_points = doc["points"]
    if not isinstance(raw_points, dict):
        raise LandmarkError(
            f"'points' must be an object of landmark names, not {_described(raw_points)}"
        )
    if not _KNOWN.issuperset(raw_points):
        unknown = next(name for name in raw_points if name not in _KNOWN)
        close = (
            difflib.get_close_matches(unknown, LANDMARK_ORDER, n=1)
            if isinstance(unknown, str)
            else []
        )
        hint = f": did you mean '{close[0]}'?" if close else ""
        raise LandmarkError(f"unknown landmark {_quoted(unknown)}{hint}")
    points = {
        name: _coordinate(name, raw_points[name]) for name in LANDMARK_ORDER if name in raw_points
    }
    spacing = _spacing(doc["pixel_spacing_mm"]) if "pixel_spacing_mm" in doc else None
    for name in REQUIRED_LANDMARKS:
        if name not in points:
            raise LandmarkError(f"required landmark '{name}' is missing")
    for group, names in OPTIONAL_GROUPS.items():
        first_given = names[0] in points
        for name in names[1:]:
            if (name in points) is not first_given:
                missing = name if first_given else names[0]
                raise LandmarkError(
                    f"landmark '{missing}' is missing: the {_GROUP_WORDS[group]} landmarks "
                    f"({', '.join(names)}) are given all together or not at all"
                )
    _check_geometry(points, spacing)
    return LandmarkSet(points=MappingProxyType(points), pixel_spacing_mm=spacing, view=view)


def _check_geometry(points: Mapping[str, Vec], spacing: tuple[float, float] | None) -> None:
    """The contract's geometric errors: 1-pixel rules in stored pixels, the rest in mm."""
    for first, second, what in _PAIRS:
        if first in points and distance(points[first], points[second]) < MIN_SEPARATION_PX:
            raise LandmarkError(
                f"landmarks '{first}' and '{second}' are less than 1 pixel apart, "
                f"so the {what} cannot be drawn"
            )
    c2 = midpoint(points["m2_proximal"], points["m2_distal"])
    if distance_to_line(c2, points["m1_proximal"], points["m1_distal"]) < MIN_SEPARATION_PX:
        raise LandmarkError(
            "the midpoint of the second metatarsal (between 'm2_proximal' and 'm2_distal') "
            "lies within 1 pixel of the first metatarsal's axis, so the lateral side "
            "cannot be found"
        )
    along = _pixel_frame(points, spacing).along
    for proximal, distal in _DIRECTED_AXES:
        if proximal in points and dot(sub(points[distal], points[proximal]), along) <= 0:
            raise LandmarkError(
                f"landmark '{distal}' does not lie distal to '{proximal}' along the first "
                "metatarsal's axis: were the points swapped?"
            )


# --- the frame and the measures ------------------------------------------------------------


def _axes(m1_proximal: Vec, m1_distal: Vec, m2_proximal: Vec, m2_distal: Vec) -> tuple[Vec, Vec]:
    """``u`` along M1 distally, and ``l`` perpendicular to it towards the M2 midpoint."""
    u = unit(sub(m1_distal, m1_proximal))
    n = turned(u)
    lateral_side = dot(sub(midpoint(m2_proximal, m2_distal), m1_proximal), n)
    return u, n if lateral_side > 0 else negated(n)


def _pixel_frame(points: Mapping[str, Vec], spacing: tuple[float, float] | None) -> Frame:
    """The contract's frame at ``m1_proximal``, built in millimetres, reading stored pixels.

    Each point is mapped to millimetres, ``(x * column, y * row)``, before
    any angle or distance is taken. Stretching the axes by the same factors
    lets the frame read pixel vectors and give their (along, lateral)
    components in millimetres, without mapping every point first.
    """
    m1_proximal, m1_distal = points["m1_proximal"], points["m1_distal"]
    m2_proximal, m2_distal = points["m2_proximal"], points["m2_distal"]
    if spacing is None:
        u, lateral = _axes(m1_proximal, m1_distal, m2_proximal, m2_distal)
        return Frame(m1_proximal, u, lateral)
    row, column = spacing
    u, lateral = _axes(
        scaled(m1_proximal, column, row),
        scaled(m1_distal, column, row),
        scaled(m2_proximal, column, row),
        scaled(m2_distal, column, row),
    )
    return Frame(m1_proximal, scaled(u, column, row), scaled(lateral, column, row))


def _vector(frame: Frame, points: Mapping[str, Vec], start: str, end: str) -> Vec:
    """``end - start`` as (along, lateral) in the frame, taken from the stored difference."""
    return frame.components(sub(points[end], points[start]))


def _theta(v: Vec) -> float:
    """The contract's theta: 0 along M1, positive when ``v`` points laterally."""
    return angle_deg(v[0], v[1])


def _sesamoid_position(fraction: float) -> int:
    """Hardy and Clapham's seven grades, in the contract's operational form (DOMAIN §2)."""
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


def measure(landmarks: LandmarkSet) -> Measurements:
    """Every measure of a validated landmark set, unrounded (spec/measurements.md, Measures).

    A medial/lateral pair is ordered by lateral coordinate; when both points
    have the same one, the order given stands.
    """
    points = landmarks.points
    frame = _pixel_frame(points, landmarks.pixel_spacing_mm)  # (along, lateral) in mm
    ima = _theta(_vector(frame, points, "m2_proximal", "m2_distal"))
    hva: float | None = None
    hvia: float | None = None
    dmaa: float | None = None
    fraction: float | None = None
    position: int | None = None
    translation: float | None = None
    width: float | None = None
    if "p1_proximal" in points:
        hva = _theta(_vector(frame, points, "p1_proximal", "p1_distal"))
        if "d1_proximal" in points:
            hvia = _theta(_vector(frame, points, "d1_proximal", "d1_distal")) - hva
            if hvia > 180:
                hvia -= 360
            elif hvia <= -180:
                hvia += 360
    if "m1_articular_medial" in points:
        a = _vector(frame, points, "m1_articular_medial", "m1_articular_lateral")
        if a[1] < 0:  # given the other way round
            a = negated(a)
        dmaa = angle_deg(a[1], -a[0])  # atan2(-(a . u), a . l)
    if "tibial_sesamoid_medial" in points:
        s1 = frame.local(points["tibial_sesamoid_medial"])[1]
        s2 = frame.local(points["tibial_sesamoid_lateral"])[1]
        if s1 > s2:
            s1, s2 = s2, s1
        fraction = 0.0 if s2 <= 0 else 1.0 if s1 >= 0 else s2 / (s2 - s1)
        position = _sesamoid_position(fraction)
    if "osteotomy_medial_cortex" in points:
        medial = "osteotomy_medial_cortex"
        w = _vector(frame, points, medial, "osteotomy_lateral_cortex")
        if w[1] < 0:  # given the other way round
            medial, w = "osteotomy_lateral_cortex", negated(w)
        shaft_width = length(w)
        # 100 (h - m) . w / |w|^2, as a shift along unit w over |w|: no square can overflow.
        shift = dot(_vector(frame, points, medial, "head_medial_cortex"), unit(w))
        translation = 100 * shift / shaft_width
        if landmarks.pixel_spacing_mm is not None:
            width = shaft_width
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


def measure_document(doc: object) -> dict[str, Any]:
    """Validate, measure and give the contract's output document."""
    return measure(landmarks_from_document(doc)).to_json()
