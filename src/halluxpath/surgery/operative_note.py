"""The operative note as a PDF (reportlab), from the structured operative record."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from halluxpath.surgery.models import OperativeRecord
from halluxpath.surgery.pdf import RULE, escape, styles

_S = styles("note", body_size=10, h1_size=16, h2_size=12)
BODY, SMALL, H1, H2 = _S.body, _S.small, _S.h1, _S.h2

STEPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "1. Anaesthesia",
        (
            ("anaesthesia_primary", "Anaesthesia"),
            ("sedation", "Sedation"),
            ("tourniquet", "Tourniquet"),
            ("tourniquet_site", "Tourniquet site"),
            ("tourniquet_pressure_mmhg", "Pressure (mmHg)"),
            ("tourniquet_minutes", "Tourniquet time (min)"),
        ),
    ),
    ("3. Soft-tissue dissection", (("lateral_release", "Lateral release"),)),
    (
        "4. Osteotomy",
        (("translation_achieved_pct", "Translation achieved (%)"), ("rotation", "Rotation")),
    ),
    ("6. Soft-tissue repair", (("soft_tissue_repair", "Repair"), ("exostectomy", "Exostectomy"))),
    ("7. Closure", (("closure", "Closure"), ("dressing", "Dressing"))),
    (
        "In theatre",
        (
            ("fluoro_shots", "Fluoroscopy shots"),
            ("fluoro_time_s", "Fluoroscopy (s)"),
            ("fluoro_dap_mgy_cm2", "Dose-area product (mGy·cm²)"),
            ("operative_time_min", "Skin to skin (min)"),
            ("conversion_to_open", "Converted to open"),
            ("conversion_reason", "Reason"),
            ("intraop_events", "Events"),
            ("notes", "Notes"),
        ),
    ),
)


def _text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v).replace("_", " ") for v in value)
    return str(value).replace("_", " ")


def _table(rows: list[list[str]], widths: list[float], header: bool = False) -> Table:
    cells = [[Paragraph(escape(c), BODY) for c in row] for row in rows]
    table = Table(cells, colWidths=widths)
    style: list[Any] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f5f7")))
    table.setStyle(TableStyle(style))
    return table


def render(record: OperativeRecord) -> bytes:
    episode = record.episode
    patient = episode.patient
    content = record.record_content
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title="Operative note",
        author="HalluxPath",
    )
    signed = (
        f"Signed by {record.signed_by} on {record.signed_at:%d %b %Y %H:%M}"
        if record.signed_at
        else "NOT SIGNED"
    )
    story: list[Flowable] = [
        Paragraph("Operative note: MIS hallux valgus correction", H1),
        Paragraph(
            escape(
                f"{patient.full_name} · hospital number {patient.hospital_number} · "
                f"born {patient.date_of_birth:%d %b %Y} · "
                f"{episode.get_side_display().upper()} foot · operated on "
                f"{record.operated_on:%d %b %Y}"
            ),
            BODY,
        ),
        Paragraph(escape(signed), SMALL),
        Spacer(1, 3 * mm),
    ]
    for title, fields in STEPS[:1]:
        story += [
            Paragraph(title, H2),
            _table(
                [[label, _text(content.get(key))] for key, label in fields], [60 * mm, 114 * mm]
            ),
        ]
    story += [
        Paragraph("2. Incisions", H2),
        _table(
            [["Site", "Length (mm)"]]
            + [
                [_text(i.get("site")), _text(i.get("length_mm"))]
                for i in content.get("incisions", [])
            ],
            [60 * mm, 114 * mm],
            header=True,
        ),
    ]
    if content.get("incisions_over_5mm"):
        story.append(Paragraph("Incisions over 5 mm are outside the MIS definition.", SMALL))
    for title, fields in STEPS[1:3]:
        story += [
            Paragraph(title, H2),
            _table(
                [[label, _text(content.get(key))] for key, label in fields], [60 * mm, 114 * mm]
            ),
        ]
    story.append(
        _table(
            [["Bone", "Level", "Type", "Instrument"]]
            + [
                [
                    _text(o.get("bone")),
                    _text(o.get("level")),
                    _text(o.get("type")),
                    _text(o.get("instrument")),
                ]
                for o in content.get("osteotomies", [])
            ],
            [30 * mm, 48 * mm, 48 * mm, 48 * mm],
            header=True,
        )
    )
    story += [
        Paragraph("5. Fixation", H2),
        _table(
            [["Bone", "Implant", "Ø (mm)", "Length (mm)", "Manufacturer", "Lot / UDI"]]
            + [
                [
                    _text(i.get("bone")),
                    _text(i.get("kind")),
                    _text(i.get("diameter_mm")),
                    _text(i.get("length_mm")),
                    _text(i.get("manufacturer")),
                    _text(i.get("lot")),
                ]
                for i in content.get("implants", [])
            ],
            [20 * mm, 36 * mm, 18 * mm, 24 * mm, 40 * mm, 36 * mm],
            header=True,
        ),
    ]
    for title, fields in STEPS[3:]:
        story += [
            Paragraph(title, H2),
            _table(
                [[label, _text(content.get(key))] for key, label in fields], [60 * mm, 114 * mm]
            ),
        ]
    amendments = list(record.amendments.select_related("author"))
    if amendments:
        story.append(Paragraph("Amendments after signing", H2))
        for a in amendments:
            changes = "; ".join(
                f"{k}: {_text(v.get('before'))} → {_text(v.get('after'))}"
                for k, v in a.field_changes.items()
            )
            story.append(
                Paragraph(
                    escape(f"{a.made_at:%d %b %Y %H:%M}, {a.author}: {a.reason} ({changes})"), BODY
                )
            )
    document.build(story)
    return buffer.getvalue()
