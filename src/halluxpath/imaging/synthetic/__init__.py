"""Synthetic weight-bearing dorsoplantar foot radiographs from a known geometry.

Images that nobody owns, for the demo and the tests. The clinical inputs
(HVA, IMA, HVIA, DMAA, sesamoid position, optional osteotomy shift, DOMAIN §2)
fix where each bone lies, and the landmarks are computed from the same
geometry on the bones' axes, so measuring them by the contract
(spec/measurements.md) gives the inputs back. Those are the point of the
module; the picture only has to be good enough for a person to find the
shaft centres, the articular surface and the sesamoids on it.

The picture is a projection, not a drawing: each bone is a solid (a hollow
tube with a cortex for the shafts, a shelled ovoid for heads, sesamoids and
tarsals) whose path length is summed along the beam, over a soft-tissue
shadow, then passed through a log-exposure curve, the local-contrast
processing of a digital detector, blur and noise. Overlaps (sesamoids over
the first metatarsal head, the metatarsal bases, talus over calcaneus) are
therefore brighter, as on a real film. Anatomical sizes are an adult's, in
millimetres; a film too small for the forefoot at the given spacing gets a
smaller foot (its millimetre figures are then not anatomical).

Orientation: toes at the top, the foot seen from its dorsum as the beam sees
it, so a right foot has its big toe on the image's left and its lateral
border (the patient's right) on the image's right; a left foot is mirrored.
A lead side marker sits in the upper corner on the lateral side. The DICOM
writer adds realistic but fake identifying attributes so that the
de-identification tests can prove they are removed.

The package is split by topic: ``plane`` (vectors, placements, boxes, the sole's spline),
``solids`` (shafts, ovoids, bones, toes, sole and their path lengths), ``foot`` (the
clinical inputs and the layout of bones, landmarks and screws), ``exposure`` (the film's
grid, blur, exposure curve, noise and side marker), ``films`` (``render`` and the display
window) and ``files`` (DICOM and PNG writers). Import from here: the names below are the
public interface, and the modules' underscored names are private to the package.
"""

from halluxpath.imaging.synthetic.exposure import MAX_STORED
from halluxpath.imaging.synthetic.files import (
    DX_FOR_PRESENTATION,
    SPACING_TAGS,
    TRANSFER_SYNTAXES,
    read_back,
    write_dicom,
    write_png,
)
from halluxpath.imaging.synthetic.films import SyntheticFilm, display_window, landmarks, render
from halluxpath.imaging.synthetic.foot import FootGeometry

__all__ = [
    "DX_FOR_PRESENTATION",
    "MAX_STORED",
    "SPACING_TAGS",
    "TRANSFER_SYNTAXES",
    "FootGeometry",
    "SyntheticFilm",
    "display_window",
    "landmarks",
    "read_back",
    "render",
    "write_dicom",
    "write_png",
]
