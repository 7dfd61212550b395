"""Measuring 100,000 landmark sets through the core (halluxpath.core.radiograph).

Each set is the contract's example with every point jittered, validated and
measured, as the API and the command line do. Baseline: the bare arithmetic
of the same measures (the frame, six atan2 and the sesamoid and translation
dot products) on the same numbers, with no validation and no objects: the
floor any implementation in Python pays. Prints sets per second and the ratio.

    python benchmarks/bench_measure.py [N]
"""

from __future__ import annotations

import math
import random
import sys
import time
from typing import Any

from halluxpath.core.radiograph import landmarks_from_document, measure

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
EXAMPLE_POINTS = {
    "m1_proximal": (612.0, 1840.5),
    "m1_distal": (655.2, 1215.0),
    "m2_proximal": (820.0, 1790.0),
    "m2_distal": (960.0, 1150.0),
    "p1_proximal": (690.0, 1020.0),
    "p1_distal": (835.0, 760.0),
    "d1_proximal": (850.0, 720.0),
    "d1_distal": (940.0, 600.0),
    "m1_articular_medial": (600.0, 1150.0),
    "m1_articular_lateral": (720.0, 1180.0),
    "tibial_sesamoid_medial": (610.0, 1260.0),
    "tibial_sesamoid_lateral": (700.0, 1265.0),
    "osteotomy_medial_cortex": (590.0, 1500.0),
    "osteotomy_lateral_cortex": (680.0, 1500.0),
    "head_medial_cortex": (630.0, 1470.0),
}


def documents(count: int) -> list[dict[str, Any]]:
    rng = random.Random(1)
    return [
        {
            "schema": "halluxpath.landmarks/1",
            "pixel_spacing_mm": [0.14, 0.14],
            "points": {
                name: [x + rng.uniform(-4, 4), y + rng.uniform(-4, 4)]
                for name, (x, y) in EXAMPLE_POINTS.items()
            },
        }
        for _ in range(count)
    ]


def bare(points: dict[str, list[float]]) -> float:
    """The arithmetic alone: frame, four angles, sesamoid fraction, translation."""
    (ax, ay), (bx, by) = points["m1_proximal"], points["m1_distal"]
    ux, uy = bx - ax, by - ay
    norm = math.hypot(ux, uy)
    ux, uy = ux / norm, uy / norm
    lx, ly = -uy, ux
    total = 0.0
    for first, second in (
        ("m2_proximal", "m2_distal"),
        ("p1_proximal", "p1_distal"),
        ("d1_proximal", "d1_distal"),
        ("m1_articular_medial", "m1_articular_lateral"),
        ("tibial_sesamoid_medial", "tibial_sesamoid_lateral"),
        ("osteotomy_medial_cortex", "osteotomy_lateral_cortex"),
    ):
        (px, py), (qx, qy) = points[first], points[second]
        vx, vy = qx - px, qy - py
        total += math.atan2(vx * lx + vy * ly, vx * ux + vy * uy)
    return total


def main() -> None:
    sets = documents(N)
    start = time.perf_counter()
    for document in sets:
        bare(document["points"])
    floor = time.perf_counter() - start
    start = time.perf_counter()
    for document in sets:
        measure(landmarks_from_document(document)).to_json()
    full = time.perf_counter() - start
    print(f"landmark sets: {N}")
    print(f"bare arithmetic: {N / floor:10.0f} sets/s")
    print(f"validate + measure + output JSON: {N / full:10.0f} sets/s")
    print(f"ratio core/bare: {full / floor:.1f}x")


if __name__ == "__main__":
    main()
