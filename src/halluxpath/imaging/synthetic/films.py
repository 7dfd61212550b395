"""The synthetic film: a ``FootGeometry`` rendered into pixels and a landmark document.

``render`` ties the layout, the placement on the film and the exposure together in a fixed
order of random draws (the layout's from ``random.Random(seed)``, the exposure's from
``numpy.random.default_rng(seed)``), so the same geometry and seed give the same film.
``display_window`` is the VOI window that the files and 8-bit renderings use.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from halluxpath.imaging.synthetic.exposure import _expose, _Film, _side_marker
from halluxpath.imaging.synthetic.foot import FootGeometry, _fit, _Layout, _layout

SCHEMA = "halluxpath.landmarks/1"


@dataclass(frozen=True)
class SyntheticFilm:
    geometry: FootGeometry
    pixels: npt.NDArray[np.uint16] = field(repr=False)  # rows x columns, 12 bits, bone bright
    landmarks: dict[str, Any]  # a complete contract input document


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


def _placed(geometry: FootGeometry) -> _Layout:
    # Seeded so that a geometry always gives the same film; nothing here is a secret.
    layout_rng = random.Random(geometry.seed)
    layout = _layout(geometry, layout_rng)
    placement = _fit(
        layout, geometry, layout_rng.uniform(-3.0, 3.0), layout_rng.uniform(0.95, 1.04)
    )
    return layout.moved(placement)


def _landmark_document(geometry: FootGeometry, placed: _Layout) -> dict[str, Any]:
    row_mm, column_mm = geometry.pixel_spacing_mm
    points = {name: (p.x / column_mm, p.y / row_mm) for name, p in placed.points.items()}
    if geometry.side == "left":
        points = {name: (geometry.width - x, y) for name, (x, y) in points.items()}
    return {
        "schema": SCHEMA,
        "view": "dp",
        "pixel_spacing_mm": [row_mm, column_mm],
        "points": {
            name: [round(points[name][0], 2), round(points[name][1], 2)]
            for name in _ORDER
            if name in points
        },
    }


def landmarks(geometry: FootGeometry) -> dict[str, Any]:
    """The film's landmarks (the contract's input document) without drawing it: the same
    document ``render(geometry).landmarks`` gives, in a fraction of a millisecond."""
    return _landmark_document(geometry, _placed(geometry))


def render(geometry: FootGeometry) -> SyntheticFilm:
    """Draw the film and compute its landmarks (same geometry and seed, same film)."""
    placed = _placed(geometry)
    film = _Film(geometry)
    film.add_sole(placed.sole)
    for toe in placed.toes:
        film.add_toe(toe)
    for bone in placed.bones:
        film.add_bone(bone)
    pixels = _expose(film, geometry, np.random.default_rng(geometry.seed))
    if geometry.side == "left":
        pixels = np.ascontiguousarray(pixels[:, ::-1])
    _side_marker(pixels, geometry)
    document = _landmark_document(geometry, placed)
    return SyntheticFilm(geometry=geometry, pixels=pixels, landmarks=document)


def display_window(pixels: npt.NDArray[np.uint16]) -> tuple[float, float]:
    """A VOI window (centre, width) from background to the brightest bone."""
    step = max(1, min(pixels.shape) // 600)
    low, high = np.percentile(pixels[::step, ::step], [1.0, 99.9])
    width = max(float(high - low) * 1.04, 64.0)
    return round(float(low + high) / 2), round(width)
