"""Landmark documents of the measurement contract (spec/measurements.md, v1): read and check.

A landmark set comes in as JSON text or a parsed document and leaves as a
validated ``LandmarkSet``, or raises ``LandmarkError`` with one message in a
clinician's words; core.radiograph measures only what passed here. Beyond the
contract's list, two limits keep the arithmetic finite and are far outside
any film: a coordinate may not exceed 1e100 pixels, and a pixel spacing must
lie between 1e-100 and 1e100 mm.

The frame fixed to the first metatarsal (the contract's "Frame") is built
here too, because the geometric checks read positions along it.
"""

from __future__ import annotations

import difflib
import enum
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from halluxpath.core.geometry import (
    Frame,
    Vec,
    distance,
    distance_to_line,
    dot,
    midpoint,
    negated,
    scaled,
    sub,
    turned,
    unit,
)

INPUT_SCHEMA = "halluxpath.landmarks/1"


class FilmView(enum.StrEnum):
    """The radiographic projection a landmark set is measured on (DOMAIN §2).

    v1 knows one: the weight-bearing dorsoplantar view, on which every angle
    of the contract is defined.
    """

    DP = "dp"

    @property
    def label(self) -> str:
        return _VIEW_LABELS[self]


_VIEW_LABELS = {FilmView.DP: "Dorsoplantar"}
VIEWS: tuple[str, ...] = tuple(view.value for view in FilmView)
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
# A landmarks document is about 1 kB and three levels deep; these limits keep
# hostile input (megabytes of brackets) from reaching the decoder's recursion.
MAX_DOCUMENT_CHARS = 1_000_000
MAX_NESTING = 32
MAX_COORDINATE_PX = 1e100
SPACING_RANGE_MM = (1e-100, 1e100)


class LandmarkError(ValueError):
    """Landmarks that cannot be measured; the message says why, in plain words."""


class NotJsonError(LandmarkError):
    """The input is not one JSON document at all (before any landmark is read).

    A subclass, so every caller that refuses landmarks refuses this too; the
    API's landmark save tells it apart (400, a malformed request, rather than
    422, a document it understood and refused).
    """


@dataclass(frozen=True)
class LandmarkSet:
    """A validated landmark set: pixel coordinates by name, and the pixel size if known.

    Build one with ``parse_landmarks_json`` or ``landmarks_from_document``;
    ``measure`` trusts that the contract's checks have passed.
    """

    points: Mapping[str, Vec]
    pixel_spacing_mm: tuple[float, float] | None = None  # (row, column), DICOM order
    view: str = FilmView.DP.value

    def to_document(self) -> dict[str, Any]:
        """The contract's input document: schema first, points in the landmark table's order."""
        document: dict[str, Any] = {"schema": INPUT_SCHEMA, "view": self.view}
        if self.pixel_spacing_mm is not None:
            document["pixel_spacing_mm"] = [self.pixel_spacing_mm[0], self.pixel_spacing_mm[1]]
        order = [name for name in LANDMARK_ORDER if name in self.points]
        order += [name for name in self.points if name not in _KNOWN]  # refused on re-reading
        document["points"] = {name: [self.points[name][0], self.points[name][1]] for name in order}
        return document


# --- reading JSON text ---------------------------------------------------------------------


def _refuse_constant(token: str) -> float:
    raise NotJsonError(f"the input is not valid JSON: {token} is not a number JSON allows")


def _too_large(text: str) -> LandmarkError:
    shown = text if len(text) <= 24 else text[:20] + "..."
    return NotJsonError(f"the input is not valid JSON: the number {shown} is too large")


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
_BRACKETS_AND_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _nesting_depth_exceeds(text: str, limit: int) -> bool:
    """Whether arrays and objects nest deeper than ``limit`` (brackets in strings skipped)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _BRACKETS_AND_STRINGS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                return True
        elif token in ("]", "}"):
            depth -= 1
    return False


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
            raise NotJsonError(
                f"the input is not UTF-8 text (byte {error.start} is not valid UTF-8)"
            ) from None
    if len(text) > MAX_DOCUMENT_CHARS:
        raise NotJsonError(
            f"the input is {len(text):,} characters long; a landmarks document is far "
            f"shorter (at most {MAX_DOCUMENT_CHARS:,})"
        )
    if _nesting_depth_exceeds(text, MAX_NESTING):
        raise NotJsonError(
            f"the input is not valid JSON: it is nested too deeply (more than {MAX_NESTING} "
            "levels of arrays and objects; a landmarks document has three)"
        )
    if text.startswith("\ufeff"):
        raise NotJsonError("the input starts with a byte-order mark; save it as plain UTF-8")
    start = len(text) - len(text.lstrip(_JSON_WHITESPACE))
    if start == len(text):
        raise NotJsonError("the input is empty: a landmarks JSON document was expected")
    try:
        document, end = _DECODER.raw_decode(text, start)
    except LandmarkError:
        raise
    except json.JSONDecodeError as error:
        raise NotJsonError(
            f"the input is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise NotJsonError("the input is not valid JSON: it is nested too deeply") from None
    except ValueError as error:
        raise NotJsonError(f"the input is not valid JSON: {error}") from None
    if text[end:].strip(_JSON_WHITESPACE):
        line = text.count("\n", 0, end) + 1
        raise NotJsonError(f"there is more data after the JSON document (line {line})")
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
    view = doc.get("view", FilmView.DP.value)
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
    along = pixel_frame(points, spacing).along
    for proximal, distal in _DIRECTED_AXES:
        if proximal in points and dot(sub(points[distal], points[proximal]), along) <= 0:
            raise LandmarkError(
                f"landmark '{distal}' does not lie distal to '{proximal}' along the first "
                "metatarsal's axis: were the points swapped?"
            )


# --- the frame -----------------------------------------------------------------------------


def _axes(m1_proximal: Vec, m1_distal: Vec, m2_proximal: Vec, m2_distal: Vec) -> tuple[Vec, Vec]:
    """``u`` along M1 distally, and ``l`` perpendicular to it towards the M2 midpoint."""
    u = unit(sub(m1_distal, m1_proximal))
    n = turned(u)
    lateral_side = dot(sub(midpoint(m2_proximal, m2_distal), m1_proximal), n)
    return u, n if lateral_side > 0 else negated(n)


def pixel_frame(points: Mapping[str, Vec], spacing: tuple[float, float] | None) -> Frame:
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
