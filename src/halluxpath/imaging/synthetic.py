"""Synthetic weight-bearing dorsoplantar foot radiographs from a known geometry.

Images that nobody owns, for the demo and the tests. The clinical inputs
(HVA, IMA, HVIA, DMAA, sesamoid position, optional osteotomy shift, DOMAIN §2)
fix where each bone lies, and the landmarks are computed from the same
geometry on the bones' axes, so measuring them by the contract
(spec/measurements.md) gives the inputs back. Those are the point of the
module; the picture only has to be good enough for a person to find the
shaft centres, the articular surface and the sesamoids on it.

The picture is a projection, not a drawing: each bone is a solid (a hollow
tube with a cortex for the shafts, a shelled ovoid for heads, sesamoids and
tarsals) whose path length is summed along the beam, over a soft-tissue
shadow, then passed through a log-exposure curve, the local-contrast
processing of a digital detector, blur and noise. Overlaps (sesamoids over
the first metatarsal head, the metatarsal bases, talus over calcaneus) are
therefore brighter, as on a real film. Anatomical sizes are an adult's, in
millimetres; a film too small for the forefoot at the given spacing gets a
smaller foot (its millimetre figures are then not anatomical).

Orientation: toes at the top, the foot seen from its dorsum as the beam sees
it, so a right foot has its big toe on the image's left and its lateral
border (the patient's right) on the image's right; a left foot is mirrored.
A lead side marker sits in the upper corner on the lateral side. The DICOM
writer adds realistic but fake identifying attributes so that the
de-identification tests can prove they are removed.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pydicom
from PIL import Image, ImageDraw, ImageFont
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import (
    UID,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    RLELossless,
    generate_uid,
)

DX_FOR_PRESENTATION = UID("1.2.840.10008.5.1.4.1.1.1.1")
MAX_STORED = 4095  # 12 bits stored
SCHEMA = "halluxpath.landmarks/1"
Grid = npt.NDArray[np.float64]  # millimetres, computed per window
Pixels = npt.NDArray[np.float32]  # whole-film working images

# Linear attenuation in display units per millimetre of path: cortical bone is about five
# times as dense as the trabecular medulla, metal saturates.
MU_SOFT, MU_CORTEX, MU_TRABECULAR, MU_METAL = 0.010, 0.12, 0.022, 0.9


@dataclass(frozen=True)
class FootGeometry:
    """What the film shows, in the contract's terms (degrees, signed as in the contract)."""

    hva_deg: float
    ima_deg: float
    hvia_deg: float
    dmaa_deg: float
    # Share of the tibial sesamoid lateral to the M1 axis (the contract's fraction f). At 0 or
    # below it lies wholly medial, at 1 or above wholly lateral, clear of the axis by at least
    # 0.6 mm so that grades 1 and 7 survive the rounding of the stored coordinates.
    sesamoid_fraction: float
    side: str = "right"
    width: int = 1000  # columns
    height: int = 1300  # rows
    pixel_spacing_mm: tuple[float, float] = (0.15, 0.15)  # (row, column), DICOM order
    translation_pct: float | None = None  # post-operative lateral shift of the head, % of width
    seed: int = 0
    noise: float = 0.012  # standard deviation of the quantum mottle, share of full scale

    def __post_init__(self) -> None:
        numbers = (self.hva_deg, self.ima_deg, self.hvia_deg, self.dmaa_deg)
        if not all(math.isfinite(a) for a in (*numbers, self.sesamoid_fraction, self.noise)):
            raise ValueError("FootGeometry: angles, sesamoid fraction and noise must be finite")
        if self.side not in ("left", "right"):
            raise ValueError(f"FootGeometry: side must be 'left' or 'right', not {self.side!r}")
        if not (64 <= self.width <= 12000 and 64 <= self.height <= 12000):
            raise ValueError("FootGeometry: width and height must be 64 to 12,000 pixels")
        if len(self.pixel_spacing_mm) != 2 or not all(
            math.isfinite(s) and 0 < s <= 5 for s in self.pixel_spacing_mm
        ):
            raise ValueError("FootGeometry: pixel_spacing_mm must be two positive numbers")
        if not (-30 < self.hva_deg < 70 and -10 < self.ima_deg < 30):
            raise ValueError("FootGeometry: HVA must lie in (-30, 70) and IMA in (-10, 30) degrees")
        if not (-40 < self.hvia_deg < 40 and -40 < self.dmaa_deg < 40):
            raise ValueError("FootGeometry: HVIA and DMAA must lie in (-40, 40) degrees")
        if not -1 <= self.sesamoid_fraction <= 2 or self.noise < 0:
            raise ValueError("FootGeometry: sesamoid fraction in [-1, 2], noise not negative")
        if self.translation_pct is not None and not -50 <= self.translation_pct <= 150:
            raise ValueError("FootGeometry: translation_pct must lie in [-50, 150]")


@dataclass(frozen=True)
class SyntheticFilm:
    geometry: FootGeometry
    pixels: npt.NDArray[np.uint16] = field(repr=False)  # rows x columns, 12 bits, bone bright
    landmarks: dict[str, Any]  # a complete contract input document


# --- plane geometry -------------------------------------------------------------------------


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


# --- solids and their projections -------------------------------------------------------------


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
        u, lat = self.direction, self.direction.lateral()
        dx, dy = xs - self.start.x, ys - self.start.y
        t = dx * u.x + dy * u.y
        table = np.array(self.knots, dtype=np.float64).T
        medial, lateral = np.interp(t, table[0], table[1]), np.interp(t, table[0], table[2])
        cortex, depth = np.interp(t, table[0], table[3]), np.interp(t, table[0], table[4])
        rounding = np.where((t >= self.begin) & (t <= self.length), 1.0, 0.0)
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
        offset = dx * lat.x + dy * lat.y - (lateral - medial) / 2
        outer = 2 * depth * _chord(radius, offset)
        inner = 2 * depth * _chord(np.maximum(radius - cortex, 0.0), offset)
        return outer, inner


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
        r = (
            np.hypot(p, q)
            if self.power == 2.0
            else (p**self.power + q**self.power) ** (1 / self.power)
        )
        keep = max(1.0 - self.cortex / min(self.along, self.across), 0.01)
        one = np.ones_like(r)
        outer = 2 * self.depth * _chord(one, r)
        inner = 2 * self.depth * keep * _chord(one, r / keep)
        return outer, inner


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


# --- the foot -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    points: dict[str, _V]  # landmarks
    bones: tuple[_Bone, ...]
    toes: tuple[_Toe, ...]
    sole: _Sole
    keep_in_view: tuple[_V, ...]  # the forefoot, which must be on the film

    def moved(self, placement: _Placement) -> _Layout:
        return _Layout(
            {name: placement.point(p) for name, p in self.points.items()},
            tuple(bone.moved(placement) for bone in self.bones),
            tuple(toe.moved(placement) for toe in self.toes),
            self.sole.moved(placement),
            tuple(placement.point(p) for p in self.keep_in_view),
        )

    def extent(self) -> Box:
        return _union([self.sole.bounds(), *(toe.bounds() for toe in self.toes)])


def _long_bone(
    start: _V,
    u: _V,
    length: float,
    widths: tuple[float, float, float],  # base, shaft and distal half-widths
    cortex: float,
    depth: tuple[float, float] = (1.3, 1.0),  # base and shaft depth ratios
    styloid: float = 0.0,
    caps: tuple[float, float] = (1.5, 3.0),
) -> _Shaft:
    """Metatarsal or phalanx, symmetric about its axis beyond the first eighth of its length."""
    base, shaft, distal = widths
    knots = (
        (0.0, base, base + styloid, 0.5, depth[0]),
        (0.05 * length, base * 0.97, base * 0.97 + styloid * 0.6, 0.5, depth[0]),
        (0.12 * length, base * 0.9, base * 0.9 + styloid * 0.1, 0.5, depth[0]),
        (0.24 * length, shaft * 1.15, shaft * 1.15, cortex * 0.7, depth[1]),
        (0.36 * length, shaft, shaft, cortex, depth[1]),
        (0.64 * length, shaft, shaft, cortex, depth[1]),
        (0.80 * length, shaft * 1.12, shaft * 1.12, cortex * 0.6, depth[1]),
        (length, distal, distal, 0.5, depth[1]),
    )
    return _Shaft(start, u, length, knots, caps[0], caps[1])


def _screw(entry: _V, target: _V) -> _Bone:
    """A 3 mm cannulated screw: head, shank, threads on its last 40 %; solid metal."""
    axis = target - entry
    length = axis.norm()
    knots = [(0.0, 2.4, 2.4, 2.4, 0.8), (2.2, 2.4, 2.4, 2.4, 0.8), (2.6, 1.2, 1.2, 1.2, 1.0)]
    t = 0.6 * length
    while t < length - 1.0:
        knots += [(t, 1.15, 1.15, 1.15, 1.0), (t + 0.5, 1.6, 1.6, 1.6, 1.0)]
        t += 1.0
    knots.append((length, 1.0, 1.0, 1.0, 1.0))
    shaft = _Shaft(entry, axis * (1 / length), length, tuple(knots), 0.3, 1.2)
    return _Bone((shaft,), MU_METAL, MU_METAL)


def _layout(g: FootGeometry, rng: random.Random) -> _Layout:
    """The right foot in its own frame: M2 base centre at the origin, toes up (mm)."""
    jitter = [rng.uniform(-1.0, 1.0) for _ in range(8)]
    points: dict[str, _V] = {}
    bones: list[_Bone] = []
    toes: list[_Toe] = []

    # First ray. Its axis is the line through the base centre along u1; landmarks lie on it.
    u1 = DISTAL.turned(-g.ima_deg)
    l1 = u1.lateral()
    base1, length1 = _V(-17.5, -5.0), 63.0
    head_along, head_across = 8.0, 9.2

    def on_m1(t: float, lateral: float = 0.0) -> _V:
        return base1 + u1 * t + l1 * lateral

    head = on_m1(length1 - head_along)
    shaft1 = _long_bone(base1, u1, length1 - 4.0, (9.5, 5.8, 8.2), 2.2, (1.5, 1.05))
    points["m1_proximal"] = on_m1(0.25 * length1)
    eminence = 0.0 if g.translation_pct is not None else min(max((g.hva_deg - 8) / 9, 0.0), 3.5)
    first_ray: list[_Solid] = []
    if g.translation_pct is not None:
        cut = length1 - 21.0
        half = 5.8 * 1.12  # shaft half-width at the cut, kept flat there by the knots below
        shift = g.translation_pct / 100 * 2 * half
        flat = [(cut + d, half, half, 1.4, 1.05) for d in (-3.0, 3.0)]
        knots = tuple(sorted([k for k in shaft1.knots if abs(k[0] - cut) > 3.0] + flat))
        first_ray.append(replace(shaft1, length=cut - 0.4, knots=knots, cap_end=0.6))
        capital = replace(shaft1, start=base1 + l1 * shift, knots=knots, cap_start=0.6)
        first_ray.append(replace(capital, begin=cut + 0.4))
        head = head + l1 * shift
        points["m1_distal"] = on_m1(cut - 7.0)
        points["osteotomy_medial_cortex"] = on_m1(cut, -half)
        points["osteotomy_lateral_cortex"] = on_m1(cut, half)
        points["head_medial_cortex"] = on_m1(cut + 1.0, shift - half)
        # Two parallel screws from the medial cortex, 25 degrees to the shaft, across the cut
        # into the head (as in a minimally invasive chevron fixation).
        slant = u1.turned(25.0)
        for entry, beyond_centre in ((cut - 16.0, 3.0), (cut - 26.0, -3.0)):
            tip = (length1 - head_along + beyond_centre - entry) / math.cos(math.radians(25.0))
            bones.append(_screw(on_m1(entry, -half - 0.3), on_m1(entry, -half - 0.3) + slant * tip))
    else:
        first_ray.append(shaft1)
        points["m1_distal"] = on_m1(0.72 * length1)
    # The head, its articular surface facing DMAA degrees lateral of the M1 axis.
    facing = u1.turned(g.dmaa_deg)
    across = facing.lateral()
    first_ray.append(_Ovoid(head, facing, head_along, head_across, 8.5, 1.0))
    if eminence > 0:
        bump = head - l1 * (head_across - 4.5 + eminence) - u1 * 2.0
        first_ray.append(_Ovoid(bump, u1, 7.0, 4.5, 4.5, 0.8))
    bones.append(_Bone(tuple(first_ray)))
    centre = head + facing * (0.3 * head_along)
    reach = head_across * math.sqrt(1 - 0.3**2)  # on the head's outline
    points["m1_articular_medial"] = centre - across * reach
    points["m1_articular_lateral"] = centre + across * reach

    # Sesamoids under the head, the tibial one placed by its lateral fraction.
    width_t, width_f = 9.0, 7.5
    fraction = g.sesamoid_fraction
    if fraction <= 0:
        outer = fraction * width_t - 0.6
    elif fraction >= 1:
        outer = (fraction - 1) * width_t + 0.6 + width_t
    else:
        outer = fraction * width_t
    level = length1 - head_along - 4.0
    points["tibial_sesamoid_medial"] = on_m1(level, outer - width_t)
    points["tibial_sesamoid_lateral"] = on_m1(level, outer)
    tibial = on_m1(level, outer - width_t / 2)
    fibular = tibial + l1 * (width_t / 2 + 3.5 + width_f / 2) + u1 * 1.0
    bones.append(_Bone((_Ovoid(tibial, u1, 6.2, width_t / 2, 4.5, 1.0),)))
    bones.append(_Bone((_Ovoid(fibular, u1, 5.2, width_f / 2, 4.0, 1.0),)))

    # Hallux: proximal phalanx HVA degrees lateral of M1, distal phalanx HVIA beyond it.
    n_p = u1.turned(g.hva_deg)
    phi = math.radians(g.hva_deg - g.dmaa_deg)
    to_surface = 1 / math.hypot(math.cos(phi) / head_along, math.sin(phi) / head_across)
    joint = head + n_p * (to_surface + 1.6)
    length_p1, length_d1 = 31.0, 23.0
    bones.append(_Bone((_long_bone(joint, n_p, length_p1, (8.8, 5.4, 7.0), 1.5, caps=(1.0, 3.5)),)))
    points["p1_proximal"] = joint + n_p * (0.30 * length_p1)
    points["p1_distal"] = joint + n_p * (0.70 * length_p1)
    n_d = n_p.turned(g.hvia_deg)
    ip_joint = joint + n_p * (length_p1 + 1.5)
    d1_knots = (
        (0.0, 7.8, 7.8, 0.6, 1.0),
        (0.15 * length_d1, 6.8, 6.8, 0.8, 0.95),
        (0.30 * length_d1, 5.0, 5.0, 1.1, 0.9),
        (0.70 * length_d1, 4.2, 4.2, 0.9, 0.8),
        (0.86 * length_d1, 5.6, 5.6, 0.6, 0.6),
        (length_d1, 5.2, 5.2, 0.5, 0.5),
    )
    bones.append(_Bone((_Shaft(ip_joint, n_d, length_d1, d1_knots, 1.0, 4.5),)))
    points["d1_proximal"] = ip_joint + n_d * (0.30 * length_d1)
    points["d1_distal"] = ip_joint + n_d * (0.70 * length_d1)
    hallux_tip = ip_joint + n_d * (length_d1 + 4.0)
    toes.append(_Toe(head + n_p * 4.0, ip_joint, 12.5, 11.0))
    toes.append(_Toe(ip_joint, hallux_tip - n_d * 9.0, 11.0, 9.5))

    # Lesser rays: base centre, angle from the M2 axis, length, half-widths, styloid;
    # phalanx lengths; how far the toe turns out.
    rays = (
        (_V(0.0, 0.0), 0.0, 74.0, (6.5, 4.1, 5.2), 0.0, (27.0, 10.0, 8.0), 3.0),
        (_V(12.5, -3.5), 4.0, 70.0, (6.2, 3.9, 5.0), 0.0, (23.0, 8.5, 7.5), 5.0),
        (_V(23.5, 0.5), 9.0, 66.0, (6.0, 3.9, 4.9), 0.0, (20.0, 7.0, 7.0), 8.0),
        (_V(34.0, 6.5), 15.0, 64.0, (6.5, 4.1, 5.0), 6.0, (17.0, 5.5, 6.5), 12.0),
    )
    heads: list[tuple[_V, _V]] = []
    for index, (base, angle, length, widths, styloid, phalanges, spread) in enumerate(rays):
        u = DISTAL.turned(angle + (0.8 * jitter[index] if index else 0.0))
        head_centre = base + u * (length - 6.0)
        shaft = _long_bone(base, u, length - 3.0, widths, 1.4, (1.6, 1.1), styloid)
        bones.append(_Bone((shaft, _Ovoid(head_centre, u, 6.3, widths[2] + 0.7, 6.0, 0.8))))
        heads.append((head_centre, u))
        if index == 0:
            points["m2_proximal"] = base + u * (0.25 * length)
            points["m2_distal"] = base + u * (0.75 * length)
        toe_u = u.turned(spread + 1.5 * jitter[4 + index])
        at = head_centre + toe_u * 7.8
        for rank, (part_length, half) in enumerate(zip(phalanges, (4.8, 3.6, 3.4), strict=True)):
            waist = 0.6 if rank == 0 else 0.8
            phalanx = _long_bone(at, toe_u, part_length, (half, half * waist, half * 0.85), 0.8)
            bones.append(_Bone((replace(phalanx, cap_start=0.8, cap_end=min(2.8, half)),)))
            at = at + toe_u * (part_length + 1.2)
        toes.append(_Toe(head_centre + toe_u * 3.0, at - toe_u * 2.0, 8.5 - index * 0.5, 6.0))

    # Tarsus: centre, angle of the long semi-axis from distal, semi-axes, squareness.
    tarsals = (
        ((_V(-18.5, 8.0), -6.0, 12.5, 9.5, 12.0, 2.6),),  # medial cuneiform
        ((_V(-1.5, 8.5), 0.0, 8.5, 7.0, 10.0, 2.6),),  # intermediate cuneiform
        ((_V(11.5, 7.5), 5.0, 10.5, 7.5, 11.0, 2.6),),  # lateral cuneiform
        ((_V(30.0, 21.0), 18.0, 14.5, 10.5, 12.0, 2.4),),  # cuboid
        (  # navicular and its tuberosity
            (_V(-6.5, 26.5), -14.0, 7.0, 18.0, 12.0, 2.2),
            (_V(-23.5, 31.5), 0.0, 6.5, 6.0, 9.0, 2.0),
        ),
        (  # talus: head and neck, body
            (_V(-8.0, 47.0), -15.0, 14.5, 14.0, 15.0, 2.0),
            (_V(-3.0, 72.0), -5.0, 19.0, 16.0, 17.0, 2.2),
        ),
        (  # calcaneus: anterior process, body
            (_V(21.0, 50.0), 14.0, 15.0, 11.0, 14.0, 2.2),
            (_V(15.0, 86.0), 8.0, 32.0, 14.0, 17.0, 2.2),
        ),
    )
    for parts in tarsals:
        solids = tuple(
            _Ovoid(centre_t, DISTAL.turned(angle), along, across_t, depth, 0.8, power)
            for centre_t, angle, along, across_t, depth, power in parts
        )
        bones.append(_Bone(solids))

    # Soft tissue of the foot, outlined clockwise from the medial side of the first MTP joint.
    head5, u5 = heads[3]
    head2, u2 = heads[0]
    outline = _closed_spline(
        [
            head - l1 * (head_across + 4.0 + eminence),
            head + n_p * 9.0 - n_p.lateral() * 10.5,
            (head + n_p * 12.0 + head2 + u2 * 12.0) * 0.5,
            *(h + u * 11.0 for h, u in heads),
            head5 + u5.lateral() * 10.0,
            _V(47.0, 8.0),
            _V(45.0, 35.0),
            _V(38.0, 72.0),
            _V(30.0, 104.0),
            _V(17.0, 121.0),
            _V(0.0, 125.0),
            _V(-15.0, 118.0),
            _V(-25.0, 98.0),
            _V(-31.0, 62.0),
            _V(-34.0, 32.0),
            _V(-30.0, 10.0),
            base1 - l1 * 12.5,
            on_m1(35.0, -11.5),
        ]
    )
    thickness = ((-90.0, 18.0), (-60.0, 24.0), (-20.0, 34.0), (20.0, 48.0), (60.0, 62.0))
    sole = _Sole(outline, _V(0.0, 0.0), DISTAL * -1.0, (*thickness, (100.0, 70.0), (130.0, 60.0)))

    keep = [*points.values(), *(p for p in outline if p.y < 25.0)]
    for toe in toes:
        x0, y0, x1, y1 = toe.bounds()
        keep += [_V(x0, y0), _V(x1, y1)]
    return _Layout(points, tuple(bones), tuple(toes), sole, tuple(keep))


def _fit(layout: _Layout, g: FootGeometry, degrees: float, size: float) -> _Placement:
    """Place the foot on the film: whole if it fits, else the forefoot with the toes at the top."""
    row_mm, column_mm = g.pixel_spacing_mm
    width, height = g.width * column_mm, g.height * row_mm
    margin_x, margin_y = 0.05 * width, 0.04 * height
    turned = layout.moved(_Placement(degrees, size))
    whole, key = turned.extent(), _box(turned.keep_in_view)
    shrink = min(
        1.0,
        (width - 2 * margin_x) / (key[2] - key[0]),
        (height - 2 * margin_y) / (key[3] - key[1]),
    )
    if (whole[2] - whole[0]) * shrink <= width - 2 * margin_x:
        x = width / 2 - shrink * (whole[0] + whole[2]) / 2
    else:
        x = width / 2 - shrink * (key[0] + key[2]) / 2
    if (whole[3] - whole[1]) * shrink <= height - 2 * margin_y:
        y = height / 2 - shrink * (whole[1] + whole[3]) / 2
    else:
        y = margin_y - shrink * key[1]
    return _Placement(degrees, size * shrink, _V(x, y))


# --- exposure -------------------------------------------------------------------------------


def _gaussian(image: Pixels, sigma: float) -> Pixels:
    """Separable Gaussian blur, edges repeated; ``sigma`` in pixels."""
    radius = max(1, math.ceil(2.5 * sigma))
    weights = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    weights = (weights / weights.sum()).astype(np.float32)
    rows, columns = image.shape
    padded = np.pad(image, ((radius, radius), (0, 0)), mode="edge")
    down = np.zeros_like(image)
    for i, w in enumerate(weights):
        down += w * padded[i : i + rows, :]
    padded = np.pad(down, ((0, 0), (radius, radius)), mode="edge")
    result = np.zeros_like(image)
    for i, w in enumerate(weights):
        result += w * padded[:, i : i + columns]
    return result


def _resized(image: Pixels, size: tuple[int, int], *, average: bool) -> Pixels:
    method = Image.Resampling.BOX if average else Image.Resampling.BILINEAR
    return np.asarray(Image.fromarray(image).resize(size, method), dtype=np.float32)


def _low_pass(image: Pixels, mm_per_pixel: float, scale_mm: float) -> Pixels:
    """A blur over about ``scale_mm``, cheaply: shrink, blur, enlarge."""
    rows, columns = image.shape
    factor = max(1, round(scale_mm / 2 / mm_per_pixel))
    small = (max(2, columns // factor), max(2, rows // factor))
    return _resized(
        _gaussian(_resized(image, small, average=True), 1.5), (columns, rows), average=False
    )


class _Film:
    """Path lengths on the pixel grid: soft tissue (union), cortex and medulla (summed)."""

    def __init__(self, g: FootGeometry) -> None:
        self.row_mm, self.column_mm = g.pixel_spacing_mm
        self.soft = np.zeros((g.height, g.width), dtype=np.float32)
        self.cortex = np.zeros_like(self.soft)
        self.core = np.zeros_like(self.soft)

    def _window(self, box: Box) -> tuple[slice, slice, Grid, Grid] | None:
        rows, columns = self.soft.shape
        c0 = max(math.floor(box[0] / self.column_mm - 0.5), 0)
        c1 = min(math.ceil(box[2] / self.column_mm + 0.5), columns)
        r0 = max(math.floor(box[1] / self.row_mm - 0.5), 0)
        r1 = min(math.ceil(box[3] / self.row_mm + 0.5), rows)
        if c1 <= c0 or r1 <= r0:
            return None
        xs = ((np.arange(c0, c1, dtype=np.float64) + 0.5) * self.column_mm)[np.newaxis, :]
        ys = ((np.arange(r0, r1, dtype=np.float64) + 0.5) * self.row_mm)[:, np.newaxis]
        return slice(r0, r1), slice(c0, c1), xs, ys

    def add_sole(self, sole: _Sole) -> None:
        """Fill the outline on a coarse grid, soften its border, enlarge: a rounded slab."""
        rows, columns = self.soft.shape
        cell = max(0.5, min(self.row_mm, self.column_mm))
        width, height = columns * self.column_mm, rows * self.row_mm
        small = (max(2, math.ceil(width / cell)), max(2, math.ceil(height / cell)))
        sx, sy = small[0] / width, small[1] / height
        mask = Image.new("F", small, 0.0)
        ImageDraw.Draw(mask).polygon([(p.x * sx, p.y * sy) for p in sole.outline], fill=1.0)
        soft_edge = _gaussian(np.asarray(mask, dtype=np.float32), sole.edge / 2 * sx)
        window = self._window(sole.bounds())
        if window is None:
            return
        within_rows, within_columns, xs, ys = window
        inside = _resized(soft_edge, (columns, rows), average=False)[within_rows, within_columns]
        rounding = np.sqrt(np.clip(2 * inside - 1, 0.0, 1.0))
        along = (xs - sole.origin.x) * sole.axis.x + (ys - sole.origin.y) * sole.axis.y
        table = np.array(sole.thickness, dtype=np.float64).T
        thickness = np.interp(along, table[0], table[1]) * rounding
        region = self.soft[within_rows, within_columns]
        np.maximum(region, thickness, out=region, casting="same_kind")

    def add_toe(self, toe: _Toe) -> None:
        window = self._window(toe.bounds())
        if window is not None:
            rows, columns, xs, ys = window
            region = self.soft[rows, columns]
            np.maximum(region, toe.thickness(xs, ys), out=region, casting="same_kind")

    def add_bone(self, bone: _Bone) -> None:
        """The union of the bone's solids: where one solid's medulla lies, the path through
        cortex is the thinnest of the shells around that point, so no inner seams show."""
        window = self._window(bone.bounds())
        if window is not None:
            rows, columns, xs, ys = window
            outer: Grid | None = None
            shell: Grid | None = None
            for part in bone.parts:
                whole, medulla = part.paths(xs, ys)
                around = np.where(medulla > 0, whole - medulla, np.inf)
                outer = whole if outer is None else np.maximum(outer, whole)
                shell = around if shell is None else np.minimum(shell, around)
            if outer is None or shell is None:
                return
            cortex = np.where(np.isfinite(shell), shell, outer)
            self.cortex[rows, columns] += (bone.cortex_mu * cortex).astype(np.float32)
            self.core[rows, columns] += (bone.core_mu * (outer - cortex)).astype(np.float32)


def _expose(film: _Film, g: FootGeometry, rng: np.random.Generator) -> npt.NDArray[np.uint16]:
    """Path lengths to stored values: trabecular texture, log exposure, detector processing."""
    rows, columns = film.soft.shape
    mm = min(film.row_mm, film.column_mm)
    # Trabecular mottle in the medulla, with a grain of about a millimetre.
    grain = max(1, round(1.0 / mm))
    coarse = rng.standard_normal((max(2, rows // grain), max(2, columns // grain)))
    texture = 1.0 + 0.2 * _resized(coarse.astype(np.float32), (columns, rows), average=False)
    attenuation = MU_SOFT * film.soft + film.cortex + film.core * texture
    signal = 1.0 - np.exp(-1.3 * attenuation)
    # Heel effect: a few per cent less exposure towards the anode end (the top).
    signal *= np.linspace(0.98, 1.02, rows, dtype=np.float32)[:, np.newaxis]
    # Digital radiography processing: equalise the large scale, sharpen edges.
    signal = signal + 0.6 * (signal - _low_pass(signal, mm, 8.0))
    signal = _gaussian(signal, max(0.6, 0.08 / mm))
    mottle = rng.standard_normal((rows, columns), dtype=np.float32)
    signal += mottle * (g.noise * (0.7 + 0.6 * np.clip(signal, 0.0, 1.0)))
    stored: npt.NDArray[np.uint16] = np.clip(
        np.rint(150.0 + signal * 3600.0), 0, MAX_STORED
    ).astype(np.uint16)
    return stored


def _side_marker(pixels: npt.NDArray[np.uint16], g: FootGeometry) -> None:
    """The radiographer's lead letter, in the upper corner on the lateral side."""
    size = max(8, round(11.0 / g.pixel_spacing_mm[0]))
    font = ImageFont.load_default(size=size)
    letter = "R" if g.side == "right" else "L"
    left, top, right, bottom = font.getbbox(letter)
    pad = size // 4
    plate = Image.new("L", (int(right - left) + 2 * pad, int(bottom - top) + 2 * pad), 0)
    ImageDraw.Draw(plate).text((pad - left, pad - top), letter, fill=255, font=font)
    mask = np.asarray(plate, dtype=np.float32) / 255.0
    h, w = mask.shape
    y, inset = max(1, round(0.02 * g.height)), max(1, round(0.03 * g.width))
    x = g.width - w - inset if g.side == "right" else inset
    if y + h > g.height or x < 0 or x + w > g.width:
        return  # a film too small for the marker goes without
    region = pixels[y : y + h, x : x + w]
    np.maximum(region, (mask * 3950.0).astype(np.uint16), out=region)


# --- the film -------------------------------------------------------------------------------

# Landmark order of the contract's table (required points first, then the groups).
_ORDER = (
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


def render(geometry: FootGeometry) -> SyntheticFilm:
    """Draw the film and compute its landmarks (same geometry and seed, same film)."""
    layout_rng = random.Random(geometry.seed)
    layout = _layout(geometry, layout_rng)
    placement = _fit(
        layout, geometry, layout_rng.uniform(-3.0, 3.0), layout_rng.uniform(0.95, 1.04)
    )
    placed = layout.moved(placement)
    film = _Film(geometry)
    film.add_sole(placed.sole)
    for toe in placed.toes:
        film.add_toe(toe)
    for bone in placed.bones:
        film.add_bone(bone)
    pixels = _expose(film, geometry, np.random.default_rng(geometry.seed))
    row_mm, column_mm = geometry.pixel_spacing_mm
    points = {name: (p.x / column_mm, p.y / row_mm) for name, p in placed.points.items()}
    if geometry.side == "left":
        pixels = np.ascontiguousarray(pixels[:, ::-1])
        points = {name: (geometry.width - x, y) for name, (x, y) in points.items()}
    _side_marker(pixels, geometry)
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "view": "dp",
        "pixel_spacing_mm": [row_mm, column_mm],
        "points": {
            name: [round(points[name][0], 2), round(points[name][1], 2)]
            for name in _ORDER
            if name in points
        },
    }
    return SyntheticFilm(geometry=geometry, pixels=pixels, landmarks=document)


def display_window(pixels: npt.NDArray[np.uint16]) -> tuple[float, float]:
    """A VOI window (centre, width) from background to the brightest bone."""
    step = max(1, min(pixels.shape) // 600)
    low, high = np.percentile(pixels[::step, ::step], [1.0, 99.9])
    width = max(float(high - low) * 1.04, 64.0)
    return round(float(low + high) / 2), round(width)


def _eight_bit(pixels: npt.NDArray[np.uint16]) -> npt.NDArray[np.uint8]:
    centre, width = display_window(pixels)
    scaled = (pixels.astype(np.float32) - (centre - width / 2)) * (255.0 / width)
    eight: npt.NDArray[np.uint8] = np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
    return eight


# --- files -----------------------------------------------------------------------------------

_SYNTAXES = {
    "explicit_little": ExplicitVRLittleEndian,
    "implicit_little": ImplicitVRLittleEndian,
    "jpeg2000_lossless": JPEG2000Lossless,
    "rle_lossless": RLELossless,
    "jpeg_baseline": JPEGBaseline8Bit,
}
TRANSFER_SYNTAXES = tuple(_SYNTAXES)
SPACING_TAGS = ("PixelSpacing", "ImagerPixelSpacing", "none")


def write_dicom(
    film: SyntheticFilm,
    path: Path,
    *,
    transfer_syntax: str = "explicit_little",
    patient_name: str = "SYNTHETIC^PATIENT",
    patient_id: str = "SYN0001",
    study_uid: str | None = None,
    photometric: str = "MONOCHROME2",
    burned_in_annotation: str | None = "NO",
    spacing_tag: str = "PixelSpacing",
    acquired_on: dt.date = dt.date(2026, 3, 14),
    extra: Mapping[str, object] | None = None,
) -> None:
    """Write the film as a DX (for presentation) DICOM Part 10 file with fake identifying data.

    ``photometric="MONOCHROME1"`` stores inverted values (bone dark), as many computed
    radiography systems do, so the picture looks the same after the viewer's inversion.
    ``jpeg_baseline`` stores 8 bits (the VOI window applied first), the others 12.
    ``extra`` sets further attributes by keyword after everything else; ``None`` removes one.
    """
    if transfer_syntax not in _SYNTAXES:
        raise ValueError(f"unknown transfer syntax {transfer_syntax!r}; one of {TRANSFER_SYNTAXES}")
    if photometric not in ("MONOCHROME1", "MONOCHROME2"):
        raise ValueError("photometric must be MONOCHROME1 or MONOCHROME2")
    if spacing_tag not in SPACING_TAGS:
        raise ValueError(f"unknown spacing tag {spacing_tag!r}; one of {SPACING_TAGS}")
    syntax = _SYNTAXES[transfer_syntax]
    inverted = photometric == "MONOCHROME1"
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = DX_FOR_PRESENTATION
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = DX_FOR_PRESENTATION
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = study_uid or generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.Modality = "DX"
    ds.PresentationIntentType = "FOR PRESENTATION"
    date_text = acquired_on.strftime("%Y%m%d")
    ds.StudyDate = ds.SeriesDate = ds.AcquisitionDate = ds.ContentDate = date_text
    ds.StudyTime = ds.SeriesTime = ds.AcquisitionTime = ds.ContentTime = "101500"
    ds.StudyID = "S4711"
    ds.SeriesNumber, ds.InstanceNumber = 1, 1
    ds.StudyDescription = "XR FOOT WEIGHT BEARING"
    # Identifying attributes, all invented, for the de-identification to remove.
    ds.PatientName = patient_name
    ds.PatientID = patient_id
    ds.PatientBirthDate = "19600517"
    ds.PatientSex = "F"
    ds.PatientAge = "065Y"
    ds.PatientAddress = "1 Example Street, Nowhere"
    ds.InstitutionName = "Synthetic General Hospital"
    ds.InstitutionAddress = "2 Example Road, Nowhere"
    ds.ReferringPhysicianName = "REFERRER^ROBIN"
    ds.OperatorsName = "RADIOGRAPHER^SAM"
    ds.AccessionNumber = "ACC20260314"
    ds.StationName = "XR-ROOM-3"
    ds.DeviceSerialNumber = "SN-0042-XR"
    block = ds.private_block(0x0011, "SYNTHETIC VENDOR", create=True)
    block.add_new(0x01, "LO", f"operator note for {patient_name}")
    block.add_new(0x02, "LO", f"worklist {patient_id}")
    # Acquisition.
    ds.Manufacturer = "HalluxPath synthetic films"
    ds.BodyPartExamined = "FOOT"
    ds.ViewPosition = "AP"
    ds.ImageLaterality = "R" if film.geometry.side == "right" else "L"
    ds.PatientOrientation = ["R", "P"]  # rows run towards the patient's right, columns heelwards
    ds.KVP = "55"
    ds.DistanceSourceToDetector = "1000"
    ds.DetectorType = "SCINTILLATOR"
    if burned_in_annotation is not None:
        ds.BurnedInAnnotation = burned_in_annotation
    row, column = film.geometry.pixel_spacing_mm
    if spacing_tag != "none":
        setattr(ds, spacing_tag, [f"{row:.6g}", f"{column:.6g}"])
    # Pixels.
    ds.SamplesPerPixel = 1
    ds.Rows, ds.Columns = film.pixels.shape
    ds.PixelRepresentation = 0
    ds.PhotometricInterpretation = photometric
    ds.PresentationLUTShape = "INVERSE" if inverted else "IDENTITY"
    ds.PixelIntensityRelationship = "LOG"
    ds.PixelIntensityRelationshipSign = 1 if inverted else -1
    ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = 0, 1, "US"
    if transfer_syntax == "jpeg_baseline":
        eight = _eight_bit(film.pixels)
        if inverted:
            eight = 255 - eight
        buffer = io.BytesIO()
        Image.fromarray(eight).save(buffer, "JPEG", quality=92)
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
        ds.WindowCenter, ds.WindowWidth = 128, 256
        ds.PixelData = encapsulate([buffer.getvalue()])
        ds["PixelData"].VR = "OB"
        ds["PixelData"].is_undefined_length = True
        ds.LossyImageCompression = "01"
        ds.LossyImageCompressionMethod = "ISO_10918_1"
        meta.TransferSyntaxUID = syntax
    else:
        centre, width = display_window(film.pixels)
        stored = MAX_STORED - film.pixels if inverted else film.pixels
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
        ds.WindowCenter = MAX_STORED - centre if inverted else centre
        ds.WindowWidth = width
        ds.PixelData = np.ascontiguousarray(stored, dtype="<u2").tobytes()
        if syntax in (ExplicitVRLittleEndian, ImplicitVRLittleEndian):
            meta.TransferSyntaxUID = syntax
        else:
            plugin = "pylibjpeg" if syntax == JPEG2000Lossless else "pydicom"
            ds.compress(syntax, encoding_plugin=plugin)
    for keyword, value in (extra or {}).items():
        if value is None:
            if keyword in ds:
                delattr(ds, keyword)
        else:
            setattr(ds, keyword, value)
    if "SOPClassUID" in ds:
        meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.save_as(path, enforce_file_format=True)


def write_png(film: SyntheticFilm, path: Path, *, bits: int = 8) -> None:
    """Write the film as a grey-scale PNG: 8 bits through the display window, or 16 bits."""
    if bits == 8:
        Image.fromarray(_eight_bit(film.pixels)).save(path, "PNG")
    elif bits == 16:
        full_range = (film.pixels.astype(np.uint16) << 4) | (film.pixels.astype(np.uint16) >> 8)
        Image.fromarray(full_range).save(path, "PNG")
    else:
        raise ValueError("bits must be 8 or 16")


def read_back(path: Path) -> npt.NDArray[Any]:
    """The stored pixel values of a written DICOM file."""
    return np.asarray(pydicom.dcmread(path).pixel_array)
