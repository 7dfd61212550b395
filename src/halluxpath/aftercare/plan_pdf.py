"""The patient's aftercare plan as a plain-language A4 PDF (reportlab).

The same plan the Today page reads from (``plans.as_core``), printed as a
dated timeline for the fridge door: who it is for, when to get help now
(DOMAIN §12, the Today page's wording), what to do from which day, and which
template and sources it was built from.
"""

from __future__ import annotations

import datetime as dt
import io
from itertools import groupby

from django.utils import timezone
from django.utils.formats import date_format, time_format
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from halluxpath.aftercare.contact import ClinicContact, contact_for
from halluxpath.aftercare.models import AftercarePlan
from halluxpath.aftercare.plans import as_core
from halluxpath.core.pathway import PlanItem
from halluxpath.patients.models import Patient
from halluxpath.surgery.pdf import BRAND, FONT, FONT_BOLD, MUTED, RULE, escape, styles

_S = styles("aftercare", body_size=11, h1_size=18, h2_size=13.5)
BODY, SMALL, H1, H2 = _S.body, _S.small, _S.h1, _S.h2
DANGER = colors.HexColor("#a4161a")
DANGER_WASH = colors.HexColor("#fdecec")
WASH = colors.HexColor("#f3f5f7")
KICKER = ParagraphStyle("aftercare-kicker", parent=SMALL, fontSize=10, textColor=BRAND)
WHEN = ParagraphStyle("aftercare-when", parent=BODY, fontName=FONT_BOLD, textColor=BRAND)
ALERT_TITLE = ParagraphStyle(
    "aftercare-alert-title", parent=BODY, fontName=FONT_BOLD, fontSize=13, textColor=DANGER
)

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN - 12  # inside the frame's 6 pt padding on each side


# The Today page's wording (aftercare/templates/aftercare/today.html), from DOMAIN §12
# R1 (999) and R2, R3, R5, R6, R8 (same-day contact). Change both together.
def red_flags(contact: ClinicContact) -> tuple[str, ...]:
    return (
        "<b>Call 999</b> for sudden breathlessness or chest pain. Do not drive yourself.",
        "For fever, spreading redness, a bad smell, calf pain or bleeding that does not stop, "
        "<b>contact the clinic today</b>: tell us now with the Check-in page of your patient "
        f"portal, or {escape(contact.phone_words())}."
        + ("" if contact.phone_out_of_hours else " Out of hours, call NHS 111."),
    )


def _day(day: dt.date) -> str:
    """A date in the site's locale format (issue 12 item 10)."""
    return date_format(day)


def _span(item: PlanItem) -> str:
    if item.ends_on is None or item.ends_on == item.starts_on:
        return _day(item.starts_on)
    return f"From {_day(item.starts_on)} to {_day(item.ends_on)}"


def _since_operation(days: int) -> str:
    """How far into recovery a date is, as the patient counts it."""
    if days == 0:
        return "The day of your operation"
    if days < 14:
        return f"Day {days}"
    if days < 84:
        weeks = f"{days // 7} weeks" if days % 7 == 0 else f"about {round(days / 7)} weeks"
        return f"Day {days} · {weeks}"
    return f"Day {days} · about {round(days / 30.44)} months"


def _facts(plan: AftercarePlan, patient: Patient) -> Table:
    side = plan.episode.get_side_display().lower()

    def cell(label: str, value: str) -> Paragraph:
        return Paragraph(f'<font size="8.5" color="#4a5560">{label}</font><br/>{value}', BODY)

    table = Table(
        [
            [
                cell("Name", f"<b>{escape(patient.full_name)}</b>"),
                cell("Hospital number", escape(patient.hospital_number)),
                cell("Operated foot", f"<b>{escape(side.capitalize())}</b>"),
                cell("Operation date", _day(plan.operated_on)),
            ]
        ],
        colWidths=[WIDTH * 0.4, WIDTH * 0.19, WIDTH * 0.16, WIDTH * 0.25],
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), WASH),
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _red_flag_box(contact: ClinicContact) -> Table:
    rows = [[Paragraph("When to get help now", ALERT_TITLE)]] + [
        [Paragraph(line, BODY)] for line in red_flags(contact)
    ]
    table = Table(rows, colWidths=[WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), DANGER_WASH),
                ("BOX", (0, 0), (-1, -1), 1, DANGER),
                ("LINEBEFORE", (0, 0), (0, -1), 6, DANGER),
                ("LEFTPADDING", (0, 0), (-1, -1), 12),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, 0), 7),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
            ]
        )
    )
    return table


def _item_cell(item: PlanItem) -> list[Flowable]:
    when = [_span(item)]
    # Booked visits may carry the clinic's time and place (typed by staff).
    if item.time:
        when.append(f"at {time_format(item.time)}")
    if item.place:
        when.append(item.place)
    heading = escape(item.title)
    if item.category == "follow_up":
        heading = f'<font color="#083f77">Clinic visit:</font> {heading}'
    return [
        Paragraph(
            f'<b>{heading}</b>&nbsp;&nbsp;<font size="9" color="#4a5560">'
            f"{escape(' · '.join(when))}</font>",
            BODY,
        ),
        Paragraph(escape(item.instructions), BODY),
    ]


def _timeline(plan: AftercarePlan) -> list[Flowable]:
    """One block per start date: the date on the left, what starts that day on the right."""
    core = as_core(plan)
    blocks: list[Flowable] = []
    for starts_on, group in groupby(core.items, key=lambda i: i.starts_on):
        items = list(group)
        rows = [
            [
                [
                    Paragraph(_day(starts_on), WHEN),
                    Paragraph(_since_operation((starts_on - core.operated_on).days), SMALL),
                ]
                if index == 0
                else "",
                _item_cell(item),
            ]
            for index, item in enumerate(items)
        ]
        table = Table(rows, colWidths=[42 * mm, WIDTH - 42 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEABOVE", (0, 0), (-1, 0), 0.8, BRAND),
                    ("LINEABOVE", (1, 1), (1, -1), 0.3, RULE),
                    ("LEFTPADDING", (0, 0), (0, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        # A day's items stay on one page unless they are longer than a page.
        blocks.append(KeepTogether([table]))
    return blocks


def _contact_lines(contact: ClinicContact) -> list[Flowable]:
    """The clinic's numbers and address, or plain words when the site has none."""
    lines = []
    if contact.phone_in_hours:
        label = "In working hours" if contact.phone_out_of_hours else "Telephone"
        lines.append(f"{label}: <b>{escape(contact.phone_in_hours)}</b>")
    if contact.phone_out_of_hours:
        lines.append(f"Out of hours: <b>{escape(contact.phone_out_of_hours)}</b>")
    if not contact.has_phone:
        lines.append("Contact the clinic as you were told when you left hospital.")
    if contact.address:
        lines.append(escape(contact.address).replace("\n", "<br/>"))
    return [
        Paragraph(f"Contact {escape(contact.name)}", H2),
        *(Paragraph(line, BODY) for line in lines),
    ]


def render(plan: AftercarePlan, patient: Patient) -> bytes:
    buffer = io.BytesIO()
    issued_on = timezone.localtime(plan.issued_at).date()
    footer = (
        f"From the plan “{plan.template}”, version {plan.template_version} · "
        f"issued {_day(issued_on)} · plan version {plan.version}"
    )
    if len(footer) > 120:
        footer = footer[:119] + "…"

    def draw_footer(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        canvas.setStrokeColor(RULE)
        canvas.line(MARGIN + 6, 12 * mm, A4[0] - MARGIN - 6, 12 * mm)
        canvas.drawString(MARGIN + 6, 8 * mm, footer)
        canvas.drawRightString(A4[0] - MARGIN - 6, 8 * mm, f"Page {document.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title="Your aftercare plan",
        author="HalluxPath",
        subject=f"{plan.template} v{plan.template_version}",
    )
    contact = contact_for(patient.site)
    story: list[Flowable] = [
        Paragraph(escape(patient.site.name), KICKER),
        Paragraph("Your aftercare plan", H1),
        _facts(plan, patient),
        Spacer(1, 5 * mm),
        _red_flag_box(contact),
        Spacer(1, 2 * mm),
        Paragraph("Your plan, day by day", H2),
        Paragraph(
            "Each line starts on the date beside it. Where it gives an end date, keep doing "
            "it until then. The clinic will confirm the time of each visit.",
            BODY,
        ),
        Spacer(1, 3 * mm),
        *_timeline(plan),
        Spacer(1, 5 * mm),
        Paragraph(
            "Please ask the clinic about anything that is not clear. If your plan changes, "
            "the clinic gives you a new copy and your patient portal shows the latest.",
            BODY,
        ),
        Spacer(1, 3 * mm),
        *_contact_lines(contact),
        Spacer(1, 3 * mm),
        Paragraph(
            "This plan follows your clinic's aftercare pathway, which is based on published "
            "guidance for this operation. Your care team can tell you more about it.",
            SMALL,
        ),
    ]
    document.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()
