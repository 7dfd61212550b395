"""Measuring 100,000 landmark sets through the core (halluxpath.core.radiograph).

Each set is the contract's example with every point jittered by up to 4
pixels (random.Random(1), so every run measures the same sets). The work is
timed in the steps every surface takes: ``landmarks_from_document``
(validation), ``measure`` and ``Measurements.to_json`` (rounding).
Baseline: the bare arithmetic of the same measures (millimetres, the frame,
four angles, the sesamoid fraction and the translation) on the same numbers,
inline, with no validation and no objects: the floor any implementation in
plain Python pays. Prints sets per second and the ratio of ``measure`` to it.

    python benchmarks/bench_measure.py [N]
"""

from __future__ import annotations

import math
import random
import sys
import time
from typing import Any

from halluxpath.core.landmarks import LandmarkSet, landmarks_from_document
from halluxpath.core.radiograph import measure

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
CHUNK = 10_000  # sets held in memory at once
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


def documents(rng: random.Random, count: int) -> list[dict[str, Any]]:
    return [
        {
            "schema": "halluxpath.landmarks/1",
            "view": "dp",
            "pixel_spacing_mm": [0.14, 0.14],
            "points": {
                name: [x + rng.uniform(-4, 4), y + rng.uniform(-4, 4)]
                for name, (x, y) in EXAMPLE_POINTS.items()
            },
        }
        for _ in range(count)
    ]


def bare(landmarks: LandmarkSet) -> float:
    """The arithmetic alone, inline: what ``measure`` computes, without its structure."""
    p = landmarks.points
    row, column = landmarks.pixel_spacing_mm or (1.0, 1.0)
    (ax, ay), (bx, by) = p["m1_proximal"], p["m1_distal"]
    ux, uy = (bx - ax) * column, (by - ay) * row
    size = math.hypot(ux, uy)
    ux, uy = ux / size, uy / size
    lx, ly = -uy, ux
    (cx, cy), (dx, dy) = p["m2_proximal"], p["m2_distal"]
    if ((cx + dx) / 2 - ax) * column * lx + ((cy + dy) / 2 - ay) * row * ly < 0:
        lx, ly = -lx, -ly
    total = 0.0
    for first, second in (
        ("m2_proximal", "m2_distal"),
        ("p1_proximal", "p1_distal"),
        ("d1_proximal", "d1_distal"),
        ("m1_articular_medial", "m1_articular_lateral"),
    ):
        (px, py), (qx, qy) = p[first], p[second]
        vx, vy = (qx - px) * column, (qy - py) * row
        total += math.degrees(math.atan2(vx * lx + vy * ly, vx * ux + vy * uy))
    (sx, sy), (tx, ty) = p["tibial_sesamoid_medial"], p["tibial_sesamoid_lateral"]
    s1 = (sx - ax) * column * lx + (sy - ay) * row * ly
    s2 = (tx - ax) * column * lx + (ty - ay) * row * ly
    total += s2 / (s2 - s1)
    (mx, my), (nx, ny) = p["osteotomy_medial_cortex"], p["osteotomy_lateral_cortex"]
    hx, hy = p["head_medial_cortex"]
    wx, wy = (nx - mx) * column, (ny - my) * row
    total += 100 * ((hx - mx) * column * wx + (hy - my) * row * wy) / (wx * wx + wy * wy)
    return total


def main() -> None:
    rng = random.Random(1)
    floor = validation = measuring = rounding = 0.0
    done = 0
    while done < N:
        chunk = documents(rng, min(CHUNK, N - done))

        start = time.perf_counter()
        sets = [landmarks_from_document(document) for document in chunk]
        validation += time.perf_counter() - start

        start = time.perf_counter()
        for landmarks in sets:
            bare(landmarks)
        floor += time.perf_counter() - start

        start = time.perf_counter()
        results = [measure(landmarks) for landmarks in sets]
        measuring += time.perf_counter() - start

        start = time.perf_counter()
        for result in results:
            result.to_json()
        rounding += time.perf_counter() - start
        done += len(chunk)

    full = validation + measuring + rounding
    print(f"landmark sets: {N}")
    print(f"bare arithmetic (floor):        {N / floor:10.0f} sets/s")
    print(f"measure:                        {N / measuring:10.0f} sets/s")
    print(f"landmarks_from_document:        {N / validation:10.0f} sets/s")
    print(f"to_json:                        {N / rounding:10.0f} sets/s")
    print(f"validate + measure + to_json:   {N / full:10.0f} sets/s")
    print(f"ratio measure/floor time: {measuring / floor:.1f}x")
    print(f"ratio validate+measure+to_json/floor time: {full / floor:.1f}x")


if __name__ == "__main__":
    main()
