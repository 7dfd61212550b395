"""De-identification of DICOM files on arrival (DICOM PS3.15 Annex E, basic profile).

``dicom-anonymizer`` applies the actions of Table E.1-1 (remove, empty,
dummy, new UID) and removes private tags (STACK.md). Two things are added:

- UIDs are remapped by a keyed hash of the original UID with the site's
  de-identification key, giving a ``2.25.`` UID. The same study keeps the
  same new UID across uploads and restarts, and nobody without the key can
  go back. (The library's own mapping lives in process memory only.)
- ``PatientIdentityRemoved`` is set to ``YES`` and ``DeidentificationMethod``
  records what was done, as PS3.15 asks.

A file whose ``BurnedInAnnotation`` is ``YES`` carries text in its pixels,
which no header cleaning removes: it is refused. Computed-radiography files
often do not say either way (the attribute is optional there); such a film is
accepted but marked for a person to look at the picture before it is shared
(``Radiograph.pixel_review``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import cache, partial
from typing import Any

from dicomanonymizer.dicomfields_selector import dicom_anonymization_database_selector
from dicomanonymizer.simpledicomanonymizer import anonymize_dataset, empty_element
from django.conf import settings
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue

from halluxpath.config import load_or_create_secret_key
from halluxpath.imaging.limits import UploadRefused

# DeidentificationMethod is an LO element: at most 64 characters.
METHOD = "PS3.15 Annex E basic profile, keyed UID map (HalluxPath)"


@cache
def _installation_key() -> bytes:
    """The key of the first (default) site, the installation's key before sites existed."""
    return load_or_create_secret_key(settings.DATA_DIR / "deid_key").encode("ascii")


def remap_uid(original: str, key: bytes | None = None) -> str:
    """The same original UID always gives the same new one at one site (its own ``key``)."""
    secret = key if key is not None else _installation_key()
    digest = hmac.new(secret, original.strip().encode("ascii", "replace"), hashlib.sha256)
    return "2.25." + str(int.from_bytes(digest.digest()[:16], "big"))


def _replace_uid(dataset: Dataset, tag: tuple[int, int], *, key: bytes | None) -> None:
    element = dataset.get(tag)
    if element is None or element.VR != "UI" or not element.value:
        return
    if isinstance(element.value, MultiValue):
        element.value = [remap_uid(str(v), key) for v in element.value]
    else:
        element.value = remap_uid(str(element.value), key)


def _replace_uid_or_empty(dataset: Dataset, tag: tuple[int, int], *, key: bytes | None) -> None:
    element = dataset.get(tag)
    if element is None:
        return
    if element.VR == "UI":
        _replace_uid(dataset, tag, key=key)
    else:
        empty_element(element)


@cache
def _uid_tags() -> tuple[list[tuple[int, ...]], list[tuple[int, ...]]]:
    tags = dicom_anonymization_database_selector("dicomfields_2023")
    return [tuple(t) for t in tags["U_TAGS"]], [tuple(t) for t in tags["X_Z_U_STAR_TAGS"]]


def _uid_rules(
    key: bytes | None,
) -> dict[tuple[int, ...], Callable[[Dataset, tuple[int, int]], None]]:
    replace, replace_or_empty = _uid_tags()
    rules: dict[tuple[int, ...], Callable[[Dataset, tuple[int, int]], None]] = {
        tag: partial(_replace_uid, key=key) for tag in replace
    }
    rules.update({tag: partial(_replace_uid_or_empty, key=key) for tag in replace_or_empty})
    return rules


def deidentify(dataset: Dataset, *, uid_key: bytes | None = None) -> dict[str, Any]:
    """De-identify ``dataset`` in place; return a summary for the record.

    ``uid_key`` is the site's key for the UID map (``sites.keys.deid_key``);
    without one, the installation's (first site's) key is used.
    """
    burned_in = str(dataset.get("BurnedInAnnotation", "") or "").upper()
    if burned_in == "YES":
        raise UploadRefused(
            "This file says identifying text is burned into the image (Burned In "
            "Annotation: YES). Text in the pixels cannot be removed here: export the film "
            "without annotations and upload it again."
        )
    present_before = {element.keyword for element in dataset if element.keyword}
    private_before = sum(1 for element in dataset if element.tag.is_private)
    anonymize_dataset(
        dataset, extra_anonymization_rules=_uid_rules(uid_key), delete_private_tags=True
    )
    dataset.PatientIdentityRemoved = "YES"
    dataset.DeidentificationMethod = METHOD
    if "SOPInstanceUID" in dataset and hasattr(dataset, "file_meta"):
        dataset.file_meta.MediaStorageSOPInstanceUID = dataset.SOPInstanceUID
    present_after = {element.keyword for element in dataset if element.keyword}
    return {
        "method": METHOD,
        "burned_in_annotation": burned_in or "not stated",
        "removed": sorted(present_before - present_after),
        "private_tags_removed": private_before,
    }
