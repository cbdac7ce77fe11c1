"""Open a PDF for the page reader so that qpdf, pdfminer and PDFium agree on its pages.

qpdf (pikepdf) is the reference: intake counted its pages. When it opens a damaged file it
repairs what it can (a broken xref table, a page without a MediaBox, a page listed twice in
the page tree), while pdfminer and PDFium repair in their own ways or not at all, so page N
of one library would no longer be page N of another. Such a file is read from a copy qpdf
writes in the scratch folder (the original is never touched). pdfminer's pages are taken by
qpdf's object numbers, not by pdfminer's own walk of the page tree.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFObjRef, dict_value
from pdfplumber.page import Page
from pdfplumber.pdf import PDF

from pipeline.errors import DamagedFile, InputError, machine_fault
from pipeline.ocr.raster import PDFIUM_LOCK

log = logging.getLogger(__name__)

#: Sides a PDF page may have, in units of 1/72 inch (ISO 32000-1, annex C).
MIN_SIDE, MAX_SIDE = 3.0, 14400.0
_MM_PER_UNIT = 25.4 / 72.0
#: qpdf warnings about nothing a reader would see differently.
_HARMLESS = ("Resources is missing",)
#: What qpdf repaired, as people are told, by a phrase of its warning.
_REPAIRS = (
    ("cross-reference", "bảng tham chiếu (xref) hỏng"),
    ("MediaBox", "trang thiếu khổ giấy (MediaBox) hợp lệ"),
    ("more than once", "một trang được liệt kê nhiều lần"),
)


@dataclass
class OpenedPdf:
    """One PDF as the three libraries see it, page numbers shared."""

    filename: str
    structure: pikepdf.Pdf
    text: PDF
    raster: pdfium.PdfDocument
    #: Why the pages were read from a copy qpdf repaired (Vietnamese), or None.
    repaired: str | None = None

    @property
    def page_count(self) -> int:
        return len(self.structure.pages)

    def text_page(self, number: int) -> Page:
        """pdfplumber's view of page ``number`` (1-based)."""
        objid = self.structure.pages[number - 1].obj.objgen[0]
        return Page(self.text, _miner_page(self.text.doc, objid), page_number=number)

    def size(self, number: int) -> tuple[float, float]:
        """The page's width and height in points, (0, 0) when it has no usable MediaBox."""
        try:
            x0, y0, x1, y1 = _rect(self.structure.pages[number - 1].mediabox)
        except Exception:  # any malformed box: no size
            return 0.0, 0.0
        return x1 - x0, y1 - y0

    def content_problem(self, number: int) -> str | None:
        """Why page ``number``'s drawing may be incomplete (Vietnamese), or None: a content
        stream that does not decode is drawn only up to the damage, or not at all."""
        try:
            contents = self.structure.pages[number - 1].obj.get("/Contents")
            parts = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
            for part in parts:
                if isinstance(part, pikepdf.Stream):
                    part.read_bytes()
        except Exception as exc:  # qpdf's decoding errors, or a malformed /Contents
            log.warning("page %d of %s: content does not decode: %r", number, self.filename,
                        exc)
            return (f"Nội dung trang {number} bị hỏng (không giải nén được), trang có thể thiếu "
                    "chữ hoặc hình; cần kiểm tra bản gốc.")
        return None

    def box_problem(self, number: int) -> str | None:
        """Why page ``number`` cannot be read because of its size (Vietnamese), or None."""
        page = self.structure.pages[number - 1]
        try:
            media = _rect(page.mediabox)
        except Exception:  # numbers qpdf could not make sense of
            return (f"Trang {number}: khổ giấy (MediaBox) không hợp lệ nên trang không đọc "
                    "được; cần kiểm tra bản gốc.")
        try:
            crop = _rect(page.cropbox)
        except Exception:  # readers ignore a malformed CropBox and show the MediaBox
            crop = media
        width, height = media[2] - media[0], media[3] - media[1]
        if min(width, height) < MIN_SIDE or max(width, height) > MAX_SIDE:
            return (f"Trang {number} có khổ giấy bất thường ({width * _MM_PER_UNIT:.0f}×"
                    f"{height * _MM_PER_UNIT:.0f} mm) nên không đọc được; cần kiểm tra bản gốc.")
        shown_w = min(crop[2], media[2]) - max(crop[0], media[0])
        shown_h = min(crop[3], media[3]) - max(crop[1], media[1])
        if min(shown_w, shown_h) < MIN_SIDE:
            return (f"Trang {number} có vùng hiển thị (CropBox) gần như rỗng nên không đọc "
                    "được; cần kiểm tra bản gốc.")
        return None


@contextmanager
def open_pdf(path: Path, filename: str, workdir: Path) -> Iterator[OpenedPdf]:
    """The PDF at ``path`` opened by the three libraries; :class:`DamagedFile` when they
    cannot agree on its pages even after qpdf's repair."""
    with ExitStack() as stack:
        yield _open(path, filename, workdir, stack)


def _open(path: Path, filename: str, workdir: Path, stack: ExitStack) -> OpenedPdf:
    try:
        original = stack.enter_context(pikepdf.open(path))
        count = len(original.pages)  # qpdf repairs the page tree as it lists the pages
        repairs = [w for w in original.get_warnings() if not any(h in w for h in _HARMLESS)]
        if not repairs:
            opened = _with_readers(path, filename, original, stack)
            if opened is not None and len(opened.raster) == count:
                return opened
        log.warning("%s: read from a copy repaired by qpdf (%s)", filename,
                    "; ".join(repairs) or "the PDF libraries disagree on its pages")
        workdir.mkdir(parents=True, exist_ok=True)
        copy = workdir / "repaired.pdf"
        original.save(copy)
        structure = stack.enter_context(pikepdf.open(copy))
        opened = _with_readers(copy, filename, structure, stack)
        if opened is None or len(opened.raster) != len(structure.pages):
            raise _damaged(filename, "the PDF libraries disagree on the repaired copy's pages")
    except Exception as exc:  # each library raises its own zoo of errors
        if isinstance(exc, InputError) or machine_fault(exc):
            raise
        raise _damaged(filename, repr(exc)) from exc
    opened.repaired = _repair_note(repairs)
    return opened


def _with_readers(path: Path, filename: str, structure: pikepdf.Pdf,
                  stack: ExitStack) -> OpenedPdf | None:
    """pdfminer's and PDFium's views of ``path``, or None if either fails to open it."""
    try:
        # Not pdfplumber's context manager: its close() builds every page first (pages are
        # made one at a time here, a malformed one must not fail the others).
        text = pdfplumber.open(stack.enter_context(path.open("rb")))
        with PDFIUM_LOCK:
            raster = pdfium.PdfDocument(path)
    except Exception as exc:  # the caller repairs the file and tries again
        log.info("%s: a PDF library could not open it: %r", filename, exc)
        return None
    stack.callback(_locked_close, raster)
    return OpenedPdf(filename, structure, text, raster)


def _locked_close(doc: pdfium.PdfDocument) -> None:
    with PDFIUM_LOCK:
        doc.close()


def _damaged(filename: str, detail: str) -> DamagedFile:
    return DamagedFile(f"Tệp PDF {filename} bị hỏng, không đọc được nội dung trang.",
                       detail=detail)


def _repair_note(repairs: list[str]) -> str:
    kinds = [text for phrase, text in _REPAIRS if any(phrase in w for w in repairs)]
    if not repairs:
        kinds = ["các thư viện đọc PDF không đọc bản gốc như nhau"]
    what = ", ".join(kinds) or "lỗi khác"
    return (f"Tệp PDF có lỗi cấu trúc ({what}) và đã được sửa tự động khi đọc; cần kiểm tra "
            "các trang có đủ và đúng thứ tự không.")


def _rect(box: pikepdf.Object) -> tuple[float, float, float, float]:
    """A rectangle as (left, bottom, right, top); ValueError unless it is 4 finite numbers."""
    values = [float(v) for v in box]
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise ValueError(f"not a rectangle: {values}")
    x0, y0, x1, y1 = values
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _miner_page(doc: PDFDocument, objid: int) -> PDFPage:
    """pdfminer's page object ``objid``, with the attributes it inherits from the page tree
    (the ancestors are followed once each: a cyclic /Parent chain ends the walk)."""
    attrs = dict(dict_value(doc.getobj(objid)))
    parent, seen = attrs.get("Parent"), {objid}
    while isinstance(parent, PDFObjRef) and parent.objid not in seen:
        seen.add(parent.objid)
        node = dict_value(parent.resolve())
        for key in PDFPage.INHERITABLE_ATTRS:
            if key not in attrs and key in node:
                attrs[key] = node[key]
        parent = node.get("Parent")
    return PDFPage(doc, objid, attrs, None)
