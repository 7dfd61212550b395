"""Each section's chart as SVG, drawn on the server with matplotlib (docs/dashboards.md).

Drawn from the section's *shown* values (``Section.plot``), so a chart never
carries a number its table hides: a suppressed count is a gap marked ``*``.
matplotlib is imported on first use (the Agg backend, no display), and text
stays text in the SVG (``svg.fonttype: none``) so it is searchable, sharp
and readable by a screen reader's "find". The SVG has a viewBox and no fixed
size: the page's CSS scales it to the phone's width.
"""

from __future__ import annotations

import io
import re
import threading
from typing import Any

from halluxpath.registry.tables import Section

WIDTH_IN, HEIGHT_IN = 5.6, 3.2
INK, MUTED, ACCENT, WARN = "#1d2a33", "#5b6770", "#1f6f8b", "#b3471d"
_lock = threading.Lock()  # pyplot's state is global: one drawing at a time


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "halluxpath",
            "font.size": 9,
            "axes.edgecolor": MUTED,
            "axes.labelcolor": INK,
            "xtick.color": MUTED,
            "ytick.color": MUTED,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    import matplotlib.pyplot as plt

    return plt


def svg(section: Section) -> str:
    """The section's chart as an SVG document (an empty-state picture when it has no numbers)."""
    with _lock:
        plt = _pyplot()
        figure, axes = plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN), layout="constrained")
        try:
            if not section.has_numbers:
                _empty(axes)
            else:
                DRAW[section.chart](axes, section.plot)
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        finally:
            plt.close(figure)
    return _scalable(buffer.getvalue())


def _scalable(document: str) -> str:
    """Drop the fixed width and height so the viewBox scales the chart to its box."""
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", document, count=1)


def _empty(axes: Any) -> None:
    axes.axis("off")
    axes.text(0.5, 0.5, "No cases match these filters yet", ha="center", va="center", color=MUTED)


def _bars(axes: Any, plot: dict[str, Any]) -> None:
    labels, values = plot["labels"], plot["values"]
    heights = [v or 0 for v in values]
    axes.bar(range(len(labels)), heights, color=ACCENT)
    for i, value in enumerate(values):
        if value is None:
            axes.text(i, 0, "*", ha="center", va="bottom", color=WARN)
    step = max(1, len(labels) // 12)
    axes.set_xticks(range(0, len(labels), step), labels[::step], rotation=45, ha="right")
    axes.set_ylabel(plot.get("y_label", ""))
    axes.yaxis.get_major_locator().set_params(integer=True)


def _correction(axes: Any, plot: dict[str, Any]) -> None:
    rows = plot["rows"]
    for i, row in enumerate(rows):
        y = len(rows) - 1 - i
        if row["pre"] is None or row["post"] is None:
            axes.text(0, y, f"{row['label']}: not shown (too few pairs)", va="center", color=MUTED)
            continue
        axes.plot([row["pre"], row["post"]], [y, y], color=MUTED, linewidth=2)
        axes.plot([row["pre"]], [y], "o", color=WARN, label="before" if i == 0 else None)
        axes.plot([row["post"]], [y], "o", color=ACCENT, label="after" if i == 0 else None)
        text = f"{row['label']} corrected {row['mean']:.1f}°"
        if row["low"] is not None and row["high"] is not None:
            text += f" (95 % CI {row['low']:.1f} to {row['high']:.1f})"
        axes.text(max(row["pre"], row["post"]) + 0.5, y + 0.15, text, color=INK)
    axes.set_yticks(range(len(rows)), [r["label"] for r in reversed(rows)])
    axes.set_ylim(-0.6, len(rows) - 0.4)
    axes.set_xlabel("Mean angle (°), before → after")
    axes.legend(loc="lower right", frameon=False)


def _cusum(axes: Any, plot: dict[str, Any]) -> None:
    axes.step([0, *plot["x"]], [0, *plot["y"]], where="post", color=ACCENT, linewidth=1.5)
    axes.axhline(plot["h1"], color=WARN, linestyle="--", linewidth=1)
    axes.axhline(plot["h0"], color=MUTED, linestyle="--", linewidth=1)
    axes.axhline(0, color=MUTED, linewidth=0.5)
    right = max(plot["x"])
    axes.text(right, plot["h1"], " h₁ unacceptable", va="bottom", ha="right", color=WARN)
    axes.text(right, plot["h0"], " h₀ acceptable", va="top", ha="right", color=MUTED)
    axes.set_xlabel("MIS case, in operating order")
    axes.set_ylabel(plot.get("y_label", ""))


def _rates(axes: Any, plot: dict[str, Any]) -> None:
    """Horizontal points with their 95 % intervals; a diamond at the published rate."""
    rows = plot["rows"]
    if not rows:
        _none_shown(axes)
        return
    for i, row in enumerate(rows):
        y = len(rows) - 1 - i
        axes.plot([row["low"], row["high"]], [y, y], color=MUTED, linewidth=2)
        axes.plot([row["p"]], [y], "o", color=ACCENT)
        if row.get("published") is not None:
            axes.plot([row["published"]], [y], "D", color=WARN, markersize=5)
    axes.set_yticks(range(len(rows)), [r["label"] for r in reversed(rows)])
    axes.set_xlim(left=0)
    axes.set_xlabel(plot.get("x_label", "%"))


def _none_shown(axes: Any) -> None:
    axes.axis("off")
    axes.text(
        0.5, 0.5, "Too few patients to draw (see the table)", ha="center", va="center", color=MUTED
    )


def _survival(axes: Any, plot: dict[str, Any]) -> None:
    """Kaplan–Meier steps (identified viewers) or the shown time points, and the numbers at risk."""
    curve = plot["curve"]
    points = [p for p in plot["points"] if p["s"] is not None]
    if curve:
        xs = [0.0, *(c[0] for c in curve)]
        axes.step(xs, [1.0, *(c[1] for c in curve)], where="post", color=ACCENT)
        axes.fill_between(
            xs,
            [1.0, *(c[2] if c[2] is not None else 0.0 for c in curve)],
            [1.0, *(c[3] if c[3] is not None else 0.0 for c in curve)],
            step="post",
            color=ACCENT,
            alpha=0.15,
            linewidth=0,
        )
    elif points:
        axes.step(
            [p["months"] for p in points],
            [p["s"] for p in points],
            where="post",
            color=ACCENT,
            marker="o",
            markersize=3,
        )
    else:
        _none_shown(axes)
        return
    axes.set_ylim(0, 1.05)
    axes.set_xlim(-0.5, 25)
    axes.set_xticks([p["months"] for p in plot["points"]])
    axes.set_xlabel("Months since the operation (below: feet at risk)", labelpad=16)
    axes.set_ylabel("Free of the event")
    for p in plot["points"]:
        axes.annotate(
            p["at_risk"],
            (p["months"], 0),
            xytext=(0, -26),
            textcoords="offset points",
            ha="center",
            color=MUTED,
            annotation_clip=False,
        )


def _trajectories(axes: Any, plot: dict[str, Any]) -> None:
    series = plot["series"]
    if not series:
        _none_shown(axes)
        return
    labels = plot["time_points"]
    for k, line in enumerate(series):
        xs = [labels.index(_label_of(p["t"], labels)) + 0.06 * k for p in line["points"]]
        med = [p["median"] for p in line["points"]]
        low = [p["median"] - p["q1"] for p in line["points"]]
        high = [p["q3"] - p["median"] for p in line["points"]]
        axes.errorbar(xs, med, yerr=[low, high], marker="o", capsize=3, label=line["label"])
    axes.set_xticks(range(len(labels)), labels)
    axes.set_ylabel("Median (interquartile range)")
    axes.legend(frameon=False, fontsize=7)


_TIME_POINT_ORDER = ("baseline", "6w", "6m", "12m", "24m")


def _label_of(key: str, labels: list[str]) -> str:
    return labels[_TIME_POINT_ORDER.index(key)]


def _completion(axes: Any, plot: dict[str, Any]) -> None:
    rows = plot["rows"]
    xs = range(len(rows))
    axes.bar(
        [x - 0.2 for x in xs], [r["p"] or 0 for r in rows], width=0.4, color=ACCENT, label="Here"
    )
    for x, row in zip(xs, rows, strict=True):
        if row["p"] is None and row["due"]:
            axes.text(x - 0.2, 0, "*", ha="center", va="bottom", color=WARN)
    axes.bar(
        [x + 0.2 for x in xs],
        [r["bofas"] or 0 for r in rows],
        width=0.4,
        color=MUTED,
        label="BOFAS first-MTP fusion pathway",
    )
    axes.set_xticks(list(xs), [r["label"] for r in rows])
    axes.set_ylim(0, 100)
    axes.set_ylabel("Completed (%)")
    axes.legend(frameon=False, fontsize=7)


DRAW = {
    "bars": _bars,
    "correction": _correction,
    "cusum": _cusum,
    "rates": _rates,
    "survival": _survival,
    "trajectories": _trajectories,
    "completion": _completion,
}
