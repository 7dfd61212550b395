"""Files on disk under MEDIA_ROOT (radiographs, generated documents), never served directly.

Files are written to a temporary name and renamed into place, so a crash
cannot leave a half-written file under a real name; a file whose database row
did not commit is removed by the caller (imaging.actions).
"""

from __future__ import annotations

import contextvars
import hashlib
import io
import logging
import os
import tempfile
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.http import Http404
from PIL import Image

log = logging.getLogger(__name__)

FOLDER = "radiographs"
# zlib settings of the display copy (the same pixels at any setting). Measured
# on a demo film (480 x 624), 2 December 2026: level 1 took 9.6 to 11.4 ms for
# 141 to 160 kB (level 3 13.7 ms and 135 kB, level 6 35 ms and 119 kB); level 1
# with zlib's run-length strategy (Z_RLE) takes 7.7 ms for 134 kB. A film's
# grain leaves zlib few long matches to find, so searching for them is wasted
# work (issue 13: the demo load; uploads are quicker too).
DISPLAY_PNG_COMPRESSION = 1
DISPLAY_PNG_STRATEGY = zlib.Z_RLE


def media_path(relative: str) -> Path:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError("path outside the media directory")
    return path


def open_for_download(relative: str) -> BinaryIO:
    """A stored file opened for a response; a missing one is a logged 404, not a crash.

    A file can only be missing if storage was restored without the database,
    or changed by hand: the operator needs the log line, the user a plain page.
    """
    try:
        return media_path(relative).open("rb")
    except OSError as error:
        log.error("stored file cannot be read: %s (%s)", relative, error.strerror)
        raise Http404("The file is missing from storage.") from None


# Files written inside ``synced_once()`` in this thread (None: sync each file).
_UNSYNCED: contextvars.ContextVar[list[Path] | None] = contextvars.ContextVar(
    "halluxpath_unsynced", default=None
)


@contextmanager
def synced_once() -> Iterator[None]:
    """Inside, files are written without a sync each; on leaving, all are synced at once.

    For a bulk load (the demo's 1,400 films and sheets): one ``fsync`` a file
    forces a journal commit each, about 10 ms of waiting apiece on an
    ordinary disk (issue 13: 15 s of the demo load's wall time). Still
    written to a temporary name and renamed, so a file is whole or absent;
    a crash inside may lose recent files (the demo is loaded again). Only
    this thread's writes are affected.
    """
    written: list[Path] = []
    token = _UNSYNCED.set(written)
    try:
        yield
    finally:
        _UNSYNCED.reset(token)
        if written:
            _sync(written)


def _sync(paths: list[Path]) -> None:
    if hasattr(os, "sync"):
        os.sync()  # one flush of everything written (POSIX)
        return
    for path in paths:  # pragma: no cover - not POSIX
        with path.open("rb") as handle:
            os.fsync(handle.fileno())


def _write_atomically(relative: str, data: bytes) -> None:
    target = media_path(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    unsynced = _UNSYNCED.get()
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if unsynced is None:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, target)
        if unsynced is not None:
            unsynced.append(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def encode_png(pixels: npt.NDArray[np.uint8]) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(
        buffer, "PNG", compress_level=DISPLAY_PNG_COMPRESSION, compress_type=DISPLAY_PNG_STRATEGY
    )
    return buffer.getvalue()


def store(stored_bytes: bytes, suffix: str, display_png: bytes) -> tuple[str, str, str]:
    """Write both files; return their relative paths and the stored file's SHA-256."""
    stored, display = reserved_paths(suffix)
    _write_atomically(stored, stored_bytes)
    try:
        _write_atomically(display, display_png)
    except BaseException:
        remove(stored)
        raise
    return stored, display, hashlib.sha256(stored_bytes).hexdigest()


def store_at(stored: str, stored_bytes: bytes, display: str, display_png: bytes) -> str:
    """Write both files of a film drawn after its row was made (imaging.drawing), at the
    paths its row names; return the stored file's SHA-256."""
    _write_atomically(stored, stored_bytes)
    _write_atomically(display, display_png)
    return hashlib.sha256(stored_bytes).hexdigest()


def reserved_paths(suffix: str) -> tuple[str, str]:
    """Paths for a film's two files, to be written later (imaging.drawing)."""
    name = uuid.uuid4().hex
    return f"{FOLDER}/{name[:2]}/{name}{suffix}", f"{FOLDER}/{name[:2]}/{name}-display.png"


def store_document(data: bytes, suffix: str, *, folder: str) -> tuple[str, str]:
    """Write a generated document (e.g. a consent PDF); return its path and SHA-256."""
    name = uuid.uuid4().hex
    relative = f"{folder}/{name[:2]}/{name}{suffix}"
    _write_atomically(relative, data)
    return relative, hashlib.sha256(data).hexdigest()


def remove(*relatives: str) -> None:
    for relative in relatives:
        media_path(relative).unlink(missing_ok=True)
