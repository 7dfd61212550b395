"""What the surgery PDFs share: a Unicode font, safe paragraphs and a few paragraph styles.

Every PDF must lay out any text its forms accept (issue 12, item 12): 4,000
characters, words with no spaces, many newlines, non-Latin scripts, right-to-
left text and emoji. So:

- the text font is DejaVu Sans where the system has it (Latin, Greek,
  Cyrillic, Hebrew, Arabic, many symbols), else the Vera font bundled with
  reportlab; a character the font cannot draw becomes a visible placeholder
  (□, else "?") rather than an invisible or broken glyph;
- typed text is escaped, control characters dropped, runs of blank lines
  collapsed to one, and right-to-left runs put in visual order (a simple
  reordering: Arabic letters are not shaped into their joined forms);
- long text goes in paragraphs that may split across pages, and table rows
  may split inside a cell, so no cell can be taller than a page.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import reportlab
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, Table

# Compressed streams written as binary, not also ASCII85-encoded (reportlab's
# default, for 7-bit mail): the same pages, a smaller file, and the encoding
# was a tenth of the time of a consent sheet in pure Python (issue 13).
rl_config.useA85 = 0

MUTED = colors.HexColor("#4a5560")
BRAND = colors.HexColor("#083f77")
RULE = colors.HexColor("#c9d1d9")

FONT = "HalluxPath-Sans"
FONT_BOLD = "HalluxPath-Sans-Bold"
_SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
)
_BUNDLED = os.path.join(os.path.dirname(reportlab.__file__), "fonts")


@dataclass(frozen=True)
class FontFiles:
    regular: str
    bold: str


def font_files() -> FontFiles:
    """DejaVu Sans from the system when present, else reportlab's own Vera."""
    for folder in _SYSTEM_FONTS:
        regular = os.path.join(folder, "DejaVuSans.ttf")
        bold = os.path.join(folder, "DejaVuSans-Bold.ttf")
        if os.path.isfile(regular) and os.path.isfile(bold):
            return FontFiles(regular, bold)
    return FontFiles(os.path.join(_BUNDLED, "Vera.ttf"), os.path.join(_BUNDLED, "VeraBd.ttf"))


@functools.cache
def _glyphs() -> frozenset[int]:
    """Register the fonts once; the code points the regular face can draw."""
    files = font_files()
    regular = TTFont(FONT, files.regular)
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(TTFont(FONT_BOLD, files.bold))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )
    return frozenset(regular.face.charToGlyph)


def _placeholder() -> str:
    return "\u25a1" if 0x25A1 in _glyphs() else "?"


_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")
_RTL = {"R", "AL"}
_NEUTRAL = {"WS", "ON", "CS", "ES", "ET", "BN", "NSM"}


def _visual_order(line: str) -> str:
    """Reverse each right-to-left run (with the spaces and punctuation inside it)."""
    kinds = [unicodedata.bidirectional(c) for c in line]
    if not any(k in _RTL for k in kinds):
        return line
    out: list[str] = []
    i = 0
    while i < len(line):
        if kinds[i] not in _RTL:
            out.append(line[i])
            i += 1
            continue
        end = i
        j = i
        while j < len(line) and (kinds[j] in _RTL or kinds[j] in _NEUTRAL):
            if kinds[j] in _RTL:
                end = j
            j += 1
        out.append(line[i : end + 1][::-1])
        i = end + 1
    return "".join(out)


def clean(text: object) -> str:
    """Typed text as the font can draw it: placeholders for missing glyphs, no control
    characters, at most one blank line in a row, right-to-left runs in visual order."""
    value = str(text)
    return _clean_short(value) if len(value) <= CACHED_TEXT_CHARS else _clean(value)


# Most of a sheet's text is the same on every sheet (the risks, the recovery):
# each distinct short text is cleaned once (issue 13: the demo load issues
# hundreds of sheets); long typed notes are cleaned each time.
CACHED_TEXT_CHARS = 600


@functools.lru_cache(maxsize=2048)
def _clean_short(text: str) -> str:
    return _clean(text)


def _clean(text: str) -> str:
    glyphs = _glyphs()
    mark = _placeholder()
    value = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    value = _BLANK_LINES.sub("\n\n", value)
    chars = []
    for c in value:
        if c in "\n\t":
            chars.append(" " if c == "\t" else c)
        elif unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        elif ord(c) in glyphs or c == " ":
            chars.append(c)
        elif unicodedata.category(c).startswith("M"):
            continue  # a combining mark the font lacks: drop it, keep its letter
        else:
            chars.append(mark)
    return "\n".join(_visual_order(line) for line in "".join(chars).split("\n"))


def escape(text: object) -> str:
    """Make typed text safe inside a reportlab Paragraph (its markup is XML-like)."""
    return (
        clean(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", "<br/>")
    )


def para(text: object, style: ParagraphStyle, *, bold: bool = False) -> Paragraph:
    """A paragraph of typed text: escaped, drawable, long words broken, splittable."""
    body = escape(text)
    return Paragraph(f"<b>{body}</b>" if bold else body, style)


def table(rows: list[list[Any]], widths: list[float], **options: Any) -> Table:
    """A table whose rows may split across pages inside a cell (a long note never overflows)."""
    return Table(rows, colWidths=widths, splitInRow=1, **options)


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle


def styles(name: str, *, body_size: float, h1_size: float, h2_size: float) -> Styles:
    _glyphs()
    sample = getSampleStyleSheet()
    body = ParagraphStyle(
        f"{name}-body",
        parent=sample["BodyText"],
        fontName=FONT,
        fontSize=body_size,
        leading=body_size * 1.3,
        splitLongWords=1,
        wordWrap=None,
    )
    return Styles(
        body=body,
        small=ParagraphStyle(
            f"{name}-small", parent=body, fontSize=8.5, leading=11, textColor=MUTED
        ),
        h1=ParagraphStyle(
            f"{name}-h1",
            parent=sample["Heading1"],
            fontName=FONT_BOLD,
            fontSize=h1_size,
            leading=h1_size * 1.25,
        ),
        h2=ParagraphStyle(
            f"{name}-h2",
            parent=sample["Heading2"],
            fontName=FONT_BOLD,
            fontSize=h2_size,
            leading=h2_size * 1.25,
            spaceBefore=6,
            textColor=BRAND,
        ),
    )
