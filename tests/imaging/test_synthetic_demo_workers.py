"""The demo's films are the same whether worker processes draw them or this one does.

imaging.demo draws films in worker processes when there are enough of them
(issue 13: a quick first ``make run``); every random draw stays in the main
process, so the same orders give the same pixels and landmarks either way,
in the same order.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
from typing import Any

import numpy as np
import pytest

from halluxpath.imaging import demo, drawing, storage
from halluxpath.imaging.synthetic import FootGeometry


def _orders(count: int) -> list[drawing.FilmOrder]:
    return [
        drawing.FilmOrder(
            drawing.FilmPlan(
                "pre_op",
                FootGeometry(
                    hva_deg=18 + i,
                    ima_deg=10 + i / 4,
                    hvia_deg=6,
                    dmaa_deg=8,
                    sesamoid_fraction=0.6,
                    side="left" if i % 2 else "right",
                    width=160,
                    height=208,
                    pixel_spacing_mm=(0.9375, 0.9375),
                    seed=1000 + i,
                    noise=demo.FILM_NOISE,
                ),
                dt.date(2026, 3, 1) + dt.timedelta(days=i),
            ),
            f"DEMO{i:04d}",
        )
        for i in range(count)
    ]


def test_films_drawn_by_workers_match_films_drawn_here(monkeypatch: pytest.MonkeyPatch) -> None:
    orders = _orders(demo.PARALLEL_FROM_FILMS)
    here = [drawing.draw(order) for order in orders]
    monkeypatch.setattr(demo, "_workers", lambda: 2)
    contexts: list[str] = []
    real_context = multiprocessing.get_context

    def counted(method: str) -> Any:
        contexts.append(method)
        return real_context(method)

    monkeypatch.setattr(multiprocessing, "get_context", counted)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    drawn = list(demo._drawn(orders))
    assert contexts == ["fork"]  # the workers drew them
    assert len(drawn) == len(here)
    for mine, theirs in zip(here, drawn, strict=True):
        assert mine.landmarks == theirs.landmarks
        assert np.array_equal(mine.image.display, theirs.image.display)
        assert mine.display_png == theirs.display_png == storage.encode_png(mine.image.display)
        assert mine.image.acquired_on == theirs.image.acquired_on
        assert mine.image.laterality == theirs.image.laterality
