"""Every write to radiographs and their readings: validate, one transaction, audit.

By topic: ``films`` stores a film (upload, and the one storing step the demo
and imports share), ``details`` changes what is known about a stored film
(side, view and date; calibration; the pixel review), ``landmarks`` saves an observer's landmark
set with the measures the core derives from it. Each takes a typed input
(``imaging.schemas`` or the core's ``LandmarkSet``), the same for the pages
and the JSON API.
"""

from halluxpath.imaging.actions.details import (
    calibrate,
    confirm_pixel_review,
    record_film_details,
)
from halluxpath.imaging.actions.films import (
    pending_radiograph,
    stored_radiograph,
    upload_radiograph,
)
from halluxpath.imaging.actions.landmarks import save_measurement

__all__ = [
    "calibrate",
    "confirm_pixel_review",
    "pending_radiograph",
    "record_film_details",
    "save_measurement",
    "stored_radiograph",
    "upload_radiograph",
]
