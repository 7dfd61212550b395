"""The display copy's PNG (zlib level 1, run-length strategy) keeps every pixel."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from halluxpath.imaging import storage
from halluxpath.imaging.synthetic import FootGeometry, display_window, render


def _decoded(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image)


def test_random_and_film_pixels_come_back_exactly() -> None:
    rng = np.random.default_rng(13)
    film = render(
        FootGeometry(
            hva_deg=25,
            ima_deg=12,
            hvia_deg=8,
            dmaa_deg=8,
            sesamoid_fraction=0.6,
            width=160,
            height=208,
            pixel_spacing_mm=(0.9375, 0.9375),
            seed=5,
        )
    ).pixels
    centre, width = display_window(film)
    eight = np.clip((film - (centre - width / 2)) * (255 / width), 0, 255).astype(np.uint8)
    samples = [
        eight,
        rng.integers(0, 256, (97, 131), dtype=np.uint8),
        np.zeros((64, 64), dtype=np.uint8),
        np.repeat(np.arange(256, dtype=np.uint8)[np.newaxis, :], 40, axis=0),
    ]
    for pixels in samples:
        png = storage.encode_png(pixels)
        assert png.startswith(b"\x89PNG")
        assert np.array_equal(_decoded(png), pixels)
