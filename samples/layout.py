"""The layout vocabulary shared by the document templates and the renderer.

Templates describe a page as a list of these blocks; the renderer alone decides where each
line lands. Keeping the vocabulary tiny (paragraphs, two columns, field rows, tables) is what
lets the renderer know every drawn line, and therefore the exact ground truth.
"""

from __future__ import annotations

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


ColumnItem = Paragraph | Spacer | Signature


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
class FieldRow:
    """Several labelled fields on one line at tab stops (fractions of the text width).

    When they do not fit, each field becomes its own left-aligned paragraph.
    """

    cells: tuple[tuple[Run, ...], ...]
    stops: tuple[float, ...] = ()
    size: float | None = None
    left_indent: float = 0.0
    space_after: float = 0.0


@dataclass(frozen=True)
class Table:
    """A ruled table; ``widths`` are fractions of the text width, cells wrap."""

    widths: tuple[float, ...]
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    size: float | None = None
    centred_columns: tuple[int, ...] = (0,)
    space_after: float = 6.0


Block = Paragraph | Spacer | Columns | FieldRow | Table


@dataclass(frozen=True)
class SampleDocument:
    """One synthetic document: what to draw, page by page, and what it means.

    ``pages`` are the pages the template intends; the renderer adds a page if one
    overflows. ``fields`` is the ground truth for field extraction (canonical values: ISO
    dates, names in normal case, amounts as int), not necessarily the printed form.
    """

    doc_type: str
    title: str
    pages: tuple[tuple[Block, ...], ...]
    fields: dict[str, FieldValue] = field(default_factory=dict)
    body_size: float = 13.0
