"""Words of a PDF page with their font size and weight, read with PDFium.

Placement needs only where the lines of the signer block are; pdfplumber (pdfminer) took
~60 ms a page for that, PDFium's text page takes a few, which matters when a batch signs
hundreds of documents. Words come as pdfplumber-style dicts (``x0``, ``x1``, ``top``,
``bottom`` from the page's top-left, ``size``, ``fontname``, ``text``) so the layout logic
does not care which reader made them.
"""

from __future__ import annotations

import contextlib
import ctypes
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.ocr.reader import PDFIUM_LOCK

BOLD_WEIGHT = 600


class Page:
    def __init__(self, page: Any) -> None:
        self._page = page
        self.rotation = int(page.get_rotation())
        self.mediabox = tuple(float(v) for v in page.get_mediabox())

    def extract_words(self) -> list[dict[str, Any]]:
        x0m, _, _, y1m = self.mediabox
        with PDFIUM_LOCK:
            textpage = self._page.get_textpage()
            try:
                return list(_words(textpage, x0m, y1m))
            finally:
                textpage.close()


class Document:
    def __init__(self, pdf: Any) -> None:
        self._pdf = pdf
        self.pages = [Page(pdf[i]) for i in range(len(pdf))]


@contextlib.contextmanager
def open_pdf(source: Path | bytes) -> Iterator[Document]:
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    try:
        yield Document(pdf)
    finally:
        with PDFIUM_LOCK:
            pdf.close()


def _words(textpage: Any, x0m: float, y1m: float) -> Iterator[dict[str, Any]]:
    raw = textpage.raw
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    rect = pdfium_c.FS_RECTF()
    current: list[tuple[str, float, float, float, float, float, bool]] = []
    for index in range(min(count, len(text))):
        char = text[index]
        if char.isspace() or pdfium_c.FPDFText_IsGenerated(raw, index):
            yield from _flush(current, x0m, y1m)
            current = []
            continue
        # The loose box spans the font's ascent and descent, as pdfplumber's does.
        pdfium_c.FPDFText_GetLooseCharBox(raw, index, ctypes.byref(rect))
        size = float(pdfium_c.FPDFText_GetFontSize(raw, index))
        bold = pdfium_c.FPDFText_GetFontWeight(raw, index) >= BOLD_WEIGHT
        item = (char, rect.left, rect.bottom, rect.right, rect.top, size, bold)
        if current and item[1] - current[-1][3] > 0.25 * size:  # a gap inside a run
            yield from _flush(current, x0m, y1m)
            current = []
        current.append(item)
    yield from _flush(current, x0m, y1m)


def _flush(chars: list[tuple[str, float, float, float, float, float, bool]], x0m: float,
           y1m: float) -> Iterator[dict[str, Any]]:
    if not chars:
        return
    size = max(c[5] for c in chars)
    yield {
        "text": "".join(c[0] for c in chars),
        "x0": min(c[1] for c in chars) - x0m,
        "x1": max(c[3] for c in chars) - x0m,
        "top": y1m - max(c[4] for c in chars),
        "bottom": y1m - min(c[2] for c in chars),
        "size": size,
        "fontname": "Bold" if all(c[6] for c in chars) else "Regular",
        "upright": True,
    }
