"""Synthetic weight-bearing dorsoplantar foot radiographs from a known geometry.

Images that nobody owns, for the demo and the tests. The clinical inputs
(HVA, IMA, HVIA, DMAA, sesamoid position, optional osteotomy shift) fix where
each bone lies; the landmarks are computed from the same geometry, so
measuring them with the contract (core.radiograph) gives the inputs back.
Bones are drawn as rounded shafts with brighter cortices over a soft-tissue
shadow, with noise and a little blur: plausible enough for a person to place
landmarks on, and nothing more.

Orientation: toes at the top. A right foot has its big toe on the image's
left (the patient's right on the viewer's left); a left foot is mirrored.
The DICOM writer adds realistic but fake identifying attributes so that the
de-identification tests can prove they are removed.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

DX_FOR_PRESENTATION = UID("1.2.840.10008.5.1.4.1.1.1.1")
MAX_STORED = 4095  # 12 bits
Vec = tuple[float, float]


@dataclass(frozen=True)
class FootGeometry:
    hva_deg: float
    ima_deg: float
    hvia_deg: float
    dmaa_deg: float
    # Share of the tibial sesamoid lateral to the M1 axis (contract): below 0 or above 1
    # puts it wholly medial or wholly lateral, clear of the axis.
    sesamoid_fraction: float
    side: str = "right"
    width: int = 1000
    height: int = 1300
    pixel_spacing_mm: tuple[float, float] = (0.15, 0.15)  # (row, column)
    translation_pct: float | None = None  # post-operative shift of the head, % of width
    seed: int = 0
    noise: float = 0.025  # standard deviation of the quantum mottle, in display units


@dataclass(frozen=True)
class SyntheticFilm:
    geometry: FootGeometry
    pixels: npt.NDArray[np.uint16] = field(repr=False)  # 12 bits stored, bone bright
    landmarks: dict[str, Any]


def _add(a: Vec, b: Vec, k: float = 1.0) -> Vec:
    return (a[0] + k * b[0], a[1] + k * b[1])


def _unit(angle_deg: float, u: Vec, lateral: Vec) -> Vec:
    """The direction ``angle_deg`` from ``u`` towards ``lateral``."""
    a = math.radians(angle_deg)
    return (
        math.cos(a) * u[0] + math.sin(a) * lateral[0],
        math.cos(a) * u[1] + math.sin(a) * lateral[1],
    )


class _Canvas:
    def __init__(self, width: int, height: int, mm_per_px: float) -> None:
        self.pixels = np.zeros((height, width), dtype=np.float32)
        self.mm = mm_per_px
        self.ys, self.xs = np.mgrid[0:height, 0:width].astype(np.float32)

    def px(self, millimetres: float) -> float:
        return millimetres / self.mm

    def _window(self, points: list[Vec], margin: float) -> tuple[slice, slice]:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        h, w = self.pixels.shape
        x0 = max(int(min(xs) - margin), 0)
        x1 = min(int(max(xs) + margin) + 1, w)
        y0 = max(int(min(ys) - margin), 0)
        y1 = min(int(max(ys) + margin) + 1, h)
        return slice(y0, max(y0, y1)), slice(x0, max(x0, x1))

    def bone(
        self,
        start: Vec,
        end: Vec,
        radius_start: float,
        radius_end: float,
        density: float = 0.55,
        cortex: float = 0.3,
    ) -> None:
        """A tapered rounded shaft from ``start`` to ``end``; radii in pixels."""
        margin = max(radius_start, radius_end) + 2
        rows, cols = self._window([start, end], margin)
        x = self.xs[rows, cols] - start[0]
        y = self.ys[rows, cols] - start[1]
        dx, dy = end[0] - start[0], end[1] - start[1]
        length2 = dx * dx + dy * dy
        t = np.clip((x * dx + y * dy) / length2, 0.0, 1.0)
        distance = np.hypot(x - t * dx, y - t * dy)
        radius = radius_start + (radius_end - radius_start) * t
        inside = distance < radius
        shell = np.clip(1.0 - (radius - distance) / np.maximum(radius * 0.28, 1.0), 0.0, 1.0)
        value = np.where(inside, density + cortex * shell, 0.0)
        region = self.pixels[rows, cols]
        np.maximum(region, value, out=region)

    def blob(
        self,
        centre: Vec,
        rx: float,
        ry: float,
        density: float,
        angle: float = 0.0,
        cortex: float = 0.25,
    ) -> None:
        margin = max(rx, ry) + 2
        rows, cols = self._window([centre], margin)
        x = self.xs[rows, cols] - centre[0]
        y = self.ys[rows, cols] - centre[1]
        c, s = math.cos(angle), math.sin(angle)
        xr, yr = x * c + y * s, -x * s + y * c
        r = np.hypot(xr / rx, yr / ry)
        value = np.where(r < 1, density + cortex * np.clip((r - 0.7) / 0.3, 0, 1), 0.0)
        region = self.pixels[rows, cols]
        np.maximum(region, value, out=region)

    def soft_tissue(self, centre: Vec, rx: float, ry: float, level: float) -> None:
        rows, cols = self._window([centre], max(rx, ry) + 2)
        x = self.xs[rows, cols] - centre[0]
        y = self.ys[rows, cols] - centre[1]
        r = np.hypot(x / rx, y / ry)
        value = level * np.clip((1.0 - r) * 6.0, 0.0, 1.0)
        region = self.pixels[rows, cols]
        np.maximum(region, value, out=region)


def _layout(g: FootGeometry, mm_per_px: float) -> dict[str, Any]:
    """Bone positions and landmarks for a right foot, in pixels (mirrored later)."""
    w, h = g.width, g.height
    px = 1.0 / mm_per_px
    up: Vec = (0.0, -1.0)
    lateral_world: Vec = (1.0, 0.0)  # right foot: medial is the image's left
    ima = math.radians(g.ima_deg)
    u: Vec = (-math.sin(ima), -math.cos(ima))  # M1, distally
    lat: Vec = (math.cos(ima), -math.sin(ima))  # perpendicular to M1, towards M2
    scale = min(w / 150.0, h / 195.0) / px  # shrink the foot to fit small films
    length_m1, length_m2 = 62 * px * scale, 72 * px * scale
    base_m1: Vec = (0.40 * w, 0.80 * h)
    base_m2: Vec = _add(base_m1, lateral_world, 24 * px * scale)
    base_m2 = _add(base_m2, up, 6 * px * scale)
    head_radius = 8.5 * px * scale
    head = _add(base_m1, u, length_m1 - head_radius)
    shift = 0.0
    shaft_width = 13 * px * scale
    layout: dict[str, Any] = {"scale": scale, "u": u, "lat": lat, "up": up}
    points: dict[str, Vec] = {
        "m1_proximal": _add(base_m1, u, 0.22 * length_m1),
        "m1_distal": _add(base_m1, u, 0.70 * length_m1),
        "m2_proximal": _add(base_m2, up, 0.22 * length_m2),
        "m2_distal": _add(base_m2, up, 0.72 * length_m2),
    }
    if g.translation_pct is not None:
        level = _add(base_m1, u, 0.78 * length_m1)
        medial = _add(level, lat, -shaft_width / 2)
        shift = g.translation_pct / 100 * shaft_width
        points["osteotomy_medial_cortex"] = medial
        points["osteotomy_lateral_cortex"] = _add(level, lat, shaft_width / 2)
        points["head_medial_cortex"] = _add(_add(medial, lat, shift), u, 1.5 * px * scale)
        head = _add(head, lat, shift)
        layout["osteotomy_level"] = level
    p1_dir = _unit(g.hva_deg, u, lat)
    d1_dir = _unit(g.hva_deg + g.hvia_deg, u, lat)
    joint = _add(head, u, head_radius + 1.2 * px * scale)
    length_p1, length_d1 = 31 * px * scale, 22 * px * scale
    p1_end = _add(joint, p1_dir, length_p1)
    d1_start = _add(p1_end, p1_dir, 1.2 * px * scale)
    points.update(
        {
            "p1_proximal": _add(joint, p1_dir, 0.28 * length_p1),
            "p1_distal": _add(joint, p1_dir, 0.72 * length_p1),
            "d1_proximal": _add(d1_start, d1_dir, 0.30 * length_d1),
            "d1_distal": _add(d1_start, d1_dir, 0.70 * length_d1),
        }
    )
    dmaa = math.radians(g.dmaa_deg)
    a: Vec = (
        math.cos(dmaa) * lat[0] - math.sin(dmaa) * u[0],
        math.cos(dmaa) * lat[1] - math.sin(dmaa) * u[1],
    )
    articular_centre = _add(head, u, head_radius * 0.75)
    half = 0.9 * head_radius
    points["m1_articular_medial"] = _add(articular_centre, a, -half)
    points["m1_articular_lateral"] = _add(articular_centre, a, half)
    sesamoid_width = 8 * px * scale
    on_axis = _add(base_m1, u, length_m1 - 1.6 * head_radius)
    outer = g.sesamoid_fraction * sesamoid_width
    points["tibial_sesamoid_medial"] = _add(on_axis, lat, outer - sesamoid_width)
    points["tibial_sesamoid_lateral"] = _add(on_axis, lat, outer)
    layout.update(
        {
            "points": points,
            "base_m1": base_m1,
            "base_m2": base_m2,
            "head": head,
            "head_radius": head_radius,
            "length_m1": length_m1,
            "length_m2": length_m2,
            "joint": joint,
            "p1_end": p1_end,
            "p1_dir": p1_dir,
            "d1_start": d1_start,
            "d1_dir": d1_dir,
            "length_d1": length_d1,
            "shaft_width": shaft_width,
            "shift": shift,
            "sesamoid_centre": _add(on_axis, lat, outer - sesamoid_width / 2),
            "sesamoid_width": sesamoid_width,
        }
    )
    return layout


def _draw(canvas: _Canvas, layout: dict[str, Any]) -> None:
    s = layout["scale"] / canvas.mm  # pixels per millimetre at the foot's scale
    up, u, lat = layout["up"], layout["u"], layout["lat"]
    base_m1, base_m2 = layout["base_m1"], layout["base_m2"]
    # Soft tissue of the forefoot and midfoot, then the tarsus.
    canvas.soft_tissue(_add(_add(base_m1, (1.0, 0.0), 28 * s), up, 45 * s), 48 * s, 95 * s, 0.16)
    canvas.soft_tissue(_add(layout["joint"], up, 20 * s), 16 * s, 34 * s, 0.16)
    canvas.blob(_add(base_m1, up, -16 * s), 16 * s, 12 * s, 0.42)  # medial cuneiform
    canvas.blob(_add(base_m2, up, -14 * s), 10 * s, 10 * s, 0.42)
    canvas.blob(_add(_add(base_m2, (1.0, 0.0), 22 * s), up, -16 * s), 16 * s, 13 * s, 0.42)
    canvas.blob(_add(_add(base_m1, (1.0, 0.0), 18 * s), up, -38 * s), 30 * s, 13 * s, 0.40)
    # First ray.
    head = layout["head"]
    if "osteotomy_level" in layout:
        level = layout["osteotomy_level"]
        canvas.bone(base_m1, level, 9 * s, 6.5 * s)
        canvas.bone(_add(level, lat, layout["shift"]), head, 6.5 * s, 7.5 * s)
        canvas.bone(
            _add(level, u, -6 * s),
            _add(head, u, -4 * s),
            1.2 * s,
            1.2 * s,
            density=0.95,
            cortex=0.0,
        )  # a screw
    else:
        canvas.bone(base_m1, head, 9 * s, 6.5 * s)
    canvas.blob(head, layout["head_radius"], layout["head_radius"] * 1.05, 0.6)
    centre = layout["sesamoid_centre"]
    canvas.blob(centre, layout["sesamoid_width"] / 2, 5.5 * s, 0.72)
    canvas.blob(_add(centre, lat, 12 * s), 3.6 * s, 5.0 * s, 0.72)  # fibular sesamoid
    joint = layout["joint"]
    canvas.bone(joint, layout["p1_end"], 7 * s, 5.2 * s)
    d1_start, d1_dir = layout["d1_start"], layout["d1_dir"]
    canvas.bone(d1_start, _add(d1_start, d1_dir, layout["length_d1"]), 6 * s, 4.5 * s)
    # Lesser rays: metatarsals and toes, fanning out laterally.
    canvas.bone(base_m2, _add(base_m2, up, layout["length_m2"]), 5.5 * s, 4.5 * s)
    m2_head = _add(base_m2, up, layout["length_m2"])
    canvas.blob(m2_head, 5.5 * s, 6 * s, 0.6)
    canvas.bone(_add(m2_head, up, 6 * s), _add(m2_head, up, 38 * s), 4.2 * s, 3.2 * s)
    for ray, (spread, length) in enumerate(((0.05, 64.0), (0.11, 60.0), (0.19, 54.0)), start=3):
        start = _add(_add(base_m2, (1.0, 0.0), (ray - 2) * 13 * s), up, -(ray - 2) * 4 * s)
        direction = _unit(math.degrees(spread), up, (1.0, 0.0))
        end = _add(start, direction, length * s)
        canvas.bone(start, end, 5.0 * s, 4.0 * s)
        canvas.blob(end, 5 * s, 5.5 * s, 0.6)
        toe_end = _add(end, direction, (30 - ray * 2.5) * s)
        canvas.bone(_add(end, direction, 6 * s), toe_end, 3.8 * s, 3 * s)


def _blur(pixels: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    padded = np.pad(pixels, 1, mode="edge")
    out = np.zeros_like(pixels)
    for dy in range(3):
        for dx in range(3):
            out += padded[dy : dy + pixels.shape[0], dx : dx + pixels.shape[1]]
    return out / 9.0


def render(geometry: FootGeometry) -> SyntheticFilm:
    """Draw the film and compute its landmarks (same seed, same film)."""
    row_mm, column_mm = geometry.pixel_spacing_mm
    mm = min(row_mm, column_mm)
    layout = _layout(geometry, mm)
    canvas = _Canvas(geometry.width, geometry.height, mm)
    _draw(canvas, layout)
    rng = np.random.default_rng(geometry.seed)
    pixels = _blur(canvas.pixels)
    pixels += rng.normal(0.0, geometry.noise, pixels.shape).astype(np.float32)
    pixels += 0.06
    stored = np.clip(pixels * MAX_STORED, 0, MAX_STORED).astype(np.uint16)
    points = layout["points"]
    if geometry.side == "left":
        stored = stored[:, ::-1].copy()
        points = {name: (geometry.width - x, y) for name, (x, y) in points.items()}
    # Landmarks were placed on a square grid of ``mm``; rescale to the real spacing.
    ratio_x, ratio_y = mm / column_mm, mm / row_mm
    document = {
        "schema": "halluxpath.landmarks/1",
        "view": "dp",
        "pixel_spacing_mm": [row_mm, column_mm],
        "points": {
            name: [round(x * ratio_x, 2), round(y * ratio_y, 2)] for name, (x, y) in points.items()
        },
    }
    if ratio_x != 1.0 or ratio_y != 1.0:
        image = Image.fromarray(stored)
        stored = np.asarray(image.resize((geometry.width, geometry.height)), dtype=np.uint16)
    return SyntheticFilm(geometry=geometry, pixels=stored, landmarks=document)


# --- files -----------------------------------------------------------------------------------

_SYNTAXES = {
    "explicit_little": ExplicitVRLittleEndian,
    "implicit_little": ImplicitVRLittleEndian,
    "jpeg2000_lossless": JPEG2000Lossless,
    "rle_lossless": RLELossless,
    "jpeg_baseline": JPEGBaseline8Bit,
}


def write_dicom(
    film: SyntheticFilm,
    path: Path,
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
    """Write the film as a DX DICOM Part 10 file with fake identifying attributes."""
    if transfer_syntax not in _SYNTAXES:
        raise ValueError(f"unknown transfer syntax {transfer_syntax!r}")
    syntax = _SYNTAXES[transfer_syntax]
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = DX_FOR_PRESENTATION
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = DX_FOR_PRESENTATION
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = study_uid or generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.Modality = "DX"
    date_text = acquired_on.strftime("%Y%m%d")
    ds.StudyDate = ds.SeriesDate = ds.AcquisitionDate = ds.ContentDate = date_text
    ds.StudyTime = "101500"
    ds.PatientName = patient_name
    ds.PatientID = patient_id
    ds.PatientBirthDate = "19600517"
    ds.PatientSex = "F"
    ds.InstitutionName = "Synthetic General Hospital"
    ds.InstitutionAddress = "1 Example Street, Nowhere"
    ds.ReferringPhysicianName = "REFERRER^ROBIN"
    ds.OperatorsName = "RADIOGRAPHER^SAM"
    ds.AccessionNumber = "ACC20260314"
    ds.StationName = "XR-ROOM-3"
    ds.DeviceSerialNumber = "SN-0042-XR"
    ds.BodyPartExamined = "FOOT"
    ds.ViewPosition = "AP"
    ds.ImageLaterality = "R" if film.geometry.side == "right" else "L"
    if burned_in_annotation is not None:
        ds.BurnedInAnnotation = burned_in_annotation
    block = ds.private_block(0x0011, "SYNTHETIC VENDOR", create=True)
    block.add_new(0x01, "LO", f"operator note for {patient_name}")
    row, column = film.geometry.pixel_spacing_mm
    if spacing_tag in ("PixelSpacing", "ImagerPixelSpacing"):
        setattr(ds, spacing_tag, [f"{row:.6g}", f"{column:.6g}"])
    elif spacing_tag != "none":
        raise ValueError(f"unknown spacing tag {spacing_tag!r}")
    ds.SamplesPerPixel = 1
    ds.Rows, ds.Columns = film.pixels.shape
    ds.PixelRepresentation = 0
    ds.PresentationLUTShape = "IDENTITY" if photometric == "MONOCHROME2" else "INVERSE"
    if transfer_syntax == "jpeg_baseline":
        eight = (film.pixels >> 4).astype(np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(eight).save(buffer, "JPEG", quality=92)
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.PresentationLUTShape = "IDENTITY"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
        ds.WindowCenter, ds.WindowWidth = 128, 256
        ds.PixelData = encapsulate([buffer.getvalue()])
        ds["PixelData"].VR = "OB"
        ds.LossyImageCompression = "01"
        meta.TransferSyntaxUID = syntax
    else:
        stored = film.pixels if photometric == "MONOCHROME2" else (MAX_STORED - film.pixels)
        ds.PhotometricInterpretation = photometric
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
        ds.RescaleSlope, ds.RescaleIntercept = 1, 0
        ds.WindowCenter, ds.WindowWidth = 2048, 4096
        ds.PixelData = stored.astype(np.uint16).tobytes()
        if syntax in (ExplicitVRLittleEndian, ImplicitVRLittleEndian):
            meta.TransferSyntaxUID = syntax
        else:
            ds.compress(
                syntax, encoding_plugin="pylibjpeg" if syntax == JPEG2000Lossless else "pydicom"
            )
    for keyword, value in (extra or {}).items():
        setattr(ds, keyword, value)
    ds.save_as(path, enforce_file_format=True)


def write_png(film: SyntheticFilm, path: Path, *, bits: int = 8) -> None:
    """Write the film as a grey-scale PNG (8 or 16 bits)."""
    if bits == 8:
        Image.fromarray((film.pixels >> 4).astype(np.uint8)).save(path, "PNG")
    elif bits == 16:
        Image.fromarray(film.pixels.astype(np.uint16) << 4).save(path, "PNG")
    else:
        raise ValueError("bits must be 8 or 16")


def read_back(path: Path) -> npt.NDArray[Any]:
    """The stored pixel values of a written DICOM file (for tests)."""
    return np.asarray(pydicom.dcmread(path).pixel_array)
