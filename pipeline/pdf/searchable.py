"""The searchable copy: the document's own pages with an invisible text layer on OCRed pages.

A PDF keeps its pages untouched (images are not re-encoded, born-digital pages are not
altered); images are wrapped losslessly into PDF pages first. The layer is grafted in the
page's user space, taking the crop box and /Rotate into account, so words sit exactly over
the pixels they were read from.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import img2pdf
import pikepdf
from pikepdf import pdfa
from PIL import Image

from pipeline.errors import DamagedFile
from pipeline.models import FileKind, PageText, SourceFile, TextSource
from pipeline.pdf.glyphless import add_font
from pipeline.pdf.textlayer import text_layer

FONT_RESOURCE = "SohoaOCR"
#: Archival profile of every searchable copy (TCVN 14159-2:2024 = ISO 19005-2).
PDFA_FLAVOUR = "2b"


def needs_text_layer(pages: Sequence[PageText]) -> bool:
    """Whether a PDF must be rewritten: some page gained text, or must be turned or replaced."""
    return any(p.text_source is TextSource.OCR and (p.words or p.rotate or p.display)
               for p in pages)


def write_searchable(source: SourceFile, pages: Sequence[PageText], out: Path) -> list[str]:
    """Write the searchable PDF of ``source`` to ``out`` as PDF/A-2b, validated as written.

    ``pages`` (numbered as in the source, in order) may be only some of the source's pages,
    for a document cut from a stack at cover sheets: the copy then holds just those.
    Returns what kept it from being PDF/A (empty when it is): a scanner's PDF may carry
    constructs PDF/A forbids; it is then written as a plain PDF rather than not at all.
    """
    keep = [p.number for p in pages]
    if source.kind is FileKind.PDF:
        pdf = pikepdf.open(source.path)
    elif all(p.display for p in pages):
        # Every page image was written by OCR workers already: wrap those, nothing re-encoded.
        pdf = pikepdf.open(io.BytesIO(pages_pdf(pages)))
        pages = [replace(p, number=i, display=None, rotate=0) for i, p in enumerate(pages, 1)]
        keep = [p.number for p in pages]
    else:
        dpis = {p.number: p.dpi for p in pages}
        frames = max(source.page_count, *keep)
        pdf = pikepdf.open(io.BytesIO(image_pdf(
            source.path, [dpis.get(n, pages[0].dpi) for n in range(1, frames + 1)])))
    with pdf:
        apply_corrections(pdf, pages)
        graft(pdf, pages)
        _keep_only(pdf, set(keep))
        try:
            pdfa.save(pdf, out, PDFA_FLAVOUR)
        except pdfa.PdfaError as exc:
            pdf.save(out)
            return [f"{f.rule}: {f.message}" for f in exc.report.findings] or [str(exc)]
    return []


def _keep_only(pdf: pikepdf.Pdf, numbers: set[int]) -> None:
    """Drop the pages (1-based) not in ``numbers``; objects only they used are not saved."""
    for index in reversed(range(len(pdf.pages))):
        if index + 1 not in numbers:
            del pdf.pages[index]


Layout = Callable[[float, float, tuple[float, float]], tuple[float, float, float, float]]


def _layout_at(dpis: Sequence[int]) -> Layout:
    """An img2pdf layout giving the n-th image the n-th resolution (the one OCR used)."""
    sizes = iter(dpis)

    def layout(width_px: float, height_px: float,
               _claimed: tuple[float, float]) -> tuple[float, float, float, float]:
        dpi = next(sizes)
        w, h = width_px * 72.0 / dpi, height_px * 72.0 / dpi
        return w, h, w, h

    return layout


def _as_bytes(data: object) -> bytes:
    if not isinstance(data, bytes):  # pragma: no cover - convert returns bytes without a stream
        raise TypeError("img2pdf returned no bytes")
    return data


def image_pdf(path: Path, dpis: Sequence[int]) -> bytes:
    """Wrap an image file's frames as PDF pages, at the resolutions OCR used."""
    try:
        return _as_bytes(img2pdf.convert(str(path), layout_fun=_layout_at(dpis),
                                         rotation=img2pdf.Rotation.ifvalid))
    except img2pdf.AlphaChannelError:
        return _as_bytes(img2pdf.convert(list(_flattened_frames(path)),
                                         layout_fun=_layout_at(dpis),
                                         rotation=img2pdf.Rotation.ifvalid))
    except (img2pdf.ImageOpenError, OSError, ValueError) as exc:
        raise DamagedFile(f"Không chuyển được ảnh {path.name} thành trang PDF.",
                          detail=repr(exc)) from exc


def pages_pdf(pages: Sequence[PageText]) -> bytes:
    """One PDF page per page image written by the workers, each at its own resolution."""
    return _as_bytes(img2pdf.convert([str(p.display) for p in pages],
                                     layout_fun=_layout_at([p.dpi for p in pages]),
                                     rotation=img2pdf.Rotation.none))


def _flattened_frames(path: Path) -> Iterator[bytes]:
    """Frames with transparency, composited on white paper (PDF pages have no alpha)."""
    with Image.open(path) as img:
        for index in range(getattr(img, "n_frames", 1)):
            img.seek(index)
            rgba = img.convert("RGBA")
            paper = Image.new("RGB", rgba.size, "white")
            paper.paste(rgba, mask=rgba.getchannel("A"))
            buf = io.BytesIO()
            paper.save(buf, format="PNG", dpi=img.info.get("dpi", (72, 72)), exif=img.getexif())
            yield buf.getvalue()


def apply_corrections(pdf: pikepdf.Pdf, pages: Sequence[PageText]) -> None:
    """Turn pages found lying on their side, and show corrected images of deskewed scans and
    flattened photos in place of the originals (which stay in the store untouched)."""
    for page_text in pages:
        index = page_text.number - 1
        if page_text.display is not None:
            dpi = page_text.dpi
            layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
            replacement = pikepdf.open(io.BytesIO(
                img2pdf.convert(page_text.display, layout_fun=layout)))
            pdf.pages.insert(index, replacement.pages[0])
            del pdf.pages[index + 1]
        elif page_text.rotate:
            page = pdf.pages[index]
            page.obj.Rotate = (page.rotation + page_text.rotate) % 360


def graft(pdf: pikepdf.Pdf, pages: Sequence[PageText]) -> None:
    """Add the text layer of every OCRed page to the matching page of ``pdf``."""
    font = None
    for page_text in pages:
        if page_text.text_source is not TextSource.OCR or not page_text.words:
            continue
        page = pdf.pages[page_text.number - 1]
        if font is None:
            font = add_font(pdf)
        x0, y0, x1, y1 = (float(v) for v in page.cropbox)
        width, height = x1 - x0, y1 - y0
        rotate = page.rotation % 360
        shown_w, shown_h = (height, width) if rotate in (90, 270) else (width, height)
        layer = text_layer(page_text, shown_w, shown_h, FONT_RESOURCE)
        matrix = _display_to_user(rotate, x0, y0, width, height)
        _add_font_resource(page, font)
        page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(
            pdf, b"\nQ\nq\n" + matrix.encode("ascii") + b" cm\n" + layer + b"Q\n"
        ))


def _display_to_user(rotate: int, x0: float, y0: float, w: float, h: float) -> str:
    """``cm`` operands mapping displayed-page points to the page's unrotated user space."""
    a, b, c, d, e, f = {
        0: (1, 0, 0, 1, x0, y0),
        90: (0, 1, -1, 0, x0 + w, y0),
        180: (-1, 0, 0, -1, x0 + w, y0 + h),
        270: (0, -1, 1, 0, x0, y0 + h),
    }[rotate]
    return " ".join(f"{v:g}" for v in (a, b, c, d, e, f))


def _inherited(obj: pikepdf.Object, key: str) -> pikepdf.Object | None:
    node: pikepdf.Object | None = obj
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def _add_font_resource(page: pikepdf.Page, font: pikepdf.Object) -> None:
    """Add our font without disturbing resources the page shares with others."""
    resources = _inherited(page.obj, "/Resources")
    own = _copy(resources)
    own_fonts = _copy(own.get("/Font"))
    own_fonts[pikepdf.Name("/" + FONT_RESOURCE)] = font
    own[pikepdf.Name.Font] = own_fonts
    page.obj[pikepdf.Name.Resources] = own


def _copy(obj: pikepdf.Object | None) -> pikepdf.Dictionary:
    """A new dictionary with the same entries (values shared, not deep-copied)."""
    out = pikepdf.Dictionary()
    if obj is not None:
        for key in obj.keys():  # noqa: SIM118 - pikepdf objects are not Mappings
            out[key] = obj[key]
    return out
