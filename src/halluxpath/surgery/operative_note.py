"""The operative note as a PDF (reportlab), from the structured operative record."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from halluxpath.core import operative
from halluxpath.records import SchemaError
from halluxpath.surgery.models import OperativeRecord
from halluxpath.surgery.pdf import RULE, escape, para, styles, table

_S = styles("note", body_size=10, h1_size=16, h2_size=12)
BODY, SMALL, H1, H2 = _S.body, _S.small, _S.h1, _S.h2
H3 = ParagraphStyle("note-h3", parent=BODY, fontName=H2.fontName, spaceBefore=4)

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
FIELD_LABELS = {key: label for _, fields in STEPS for key, label in fields} | {
    "operated_on": "Date of operation",
    "incisions": "Incisions",
    "implants": "Implants",
    "osteotomies": "Osteotomies",
}


def _text(value: Any, field: str = "") -> str:
    return operative.shown(field, value)


def _table(rows: list[list[str]], widths: list[float], header: bool = False) -> Table:
    cells = [[para(c, BODY) for c in row] for row in rows]
    result = table(cells, widths, repeatRows=1 if header else 0)
    style: list[Any] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f5f7")))
    result.setStyle(TableStyle(style))
    return result


LONG_TEXT = ("notes", "conversion_reason")  # free text: paragraphs below the step's table


def _step(title: str, fields: tuple[tuple[str, str], ...], content: dict[str, Any]) -> list[Any]:
    short = [(key, label) for key, label in fields if key not in LONG_TEXT]
    story: list[Any] = [Paragraph(escape(title), H2)]
    if short:
        story.append(
            _table(
                [[label, _text(content.get(key), key)] for key, label in short],
                [60 * mm, 114 * mm],
            )
        )
    for key, label in fields:
        if key in LONG_TEXT:
            story += [Paragraph(escape(label), H3), para(_text(content.get(key), key), BODY)]
    return story


def _when(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _person(user: Any) -> str:
    if user is None:
        return "—"
    return str(user.get_full_name() or user.get_username())


def render(record: OperativeRecord) -> bytes:
    episode = record.episode
    patient = episode.patient
    content, unreadable = record.readable_record
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
        f"Signed by {_person(record.signed_by)} on {_when(record.signed_at)}"
        if record.signed_at
        else "NOT SIGNED"
    )
    story: list[Flowable] = [
        Paragraph("Operative note: MIS hallux valgus correction", H1),
        para(
            f"{patient.full_name} · hospital number {patient.hospital_number} · "
            f"born {date_format(patient.date_of_birth)} · "
            f"{episode.get_side_display().upper()} foot · operated on "
            f"{date_format(record.operated_on)}",
            BODY,
        ),
        para(signed, SMALL),
        Spacer(1, 3 * mm),
    ]
    if unreadable:
        story.append(
            para(
                "Unreadable in this stored record (written before the record was checked; "
                "shown as it can be read): " + ", ".join(unreadable) + ".",
                SMALL,
                bold=True,
            )
        )
    for title, fields in STEPS[:1]:
        story += _step(title, fields, content)
    story += [
        Paragraph("2. Incisions", H2),
        _table(
            [["Site", "Length (mm)"]]
            + [
                [_text(i.get("site"), "site"), _text(i.get("length_mm"))]
                for i in content.get("incisions", [])
            ],
            [60 * mm, 114 * mm],
            header=True,
        ),
    ]
    if content.get("incisions_over_5mm"):
        story.append(Paragraph("Incisions over 5 mm are outside the MIS definition.", SMALL))
    for title, fields in STEPS[1:3]:
        story += _step(title, fields, content)
    story.append(
        _table(
            [["Bone", "Level", "Type", "Instrument"]]
            + [
                [
                    _text(o.get("bone"), "bone"),
                    _text(o.get("level"), "level"),
                    _text(o.get("type"), "type"),
                    _text(o.get("instrument"), "instrument"),
                ]
                for o in content.get("osteotomies", [])
            ],
            [38 * mm, 48 * mm, 48 * mm, 40 * mm],
            header=True,
        )
    )
    story += [
        Paragraph("5. Fixation", H2),
        _table(
            [["Bone", "Implant", "Ø (mm)", "Length (mm)", "Manufacturer", "Lot / UDI"]]
            + [
                [
                    _text(i.get("bone"), "bone"),
                    _text(i.get("kind"), "kind"),
                    _text(i.get("diameter_mm")),
                    _text(i.get("length_mm")),
                    _text(i.get("manufacturer")),
                    _text(i.get("lot")),
                ]
                for i in content.get("implants", [])
            ],
            [26 * mm, 32 * mm, 16 * mm, 20 * mm, 42 * mm, 38 * mm],
            header=True,
        ),
    ]
    for title, fields in STEPS[3:]:
        story += _step(title, fields, content)
    amendments = list(record.amendments.select_related("author"))
    if amendments:
        story.append(Paragraph("Amendments after signing", H2))
        for a in amendments:
            try:
                changed = a.field_changes
            except SchemaError:
                changed = {}
            changes = "; ".join(
                f"{FIELD_LABELS.get(k, k)}: {_text(v.get('before'), k)} → "
                f"{_text(v.get('after'), k)}"
                if isinstance(v, dict)
                else f"{FIELD_LABELS.get(k, k)}: unreadable"
                for k, v in changed.items()
            )
            story.append(
                para(f"{_when(a.made_at)}, {_person(a.author)}: {a.reason} ({changes})", BODY)
            )
    document.build(story)
    return buffer.getvalue()
