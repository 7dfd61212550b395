"""From path lengths to stored pixel values: the film's grid, blur, exposure, side marker.

``_Film`` sums the solids' path lengths on the pixel grid (soft tissue as a union, cortex
and medulla added up, so overlaps are brighter as on a real film). ``_expose`` turns them
into 12-bit stored values through a log-exposure curve, the heel effect, the local-contrast
processing of a digital detector, blur and noise, drawing its randomness from the film's
seed. ``_side_marker`` burns in the radiographer's lead letter on the lateral side.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

from halluxpath.imaging.synthetic.foot import FootGeometry
from halluxpath.imaging.synthetic.plane import Box
from halluxpath.imaging.synthetic.solids import MU_SOFT, Grid, _Bone, _Sole, _Toe

MAX_STORED = 4095  # 12 bits stored


Pixels = npt.NDArray[np.float32]  # whole-film working images


def _gaussian(image: Pixels, sigma: float) -> Pixels:
    """Separable Gaussian blur, edges repeated; ``sigma`` in pixels."""
    radius = max(1, math.ceil(2.5 * sigma))
    weights = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    weights = (weights / weights.sum()).astype(np.float32)
    rows, columns = image.shape
    padded = np.pad(image, ((radius, radius), (0, 0)), mode="edge")
    down = np.zeros_like(image)
    for i, w in enumerate(weights):
        down += w * padded[i : i + rows, :]
    padded = np.pad(down, ((0, 0), (radius, radius)), mode="edge")
    result = np.zeros_like(image)
    for i, w in enumerate(weights):
        result += w * padded[:, i : i + columns]
    return result


def _resized(image: Pixels, size: tuple[int, int], *, average: bool) -> Pixels:
    method = Image.Resampling.BOX if average else Image.Resampling.BILINEAR
    return np.asarray(Image.fromarray(image).resize(size, method), dtype=np.float32)


def _low_pass(image: Pixels, mm_per_pixel: float, scale_mm: float) -> Pixels:
    """A blur over about ``scale_mm``, cheaply: shrink, blur, enlarge."""
    rows, columns = image.shape
    factor = max(1, round(scale_mm / 2 / mm_per_pixel))
    small = (max(2, columns // factor), max(2, rows // factor))
    return _resized(
        _gaussian(_resized(image, small, average=True), 1.5), (columns, rows), average=False
    )


class _Film:
    """Path lengths on the pixel grid: soft tissue (union), cortex and medulla (summed)."""

    def __init__(self, g: FootGeometry) -> None:
        self.row_mm, self.column_mm = g.pixel_spacing_mm
        self.soft = np.zeros((g.height, g.width), dtype=np.float32)
        self.cortex = np.zeros_like(self.soft)
        self.core = np.zeros_like(self.soft)

    def _window(self, box: Box) -> tuple[slice, slice, Grid, Grid] | None:
        rows, columns = self.soft.shape
        c0 = max(math.floor(box[0] / self.column_mm - 0.5), 0)
        c1 = min(math.ceil(box[2] / self.column_mm + 0.5), columns)
        r0 = max(math.floor(box[1] / self.row_mm - 0.5), 0)
        r1 = min(math.ceil(box[3] / self.row_mm + 0.5), rows)
        if c1 <= c0 or r1 <= r0:
            return None
        xs = ((np.arange(c0, c1, dtype=np.float64) + 0.5) * self.column_mm)[np.newaxis, :]
        ys = ((np.arange(r0, r1, dtype=np.float64) + 0.5) * self.row_mm)[:, np.newaxis]
        return slice(r0, r1), slice(c0, c1), xs, ys

    def add_sole(self, sole: _Sole) -> None:
        """Fill the outline on a coarse grid, soften its border, enlarge: a rounded slab."""
        rows, columns = self.soft.shape
        cell = max(0.5, min(self.row_mm, self.column_mm))
        width, height = columns * self.column_mm, rows * self.row_mm
        small = (max(2, math.ceil(width / cell)), max(2, math.ceil(height / cell)))
        sx, sy = small[0] / width, small[1] / height
        mask = Image.new("F", small, 0.0)
        ImageDraw.Draw(mask).polygon([(p.x * sx, p.y * sy) for p in sole.outline], fill=1.0)
        soft_edge = _gaussian(np.asarray(mask, dtype=np.float32), sole.edge / 2 * sx)
        window = self._window(sole.bounds())
        if window is None:
            return
        within_rows, within_columns, xs, ys = window
        inside = _resized(soft_edge, (columns, rows), average=False)[within_rows, within_columns]
        rounding = np.sqrt(np.clip(2 * inside - 1, 0.0, 1.0))
        along = (xs - sole.origin.x) * sole.axis.x + (ys - sole.origin.y) * sole.axis.y
        table = np.array(sole.thickness, dtype=np.float64).T
        thickness = np.interp(along, table[0], table[1]) * rounding
        region = self.soft[within_rows, within_columns]
        np.maximum(region, thickness, out=region, casting="same_kind")

    def add_toe(self, toe: _Toe) -> None:
        window = self._window(toe.bounds())
        if window is not None:
            rows, columns, xs, ys = window
            region = self.soft[rows, columns]
            np.maximum(region, toe.thickness(xs, ys), out=region, casting="same_kind")

    def add_bone(self, bone: _Bone) -> None:
        """The union of the bone's solids: where one solid's medulla lies, the path through
        cortex is the thinnest of the shells around that point, so no inner seams show."""
        window = self._window(bone.bounds())
        if window is not None:
            rows, columns, xs, ys = window
            outer: Grid | None = None
            shell: Grid | None = None
            for part in bone.parts:
                whole, medulla = part.paths(xs, ys)
                around = np.where(medulla > 0, whole - medulla, np.inf)
                outer = whole if outer is None else np.maximum(outer, whole)
                shell = around if shell is None else np.minimum(shell, around)
            if outer is None or shell is None:
                return
            cortex = np.where(np.isfinite(shell), shell, outer)
            self.cortex[rows, columns] += (bone.cortex_mu * cortex).astype(np.float32)
            self.core[rows, columns] += (bone.core_mu * (outer - cortex)).astype(np.float32)


def _expose(film: _Film, g: FootGeometry, rng: np.random.Generator) -> npt.NDArray[np.uint16]:
    """Path lengths to stored values: trabecular texture, log exposure, detector processing."""
    rows, columns = film.soft.shape
    mm = min(film.row_mm, film.column_mm)
    # Trabecular mottle in the medulla, with a grain of about a millimetre.
    grain = max(1, round(1.0 / mm))
    coarse = rng.standard_normal((max(2, rows // grain), max(2, columns // grain)))
    texture = 1.0 + 0.2 * _resized(coarse.astype(np.float32), (columns, rows), average=False)
    attenuation = MU_SOFT * film.soft + film.cortex + film.core * texture
    signal = 1.0 - np.exp(-1.3 * attenuation)
    # Heel effect: a few per cent less exposure towards the anode end (the top).
    signal *= np.linspace(0.98, 1.02, rows, dtype=np.float32)[:, np.newaxis]
    # Digital radiography processing: equalise the large scale, sharpen edges.
    signal = signal + 0.6 * (signal - _low_pass(signal, mm, 8.0))
    signal = _gaussian(signal, max(0.6, 0.08 / mm))
    mottle = rng.standard_normal((rows, columns), dtype=np.float32)
    signal += mottle * (g.noise * (0.7 + 0.6 * np.clip(signal, 0.0, 1.0)))
    stored: npt.NDArray[np.uint16] = np.clip(
        np.rint(150.0 + signal * 3600.0), 0, MAX_STORED
    ).astype(np.uint16)
    return stored


def _side_marker(pixels: npt.NDArray[np.uint16], g: FootGeometry) -> None:
    """The radiographer's lead letter, in the upper corner on the lateral side."""
    size = max(8, round(11.0 / g.pixel_spacing_mm[0]))
    font = ImageFont.load_default(size=size)
    letter = "R" if g.side == "right" else "L"
    left, top, right, bottom = font.getbbox(letter)
    pad = size // 4
    plate = Image.new("L", (int(right - left) + 2 * pad, int(bottom - top) + 2 * pad), 0)
    ImageDraw.Draw(plate).text((pad - left, pad - top), letter, fill=255, font=font)
    mask = np.asarray(plate, dtype=np.float32) / 255.0
    h, w = mask.shape
    y, inset = max(1, round(0.02 * g.height)), max(1, round(0.03 * g.width))
    x = g.width - w - inset if g.side == "right" else inset
    if y + h > g.height or x < 0 or x + w > g.width:
        return  # a film too small for the marker goes without
    region = pixels[y : y + h, x : x + w]
    np.maximum(region, (mask * 3950.0).astype(np.uint16), out=region)
