"""The demo's consent sheets drawn ahead by a worker process are the ones the actions issue.

surgery.demo replays each episode's draws to know its consent sheet before the
records are made, and one worker process draws the PDFs while this process
writes the records (issue 13: a quick first ``make run``). ``consent_pdf.render``
takes a sheet drawn ahead only for exactly its inputs, so a wrong replay
would only cost time; these tests check that none is wrong.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest
from pytest_django import Settings

from halluxpath.core import consent
from halluxpath.imaging import storage
from halluxpath.imaging.demo import load_demo_films
from halluxpath.patients.demo import load_demo
from halluxpath.surgery import consent_pdf
from halluxpath.surgery import demo as surgery_demo
from halluxpath.surgery.models import ConsentSheet


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_render_takes_a_sheet_drawn_ahead_only_for_exactly_its_inputs() -> None:
    content = consent.build(
        patient_name="Ada Test",
        side="right",
        procedure="MIS distal osteotomy",
        akin=False,
        flags=[],
    )

    def sheet(by: str) -> bytes:
        return consent_pdf.render(
            content, sheet_number=1, prepared_by=by, prepared_on="2 December 2026"
        )

    key = consent_pdf.sheet_key(
        content, sheet_number=1, prepared_by="Dr One", prepared_on="2 December 2026"
    )
    consent_pdf.drawn_ahead(key, b"%PDF-drawn-ahead")
    try:
        other = sheet("Dr Two")
        assert other.startswith(b"%PDF")
        assert other != b"%PDF-drawn-ahead"
        assert sheet("Dr One") == b"%PDF-drawn-ahead"
        again = sheet("Dr One")
        assert again.startswith(b"%PDF")
        assert again != b"%PDF-drawn-ahead"
    finally:
        consent_pdf.forget_drawn_ahead()


@pytest.mark.django_db
def test_every_demo_sheet_is_drawn_by_the_worker_from_the_inputs_the_action_uses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load_demo(16, 2026)
    load_demo_films(2026)
    drawn_here: list[str] = []
    real_draw = consent_pdf.draw

    def draw_here(*args: object, **kwargs: object) -> bytes:
        drawn_here.append(str(kwargs.get("hospital_number")))
        return real_draw(*args, **kwargs)  # type: ignore[arg-type]

    # Fork even under a test runner's threads, on any machine (the worker only
    # lays out PDFs); in the parent, count the sheets drawn here instead.
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(surgery_demo, "SHEETS_AHEAD_FROM", 2)
    records = surgery_demo.SurgeryDemo(2026)
    records.draw_sheets_ahead()
    monkeypatch.setattr(consent_pdf, "draw", draw_here)
    report = records.finish()
    assert report.plans >= 2
    assert records.sheets_drawn_ahead == report.plans == ConsentSheet.objects.count()
    assert drawn_here == []
    assert consent_pdf._DRAWN_AHEAD == {}
    for sheet in ConsentSheet.objects.all():
        pdf = storage.media_path(sheet.pdf_file).read_bytes()
        assert pdf.startswith(b"%PDF")
        assert hashlib.sha256(pdf).hexdigest() == sheet.sha256


@pytest.mark.django_db
def test_without_a_worker_every_sheet_is_drawn_here(monkeypatch: pytest.MonkeyPatch) -> None:
    load_demo(8, 2026)
    load_demo_films(2026)
    monkeypatch.setattr(surgery_demo, "SHEETS_AHEAD_FROM", 10**6)
    records = surgery_demo.SurgeryDemo(2026)
    records.draw_sheets_ahead()
    report = records.finish()
    assert records.sheets_drawn_ahead == 0
    assert report.plans == ConsentSheet.objects.count()


@pytest.mark.django_db
def test_close_ends_a_worker_left_running(monkeypatch: pytest.MonkeyPatch) -> None:
    load_demo(16, 2026)
    load_demo_films(2026)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr(surgery_demo, "SHEETS_AHEAD_FROM", 2)
    records = surgery_demo.SurgeryDemo(2026)
    records.draw_sheets_ahead()
    worker = records._worker
    assert worker is not None
    records.close()  # as after a failure, before any record was made
    assert not worker.is_alive()
    assert records._worker is None
    assert consent_pdf._DRAWN_AHEAD == {}
