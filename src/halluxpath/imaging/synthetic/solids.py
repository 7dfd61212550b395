"""The solids a bone or a toe is made of, and their path lengths along the beam.

The picture is a projection, not a drawing: each solid says how many millimetres of it the
beam crosses at each point of a grid, through the whole solid and through its medulla, and
the film (``exposure``) sums those through the attenuation coefficients here. Shafts are
hollow tubes with a cortex, ovoids are shelled heads, sesamoids and tarsals, a bone is the
union of its solids; toes and the sole are soft tissue only. Every solid can be ``moved`` by
a placement, so the foot is laid out in its own frame and placed on the film afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
import numpy.typing as npt

from halluxpath.imaging.synthetic.plane import _V, Box, _box, _Placement, _union

Grid = npt.NDArray[np.float64]  # millimetres, computed per window


# Linear attenuation in display units per millimetre of path: cortical bone is about five
# times as dense as the trabecular medulla, metal saturates.
MU_SOFT, MU_CORTEX, MU_TRABECULAR, MU_METAL = 0.010, 0.12, 0.022, 0.9


class _Solid(Protocol):
    def moved(self, placement: _Placement) -> _Solid: ...
    def bounds(self) -> Box: ...
    def paths(self, xs: Grid, ys: Grid) -> tuple[Grid, Grid]:
        """Path lengths (mm) along the beam through the whole solid and through its medulla."""
        ...


def _chord(radius: Grid, offset: Grid) -> Grid:
    """Half the length of the chord of a circle of ``radius`` at ``offset`` from its centre."""
    result: Grid = np.sqrt(np.maximum(radius * radius - offset * offset, 0.0))
    return result


@dataclass(frozen=True)
class _Shaft:
    """A long bone's tube, cortex around medulla, its half-widths varying along its axis.

    ``knots`` are (distance from ``start``, medial half-width, lateral half-width, cortex,
    depth ratio), in mm except the ratio of dorsoplantar to mediolateral size. Where the two
    half-widths are equal the axis runs through the shaft's centre: landmarks go there.
    """

    start: _V
    direction: _V
    length: float
    knots: tuple[tuple[float, float, float, float, float], ...]
    cap_start: float = 1.5  # length over which each end is rounded off
    cap_end: float = 3.0
    begin: float = 0.0  # nothing nearer ``start`` than this (the cut end of a fragment)

    def moved(self, placement: _Placement) -> _Shaft:
        s = placement.scale
        return replace(
            self,
            start=placement.point(self.start),
            direction=placement.direction(self.direction),
            length=self.length * s,
            knots=tuple((t * s, m * s, lat * s, c * s, k) for t, m, lat, c, k in self.knots),
            cap_start=self.cap_start * s,
            cap_end=self.cap_end * s,
            begin=self.begin * s,
        )

    def bounds(self) -> Box:
        reach = max(max(m, lat) for _, m, lat, _, _ in self.knots) + 1.0
        return _box([self.start, self.start + self.direction * self.length], reach)

    def paths(self, xs: Grid, ys: Grid) -> tuple[Grid, Grid]:
        """The tube's path lengths; zero off the band the bone can cover.

        Only the pixels between the shaft's ends and within its widest
        half-widths of the axis are computed (a long bone's box is mostly
        empty when it lies at an angle): the others are zero anyway (no
        chord where ``rounding`` is zero or the offset exceeds the radius),
        so the result is the same, pixel for pixel, for a fraction of the work.
        """
        u, lat = self.direction, self.direction.lateral()
        dx, dy = xs - self.start.x, ys - self.start.y
        t = dx * u.x + dy * u.y
        across = dx * lat.x + dy * lat.y
        widest_medial = max(m for _, m, _, _, _ in self.knots)
        widest_lateral = max(lat_ for _, _, lat_, _, _ in self.knots)
        band = (t >= self.begin) & (t <= self.length)
        band &= (across > -widest_medial) & (across < widest_lateral)
        outer_grid: Grid = np.zeros(band.shape)
        inner_grid: Grid = np.zeros(band.shape)
        if not band.any():
            return outer_grid, inner_grid
        t, across = t[band], across[band]
        table = np.array(self.knots, dtype=np.float64).T
        medial, lateral = np.interp(t, table[0], table[1]), np.interp(t, table[0], table[2])
        cortex, depth = np.interp(t, table[0], table[3]), np.interp(t, table[0], table[4])
        rounding = np.ones_like(t)
        ends = (
            (self.begin + self.cap_start - t, self.cap_start),
            (
                t - self.length + self.cap_end,
                self.cap_end,
            ),
        )
        for overshoot, cap in ends:
            if cap > 0:
                z = np.clip(overshoot / cap, 0.0, 1.0)
                rounding *= np.sqrt(1.0 - z * z)
        radius = (medial + lateral) / 2 * rounding
        offset = across - (lateral - medial) / 2
        outer_grid[band] = 2 * depth * _chord(radius, offset)
        inner_grid[band] = 2 * depth * _chord(np.maximum(radius - cortex, 0.0), offset)
        return outer_grid, inner_grid


@dataclass(frozen=True)
class _Ovoid:
    """An ellipsoid, or a boxier super-ellipsoid, with a cortex: heads, sesamoids, tarsals."""

    centre: _V
    axis: _V  # unit vector of the ``along`` semi-axis
    along: float
    across: float
    depth: float  # dorsoplantar semi-axis
    cortex: float = 1.0
    power: float = 2.0

    def moved(self, placement: _Placement) -> _Ovoid:
        s = placement.scale
        return replace(
            self,
            centre=placement.point(self.centre),
            axis=placement.direction(self.axis),
            along=self.along * s,
            across=self.across * s,
            depth=self.depth * s,
            cortex=self.cortex * s,
        )

    def bounds(self) -> Box:
        return _box([self.centre], max(self.along, self.across) + 1.0)

    def paths(self, xs: Grid, ys: Grid) -> tuple[Grid, Grid]:
        a, b = self.axis, self.axis.lateral()
        dx, dy = xs - self.centre.x, ys - self.centre.y
        p = np.abs(dx * a.x + dy * a.y) / self.along
        q = np.abs(dx * b.x + dy * b.y) / self.across
        # Only inside the ovoid's box (p, q < 1) can r be below 1: the rest is zero.
        box = (p < 1.0) & (q < 1.0)
        outer_grid: Grid = np.zeros(box.shape)
        inner_grid: Grid = np.zeros(box.shape)
        p, q = p[box], q[box]
        r = (
            np.hypot(p, q)
            if self.power == 2.0
            else (p**self.power + q**self.power) ** (1 / self.power)
        )
        keep = max(1.0 - self.cortex / min(self.along, self.across), 0.01)
        one = np.ones_like(r)
        outer_grid[box] = 2 * self.depth * _chord(one, r)
        inner_grid[box] = 2 * self.depth * keep * _chord(one, r / keep)
        return outer_grid, inner_grid


@dataclass(frozen=True)
class _Bone:
    """Solids of one bone: their union (by maximum path length), one material."""

    parts: tuple[_Solid, ...]
    cortex_mu: float = MU_CORTEX
    core_mu: float = MU_TRABECULAR

    def moved(self, placement: _Placement) -> _Bone:
        return replace(self, parts=tuple(part.moved(placement) for part in self.parts))

    def bounds(self) -> Box:
        return _union([part.bounds() for part in self.parts])


@dataclass(frozen=True)
class _Toe:
    """Soft tissue of a toe: a tapered round rod."""

    start: _V
    end: _V
    radius_start: float
    radius_end: float

    def moved(self, placement: _Placement) -> _Toe:
        s = placement.scale
        start, end = placement.point(self.start), placement.point(self.end)
        return _Toe(start, end, self.radius_start * s, self.radius_end * s)

    def bounds(self) -> Box:
        return _box([self.start, self.end], max(self.radius_start, self.radius_end) + 1.0)

    def thickness(self, xs: Grid, ys: Grid) -> Grid:
        seg = self.end - self.start
        dx, dy = xs - self.start.x, ys - self.start.y
        t = np.clip((dx * seg.x + dy * seg.y) / max(seg.x**2 + seg.y**2, 1e-9), 0.0, 1.0)
        distance = np.hypot(dx - t * seg.x, dy - t * seg.y)
        radius = self.radius_start + (self.radius_end - self.radius_start) * t
        result: Grid = 1.7 * _chord(radius, distance)
        return result


@dataclass(frozen=True)
class _Sole:
    """Soft tissue of the foot: a smooth outline, thicker towards the heel."""

    outline: tuple[_V, ...]
    origin: _V
    axis: _V  # proximal; ``thickness`` knots are (distance along it from ``origin``, mm)
    thickness: tuple[tuple[float, float], ...]
    edge: float = 7.0  # width of the rounded border

    def moved(self, placement: _Placement) -> _Sole:
        s = placement.scale
        return _Sole(
            tuple(placement.point(p) for p in self.outline),
            placement.point(self.origin),
            placement.direction(self.axis),
            tuple((d * s, t * s) for d, t in self.thickness),
            self.edge * s,
        )

    def bounds(self) -> Box:
        return _box(self.outline)
