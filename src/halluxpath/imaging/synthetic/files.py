"""Writing a film to disk: DICOM Part 10 in five transfer syntaxes, and PNG.

The DICOM writer makes a DX (for presentation) object with realistic but fake identifying
attributes, a private block and burned-in-annotation and spacing variants, so that the
ingest and de-identification tests can prove what they keep and what they remove.
``read_back`` gives the stored values of a written file, for round-trip checks.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt
import pydicom
from PIL import Image
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import (
    UID,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    RLELossless,
    generate_uid,
)

from halluxpath.imaging.synthetic.exposure import MAX_STORED
from halluxpath.imaging.synthetic.films import SyntheticFilm, display_window

DX_FOR_PRESENTATION = UID("1.2.840.10008.5.1.4.1.1.1.1")


def _eight_bit(pixels: npt.NDArray[np.uint16]) -> npt.NDArray[np.uint8]:
    centre, width = display_window(pixels)
    scaled = (pixels.astype(np.float32) - (centre - width / 2)) * (255.0 / width)
    eight: npt.NDArray[np.uint8] = np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
    return eight


_SYNTAXES = {
    "explicit_little": ExplicitVRLittleEndian,
    "implicit_little": ImplicitVRLittleEndian,
    "jpeg2000_lossless": JPEG2000Lossless,
    "rle_lossless": RLELossless,
    "jpeg_baseline": JPEGBaseline8Bit,
}
TRANSFER_SYNTAXES = tuple(_SYNTAXES)
SPACING_TAGS = ("PixelSpacing", "ImagerPixelSpacing", "none")


def write_dicom(
    film: SyntheticFilm,
    path: Path | BinaryIO,
    *,
    transfer_syntax: str = "explicit_little",
    patient_name: str = "SYNTHETIC^PATIENT",
    patient_id: str = "SYN0001",
    study_uid: str | None = None,
    photometric: str = "MONOCHROME2",
    burned_in_annotation: str | None = "NO",
    spacing_tag: str = "PixelSpacing",
    acquired_on: dt.date = dt.date(2026, 3, 14),
    extra: Mapping[str, object] | None = None,
) -> None:
    """Write the film as a DX (for presentation) DICOM Part 10 file with fake identifying data.

    ``photometric="MONOCHROME1"`` stores inverted values (bone dark), as many computed
    radiography systems do, so the picture looks the same after the viewer's inversion.
    ``jpeg_baseline`` stores 8 bits (the VOI window applied first), the others 12.
    ``extra`` sets further attributes by keyword after everything else; ``None`` removes one.
    ``path`` may be an open binary file (the demo writes to memory).
    """
    if transfer_syntax not in _SYNTAXES:
        raise ValueError(f"unknown transfer syntax {transfer_syntax!r}; one of {TRANSFER_SYNTAXES}")
    if photometric not in ("MONOCHROME1", "MONOCHROME2"):
        raise ValueError("photometric must be MONOCHROME1 or MONOCHROME2")
    if spacing_tag not in SPACING_TAGS:
        raise ValueError(f"unknown spacing tag {spacing_tag!r}; one of {SPACING_TAGS}")
    syntax = _SYNTAXES[transfer_syntax]
    inverted = photometric == "MONOCHROME1"
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = DX_FOR_PRESENTATION
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    name = str(path) if isinstance(path, Path) else ""
    ds = FileDataset(name, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = DX_FOR_PRESENTATION
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = study_uid or generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.Modality = "DX"
    ds.PresentationIntentType = "FOR PRESENTATION"
    date_text = acquired_on.strftime("%Y%m%d")
    ds.StudyDate = ds.SeriesDate = ds.AcquisitionDate = ds.ContentDate = date_text
    ds.StudyTime = ds.SeriesTime = ds.AcquisitionTime = ds.ContentTime = "101500"
    ds.StudyID = "S4711"
    ds.SeriesNumber, ds.InstanceNumber = 1, 1
    ds.StudyDescription = "XR FOOT WEIGHT BEARING"
    # Identifying attributes, all invented, for the de-identification to remove.
    ds.PatientName = patient_name
    ds.PatientID = patient_id
    ds.PatientBirthDate = "19600517"
    ds.PatientSex = "F"
    ds.PatientAge = "065Y"
    ds.PatientAddress = "1 Example Street, Nowhere"
    ds.InstitutionName = "Synthetic General Hospital"
    ds.InstitutionAddress = "2 Example Road, Nowhere"
    ds.ReferringPhysicianName = "REFERRER^ROBIN"
    ds.OperatorsName = "RADIOGRAPHER^SAM"
    ds.AccessionNumber = "ACC20260314"
    ds.StationName = "XR-ROOM-3"
    ds.DeviceSerialNumber = "SN-0042-XR"
    block = ds.private_block(0x0011, "SYNTHETIC VENDOR", create=True)
    block.add_new(0x01, "LO", f"operator note for {patient_name}")
    block.add_new(0x02, "LO", f"worklist {patient_id}")
    # Acquisition.
    ds.Manufacturer = "HalluxPath synthetic films"
    ds.BodyPartExamined = "FOOT"
    ds.ViewPosition = "AP"
    ds.ImageLaterality = "R" if film.geometry.side == "right" else "L"
    ds.PatientOrientation = ["R", "P"]  # rows run towards the patient's right, columns heelwards
    ds.KVP = "55"
    ds.DistanceSourceToDetector = "1000"
    ds.DetectorType = "SCINTILLATOR"
    if burned_in_annotation is not None:
        ds.BurnedInAnnotation = burned_in_annotation
    row, column = film.geometry.pixel_spacing_mm
    if spacing_tag != "none":
        setattr(ds, spacing_tag, [f"{row:.6g}", f"{column:.6g}"])
    # Pixels.
    ds.SamplesPerPixel = 1
    ds.Rows, ds.Columns = film.pixels.shape
    ds.PixelRepresentation = 0
    ds.PhotometricInterpretation = photometric
    ds.PresentationLUTShape = "INVERSE" if inverted else "IDENTITY"
    ds.PixelIntensityRelationship = "LOG"
    ds.PixelIntensityRelationshipSign = 1 if inverted else -1
    ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = 0, 1, "US"
    if transfer_syntax == "jpeg_baseline":
        eight = _eight_bit(film.pixels)
        if inverted:
            eight = 255 - eight
        buffer = io.BytesIO()
        Image.fromarray(eight).save(buffer, "JPEG", quality=92)
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
        ds.WindowCenter, ds.WindowWidth = 128, 256
        ds.PixelData = encapsulate([buffer.getvalue()])
        ds["PixelData"].VR = "OB"
        ds["PixelData"].is_undefined_length = True
        ds.LossyImageCompression = "01"
        ds.LossyImageCompressionMethod = "ISO_10918_1"
        meta.TransferSyntaxUID = syntax
    else:
        centre, width = display_window(film.pixels)
        stored = MAX_STORED - film.pixels if inverted else film.pixels
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
        ds.WindowCenter = MAX_STORED - centre if inverted else centre
        ds.WindowWidth = width
        ds.PixelData = np.ascontiguousarray(stored, dtype="<u2").tobytes()
        if syntax in (ExplicitVRLittleEndian, ImplicitVRLittleEndian):
            meta.TransferSyntaxUID = syntax
        else:
            plugin = "pylibjpeg" if syntax == JPEG2000Lossless else "pydicom"
            ds.compress(syntax, encoding_plugin=plugin)
    for keyword, value in (extra or {}).items():
        if value is None:
            if keyword in ds:
                delattr(ds, keyword)
        else:
            setattr(ds, keyword, value)
    if "SOPClassUID" in ds:
        meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.save_as(path, enforce_file_format=True)


def write_png(film: SyntheticFilm, path: Path, *, bits: int = 8) -> None:
    """Write the film as a grey-scale PNG: 8 bits through the display window, or 16 bits."""
    if bits == 8:
        Image.fromarray(_eight_bit(film.pixels)).save(path, "PNG")
    elif bits == 16:
        full_range = (film.pixels.astype(np.uint16) << 4) | (film.pixels.astype(np.uint16) >> 8)
        Image.fromarray(full_range).save(path, "PNG")
    else:
        raise ValueError("bits must be 8 or 16")


def read_back(path: Path) -> npt.NDArray[Any]:
    """The stored pixel values of a written DICOM file."""
    return np.asarray(pydicom.dcmread(path).pixel_array)
