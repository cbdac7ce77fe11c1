"""The layout vocabulary shared by the document templates and the renderer.

Templates describe a page as a list of these blocks; the renderer alone decides where each
line lands. Keeping the vocabulary tiny (paragraphs, two columns, field rows, tables) is what
lets the renderer know every drawn line, and therefore the exact ground truth.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "centre", "right", "justify"]
FieldValue = str | int


@dataclass(frozen=True)
class Run:
    """A piece of text in one style; consecutive runs are joined by one space."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    """Wrapped text. ``size`` None means the document's body size.

    ``rule_below`` draws a horizontal rule under the last line, as a fraction of that line's
    width (Decree 30: 1/3-1/2 under the agency name and the subject, full under the motto).
    """

    runs: tuple[Run, ...]
    align: Align = "justify"
    size: float | None = None
    first_indent: float = 0.0
    left_indent: float = 0.0
    space_before: float = 0.0
    space_after: float = 0.0
    rule_below: float = 0.0


@dataclass(frozen=True)
class Spacer:
    """Vertical white space in points."""

    height: float


@dataclass(frozen=True)
class Signature:
    """Room for a handwritten signature; ``seed`` fixes the scribble drawn there."""

    height: float = 56.0
    seed: int = 0


@dataclass(frozen=True)
class Placeholder:
    """Room for a picture that is not text (an ID photo, the national emblem, a chip): a
    light grey shape with a thin outline, centred in its column."""

    width: float
    height: float
    shape: Literal["rect", "circle"] = "rect"
    space_after: float = 0.0


@dataclass(frozen=True)
class QrCode:
    """A QR code in the flow, centred in its column; ``size`` is the symbol's side in
    points without the quiet zone (keep the column's neighbours four modules away)."""

    payload: str
    size: float
    space_after: float = 0.0


@dataclass(frozen=True)
class FieldRow:
    """Several labelled fields on one line at tab stops (fractions of the text width, or of
    the column's width inside a :class:`Columns` block).

    When they do not fit, each field becomes its own left-aligned paragraph.
    """

    cells: tuple[tuple[Run, ...], ...]
    stops: tuple[float, ...] = ()
    size: float | None = None
    left_indent: float = 0.0
    space_after: float = 0.0


ColumnItem = Paragraph | Spacer | Signature | Placeholder | QrCode | FieldRow


@dataclass(frozen=True)
class Columns:
    """Two independent columns side by side (header, signature blocks).

    Reading order of the ground truth: every left line, then every right line.
    """

    left: tuple[ColumnItem, ...]
    right: tuple[ColumnItem, ...]
    split: float = 0.42  # share of the (bled) width taken by the left column
    bleed_left: float = 0.0  # points the block reaches into the left margin
    bleed_right: float = 0.0  # ... and into the right margin (Decree 30 headers do)
    space_before: float = 0.0
    space_after: float = 0.0


@dataclass(frozen=True)
class Table:
    """A ruled table; ``widths`` are fractions of the text width, cells wrap ("\n" breaks
    a cell's line). An empty ``header`` draws no header row (label | value tables);
    ``bold_columns`` are set in bold, as forms print their labels."""

    widths: tuple[float, ...]
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    size: float | None = None
    centred_columns: tuple[int, ...] = (0,)
    space_after: float = 6.0
    bold_columns: tuple[int, ...] = ()


Block = Paragraph | Spacer | Columns | FieldRow | Table

MM = 72 / 25.4
# Where one-stop systems print their QR code (Circular 01/2023/TT-VPCP): the top-left corner
# of page 1, left of a header that makes room for it. Points from the page's left and top
# edges. Modules are 1/50 inch (0.508 mm): whole pixels at 150, 200, 300 and 600 dpi, which
# OpenCV's detector needs at 200 dpi; the symbol (a version 10-12 one for our payloads,
# 29-33 mm) grows with its payload, its quiet zone is the white page around it.
CORNER_QR_LEFT = 0.24 * 72
CORNER_QR_TOP = 0.24 * 72
CORNER_QR_MODULE = 72 / 50


@dataclass(frozen=True)
class PageSetup:
    """Paper size and margins in points; ``numbered`` prints page numbers from page 2."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    numbered: bool = True

    @property
    def text_width(self) -> float:
        return self.width - self.left - self.right


@dataclass(frozen=True)
class SampleDocument:
    """One synthetic document: what to draw, page by page, and what it means.

    ``pages`` are the pages the template intends; the renderer adds a page if one
    overflows. ``fields`` is the ground truth for field extraction (canonical values: ISO
    dates, names in normal case, amounts as int), not necessarily the printed form.
    ``page`` None is A4 with the Decree 30 margins. ``corner_qr`` is the payload of a QR
    code at the top-left corner of page 1 (see ``CORNER_QR_*``). ``scan_scale`` multiplies
    the capture resolution of rasters: ID cards are scanned finer than A4 pages.
    ``layout`` names the layout the document was drawn in (see ``samples.content.LAYOUTS``)
    and ``font`` the typeface family: "serif" (Times New Roman's twin, Decree 30) or "sans"
    (Arial's twin, which many one-stop and e-receipt systems print in).
    """

    doc_type: str
    title: str
    pages: tuple[tuple[Block, ...], ...]
    fields: dict[str, FieldValue] = field(default_factory=dict)
    body_size: float = 13.0
    page: PageSetup | None = None
    corner_qr: str | None = None
    scan_scale: int = 1
    layout: str = ""
    font: Literal["serif", "sans"] = "serif"


#: A layout of a document type: (seeded generator, pages wanted, corner QR wanted) -> document.
Layout = Callable[[random.Random, int | None, bool | None], SampleDocument]
