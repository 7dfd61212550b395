"""The foot: the clinical inputs (``FootGeometry``) and where they put each bone.

``_layout`` builds a right foot in its own frame (M2 base centre at the origin, toes up)
from the angles, and places the landmarks on the same axes as the bones, so that measuring
them by the contract (spec/measurements.md) gives the inputs back. With an osteotomy shift
it cuts the first metatarsal, moves the head laterally and fixes it with two screws.
``_fit`` then turns, scales and shifts that foot onto the film so the forefoot is in view.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace

from halluxpath.imaging.synthetic.plane import (
    _V,
    DISTAL,
    Box,
    _box,
    _closed_spline,
    _Placement,
    _union,
)
from halluxpath.imaging.synthetic.solids import (
    MU_METAL,
    _Bone,
    _Ovoid,
    _Shaft,
    _Sole,
    _Solid,
    _Toe,
)


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
