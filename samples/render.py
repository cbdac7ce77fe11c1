"""Typeset a :class:`SampleDocument` as a born-digital PDF and record every drawn line.

Wrapping and justification are done here (with reportlab's ``stringWidth``) rather than by
platypus, so each line of the ground truth is exactly one line drawn on the page. Reading
order: the optional page number, then blocks top to bottom; inside a two-column block all
left-column lines come before the right-column ones. Rasters come from PDFium, the same
renderer the pipeline uses, so clean images match the PDF pixel for pixel. Pages are A4
unless the document sets its own :class:`PageSetup` (ID cards). QR codes are drawn as
filled vector squares, one path per symbol so that rasters have no seams between modules,
and their payloads are recorded per page beside the lines (they are not text).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pypdfium2 as pdfium
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from samples import qr
from samples.drawing import INK, Draw, placeholder_drawer, qr_drawer, signature_drawer
from samples.fonts import FontSet, register_fonts
from samples.layout import (
    CORNER_QR_LEFT,
    CORNER_QR_MODULE,
    CORNER_QR_TOP,
    Block,
    ColumnItem,
    Columns,
    FieldRow,
    PageSetup,
    Paragraph,
    Placeholder,
    QrCode,
    Run,
    SampleDocument,
    Spacer,
    Table,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
# Decree 30/2020/NĐ-CP: top/bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 30 * mm, 20 * mm, 20 * mm, 20 * mm
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
A4_DECREE_30 = PageSetup(PAGE_WIDTH, PAGE_HEIGHT, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP,
                         MARGIN_BOTTOM)
LINE_SPACING = 1.2  # leading / font size ("single" in office suites is 1.15)
ASCENT = 0.891  # Liberation Serif ascender / em
DESCENT = 0.216
CELL_PAD = 3.0

Image = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class RenderedDocument:
    """The PDF bytes and, per page, the drawn lines in reading order (NFC) and the payloads
    of the QR codes drawn (corner code first, then in reading order)."""

    pdf: bytes
    pages: tuple[tuple[str, ...], ...]
    qr_codes: tuple[tuple[str, ...], ...] = ()

    def page_qr_codes(self, index: int) -> tuple[str, ...]:
        return self.qr_codes[index] if index < len(self.qr_codes) else ()

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def page_text(self, index: int) -> str:
        """One page's ground truth: its lines joined by newlines."""
        return "\n".join(self.pages[index])

    @property
    def text(self) -> str:
        """Whole-document ground truth: pages separated by a form feed."""
        return "\f".join(self.page_text(i) for i in range(self.page_count))


@dataclass(frozen=True)
class _Word:
    text: str
    font: str
    size: float
    width: float


@dataclass
class _Row:
    """An unbreakable horizontal slice of a page; ``draw`` gets the y of its top edge."""

    height: float
    lines: tuple[str, ...]
    draw: Draw | None = None
    before: float = 0.0
    after: float = 0.0
    codes: tuple[str, ...] = ()  # payloads of the QR codes it draws


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _Typesetter:
    """Turns blocks into rows of known lines."""

    def __init__(self, fonts: FontSet, body_size: float, page: PageSetup = A4_DECREE_30) -> None:
        self.fonts = fonts
        self.body = body_size
        self.page = page
        self.left = page.left
        self.text_width = page.text_width

    # -- words and lines

    def words(self, runs: Sequence[Run], size: float) -> list[_Word]:
        return [w for segment in self.segments(runs, size) for w in segment]

    def segments(self, runs: Sequence[Run], size: float) -> list[list[_Word]]:
        """Words of the runs, split into segments at explicit newlines (forced breaks)."""
        segments: list[list[_Word]] = [[]]
        for run in runs:
            font = self.fonts.name(bold=run.bold, italic=run.italic)
            for i, part in enumerate(_nfc(run.text).split("\n")):
                if i:
                    segments.append([])
                for token in part.split():
                    width = float(stringWidth(token, font, size))
                    segments[-1].append(_Word(token, font, size, width))
        return [s for s in segments if s]

    def space(self, size: float) -> float:
        return float(stringWidth(" ", self.fonts.regular, size))

    def wrap(
        self, words: list[_Word], width: float, first_indent: float = 0.0
    ) -> list[list[_Word]]:
        """Greedy line breaking; a word wider than the line gets a line of its own."""
        lines: list[list[_Word]] = []
        line: list[_Word] = []
        used = 0.0
        for word in words:
            avail = width - (first_indent if not lines else 0.0)
            gap = self.space(word.size) if line else 0.0
            if line and used + gap + word.width > avail:
                lines.append(line)
                line, used, gap = [], 0.0, 0.0
            line.append(word)
            used += gap + word.width
        if line:
            lines.append(line)
        return lines

    def natural_width(self, line: Sequence[_Word]) -> float:
        if not line:
            return 0.0
        return sum(w.width for w in line) + self.space(line[0].size) * (len(line) - 1)

    def line_drawer(self, line: list[_Word], x: float, avail: float, align: str,
                    justify: bool, rule: float, rule_base: float = 0.0) -> Draw:
        size = max(w.size for w in line)
        natural = self.natural_width(line)
        gap = self.space(line[0].size)
        if justify and len(line) > 1 and natural < avail:
            gap += (avail - natural) / (len(line) - 1)
            start = x
            natural = avail
        elif align == "centre":
            start = x + (avail - natural) / 2
        elif align == "right":
            start = x + avail - natural
        else:
            start = x

        def draw(canvas: Canvas, top: float) -> None:
            baseline = top - size * ASCENT
            cursor = start
            for word in line:
                canvas.setFont(word.font, word.size)
                canvas.drawString(cursor, baseline, word.text)
                cursor += word.width + gap
            if rule > 0:
                length = max(natural, rule_base) * rule
                centre = start + natural / 2
                y = baseline - size * DESCENT - 1.5
                canvas.setLineWidth(0.6)
                canvas.line(centre - length / 2, y, centre + length / 2, y)

        return draw

    # -- blocks

    def paragraph(self, p: Paragraph, x: float, width: float) -> list[_Row]:
        size = p.size or self.body
        lines: list[list[_Word]] = []
        for segment in self.segments(p.runs, size):
            lines += self.wrap(segment, width - p.left_indent, 0.0 if lines else p.first_indent)
        if not lines:
            return []
        widest = max(self.natural_width(line) for line in lines)
        rows: list[_Row] = []
        for i, line in enumerate(lines):
            indent = p.left_indent + (p.first_indent if i == 0 else 0.0)
            last = i == len(lines) - 1
            draw = self.line_drawer(
                line,
                x + indent,
                width - indent,
                p.align,
                justify=p.align == "justify" and not last,
                rule=p.rule_below if last else 0.0,
                rule_base=widest,
            )
            rows.append(_Row(size * LINE_SPACING, (" ".join(w.text for w in line),), draw))
        rows[0].before = p.space_before
        rows[-1].after = p.space_after + (4.0 if p.rule_below else 0.0)
        return rows

    def column_item(self, item: ColumnItem, x: float, width: float) -> list[_Row]:
        if isinstance(item, Paragraph):
            return self.paragraph(item, x, width)
        if isinstance(item, Spacer):
            return [_Row(item.height, ())]
        if isinstance(item, Placeholder):
            return [_Row(item.height, (), placeholder_drawer(item, x, width),
                         after=item.space_after)]
        if isinstance(item, FieldRow):
            return self.field_row(item, x, width)
        if isinstance(item, QrCode):
            start = x + (width - item.size) / 2
            return [_Row(item.size, (), qr_drawer(item.payload, start, item.size),
                         after=item.space_after, codes=(item.payload,))]
        return [_Row(item.height, (), signature_drawer(item, x, width))]

    def columns(self, c: Columns) -> _Row:
        full = self.text_width + c.bleed_left + c.bleed_right
        x0 = self.left - c.bleed_left
        left_w = full * c.split
        sides = [
            [r for item in c.left for r in self.column_item(item, x0, left_w)],
            [r for item in c.right for r in self.column_item(item, x0 + left_w, full - left_w)],
        ]
        heights = [_stack_height(rows) for rows in sides]

        def draw(canvas: Canvas, top: float) -> None:
            for rows in sides:
                for row, y in _stack(rows, top):
                    if row.draw:
                        row.draw(canvas, y)

        lines = tuple(line for rows in sides for row in rows for line in row.lines)
        codes = tuple(code for rows in sides for row in rows for code in row.codes)
        return _Row(max(heights), lines, draw, c.space_before, c.space_after, codes)

    def field_row(self, f: FieldRow, x: float | None = None,
                  full: float | None = None) -> list[_Row]:
        size = f.size or self.body
        left = self.left if x is None else x
        full = self.text_width if full is None else full
        width = full - f.left_indent
        stops = f.stops or tuple(i / len(f.cells) for i in range(len(f.cells)))
        cells = [self.words(runs, size) for runs in f.cells]
        xs = [left + f.left_indent + s * width for s in stops]
        ends = [*xs[1:], left + full + 6.0]
        fits = all(x + self.natural_width(c) <= end - 6.0 for x, c, end in
                   zip(xs, cells, ends, strict=True))
        if not fits:
            rows: list[_Row] = []
            for runs in f.cells:
                rows += self.paragraph(Paragraph(runs, "left", size, 0.0, f.left_indent,
                                                 0.0, f.space_after), left, full)
            return rows
        drawers = [self.line_drawer(c, x, end - x, "left", False, 0.0)
                   for c, x, end in zip(cells, xs, ends, strict=True)]

        def draw(canvas: Canvas, top: float) -> None:
            for d in drawers:
                d(canvas, top)

        text = " ".join(w.text for c in cells for w in c)
        return [_Row(size * LINE_SPACING, (text,), draw, 0.0, f.space_after)]

    def table(self, t: Table) -> list[_Row]:
        size = t.size or self.body
        widths = [w * self.text_width for w in t.widths]
        lead = size * LINE_SPACING
        rows: list[_Row] = []
        for index, cells in enumerate((t.header, *t.rows) if t.header else t.rows):
            header = index == 0 and bool(t.header)
            wrapped: list[list[list[_Word]]] = []
            for col, (text, width) in enumerate(zip(cells, widths, strict=True)):
                lines: list[list[_Word]] = []
                for part in text.split("\n"):
                    bold = header or col in t.bold_columns
                    words = self.words((Run(part, bold=bold),), size)
                    lines += self.wrap(words, width - 2 * CELL_PAD) if words else []
                wrapped.append(lines)
            n = max(1, *(len(c) for c in wrapped))
            height = n * lead + 2 * CELL_PAD
            texts = tuple(
                " ".join(" ".join(w.text for w in c[i]) for c in wrapped if i < len(c))
                for i in range(n)
            )
            rows.append(_Row(height, tuple(x for x in texts if x),
                             self._table_row_drawer(t, wrapped, widths, height, header)))
        rows[-1].after = t.space_after
        return rows

    def _table_row_drawer(self, t: Table, wrapped: list[list[list[_Word]]], widths: list[float],
                          height: float, header: bool) -> Draw:
        size = t.size or self.body
        lead = size * LINE_SPACING
        xs = [self.left + sum(widths[:i]) for i in range(len(widths) + 1)]
        drawers: list[tuple[float, Draw]] = []
        # Row-major (line 1 of every cell, then line 2...) so that the PDF's text order is
        # the ground truth's order.
        for i in range(max((len(lines) for lines in wrapped), default=0)):
            for col, lines in enumerate(wrapped):
                if i >= len(lines):
                    continue
                align = "centre" if header or col in t.centred_columns else "left"
                drawers.append((i * lead, self.line_drawer(
                    lines[i], xs[col] + CELL_PAD, widths[col] - 2 * CELL_PAD, align, False, 0.0)))

        def draw(canvas: Canvas, top: float) -> None:
            canvas.setLineWidth(0.6)
            bottom = top - height
            canvas.line(xs[0], top, xs[-1], top)
            canvas.line(xs[0], bottom, xs[-1], bottom)
            for x in xs:
                canvas.line(x, top, x, bottom)
            for offset, d in drawers:
                d(canvas, top - CELL_PAD - offset)

        return draw

    def block(self, b: Block) -> list[_Row]:
        if isinstance(b, Paragraph):
            return self.paragraph(b, self.left, self.text_width)
        if isinstance(b, Spacer):
            return [_Row(b.height, ())]
        if isinstance(b, Columns):
            return [self.columns(b)]
        if isinstance(b, FieldRow):
            return self.field_row(b)
        return self.table(b)


def _stack(rows: Sequence[_Row], top: float) -> list[tuple[_Row, float]]:
    """Top y of each row stacked from ``top`` (gaps between rows, none at the start)."""
    out: list[tuple[_Row, float]] = []
    y = top
    previous: _Row | None = None
    for row in rows:
        if previous is not None:
            y -= previous.after + row.before
        out.append((row, y))
        y -= row.height
        previous = row
    return out


def _stack_height(rows: Sequence[_Row]) -> float:
    placed = _stack(rows, 0.0)
    if not placed:
        return 0.0
    row, y = placed[-1]
    return -(y - row.height)


def _paginate(doc: SampleDocument, setter: _Typesetter) -> list[list[tuple[_Row, float]]]:
    """Place rows on pages: each template page starts a new page; overflow adds pages."""
    top = setter.page.height - setter.page.top
    pages: list[list[tuple[_Row, float]]] = []
    for blocks in doc.pages:
        rows = [row for b in blocks for row in setter.block(b)]
        page: list[tuple[_Row, float]] = []
        y = top
        previous: _Row | None = None
        for row in rows:
            gap = previous.after + row.before if previous is not None else 0.0
            if page and y - gap - row.height < setter.page.bottom:
                pages.append(page)
                page, y, gap = [], top, 0.0
            y -= gap
            page.append((row, y))
            y -= row.height
            previous = row
        pages.append(page)
    return pages


def render_pdf(doc: SampleDocument, fonts: FontSet | None = None) -> RenderedDocument:
    """Typeset ``doc``; same document -> byte-identical PDF (reportlab invariant mode)."""
    fonts = fonts or register_fonts(family=doc.font)
    page = doc.page or A4_DECREE_30
    setter = _Typesetter(fonts, doc.body_size, page)
    placed = _paginate(doc, setter)
    buffer = io.BytesIO()
    pagesize = A4 if doc.page is None else (page.width, page.height)
    canvas = Canvas(buffer, pagesize=pagesize, invariant=1, pageCompression=1, lang="vi-VN")
    canvas.setTitle(doc.title)
    canvas.setAuthor("sohoa sample generator")
    canvas.setSubject(doc.doc_type)
    canvas.setCreator("sohoa samples")
    page_lines: list[tuple[str, ...]] = []
    page_codes: list[tuple[str, ...]] = []
    for number, rows in enumerate(placed, start=1):
        lines: list[str] = []
        codes: list[str] = []
        canvas.setFillColorRGB(*INK)
        canvas.setStrokeColorRGB(*INK)
        if number > 1 and page.numbered:  # Decree 30: numbers from page 2, in the top margin
            canvas.setFont(fonts.regular, 13)
            canvas.drawCentredString(page.left + page.text_width / 2, page.height - 13 * mm,
                                     str(number))
            lines.append(str(number))
        if number == 1 and doc.corner_qr is not None:
            qr_drawer(doc.corner_qr, CORNER_QR_LEFT,
                       qr.side(doc.corner_qr, CORNER_QR_MODULE))(canvas,
                                                                 page.height - CORNER_QR_TOP)
            codes.append(doc.corner_qr)
        for row, top in rows:
            if row.draw:
                row.draw(canvas, top)
            lines += row.lines
            codes += row.codes
        page_lines.append(tuple(lines))
        page_codes.append(tuple(codes))
        canvas.showPage()
    canvas.save()
    return RenderedDocument(buffer.getvalue(), tuple(page_lines), tuple(page_codes))


def rasterise(pdf: bytes, dpi: int, *, colour: bool = False,
              pages: Sequence[int] | None = None) -> list[Image]:
    """Render PDF pages to uint8 arrays (H x W grey, or H x W x 3 RGB) at ``dpi``."""
    document = pdfium.PdfDocument(pdf)
    try:
        indices = range(len(document)) if pages is None else pages
        images: list[Image] = []
        for index in indices:
            page = document[index]
            try:
                bitmap = page.render(scale=dpi / 72, grayscale=not colour, rev_byteorder=colour)
                array = np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True)
            finally:
                page.close()
            if not colour and array.ndim == 3:
                array = array[:, :, 0]
            elif colour:
                array = array[:, :, :3]
            images.append(np.ascontiguousarray(array))
        return images
    finally:
        document.close()


def extract_text(pdf: bytes) -> list[str]:
    """The PDF's own text layer per page (PDFium), to check ground truth against."""
    document = pdfium.PdfDocument(pdf)
    try:
        texts: list[str] = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            try:
                texts.append(str(textpage.get_text_range()))
            finally:
                textpage.close()
                page.close()
        return texts
    finally:
        document.close()
