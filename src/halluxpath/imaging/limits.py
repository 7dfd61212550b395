"""Limits that stop oversized and decompression-bomb uploads (STACK.md: Pillow).

A digital foot radiograph is about 9 to 12 megapixels; 40 megapixels is a
generous ceiling. Width and height are checked from the header before any
pixel is decoded.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 12_000
MIN_SIDE = 64


class UploadRefused(ValueError):
    """A file that cannot be accepted, with the reason in the user's words."""


def check_size(
    size: int, limit: int = MAX_UPLOAD_BYTES, *, what: str = "file", advice: str = ""
) -> None:
    """Refuse an empty upload or one over ``limit`` bytes, before anything is read."""
    if size > limit:
        raise UploadRefused(
            f"The {what} is {size / 1_048_576:.0f} MB; the limit is "
            f"{limit // 1_048_576} MB.{' ' + advice if advice else ''}"
        )
    if size == 0:
        raise UploadRefused(f"The {what} is empty.")


def check_dimensions(
    width: int,
    height: int,
    *,
    max_pixels: int = MAX_PIXELS,
    max_side: int = MAX_SIDE,
    min_side: int = MIN_SIDE,
    subject: str = "foot radiograph",
) -> None:
    """Refuse sizes outside the limits; other uploads (wound photos) pass their own."""
    if width < min_side or height < min_side:
        raise UploadRefused(
            f"The image is only {width} × {height} pixels: too small to be a {subject}."
        )
    if width > max_side or height > max_side or width * height > max_pixels:
        raise UploadRefused(
            f"The image is {width} × {height} pixels, more than the "
            f"{max_pixels // 1_000_000} megapixels a {subject} needs; it was not opened."
        )


@contextmanager
def guarded_pillow(max_pixels: int = MAX_PIXELS) -> Iterator[None]:
    """Pillow with the bomb limit at our ceiling and its warning made an error.

    Pillow only raises above twice MAX_IMAGE_PIXELS and merely warns between
    one and two times; both become errors here.
    """
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRefused(
            f"The image has more than {max_pixels // 1_000_000} megapixels; it was not opened."
        ) from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous
