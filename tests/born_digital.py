"""Born-digital documents whose number and day are added after export, as e-office systems do.

An e-office system exports the document with blank slots ("Số:      /QĐ-UBND", "ngày   tháng
  năm 2024") and its signing tool fills them in later. This helper renders a sample quyết
định, takes the number and the day and month out of the page (the slot stays where they
were) and puts them back the three ways the real tools do: a FreeText annotation with an
appearance stream, an incremental update appending a content stream that draws a Form
XObject, or text drawn at the end of the page's content stream. The inserted text uses other
fonts than the page, as the tools do.
"""

from __future__ import annotations

import dataclasses
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pdfplumber
import pikepdf
from pyhanko.pdf_utils import generic as typed_generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from samples.content import make_document
from samples.layout import ColumnItem, Columns, Paragraph, Run, SampleDocument
from samples.render import render_pdf

#: pyHanko's PDF object constructors are untyped.
generic: Any = typed_generic


@dataclass(frozen=True)
class Slot:
    """A piece of text taken out of the page: what it said and where it was drawn (PDF
    coordinates, origin bottom-left)."""

    text: str
    x: float
    baseline: float
    size: float
    italic: bool


@dataclass(frozen=True)
class Slotted:
    sample: SampleDocument
    blank: bytes  # the exported PDF, slots empty
    slots: tuple[Slot, ...]


def _split_number(doc: SampleDocument) -> SampleDocument:
    """The header's "Số: 61/QĐ-UBND" as "Số: 61 /QĐ-UBND", so the number is a word of its
    own that can be taken out, leaving a slot before the symbol."""
    header = doc.pages[0][0]
    assert isinstance(header, Columns)
    number = str(doc.fields["so_ky_hieu"])
    digits, symbol = number.split("/", 1)

    def split(item: ColumnItem) -> ColumnItem:
        if isinstance(item, Paragraph) and item.runs[0].text == f"Số: {number}":
            return dataclasses.replace(item, runs=(Run(f"Số: {digits} /{symbol}"),))
        return item

    left = tuple(split(item) for item in header.left)
    assert left != header.left, "the header has no number line"
    first = (dataclasses.replace(header, left=left), *doc.pages[0][1:])
    return dataclasses.replace(doc, pages=(first, *doc.pages[1:]))


def _words(pdf: bytes) -> list[dict[str, Any]]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        height = float(page.height)
        words = page.extract_words(extra_attrs=["size", "fontname"])
    for w in words:
        w["baseline"] = height - float(w["bottom"]) + 0.216 * float(w["size"])
    return list(words)


def _number(word: dict[str, Any]) -> int | None:
    text = str(word["text"])
    return int(text) if text.isdigit() else None


def _slot_words(words: list[dict[str, Any]], digits: str, day: int, month: int
                ) -> list[dict[str, Any]]:
    """The number after "Số:" and the day and month of the "…, ngày D tháng M năm Y" line."""
    found = []
    for i, w in enumerate(words[:-1]):
        if w["text"] == "Số:" and words[i + 1]["text"] == digits:
            found.append(words[i + 1])
        if w["text"] == "ngày" and i + 3 < len(words) and words[i + 2]["text"] == "tháng" \
                and _number(words[i + 1]) == day and _number(words[i + 3]) == month:
            found += [words[i + 1], words[i + 3]]
    assert len(found) == 3, f"slots not found: {found}"
    return found


def slotted_quyet_dinh(seed: int) -> Slotted:
    """A one-page quyết định exported with its number, day and month left blank."""
    sample = _split_number(make_document("quyet_dinh", random.Random(seed), pages=1, qr=False))
    full = render_pdf(sample).pdf
    digits = str(sample.fields["so_ky_hieu"]).split("/")[0]
    issued = str(sample.fields["ngay_ban_hanh"])
    day, month = int(issued[8:10]), int(issued[5:7])
    targets = _slot_words(_words(full), digits, day, month)
    pdf = pikepdf.open(io.BytesIO(full))
    page = pdf.pages[0]
    kept: list[Any] = []
    block: list[Any] | None = None
    slots: list[Slot] = []
    for ins in pikepdf.parse_content_stream(page):
        op = str(ins.operator)
        if op == "BT":
            block = [ins]
            continue
        if block is None:
            kept.append(ins)
            continue
        block.append(ins)
        if op != "ET":
            continue
        tm = next((b.operands for b in block if str(b.operator) == "Tm"), None)
        hit = None
        if tm is not None:
            x, y = float(Decimal(str(tm[4]))), float(Decimal(str(tm[5])))
            hit = next((w for w in targets if abs(float(w["x0"]) - x) < 0.5
                        and abs(float(w["baseline"]) - y) < 1.0), None)
        if hit is None:
            kept.extend(block)
        else:
            slots.append(Slot(str(hit["text"]), x, y, float(hit["size"]),
                              "Italic" in str(hit["fontname"])))
        block = None
    assert len(slots) == 3, slots
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
    out = io.BytesIO()
    pdf.save(out)
    return Slotted(sample, out.getvalue(), tuple(slots))


def _font(pdf: pikepdf.Pdf, base: str) -> pikepdf.Dictionary:
    return pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name("/" + base),
        Encoding=pikepdf.Name.WinAnsiEncoding))


def _text(font: str, slot: Slot, x: float, y: float, size: float | None = None) -> bytes:
    return (f"BT /{font} {size or slot.size:g} Tf 1 0 0 1 {x:.2f} {y:.2f} Tm "
            f"({slot.text}) Tj ET\n").encode("latin-1")


def insert_annotations(slotted: Slotted) -> bytes:
    """(a) One FreeText annotation per slot, drawn by its appearance stream (Helvetica).
    The form's BBox does not start at 0 and its Matrix scales it: the annotation's Rect
    decides where it lands (PDF 32000, 12.5.5)."""
    pdf = pikepdf.open(io.BytesIO(slotted.blank))
    page = pdf.pages[0]
    helv = _font(pdf, "Helvetica")
    annots = pdf.make_indirect(pikepdf.Array())
    for slot in slotted.slots:
        width, height = 0.6 * slot.size * len(slot.text) + 4, slot.size * 1.3
        # Drawn at twice the size in its own space, scaled down by /Matrix: 20 units = 10 pt.
        form = pdf.make_stream(_text("Helv", slot, 12, 10 + 0.3 * slot.size * 2,
                                     slot.size * 2), {
            "/Type": pikepdf.Name.XObject, "/Subtype": pikepdf.Name.Form,
            "/BBox": [10, 10, 10 + 2 * width, 10 + 2 * height],
            "/Matrix": [0.5, 0, 0, 0.5, 0, 0],
            "/Resources": pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helv)),
        })
        x0, y0 = slot.x - 1, slot.baseline - 0.3 * slot.size
        annots.append(pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FreeText,
            Rect=[x0, y0, x0 + width, y0 + height], F=4, Contents=pikepdf.String(slot.text),
            DA=pikepdf.String(f"/Helv {slot.size:g} Tf 0 g"),
            AP=pikepdf.Dictionary(N=form))))
    page.Annots = annots
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def insert_incremental(slotted: Slotted) -> bytes:
    """(b) An incremental update appending a content stream that draws one Form XObject per
    slot (Times-Roman, one point smaller, a little off the slot's baseline)."""
    writer: Any = IncrementalPdfFileWriter(io.BytesIO(slotted.blank))
    font = writer.add_object(generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Font"),
        generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
        generic.pdf_name("/BaseFont"): generic.pdf_name("/Times-Roman"),
        generic.pdf_name("/Encoding"): generic.pdf_name("/WinAnsiEncoding"),
    }))
    forms = generic.DictionaryObject()
    draw = b""
    for i, slot in enumerate(slotted.slots):
        stream = generic.StreamObject({
            generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
            generic.pdf_name("/BBox"): generic.ArrayObject(
                [generic.NumberObject(v) for v in (0, -5, 60, 20)]),
            generic.pdf_name("/Resources"): generic.DictionaryObject({
                generic.pdf_name("/Font"): generic.DictionaryObject(
                    {generic.pdf_name("/TiR"): font})}),
        }, stream_data=_text("TiR", slot, 0, 0, slot.size - 1))
        name = f"/SoHoaSlot{i}"
        forms[generic.pdf_name(name)] = writer.add_object(stream)
        draw += f"q 1 0 0 1 {slot.x + 0.8:.2f} {slot.baseline + 0.4:.2f} cm {name} Do Q\n".encode()
    content = writer.add_object(generic.StreamObject(stream_data=draw))
    writer.add_stream_to_page(0, content, resources=generic.DictionaryObject(
        {generic.pdf_name("/XObject"): forms}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def insert_appended_text(slotted: Slotted) -> bytes:
    """(c) The slots drawn in BT/ET blocks at the end of the page's own content stream, the
    date before the number (out of reading order), in Times (italic where the line is) four
    points smaller: their boxes' tops lie more than a line tolerance below the slot's."""
    pdf = pikepdf.open(io.BytesIO(slotted.blank))
    page = pdf.pages[0]
    fonts = page.Resources.Font
    fonts.SoHoaR = _font(pdf, "Times-Roman")
    fonts.SoHoaI = _font(pdf, "Times-Italic")
    extra = b"".join(_text("SoHoaI" if s.italic else "SoHoaR", s, s.x, s.baseline, s.size - 4)
                     for s in reversed(slotted.slots))
    page.Contents = pdf.make_stream(page.Contents.read_bytes() + b"\n" + extra)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


INSERTERS: dict[str, Callable[[Slotted], bytes]] = {
    "annotation": insert_annotations,
    "incremental": insert_incremental,
    "appended": insert_appended_text,
}


def add_stamp_widget(pdf_bytes: bytes, lines: tuple[str, ...]) -> bytes:
    """A signature field's widget at the top right of page 1 whose appearance prints an
    e-signature stamp (Times-Roman; the lines ASCII-folded, as WinAnsi has no Vietnamese)."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    page = pdf.pages[0]
    font = _font(pdf, "Times-Roman")
    text = "".join(f"BT /T 8 Tf 2 {40 - 10 * i} Td ({line}) Tj ET\n"
                   for i, line in enumerate(lines))
    form = pdf.make_stream(text.encode("cp1252"), {
        "/Type": pikepdf.Name.XObject, "/Subtype": pikepdf.Name.Form, "/BBox": [0, 0, 200, 48],
        "/Resources": pikepdf.Dictionary(Font=pikepdf.Dictionary(T=font))})
    widget = pdf.make_indirect(pikepdf.Dictionary({
        "/Type": pikepdf.Name.Annot, "/Subtype": pikepdf.Name.Widget,
        "/FT": pikepdf.Name.Sig, "/T": pikepdf.String("Signature1"), "/F": 4,
        "/Rect": [380, 790, 580, 838], "/AP": pikepdf.Dictionary(N=form), "/P": page.obj}))
    page.Annots = pdf.make_indirect(pikepdf.Array([*page.obj.get("/Annots", []), widget]))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[widget], SigFlags=1)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
