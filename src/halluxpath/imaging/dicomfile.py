"""Reading an uploaded DICOM file safely and making its display image.

pydicom reads a bare preamble with ``DICM`` as an empty dataset without
complaint (STACK.md), so everything a radiograph must have is checked after
reading: an allowed SOP class, one grey-scale frame within the pixel limits,
pixel data present and decodable. The display image applies the modality LUT,
the VOI window or LUT and the MONOCHROME1 inversion, in that order (DICOM
PS3.4 grey-scale pipeline), or bone would show black.

Header numbers are read as text a file may get wrong (a Window Width of 0,
"wide" as a Rescale Slope): a rescale that is not a finite number, or a zero
slope, leaves the stored values meaningless, so the file is refused; a VOI
window that is not usable (not a number, not finite, narrower than 1) is
ignored and the window computed from the pixels instead, as for a file with
none (STACK.md, DICOM).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
import numpy.typing as npt
import pydicom
from pydicom.dataset import FileDataset
from pydicom.errors import InvalidDicomError
from pydicom.pixels.processing import apply_modality_lut, apply_voi_lut

from halluxpath.core.radiograph import Laterality
from halluxpath.imaging.limits import UploadRefused, check_dimensions
from halluxpath.imaging.models import SpacingSource

ALLOWED_SOP_CLASSES = {
    "1.2.840.10008.5.1.4.1.1.1": "Computed Radiography",
    "1.2.840.10008.5.1.4.1.1.1.1": "Digital X-Ray (for presentation)",
    "1.2.840.10008.5.1.4.1.1.1.1.1": "Digital X-Ray (for processing)",
    "1.2.840.10008.5.1.4.1.1.7": "Secondary Capture",
}


@dataclass(frozen=True)
class Spacing:
    row_mm: float
    column_mm: float
    source: SpacingSource  # PIXEL_SPACING or IMAGER_PIXEL_SPACING


@dataclass(frozen=True)
class DicomFacts:
    """What the episode needs from the header, read before de-identification."""

    acquired_on: dt.date | None
    laterality: str
    spacing: Spacing | None
    burned_in_annotation: str
    sop_class: str
    transfer_syntax: str


def read_dicom(stream: IO[bytes]) -> FileDataset:
    try:
        dataset = pydicom.dcmread(stream)
    except InvalidDicomError:
        raise UploadRefused("The file is not a valid DICOM file.") from None
    except (EOFError, OSError, ValueError, KeyError, TypeError) as error:
        raise UploadRefused(
            f"The DICOM file is damaged or truncated ({type(error).__name__})."
        ) from None
    _check_radiograph(dataset)
    return dataset


def _check_radiograph(ds: FileDataset) -> None:
    sop_class = str(ds.get("SOPClassUID", ""))
    if not sop_class:
        raise UploadRefused("The DICOM file has no SOP class: it does not describe an image.")
    if sop_class not in ALLOWED_SOP_CLASSES:
        raise UploadRefused(
            "The DICOM file is not a radiograph (computed or digital X-ray, or secondary "
            f"capture); its SOP class is {sop_class}."
        )
    if "PixelData" not in ds:
        raise UploadRefused("The DICOM file holds no image (no pixel data).")
    rows, columns = ds.get("Rows"), ds.get("Columns")
    if not isinstance(rows, int) or not isinstance(columns, int):
        raise UploadRefused("The DICOM file does not say how many rows and columns it has.")
    check_dimensions(columns, rows)
    frames = ds.get("NumberOfFrames", 1)
    if str(frames) not in ("", "1", "None"):
        raise UploadRefused("The DICOM file holds several frames; upload a single radiograph.")
    if ds.get("SamplesPerPixel", 1) != 1 or ds.get("PhotometricInterpretation") not in (
        "MONOCHROME1",
        "MONOCHROME2",
    ):
        raise UploadRefused("The DICOM image is not grey-scale; a radiograph must be.")
    if ds.get("BitsAllocated") not in (8, 16):
        raise UploadRefused("The DICOM image uses an unsupported pixel size.")


def _date(ds: FileDataset) -> dt.date | None:
    for keyword in ("AcquisitionDate", "ContentDate", "SeriesDate", "StudyDate"):
        raw = str(ds.get(keyword, "") or "")
        if len(raw) == 8 and raw.isdigit():
            try:
                return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
            except ValueError:
                continue
    return None


def _spacing(ds: FileDataset) -> Spacing | None:
    for keyword, source in (
        ("PixelSpacing", SpacingSource.PIXEL_SPACING),
        ("ImagerPixelSpacing", SpacingSource.IMAGER_PIXEL_SPACING),
    ):
        value = ds.get(keyword)
        try:
            row, column = (float(v) for v in value)
        except (TypeError, ValueError):
            continue
        if np.isfinite(row) and np.isfinite(column) and 0 < row < 10 and 0 < column < 10:
            return Spacing(row, column, source)
    return None  # zero, negative, absurd or missing: unknown (STACK.md)


def facts(ds: FileDataset) -> DicomFacts:
    laterality = str(ds.get("ImageLaterality", "") or ds.get("Laterality", "") or "").upper()
    return DicomFacts(
        acquired_on=_date(ds),
        laterality={"L": Laterality.LEFT.value, "R": Laterality.RIGHT.value}.get(laterality, ""),
        spacing=_spacing(ds),
        burned_in_annotation=str(ds.get("BurnedInAnnotation", "") or "").upper(),
        sop_class=str(ds.SOPClassUID),
        transfer_syntax=str(ds.file_meta.TransferSyntaxUID),
    )


def display_pixels(ds: FileDataset) -> npt.NDArray[np.uint8]:
    """The grey-scale picture as a person should see it, 8 bits, bone bright."""
    try:
        stored = ds.pixel_array
    except (NotImplementedError, RuntimeError) as error:
        raise UploadRefused(
            f"The DICOM image's compression ({ds.file_meta.TransferSyntaxUID.name}) "
            f"cannot be decoded here: {error}".split("\n")[0]
        ) from None
    except (ValueError, EOFError, AttributeError, KeyError) as error:
        raise UploadRefused(
            f"The DICOM image data is damaged or truncated ({error})".split("\n")[0]
        ) from None
    if stored.ndim != 2:
        raise UploadRefused("The DICOM image is not a single grey-scale frame.")
    _check_rescale(ds)
    try:
        values = apply_modality_lut(stored, ds)
    except (ValueError, TypeError, ArithmeticError) as error:
        raise UploadRefused(
            f"The DICOM file's modality look-up table cannot be applied ({error})".split("\n")[0]
        ) from None
    has_voi = _usable_voi(ds)
    if has_voi:
        try:
            values = apply_voi_lut(values, ds, index=0)
        except (ValueError, TypeError, ArithmeticError, IndexError, KeyError):
            has_voi = False  # fall back to the window computed from the pixels
    pixels = values.astype(np.float32, copy=False)
    if not np.isfinite(pixels).all():
        raise UploadRefused(
            "The DICOM file's pixel values are not finite numbers after its rescale; "
            "export the film again from the PACS."
        )
    low, high = (float(pixels.min()), float(pixels.max())) if has_voi else _robust_range(pixels)
    if high <= low:
        raise UploadRefused("The DICOM image is blank (every pixel has the same value).")
    scaled = np.clip((pixels - low) * (255.0 / (high - low)), 0, 255)
    if ds.PhotometricInterpretation == "MONOCHROME1":
        scaled = 255.0 - scaled
    return np.asarray(scaled, dtype=np.uint8)


def header_numbers(value: Any) -> list[float] | None:
    """A numeric (DS) header value as finite floats, or None if any is not one."""
    if isinstance(value, str | bytes | int | float):
        items: list[Any] = [value]
    else:
        try:
            items = list(value)
        except TypeError:
            items = [value]
    numbers = []
    for item in items:
        try:
            number = float(item)
        except (TypeError, ValueError, OverflowError):
            return None
        if not math.isfinite(number):
            return None
        numbers.append(number)
    return numbers or None


def _check_rescale(ds: FileDataset) -> None:
    for keyword, name in (
        ("RescaleSlope", "Rescale Slope"),
        ("RescaleIntercept", "Rescale Intercept"),
    ):
        if keyword not in ds or ds.get(keyword) in (None, ""):
            continue
        numbers = header_numbers(ds.get(keyword))
        shown = str(ds.get(keyword))[:30]
        if numbers is None or len(numbers) != 1:
            raise UploadRefused(
                f"The DICOM file's {name} is {shown!r}, not a number, so its pixel values "
                "cannot be interpreted. Export the film again from the PACS."
            )
        if keyword == "RescaleSlope" and numbers[0] == 0:
            raise UploadRefused(
                "The DICOM file's Rescale Slope is 0, which makes every pixel the same value. "
                "Export the film again from the PACS."
            )


def _usable_voi(ds: FileDataset) -> bool:
    """Whether the header holds a VOI LUT, or a window with a finite centre and width >= 1."""
    if "VOILUTSequence" in ds:
        return True
    if "WindowCenter" not in ds or "WindowWidth" not in ds:
        return False
    centres = header_numbers(ds.get("WindowCenter"))
    widths = header_numbers(ds.get("WindowWidth"))
    return bool(centres and widths and widths[0] >= 1)


def _robust_range(pixels: npt.NDArray[np.float32]) -> tuple[float, float]:
    """Without a window in the header, stretch between the 0.5th and 99.5th percentiles."""
    sample = pixels[:: max(1, pixels.shape[0] // 512), :: max(1, pixels.shape[1] // 512)]
    low, high = np.percentile(sample, [0.5, 99.5])
    return float(low), float(high)
