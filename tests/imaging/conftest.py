"""Fixtures for radiograph tests: synthetic films written by the project's generator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_django import Settings

from halluxpath.imaging.synthetic import FootGeometry, SyntheticFilm, render, write_dicom

FilmWriter = Callable[..., Path]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def film() -> SyntheticFilm:
    """A small right-foot film with moderate hallux valgus (fast to render)."""
    return render(
        FootGeometry(
            hva_deg=28.0,
            ima_deg=13.0,
            hvia_deg=8.0,
            dmaa_deg=9.0,
            sesamoid_fraction=0.6,
            side="right",
            width=600,
            height=800,
            pixel_spacing_mm=(0.2, 0.2),
            seed=7,
        )
    )


@pytest.fixture
def dicom_file(film: SyntheticFilm, tmp_path: Path) -> FilmWriter:
    counter = iter(range(1000))

    def write(**options: Any) -> Path:
        path = tmp_path / f"film-{next(counter)}.dcm"
        write_dicom(film, path, **options)
        return path

    return write
