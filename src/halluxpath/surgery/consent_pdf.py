"""The consent and risk sheet as a PDF (reportlab), from core.consent content."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
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
from halluxpath.surgery.pdf import RULE, escape, para, styles, table

_S = styles("consent", body_size=11.5, h1_size=18, h2_size=13.5)
BODY, SMALL, H1, H2 = _S.body, _S.small, _S.h1, _S.h2
HIGHLIGHT = colors.HexColor("#fff6e5")


def _bullets(lines: tuple[str, ...]) -> ListFlowable:
    items: list[Flowable] = [para(line, BODY) for line in lines]
    return ListFlowable(items, bulletType="bullet", start="•", leftIndent=12)


SIGNATURES = (
    ("Patient", ("Signature", "Name", "Date")),
    ("Clinician taking consent", ("Signature", "Name and role", "Date")),
    ("Interpreter (if one was used)", ("Signature", "Name and language", "Date")),
)


def _signature_block() -> list[Flowable]:
    """Lines to sign on the paper copy: patient, clinician, interpreter if used (DOMAIN §8)."""
    story: list[Flowable] = [
        Paragraph("Signatures", H2),
        para(
            "I have read this sheet, my questions have been answered and I agree to the "
            "operation described.",
            BODY,
        ),
    ]
    rows = []
    for who, fields in SIGNATURES:
        rows.append([para(who, BODY, bold=True), "", ""])
        rows.append([para(f, SMALL) for f in fields])
        rows.append(["", "", ""])
    block = table(rows, [70 * mm, 70 * mm, 34 * mm], rowHeights=None)
    style: list[Any] = [("VALIGN", (0, 0), (-1, -1), "BOTTOM")]
    for index in range(len(SIGNATURES)):
        line_row = index * 3 + 2
        style += [
            ("LINEABOVE", (0, line_row), (-1, line_row), 0.6, colors.black),
            ("TOPPADDING", (0, line_row - 1), (-1, line_row - 1), 18),
        ]
    block.setStyle(TableStyle(style))
    return [KeepTogether([*story, Spacer(1, 2 * mm), block])]


def _risk_table(lines: tuple[RiskLine, ...], highlight: bool) -> Table:
    rows = [
        [para(line.topic, BODY, bold=True), para(line.text, BODY), para(line.source, SMALL)]
        for line in lines
    ]
    risks = table(rows, [38 * mm, 104 * mm, 30 * mm])
    style: list[Any] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if highlight:
        style.append(("BACKGROUND", (0, 0), (-1, -1), HIGHLIGHT))
        style.append(("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor("#7a4b00")))
    risks.setStyle(TableStyle(style))
    return risks


SheetKey = tuple[ConsentContent, int, str, str, str, str]
# Sheets drawn ahead, in another process, by ``render``'s exact inputs (the
# demo loader's worker: issue 13). ``render`` takes one out instead of drawing
# it again; inputs that differ in anything simply miss.
_DRAWN_AHEAD: dict[SheetKey, bytes] = {}


def sheet_key(
    content: ConsentContent,
    *,
    sheet_number: int,
    prepared_by: str,
    prepared_on: str,
    date_of_birth: str = "",
    hospital_number: str = "",
) -> SheetKey:
    return (content, sheet_number, prepared_by, prepared_on, date_of_birth, hospital_number)


def drawn_ahead(key: SheetKey, pdf: bytes) -> None:
    """Hand ``render`` a sheet drawn elsewhere by ``render(**)`` from exactly these inputs."""
    _DRAWN_AHEAD[key] = pdf


def forget_drawn_ahead() -> None:
    _DRAWN_AHEAD.clear()


def render(
    content: ConsentContent,
    *,
    sheet_number: int,
    prepared_by: str,
    prepared_on: str,
    date_of_birth: str = "",
    hospital_number: str = "",
) -> bytes:
    """The sheet as given to the patient; dates arrive already in the clinic's format."""
    ahead = _DRAWN_AHEAD.pop(
        (content, sheet_number, prepared_by, prepared_on, date_of_birth, hospital_number), None
    )
    return (
        ahead
        if ahead is not None
        else draw(
            content,
            sheet_number=sheet_number,
            prepared_by=prepared_by,
            prepared_on=prepared_on,
            date_of_birth=date_of_birth,
            hospital_number=hospital_number,
        )
    )


def draw(
    content: ConsentContent,
    *,
    sheet_number: int,
    prepared_by: str,
    prepared_on: str,
    date_of_birth: str = "",
    hospital_number: str = "",
) -> bytes:
    """``render`` without the sheets drawn ahead: always lays the sheet out."""
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
            f"For <b>{escape(content.patient_name)}</b>"
            + (f", born {escape(date_of_birth)}" if date_of_birth else "")
            + (f" · hospital number {escape(hospital_number)}" if hospital_number else "")
            + f" · {escape(content.side)} foot · sheet {sheet_number} "
            f"({escape(content.version)}), prepared {escape(prepared_on)} by "
            f"{escape(prepared_by)}",
            SMALL,
        ),
        Spacer(1, 4 * mm),
        Paragraph("What is planned", H2),
        Paragraph(escape(content.procedure) + ".", BODY),
        Paragraph(escape(content.what_happens), BODY),
        Paragraph("What it aims to do", H2),
        _bullets(content.goals),
        Paragraph("It is not done just to change how the foot looks.", BODY),
        Paragraph("Other choices", H2),
        Paragraph(escape(content.alternatives), BODY),
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
        Paragraph(escape(content.recovery), BODY),
        _bullets(content.aftercare),
        Paragraph("Your part", H2),
        Paragraph(escape(content.your_part), BODY),
        Spacer(1, 4 * mm),
        Paragraph(escape(content.sources_note), SMALL),
        Paragraph(
            "Please ask about anything that is not clear. You can change your mind at "
            "any time before the operation.",
            BODY,
        ),
        *_signature_block(),
    ]
    document.build(story)
    return buffer.getvalue()
