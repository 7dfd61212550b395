"""Plane geometry of the drawing: millimetres on the film's axes (x right, y down).

A small vector type whose ``lateral``/``turned`` speak in the foot's terms, the placement
that carries the foot from its own frame onto the film, bounding boxes (they decide the
window of pixels each solid is computed over) and the smooth closed outline of the sole.
Pure Python, no arrays: the solids and the foot are built from these.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class _V:
    """A point or direction in millimetres, image axes (x right, y down)."""

    x: float
    y: float

    def __add__(self, other: _V) -> _V:
        return _V(self.x + other.x, self.y + other.y)

    def __sub__(self, other: _V) -> _V:
        return _V(self.x - other.x, self.y - other.y)

    def __mul__(self, k: float) -> _V:
        return _V(self.x * k, self.y * k)

    def norm(self) -> float:
        return math.hypot(self.x, self.y)

    def lateral(self) -> _V:
        """For a distal direction of a right foot drawn toes up: towards the little toe."""
        return _V(-self.y, self.x)

    def turned(self, degrees: float) -> _V:
        """This direction turned ``degrees`` towards lateral (negative: medially)."""
        a = math.radians(degrees)
        return self * math.cos(a) + self.lateral() * math.sin(a)


DISTAL = _V(0.0, -1.0)
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in mm


@dataclass(frozen=True)
class _Placement:
    """Rotation, uniform scale and shift from the foot's frame onto the film (mm)."""

    degrees: float
    scale: float
    offset: _V = _V(0.0, 0.0)

    def direction(self, d: _V) -> _V:
        a = math.radians(self.degrees)
        return _V(d.x * math.cos(a) - d.y * math.sin(a), d.x * math.sin(a) + d.y * math.cos(a))

    def point(self, p: _V) -> _V:
        return self.offset + self.direction(p) * self.scale


def _box(points: Sequence[_V], margin: float = 0.0) -> Box:
    xs, ys = [p.x for p in points], [p.y for p in points]
    return min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin


def _union(boxes: Sequence[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _closed_spline(points: Sequence[_V], steps: int = 10) -> tuple[_V, ...]:
    """A smooth closed outline through ``points`` (uniform Catmull-Rom)."""
    outline = []
    n = len(points)
    for i in range(n):
        p0, p1, p2, p3 = (points[(i + k) % n] for k in (-1, 0, 1, 2))
        for s in range(steps):
            t = s / steps
            a, b = -0.5 * t**3 + t**2 - 0.5 * t, 1.5 * t**3 - 2.5 * t**2 + 1
            c, d = -1.5 * t**3 + 2 * t**2 + 0.5 * t, 0.5 * t**3 - 0.5 * t**2
            outline.append(p0 * a + p1 * b + p2 * c + p3 * d)
    return tuple(outline)
