"""From uploaded bytes to a de-identified stored file and a display image.

Files are recognised by their content, never their name: a DICOM Part 10
file by ``DICM`` after its 128-byte preamble, PNG and JPEG by their
signatures. Nothing is written here: the caller stores what this returns
(imaging.storage), so a refused file leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

from halluxpath.imaging import dicomfile
from halluxpath.imaging.deid import deidentify
from halluxpath.imaging.limits import (
    UploadRefused,
    check_dimensions,
    check_size,
    guarded_pillow,
)
from halluxpath.imaging.models import PixelReview, SourceFormat

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
DICOM_MAGIC_OFFSET = 128


@dataclass(frozen=True)
class IngestedImage:
    source_format: str
    stored_bytes: bytes
    stored_suffix: str
    display: npt.NDArray[np.uint8] = field(repr=False)
    spacing: dicomfile.Spacing | None = None
    acquired_on: dt.date | None = None
    laterality: str = ""
    pixel_review: str = PixelReview.NOT_NEEDED
    deidentification: dict[str, Any] = field(default_factory=dict)

    @property
    def height(self) -> int:
        return int(self.display.shape[0])

    @property
    def width(self) -> int:
        return int(self.display.shape[1])


def sniff(head: bytes) -> str:
    """The file's format from its first bytes."""
    if head[DICOM_MAGIC_OFFSET : DICOM_MAGIC_OFFSET + 4] == b"DICM":
        return SourceFormat.DICOM
    if head.startswith(PNG_SIGNATURE):
        return SourceFormat.PNG
    if head.startswith(JPEG_SIGNATURE):
        return SourceFormat.JPEG
    if head[:4] in (b"\x08\x00\x05\x00", b"\x08\x00\x16\x00", b"\x02\x00\x00\x00"):
        raise UploadRefused(
            "This looks like a DICOM file without its file header (no 'DICM' "
            "preamble). Export it from the PACS as a DICOM Part 10 file."
        )
    raise UploadRefused("The file is not a DICOM, PNG or JPEG image.")


def ingest(stream: IO[bytes], size: int, *, uid_key: bytes | None = None) -> IngestedImage:
    check_size(size)
    stream.seek(0)
    kind = sniff(stream.read(DICOM_MAGIC_OFFSET + 4))
    stream.seek(0)
    if kind == SourceFormat.DICOM:
        return _ingest_dicom(stream, uid_key)
    return _ingest_raster(stream, kind)


def _ingest_dicom(stream: IO[bytes], uid_key: bytes | None) -> IngestedImage:
    dataset = dicomfile.read_dicom(stream)
    found = dicomfile.facts(dataset)
    display = dicomfile.display_pixels(dataset)
    summary = deidentify(dataset, uid_key=uid_key)
    buffer = io.BytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    return IngestedImage(
        source_format=SourceFormat.DICOM,
        stored_bytes=buffer.getvalue(),
        stored_suffix=".dcm",
        display=display,
        spacing=found.spacing,
        acquired_on=found.acquired_on,
        laterality=found.laterality,
        pixel_review=(
            PixelReview.NOT_NEEDED if found.burned_in_annotation == "NO" else PixelReview.PENDING
        ),
        deidentification=summary,
    )


def _ingest_raster(stream: IO[bytes], kind: str) -> IngestedImage:
    expected = "PNG" if kind == SourceFormat.PNG else "JPEG"
    with guarded_pillow():
        try:
            image = Image.open(stream)
            if image.format != expected:
                raise UploadRefused(f"The file starts like a {expected} image but is not one.")
            check_dimensions(*image.size)
            if getattr(image, "n_frames", 1) != 1:
                raise UploadRefused("The image is animated or has several frames.")
            image.load()
            upright = ImageOps.exif_transpose(image)
        except UploadRefused:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise UploadRefused(
                f"The {expected} image is damaged or truncated ({error}).".replace("..", ".")
            ) from None
        display = _to_display(upright)
    # The stored file is re-encoded from the pixels: no text chunk, EXIF or
    # other metadata of the upload survives.
    buffer = io.BytesIO()
    _stored_image(upright, display).save(buffer, "PNG", compress_level=3)
    return IngestedImage(
        source_format=kind,
        stored_bytes=buffer.getvalue(),
        stored_suffix=".png",
        display=display,
        pixel_review=PixelReview.PENDING,
        deidentification={
            "method": "re-encoded as PNG from pixels; all metadata dropped",
            "burned_in_annotation": "not stated",
        },
    )


def _to_display(image: Image.Image) -> npt.NDArray[np.uint8]:
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        values = np.asarray(image, dtype=np.float32)
        low, high = float(values.min()), float(values.max())
        if high <= low:
            raise UploadRefused("The image is blank (every pixel has the same value).")
        return ((values - low) * (255.0 / (high - low))).astype(np.uint8)
    grey = np.asarray(image.convert("L"), dtype=np.uint8)
    if int(grey.min()) == int(grey.max()):
        raise UploadRefused("The image is blank (every pixel has the same value).")
    return grey


def _stored_image(image: Image.Image, display: npt.NDArray[np.uint8]) -> Image.Image:
    if image.mode in ("I;16", "I;16B", "I;16L"):
        return Image.fromarray(np.asarray(image, dtype=np.uint16))
    return Image.fromarray(display)
