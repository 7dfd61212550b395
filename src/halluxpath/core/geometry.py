"""Plane vectors and frames, for angles and distances measured on a radiograph.

Points are plain ``(x, y)`` tuples rather than objects: the measurement core
pushes every landmark of a film through these helpers, and tuples keep that
cheap (benchmarks/bench_measure.py). Nothing here knows about feet; the
clinical frame built from the first metatarsal (spec/measurements.md, Frame;
DOMAIN §2) lives in ``radiograph``. Image coordinates have y pointing down, so
"turned 90 degrees" below is a turn in the plane, with no claim about which
way it looks on screen; the caller decides which side is which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Vec = tuple[float, float]


def sub(a: Vec, b: Vec) -> Vec:
    """The vector from ``b`` to ``a``."""
    return (a[0] - b[0], a[1] - b[1])


def dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1]


def cross(a: Vec, b: Vec) -> float:
    """The signed area of the parallelogram on ``a`` and ``b`` (z of the 3-D cross product)."""
    return a[0] * b[1] - a[1] * b[0]


def length(v: Vec) -> float:
    return math.hypot(v[0], v[1])


def unit(v: Vec) -> Vec:
    """``v`` scaled to length 1; ``v`` must not be the zero vector."""
    size = math.hypot(v[0], v[1])
    return (v[0] / size, v[1] / size)


def turned(v: Vec) -> Vec:
    """``v`` turned a quarter turn in the plane: ``(-y, x)``."""
    return (-v[1], v[0])


def negated(v: Vec) -> Vec:
    return (-v[0], -v[1])


def midpoint(a: Vec, b: Vec) -> Vec:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def distance(a: Vec, b: Vec) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def distance_to_line(p: Vec, a: Vec, b: Vec) -> float:
    """How far ``p`` lies from the infinite line through ``a`` and ``b`` (``a != b``)."""
    direction = unit(sub(b, a))
    return abs(cross(direction, sub(p, a)))


def scaled(p: Vec, x_factor: float, y_factor: float) -> Vec:
    """``p`` with each axis stretched by its own factor (e.g. pixels to millimetres)."""
    return (p[0] * x_factor, p[1] * y_factor)


def angle_deg(along: float, across: float) -> float:
    """The direction of the vector ``(along, across)`` in degrees, in (-180, 180]."""
    degrees = math.degrees(math.atan2(across, along))
    return 180.0 if degrees == -180.0 else degrees


@dataclass(frozen=True, slots=True)
class Frame:
    """An origin and two axis vectors; ``local`` gives a point's coordinates on them.

    With perpendicular unit axes these are Cartesian coordinates in a turned
    and shifted frame. Axes stretched per image axis (``scaled``) make the
    same map read points given before that stretch, e.g. straight from
    pixels into a millimetre frame, without converting every point first.
    """

    origin: Vec
    along: Vec
    across: Vec

    def local(self, p: Vec) -> Vec:
        """``((p - origin) . along, (p - origin) . across)``."""
        dx = p[0] - self.origin[0]
        dy = p[1] - self.origin[1]
        return (
            dx * self.along[0] + dy * self.along[1],
            dx * self.across[0] + dy * self.across[1],
        )

    def components(self, v: Vec) -> Vec:
        """The vector ``v`` on the axes: ``(v . along, v . across)``.

        For the vector between two points, prefer this on their difference to
        subtracting their ``local`` coordinates: far from the origin, nearby
        points would otherwise lose their separation to rounding.
        """
        return (
            v[0] * self.along[0] + v[1] * self.along[1],
            v[0] * self.across[0] + v[1] * self.across[1],
        )


# --- placing value labels beside their landmarks without overlap -----------------------------

Box = tuple[float, float, float, float]  # left, top, width, height


def boxes_overlap(a: Box, b: Box) -> bool:
    """Whether two boxes share any area (touching edges do not count)."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _inside(box: Box, bounds: Box) -> bool:
    return (
        box[0] >= bounds[0]
        and box[1] >= bounds[1]
        and box[0] + box[2] <= bounds[0] + bounds[2]
        and box[1] + box[3] <= bounds[1] + bounds[3]
    )


def place_labels(
    anchors: list[Vec],
    sizes: list[Vec],
    bounds: Box,
    gap: float = 4.0,
    occupied: tuple[Box, ...] = (),
) -> list[Box]:
    """A box for each label near its anchor point, no two overlapping.

    Greedy, in the order given: each label tries positions right, left,
    above and below its anchor, then the diagonals, then the same ring
    further out (up to eight steps of its own height), and takes the first
    that stays inside ``bounds`` and clear of every label already placed.
    If none is clear (more labels than room), the label goes below the lowest
    box placed so far, in the same column, so it still never covers another.
    ``occupied`` are boxes already drawn (a caption) that labels must avoid too.
    The landmark tool's overlay does the same in JavaScript.
    """
    placed: list[Box] = list(occupied)
    for (x, y), (w, h) in zip(anchors, sizes, strict=True):
        chosen: Box | None = None
        for ring in range(8):
            step = gap + ring * h
            candidates = (
                (x + step, y - h / 2),
                (x - step - w, y - h / 2),
                (x - w / 2, y - step - h),
                (x - w / 2, y + step),
                (x + step, y - step - h),
                (x - step - w, y - step - h),
                (x + step, y + step),
                (x - step - w, y + step),
            )
            for left, top in candidates:
                box = (left, top, w, h)
                if _inside(box, bounds) and not any(boxes_overlap(box, p) for p in placed):
                    chosen = box
                    break
            if chosen is not None:
                break
        if chosen is None:
            left = min(max(x + gap, bounds[0]), bounds[0] + max(bounds[2] - w, 0))
            bottom = max((p[1] + p[3] for p in placed), default=y)
            chosen = (left, bottom + gap, w, h)
        placed.append(chosen)
    return placed[len(occupied) :]
