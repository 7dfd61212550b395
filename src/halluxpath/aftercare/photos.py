"""The patient's optional wound photo: checked like a radiograph, stored without metadata.

A phone photo carries the place it was taken (GPS), the time and the
device's serial numbers in its EXIF block. None of that may be kept, so the
photo is decoded, turned upright by its EXIF orientation, converted to sRGB,
shrunk to at most ``MAX_LONG_SIDE`` pixels and re-encoded as a fresh JPEG from
the pixels alone. Files are recognised by their content, never their name, and
the radiograph guards (imaging.limits) stop oversized files and decompression
bombs before any pixel is decoded.
"""

from __future__ import annotations

import io
from typing import IO

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from halluxpath.imaging import storage
from halluxpath.imaging.ingest import JPEG_SIGNATURE, PNG_SIGNATURE
from halluxpath.imaging.limits import UploadRefused, check_dimensions, check_size, guarded_pillow

FOLDER = "wound-photos"
MAX_UPLOAD_BYTES = 15 * 1024 * 1024  # a phone photo is 2 to 8 MB
MAX_PIXELS = 50_000_000  # the 48 and 50 megapixel modes of current phones
# A PNG cannot be decoded at a reduced scale (a JPEG can, with draft()), so a
# PNG's whole bitmap is in memory: 16 megapixels is 48 MB of RGB, where the
# 7000 × 7000 PNG once took 1.3 GB and 6 s of a web worker. Phones send
# camera photos as JPEG; a PNG is a screenshot, well under this.
MAX_PNG_PIXELS = 16_000_000
MAX_SIDE = 12_000
MIN_SIDE = 200  # smaller shows nothing of a wound
MAX_LONG_SIDE = 2048
JPEG_QUALITY = 85
SUBJECT = "wound photo"
HEIF_BRANDS = (b"ftypheic", b"ftypheix", b"ftyphevc", b"ftypmif1", b"ftypmsf1")


def _sniff(head: bytes) -> str:
    if head.startswith(JPEG_SIGNATURE):
        return "JPEG"
    if head.startswith(PNG_SIGNATURE):
        return "PNG"
    if head[4:12] in HEIF_BRANDS:
        raise UploadRefused(
            "This photo is in the HEIC format, which we cannot open. On an iPhone, "
            "choose the photo again from this page (it is then sent as JPEG), or set "
            "Settings › Camera › Formats to “Most Compatible”."
        )
    raise UploadRefused("The file is not a photo: choose a JPEG or PNG picture.")


def clean_wound_photo(stream: IO[bytes], size: int) -> bytes:
    """The photo as a metadata-free JPEG, upright, at most 2048 px on its long side.

    Raises ``UploadRefused`` with the reason in the patient's words.
    """
    check_size(size, MAX_UPLOAD_BYTES, what="photo", advice="Try a smaller photo.")
    stream.seek(0)
    expected = _sniff(stream.read(16))
    stream.seek(0)
    with guarded_pillow(MAX_PIXELS):
        try:
            image = Image.open(stream)
            # MPO is a JPEG with extra pictures (depth maps) after the photo.
            if image.format not in ((expected,) if expected == "PNG" else ("JPEG", "MPO")):
                raise UploadRefused(f"The file starts like a {expected} picture but is not one.")
            check_dimensions(
                *image.size,
                max_pixels=MAX_PIXELS,
                max_side=MAX_SIDE,
                min_side=MIN_SIDE,
                subject=SUBJECT,
            )
            if image.format == "PNG" and image.size[0] * image.size[1] > MAX_PNG_PIXELS:
                raise UploadRefused(
                    f"This PNG picture is too large ({image.size[0]} × {image.size[1]} pixels). "
                    "Send the photo as it came from the camera (JPEG), or a smaller picture."
                )
            if image.format != "PNG":
                image.draft("RGB", (MAX_LONG_SIDE, MAX_LONG_SIDE))  # decode at 1/2…1/8 scale
            image.load()
            # Shrink first, so that the turn and the colour conversion work on
            # the small picture, not on the camera's full bitmap.
            image.thumbnail((MAX_LONG_SIDE, MAX_LONG_SIDE), Image.Resampling.LANCZOS, 2.0)
            upright = ImageOps.exif_transpose(image)
        except UploadRefused:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise UploadRefused(
                f"The photo could not be opened: the file is damaged or incomplete ({error}). "
                "Try taking it again."
            ) from None
        icc_profile = image.info.get("icc_profile")
        pixels = _rgb(upright, icc_profile if isinstance(icc_profile, bytes) else None)
    pixels.thumbnail((MAX_LONG_SIDE, MAX_LONG_SIDE), Image.Resampling.LANCZOS)
    # A new image holds the pixels and nothing else: no EXIF, ICC, XMP or comment.
    clean = Image.new("RGB", pixels.size)
    clean.paste(pixels)
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def _rgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """8-bit sRGB pixels; transparency laid on white, a camera colour profile applied."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    elif image.mode in ("I", "I;16", "I;16B", "I;16L"):
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    rgb = image.convert("RGB")
    if icc_profile and image.mode in ("RGB", "RGBA"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(
                rgb, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            return rgb  # a broken profile: keep the pixels as they are
        if converted is not None:
            return converted
    return rgb


def is_clean(photo: bytes) -> bool:
    """Whether ``photo`` looks like the output of ``clean_wound_photo`` (header only)."""
    if not photo.startswith(JPEG_SIGNATURE):
        return False
    try:
        with Image.open(io.BytesIO(photo)) as image:
            segments = getattr(image, "applist", None) or []
            return (
                image.format == "JPEG"
                and max(image.size) <= MAX_LONG_SIDE
                and all(marker == "APP0" for marker, _ in segments)  # JFIF only: no EXIF, ICC
                and "comment" not in image.info
            )
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False


def store(photo: bytes) -> tuple[str, str]:
    """Write a cleaned photo atomically under MEDIA_ROOT; its relative path and SHA-256."""
    if not is_clean(photo):
        raise ValueError("only a photo from clean_wound_photo may be stored")
    return storage.store_document(photo, ".jpg", folder=FOLDER)


def remove(relative: str) -> None:
    storage.remove(relative)
