"""The scanned signed consent form a clinic on paper keeps beside the sheet (issue 12, item 9).

Checked like the other uploads (STACK.md; aftercare.photos, imaging.ingest):
bounded size before anything is read, the kind recognised by its content and
never its name. A PDF must start with the PDF signature and end with its
end-of-file marker; it is kept as sent. A JPEG or PNG scan is decoded under
the decompression-bomb guards and stored as a fresh image from its pixels
alone (no EXIF, location or device data), at most ``MAX_LONG_SIDE`` pixels
on its long side (an A4 page at 300 dpi).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from halluxpath.imaging import storage
from halluxpath.imaging.ingest import JPEG_SIGNATURE, PNG_SIGNATURE
from halluxpath.imaging.limits import UploadRefused, check_dimensions, check_size, guarded_pillow

FOLDER = "consent-signed"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000
MAX_SIDE = 12_000
MIN_SIDE = 300  # smaller cannot show a signature
MAX_LONG_SIDE = 3508
PDF_SIGNATURE = b"%PDF-"
PDF_END = b"%%EOF"
SUBJECT = "scan"


@dataclass(frozen=True)
class SignedCopy:
    """A checked copy ready to store: its bytes, file suffix and content type."""

    data: bytes
    suffix: str
    content_type: str


def _pdf(stream: IO[bytes]) -> SignedCopy:
    data = stream.read()
    if PDF_END not in data[-2048:]:
        raise UploadRefused("The PDF is incomplete (it has no end marker): scan or save it again.")
    return SignedCopy(data, ".pdf", "application/pdf")


def _image(stream: IO[bytes], expected: str) -> SignedCopy:
    with guarded_pillow(MAX_PIXELS):
        try:
            image = Image.open(stream)
            if image.format not in ((expected,) if expected == "PNG" else ("JPEG", "MPO")):
                raise UploadRefused(f"The file starts like a {expected} picture but is not one.")
            check_dimensions(
                *image.size,
                max_pixels=MAX_PIXELS,
                max_side=MAX_SIDE,
                min_side=MIN_SIDE,
                subject=SUBJECT,
            )
            if image.format != "PNG":
                image.draft("RGB", (MAX_LONG_SIDE, MAX_LONG_SIDE))
            image.load()
            upright = ImageOps.exif_transpose(image)
        except UploadRefused:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise UploadRefused(
                f"The scan could not be opened: the file is damaged or incomplete ({error})."
            ) from None
        pixels = upright.convert("RGB")
    pixels.thumbnail((MAX_LONG_SIDE, MAX_LONG_SIDE), Image.Resampling.LANCZOS)
    clean = Image.new("RGB", pixels.size, (255, 255, 255))
    clean.paste(pixels)
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=85, optimize=True)
    return SignedCopy(buffer.getvalue(), ".jpg", "image/jpeg")


def check_signed_copy(stream: IO[bytes], size: int) -> SignedCopy:
    """The upload as a copy to keep, or ``UploadRefused`` with the reason in plain words."""
    check_size(size, MAX_UPLOAD_BYTES, what="scan", advice="Scan at 300 dpi or less.")
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(PDF_SIGNATURE):
        return _pdf(stream)
    if head.startswith(JPEG_SIGNATURE):
        return _image(stream, "JPEG")
    if head.startswith(PNG_SIGNATURE):
        return _image(stream, "PNG")
    raise UploadRefused("The file is not a PDF or a picture: choose a PDF, JPEG or PNG scan.")


def store(copy: SignedCopy) -> tuple[str, str]:
    """Write the checked copy under the media directory; its relative path and SHA-256."""
    return storage.store_document(copy.data, copy.suffix, folder=FOLDER)
