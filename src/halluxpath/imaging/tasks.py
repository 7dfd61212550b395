"""The demo's films drawn in the background (imaging.drawing), by the site's task worker.

``load_demo`` enqueues ``draw_pending_films`` after the demo's rows are made;
``halluxpath db_worker`` (one of the workers ``run_workers`` runs beside the
web server) draws the films in order while a newcomer looks around. A film
viewed before the task reaches it is drawn by that view; the task then
finds it drawn and goes on. Enqueued twice, the second run finds nothing.
"""

from __future__ import annotations

from django_tasks import task

from halluxpath.imaging.drawing import draw_pending


@task()
def draw_pending_films() -> dict[str, int]:
    """Draw every film still to draw; returns how many this run drew."""
    return {"drawn": draw_pending()}
