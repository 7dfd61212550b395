"""What the surgery PDFs share: text escaping and a small set of paragraph styles."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

MUTED = colors.HexColor("#4a5560")
BRAND = colors.HexColor("#083f77")
RULE = colors.HexColor("#c9d1d9")


def escape(text: str) -> str:
    """Make typed text safe inside a reportlab Paragraph (its markup is XML-like)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle


def styles(name: str, *, body_size: float, h1_size: float, h2_size: float) -> Styles:
    sample = getSampleStyleSheet()
    body = ParagraphStyle(
        f"{name}-body", parent=sample["BodyText"], fontSize=body_size, leading=body_size * 1.3
    )
    return Styles(
        body=body,
        small=ParagraphStyle(
            f"{name}-small", parent=body, fontSize=8.5, leading=11, textColor=MUTED
        ),
        h1=ParagraphStyle(
            f"{name}-h1", parent=sample["Heading1"], fontSize=h1_size, leading=h1_size * 1.25
        ),
        h2=ParagraphStyle(
            f"{name}-h2",
            parent=sample["Heading2"],
            fontSize=h2_size,
            leading=h2_size * 1.25,
            spaceBefore=6,
            textColor=BRAND,
        ),
    )
