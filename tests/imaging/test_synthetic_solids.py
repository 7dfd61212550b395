"""The solids' path lengths computed only where a solid can be equal the whole-window ones.

``_Shaft.paths`` and ``_Ovoid.paths`` compute only the pixels inside the
band or box the solid can cover (issue 13: the demo's films drawn quicker);
the reference here computes every pixel of the window, as they did before.
"""

from __future__ import annotations

import random

import numpy as np
import numpy.typing as npt

from halluxpath.imaging.synthetic.plane import _V, _Placement
from halluxpath.imaging.synthetic.solids import _chord, _Ovoid, _Shaft

Grid = npt.NDArray[np.float64]


def _shaft_everywhere(shaft: _Shaft, xs: Grid, ys: Grid) -> tuple[Grid, Grid]:
    u, lat = shaft.direction, shaft.direction.lateral()
    dx, dy = xs - shaft.start.x, ys - shaft.start.y
    t = dx * u.x + dy * u.y
    table = np.array(shaft.knots, dtype=np.float64).T
    medial, lateral = np.interp(t, table[0], table[1]), np.interp(t, table[0], table[2])
    cortex, depth = np.interp(t, table[0], table[3]), np.interp(t, table[0], table[4])
    rounding = np.where((t >= shaft.begin) & (t <= shaft.length), 1.0, 0.0)
    for overshoot, cap in (
        (shaft.begin + shaft.cap_start - t, shaft.cap_start),
        (t - shaft.length + shaft.cap_end, shaft.cap_end),
    ):
        if cap > 0:
            z = np.clip(overshoot / cap, 0.0, 1.0)
            rounding *= np.sqrt(1.0 - z * z)
    radius = (medial + lateral) / 2 * rounding
    offset = dx * lat.x + dy * lat.y - (lateral - medial) / 2
    outer = 2 * depth * _chord(radius, offset)
    inner = 2 * depth * _chord(np.maximum(radius - cortex, 0.0), offset)
    return outer, inner


def _ovoid_everywhere(ovoid: _Ovoid, xs: Grid, ys: Grid) -> tuple[Grid, Grid]:
    a, b = ovoid.axis, ovoid.axis.lateral()
    dx, dy = xs - ovoid.centre.x, ys - ovoid.centre.y
    p = np.abs(dx * a.x + dy * a.y) / ovoid.along
    q = np.abs(dx * b.x + dy * b.y) / ovoid.across
    r = (
        np.hypot(p, q)
        if ovoid.power == 2.0
        else (p**ovoid.power + q**ovoid.power) ** (1 / ovoid.power)
    )
    keep = max(1.0 - ovoid.cortex / min(ovoid.along, ovoid.across), 0.01)
    one: Grid = np.ones_like(r, dtype=np.float64)
    outer: Grid = 2 * ovoid.depth * _chord(one, r)
    inner: Grid = 2 * ovoid.depth * keep * _chord(one, r / keep)
    return outer, inner


def _grid(rng: random.Random) -> tuple[Grid, Grid]:
    step = rng.uniform(0.1, 1.0)
    columns = np.arange(rng.randint(5, 120), dtype=np.float64)
    rows = np.arange(rng.randint(5, 120), dtype=np.float64)
    xs: Grid = ((columns + 0.5) * step + rng.uniform(-30, 0))[np.newaxis, :]
    ys: Grid = ((rows + 0.5) * step + rng.uniform(-30, 0))[:, np.newaxis]
    return xs, ys


def test_shaft_paths_equal_the_whole_window_computation_on_random_shafts() -> None:
    rng = random.Random(13)
    for _ in range(200):
        length = rng.uniform(5, 60)
        knots = tuple(
            (
                length * f,
                rng.uniform(1, 8),
                rng.uniform(1, 8),
                rng.uniform(0.2, 2),
                rng.uniform(0.8, 1.4),
            )
            for f in (0.0, 0.3, 0.7, 1.0)
        )
        shaft = _Shaft(
            _V(rng.uniform(-10, 10), rng.uniform(-10, 10)),
            _V(0.0, -1.0).turned(rng.uniform(-180, 180)),
            length,
            knots,
            cap_start=rng.choice([0.0, rng.uniform(0.5, 3)]),
            cap_end=rng.choice([0.0, rng.uniform(0.5, 4)]),
            begin=rng.choice([0.0, rng.uniform(0, length / 2)]),
        ).moved(_Placement(rng.uniform(-20, 20), rng.uniform(0.5, 1.5)))
        xs, ys = _grid(rng)
        fast, slow = shaft.paths(xs, ys), _shaft_everywhere(shaft, xs, ys)
        assert np.array_equal(fast[0], slow[0])
        assert np.array_equal(fast[1], slow[1])


def test_ovoid_paths_equal_the_whole_window_computation_on_random_ovoids() -> None:
    rng = random.Random(7)
    for _ in range(200):
        ovoid = _Ovoid(
            _V(rng.uniform(-10, 10), rng.uniform(-10, 10)),
            _V(0.0, -1.0).turned(rng.uniform(-180, 180)),
            rng.uniform(1, 20),
            rng.uniform(1, 20),
            rng.uniform(1, 15),
            rng.uniform(0.2, 2.0),
            rng.choice([2.0, rng.uniform(1.5, 3.0)]),
        )
        xs, ys = _grid(rng)
        fast, slow = ovoid.paths(xs, ys), _ovoid_everywhere(ovoid, xs, ys)
        assert np.array_equal(fast[0], slow[0])
        assert np.array_equal(fast[1], slow[1])
