"""From uploaded bytes to a de-identified stored file: formats, bad files, de-identification."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image
from pydicom.data import get_testdata_file

from halluxpath.imaging import deid
from halluxpath.imaging.ingest import IngestedImage, ingest
from halluxpath.imaging.limits import UploadRefused
from halluxpath.imaging.synthetic import SyntheticFilm, write_png
from tests.imaging.conftest import FilmWriter

IDENTIFYING = (
    "PatientName",
    "PatientID",
    "PatientBirthDate",
    "InstitutionName",
    "ReferringPhysicianName",
    "AccessionNumber",
    "OperatorsName",
    "DeviceSerialNumber",
)


def ingest_path(path: Path) -> IngestedImage:
    with path.open("rb") as handle:
        return ingest(handle, path.stat().st_size)


def ingest_bytes(data: bytes) -> IngestedImage:
    return ingest(io.BytesIO(data), len(data))


def stored_dataset(image: IngestedImage) -> pydicom.Dataset:
    return pydicom.dcmread(io.BytesIO(image.stored_bytes))


def test_no_identifying_attribute_survives_de_identification(
    db: None, dicom_file: FilmWriter
) -> None:
    path = dicom_file(patient_name="DOE^JANE", patient_id="MRN123456")
    original = pydicom.dcmread(path)
    assert str(original.PatientName) == "DOE^JANE"
    assert any(element.tag.is_private for element in original)
    stored = stored_dataset(ingest_path(path))
    for keyword in IDENTIFYING:  # removed, emptied or replaced by a dummy value
        assert str(stored.get(keyword, "") or "") != str(original[keyword].value), keyword
    assert not any(element.tag.is_private for element in stored)
    assert stored.PatientIdentityRemoved == "YES"
    assert "PS3.15" in stored.DeidentificationMethod
    raw = ingest_path(path).stored_bytes
    assert b"DOE" not in raw
    assert b"MRN123456" not in raw
    for uid in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID"):
        assert stored[uid].value != original[uid].value
        assert stored[uid].value.startswith("2.25.")
    assert stored.file_meta.MediaStorageSOPInstanceUID == stored.SOPInstanceUID


def test_the_same_study_keeps_the_same_new_uid_across_uploads_and_restarts(
    db: None, dicom_file: FilmWriter
) -> None:
    study = "1.2.826.0.1.3680043.8.498.1"
    first = stored_dataset(ingest_path(dicom_file(study_uid=study)))
    deid._installation_key.cache_clear()  # as after a restart: the key is read back from its file
    second = stored_dataset(ingest_path(dicom_file(study_uid=study)))
    other = stored_dataset(ingest_path(dicom_file(study_uid=study + ".2")))
    assert first.StudyInstanceUID == second.StudyInstanceUID
    assert other.StudyInstanceUID != first.StudyInstanceUID


def test_header_facts_are_read_before_the_dates_are_blanked(
    db: None, dicom_file: FilmWriter
) -> None:
    image = ingest_path(dicom_file())
    original = pydicom.dcmread(dicom_file())
    assert image.acquired_on is not None
    assert image.acquired_on.strftime("%Y%m%d") == original.AcquisitionDate
    assert image.laterality == "right"
    assert image.spacing is not None
    assert (image.spacing.row_mm, image.spacing.source) == (0.2, "pixel_spacing")


def test_imager_pixel_spacing_is_used_and_named_when_pixel_spacing_is_absent(
    db: None, dicom_file: FilmWriter
) -> None:
    image = ingest_path(dicom_file(spacing_tag="ImagerPixelSpacing"))
    assert image.spacing is not None
    assert image.spacing.source == "imager_pixel_spacing"


def test_a_zero_pixel_spacing_means_unknown_not_a_division(db: None) -> None:
    path = get_testdata_file("RG1_UNCR.dcm")  # pydicom's chest film: PixelSpacing 0, 0
    assert path is not None
    image = ingest_path(Path(path))
    assert image.spacing is None


@pytest.mark.parametrize(
    "syntax",
    ["explicit_little", "implicit_little", "jpeg2000_lossless", "rle_lossless", "jpeg_baseline"],
)
def test_common_transfer_syntaxes_open(db: None, dicom_file: FilmWriter, syntax: str) -> None:
    image = ingest_path(dicom_file(transfer_syntax=syntax))
    assert image.display.shape == (800, 600)
    assert image.display.dtype == np.uint8


def test_monochrome1_is_inverted_so_bone_shows_bright(
    db: None, film: SyntheticFilm, dicom_file: FilmWriter
) -> None:
    plain = ingest_path(dicom_file(photometric="MONOCHROME2")).display.astype(int)
    inverted = ingest_path(dicom_file(photometric="MONOCHROME1")).display.astype(int)
    assert np.abs(plain - inverted).mean() < 3


def test_real_computed_radiographs_from_pydicom_open(db: None) -> None:
    """Files written by someone else: MONOCHROME1 CR, uncompressed and JPEG 2000."""
    for name in ("RG3_UNCR.dcm", "RG3_J2KR.dcm"):
        path = get_testdata_file(name)
        assert path is not None
        image = ingest_path(Path(path))
        assert image.display.shape == (1760, 1760)
        assert image.pixel_review == "pending"  # CR files do not state burned-in text


def test_burned_in_annotation_yes_is_refused(db: None, dicom_file: FilmWriter) -> None:
    with pytest.raises(UploadRefused, match="burned into the image"):
        ingest_path(dicom_file(burned_in_annotation="YES"))


def test_undeclared_burned_in_text_is_accepted_for_review(db: None, dicom_file: FilmWriter) -> None:
    assert ingest_path(dicom_file(burned_in_annotation=None)).pixel_review == "pending"
    assert ingest_path(dicom_file(burned_in_annotation="NO")).pixel_review == "not_needed"


def test_files_are_recognised_by_content_not_name(
    db: None, dicom_file: FilmWriter, tmp_path: Path, film: SyntheticFilm
) -> None:
    disguised = tmp_path / "film.png"
    disguised.write_bytes(dicom_file().read_bytes())
    assert ingest_path(disguised).source_format == "dicom"
    png = tmp_path / "noextension"
    write_png(film, png)
    assert ingest_path(png).source_format == "png"


def png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"this is a text file, not an image", "not a DICOM, PNG or JPEG"),
        (bytes(range(256)) * 4, "not a DICOM, PNG or JPEG"),
        (b"\0" * 128 + b"DICM", "no SOP class"),
        (png_header_only(10_000, 10_000), "megapixels"),
        (png_header_only(100_000, 100_000), "megapixels"),
        (png_header_only(30, 30), "too small"),
        (b"\xff\xd8\xff\xe0" + b"\0" * 100, "damaged or truncated"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(db: None, data: bytes, message: str) -> None:
    with pytest.raises(UploadRefused, match=message):
        ingest_bytes(data)


def test_a_truncated_dicom_file_is_refused(db: None, dicom_file: FilmWriter) -> None:
    data = dicom_file().read_bytes()
    with pytest.raises(UploadRefused, match="damaged or truncated"):
        ingest_bytes(data[: len(data) // 2])


def test_a_truncated_png_is_refused(db: None, tmp_path: Path, film: SyntheticFilm) -> None:
    path = tmp_path / "film.png"
    write_png(film, path)
    data = path.read_bytes()
    with pytest.raises(UploadRefused, match="damaged or truncated"):
        ingest_bytes(data[: len(data) // 2])


def test_a_dicom_that_is_not_a_radiograph_is_refused(db: None) -> None:
    path = get_testdata_file("CT_small.dcm")
    assert path is not None
    with pytest.raises(UploadRefused, match="not a radiograph"):
        ingest_path(Path(path))


def test_png_metadata_does_not_survive(db: None, film: SyntheticFilm) -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Patient", "DOE^JANE 1960-01-01")
    buffer = io.BytesIO()
    Image.fromarray((film.pixels >> 4).astype(np.uint8)).save(buffer, "PNG", pnginfo=info)
    image = ingest_bytes(buffer.getvalue())
    assert b"DOE" not in image.stored_bytes
    assert image.pixel_review == "pending"


def test_a_sixteen_bit_png_keeps_its_depth_in_the_stored_file(
    db: None, tmp_path: Path, film: SyntheticFilm
) -> None:
    path = tmp_path / "film16.png"
    write_png(film, path, bits=16)
    image = ingest_path(path)
    with Image.open(io.BytesIO(image.stored_bytes)) as stored:
        assert stored.mode.startswith("I")
