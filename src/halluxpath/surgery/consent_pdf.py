"""The consent and risk sheet as a PDF (reportlab), from core.consent content."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from halluxpath.core.consent import ConsentContent, RiskLine

STYLES = getSampleStyleSheet()
BODY = ParagraphStyle(
    "body", parent=STYLES["BodyText"], fontSize=11.5, leading=15, alignment=TA_LEFT
)
SMALL = ParagraphStyle(
    "small", parent=BODY, fontSize=8.5, leading=11, textColor=colors.HexColor("#4a5560")
)
H1 = ParagraphStyle("h1", parent=STYLES["Heading1"], fontSize=18, leading=22)
H2 = ParagraphStyle(
    "h2",
    parent=STYLES["Heading2"],
    fontSize=13.5,
    leading=17,
    spaceBefore=8,
    textColor=colors.HexColor("#083f77"),
)
HIGHLIGHT = colors.HexColor("#fff6e5")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _bullets(lines: tuple[str, ...]) -> ListFlowable:
    items: list[Flowable] = [Paragraph(_escape(line), BODY) for line in lines]
    return ListFlowable(items, bulletType="bullet", start="•", leftIndent=12)


def _risk_table(lines: tuple[RiskLine, ...], highlight: bool) -> Table:
    rows = [
        [
            Paragraph(f"<b>{_escape(line.topic)}</b>", BODY),
            Paragraph(_escape(line.text), BODY),
            Paragraph(_escape(line.source), SMALL),
        ]
        for line in lines
    ]
    table = Table(rows, colWidths=[38 * mm, 104 * mm, 30 * mm])
    style: list[Any] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#c9d1d9")),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if highlight:
        style.append(("BACKGROUND", (0, 0), (-1, -1), HIGHLIGHT))
        style.append(("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor("#7a4b00")))
    table.setStyle(TableStyle(style))
    return table


def render(
    content: ConsentContent, *, sheet_number: int, prepared_by: str, prepared_on: str
) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title="Your bunion operation: what it involves and its risks",
        author="HalluxPath",
        subject=content.version,
    )
    story: list[Flowable] = [
        Paragraph("Your bunion operation", H1),
        Paragraph(
            f"For <b>{_escape(content.patient_name)}</b> · {content.side} foot · "
            f"sheet {sheet_number} ({content.version}), prepared {prepared_on} by "
            f"{_escape(prepared_by)}",
            SMALL,
        ),
        Spacer(1, 4 * mm),
        Paragraph("What is planned", H2),
        Paragraph(_escape(content.procedure) + ".", BODY),
        Paragraph(_escape(content.what_happens), BODY),
        Paragraph("What it aims to do", H2),
        _bullets(content.goals),
        Paragraph("It is not done just to change how the foot looks.", BODY),
        Paragraph("Other choices", H2),
        Paragraph(_escape(content.alternatives), BODY),
    ]
    if content.personal_risks:
        story += [
            KeepTogether(
                [
                    Paragraph("Risks that are higher for you", H2),
                    Paragraph("From your health check before the operation:", BODY),
                    _risk_table(content.personal_risks, highlight=True),
                ]
            )
        ]
    story += [
        Paragraph("Risks for everyone", H2),
        _risk_table(content.general_risks, highlight=False),
        Paragraph("Recovery", H2),
        Paragraph(_escape(content.recovery), BODY),
        _bullets(content.aftercare),
        Paragraph("Your part", H2),
        Paragraph(_escape(content.your_part), BODY),
        Spacer(1, 4 * mm),
        Paragraph(_escape(content.sources_note), SMALL),
        Paragraph(
            "Please ask about anything that is not clear. You can change your mind at "
            "any time before the operation.",
            BODY,
        ),
    ]
    document.build(story)
    return buffer.getvalue()
