"""The planned correction drawn on the pre-operative film, for the consultation.

The planning model (spec/measurements.md, "Planning model"): the corrected
first metatarsal axis runs from the base centre (``m1_proximal``) to the head
moved laterally by ``d``, which turns the axis by ``atan(d / L)``. The drawing
shows today's axes, the planned axis and the moved head; it is a first-order
sketch, labelled as such, not a prediction of the post-operative film.
"""

from __future__ import annotations

import io
import math
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from halluxpath.imaging import storage
from halluxpath.imaging.drawing import drawn
from halluxpath.imaging.models import Measurement
from halluxpath.surgery.models import SurgicalPlan

Point = tuple[float, float]


def _rotate(vector: Point, degrees: float) -> Point:
    a = math.radians(degrees)
    return (
        vector[0] * math.cos(a) - vector[1] * math.sin(a),
        vector[0] * math.sin(a) + vector[1] * math.cos(a),
    )


def planned_axis(points: dict[str, Any], correction_deg: float) -> tuple[Point, Point]:
    """The M1 axis turned towards M2 by ``correction_deg`` about the base centre.

    Image coordinates may be mirrored (left or right foot), so the turn's sign
    is chosen so that the planned axis comes closer to the M2 axis.
    """
    base = (float(points["m1_proximal"][0]), float(points["m1_proximal"][1]))
    distal = (float(points["m1_distal"][0]), float(points["m1_distal"][1]))
    m2 = (
        points["m2_distal"][0] - points["m2_proximal"][0],
        points["m2_distal"][1] - points["m2_proximal"][1],
    )
    axis = (distal[0] - base[0], distal[1] - base[1])
    candidates = [_rotate(axis, correction_deg), _rotate(axis, -correction_deg)]

    def angle_to_m2(v: Point) -> float:
        cosine = (v[0] * m2[0] + v[1] * m2[1]) / (math.hypot(*v) * math.hypot(*m2))
        return math.acos(max(-1.0, min(1.0, cosine)))

    turned = min(candidates, key=angle_to_m2)
    return base, (base[0] + turned[0], base[1] + turned[1])


def render_png(plan: SurgicalPlan, measurement: Measurement) -> bytes:
    radiograph = measurement.radiograph
    with Image.open(storage.media_path(drawn(radiograph).display_file)) as grey:
        canvas = grey.convert("RGB")
    draw = ImageDraw.Draw(canvas)
    size = max(canvas.size)
    width = max(2, size // 400)
    font_size = max(13, size // 55)
    font = ImageFont.load_default(size=font_size)
    points = measurement.landmarks["points"]
    results = measurement.results
    correction = max(float(results["ima_deg"]) - plan.target_ima_deg, 0.0)

    def extended(a: Point, b: Point, k: float = 1.6) -> list[Point]:
        return [a, (a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k)]

    m1 = (tuple(points["m1_proximal"]), tuple(points["m1_distal"]))
    m2 = (tuple(points["m2_proximal"]), tuple(points["m2_distal"]))
    draw.line(extended(*m1), fill=(255, 196, 0), width=width)
    draw.line(extended(*m2, k=1.3), fill=(0, 200, 255), width=width)
    base, planned_end = planned_axis(points, correction)
    draw.line(extended(base, planned_end), fill=(60, 230, 90), width=width + 1)
    head_now = extended(*m1)[1]
    head_then = extended(base, planned_end)[1]
    draw.line([head_now, head_then], fill=(60, 230, 90), width=width)
    r = 3 * width
    draw.ellipse(
        (head_then[0] - r, head_then[1] - r, head_then[0] + r, head_then[1] + r),
        outline=(60, 230, 90),
        width=width,
    )
    shift = (
        f"{plan.planned_shift_mm:.1f} mm ({plan.planned_shift_pct:.0f} % of width)"
        if plan.planned_shift_mm is not None and plan.planned_shift_pct is not None
        else "shift not computed"
    )
    lines = [
        f"Now: IMA {results['ima_deg']}° (yellow M1 axis, blue M2 axis)",
        f"Planned: IMA {plan.target_ima_deg:g}° (green), lateral shift {shift}",
        "First-order sketch: ignores rotation, shortening and soft tissues.",
    ]
    y = 2 * r
    for line in lines:
        draw.text(
            (2 * r, y), line, fill=(255, 255, 255), font=font, stroke_width=2, stroke_fill=(0, 0, 0)
        )
        y += int(font_size * 1.35)
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG", compress_level=3)
    return buffer.getvalue()
