"""Ingest of a 3000 × 2500, 16-bit DICOM film against the bare floor.

Ours: validate, read the header facts, decode, apply the modality and VOI
LUTs and the inversion, de-identify, write the de-identified DICOM to memory
and encode the display PNG (halluxpath.imaging.ingest + storage.encode_png).
Floor: read the file with pydicom, decode the pixels, shift them to 8 bits and
save the PNG with Pillow at the same compression. The target is a ratio of at
most 1.5.

    python benchmarks/bench_ingest.py [repeats]
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def best_of(repeats: int, work: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="halluxpath-bench-"))
    os.environ.setdefault("HALLUXPATH_DATA_DIR", str(scratch))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halluxpath.site.settings")
    import django

    django.setup()
    import numpy as np
    import pydicom
    from PIL import Image

    from halluxpath.imaging import storage
    from halluxpath.imaging.ingest import ingest
    from halluxpath.imaging.synthetic import FootGeometry, render, write_dicom

    film = render(
        FootGeometry(
            hva_deg=30,
            ima_deg=14,
            hvia_deg=8,
            dmaa_deg=10,
            sesamoid_fraction=0.7,
            side="right",
            width=2500,
            height=3000,
            pixel_spacing_mm=(0.1, 0.1),
            seed=1,
        )
    )
    path = scratch / "film.dcm"
    write_dicom(film, path)
    size = path.stat().st_size

    def floor() -> None:
        dataset = pydicom.dcmread(path)
        pixels = (dataset.pixel_array >> 4).astype(np.uint8)
        Image.fromarray(pixels).save(
            io.BytesIO(), "PNG", compress_level=storage.DISPLAY_PNG_COMPRESSION
        )

    def ours() -> None:
        with path.open("rb") as handle:
            image = ingest(handle, size)
        storage.encode_png(image.display)

    ours()  # warm caches (anonymizer tables, de-identification key)
    base = best_of(REPEATS, floor)
    full = best_of(REPEATS, ours)
    print(f"film: 2500 x 3000 px, 16-bit, {size / 1e6:.1f} MB")
    print(f"floor (read + decode + 8-bit + PNG): {base * 1000:7.0f} ms")
    print(f"ingest (validate + LUTs + de-identify + PNG): {full * 1000:7.0f} ms")
    print(f"ratio ingest/floor: {full / base:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
