"""Text shown by a page's annotations, which content-stream readers such as pdfplumber skip.

E-office and signing tools fill a born-digital document's number and day in after export,
often as a FreeText or Stamp annotation whose appearance stream draws the glyphs at the
slot; a visible signature's widget draws the e-signature stamp ("Ký bởi: …, Thời gian ký:
…"). Viewers and ``pdftotext`` show both. Each annotation's normal appearance is drawn alone
on a blank copy of the page box (placed by its /Rect, /BBox and /Matrix as PDF 32000-1
12.5.5 says) and read by pdfplumber, so its characters come out in the page's own
coordinates, ready to join the page's characters.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

import pdfplumber
import pikepdf

log = logging.getLogger(__name__)

#: Annotation flags (PDF 32000-1, table 165) that keep an annotation off the screen.
_HIDDEN, _NO_VIEW = 2, 32
#: Annotations that never carry text of the page.
_SKIPPED = {"/Popup", "/Link"}

Matrix = tuple[float, float, float, float, float, float]


@dataclass(frozen=True)
class AnnotationText:
    """The characters one annotation shows, as pdfplumber char dicts of the page."""

    #: A signature field's widget: its text is an e-signature stamp, evidence beside the
    #: document rather than the document's text.
    signature: bool
    chars: tuple[dict[str, Any], ...]


def _numbers(obj: Any, count: int) -> list[float] | None:
    try:
        values = [float(v) for v in obj]
    except (TypeError, ValueError):
        return None
    return values if len(values) == count else None


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def placement(rect: list[float], bbox: list[float], matrix: Matrix) -> Matrix | None:
    """The matrix A that maps the form's transformed bounding box onto the annotation's
    rectangle (the form's own /Matrix is applied by ``Do``), or None when degenerate."""
    corners = [_apply(matrix, x, y) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    if width <= 0 or height <= 0:
        return None
    x0, y0 = min(rect[0], rect[2]), min(rect[1], rect[3])
    sx, sy = abs(rect[2] - rect[0]) / width, abs(rect[3] - rect[1]) / height
    return sx, 0.0, 0.0, sy, x0 - sx * min(xs), y0 - sy * min(ys)


def _is_signature(annot: pikepdf.Dictionary) -> bool:
    node: Any = annot
    for _ in range(8):  # a widget inherits its field type from the field above it
        if node.get("/FT") == pikepdf.Name.Sig:
            return True
        node = node.get("/Parent")
        if not isinstance(node, pikepdf.Dictionary):
            return False
    return False


def _appearance(annot: pikepdf.Dictionary) -> pikepdf.Stream | None:
    """The normal appearance shown now (the /AS state of a state dictionary)."""
    ap = annot.get("/AP")
    normal = ap.get("/N") if isinstance(ap, pikepdf.Dictionary) else None
    if isinstance(normal, pikepdf.Dictionary) and not isinstance(normal, pikepdf.Stream):
        state = annot.get("/AS")
        normal = normal.get(str(state)) if state is not None else None
    return normal if isinstance(normal, pikepdf.Stream) else None


def _shown(annots: Any, signatures: bool) -> list[tuple[bool, pikepdf.Stream, Matrix]]:
    out = []
    for annot in annots if isinstance(annots, pikepdf.Array) else ():
        if not isinstance(annot, pikepdf.Dictionary) or str(annot.get("/Subtype")) in _SKIPPED:
            continue
        flags = int(annot.get("/F", 0)) if isinstance(annot.get("/F", 0), int) else 0
        signature = _is_signature(annot)
        if flags & (_HIDDEN | _NO_VIEW) or signature != signatures:
            continue
        form = _appearance(annot)
        rect = _numbers(annot.get("/Rect"), 4)
        bbox = _numbers(form.get("/BBox"), 4) if form is not None else None
        if form is None or rect is None or bbox is None:
            continue
        own = _numbers(form.get("/Matrix", [1, 0, 0, 1, 0, 0]), 6) or [1, 0, 0, 1, 0, 0]
        place = placement(rect, bbox, tuple(own))  # type: ignore[arg-type]
        if place is not None:
            out.append((signature, form, place))
    return out


def annotation_texts(pdf: pikepdf.Pdf, index: int, *, signatures: bool = False
                     ) -> list[AnnotationText]:
    """The text each shown annotation of page ``index`` draws, in the coordinates pdfplumber
    gives the page: the signature widgets' when ``signatures``, else every other's. A
    damaged annotation is skipped, never an error: the page's own text is still read."""
    try:
        page = pdf.pages[index]
        shown = _shown(page.obj.get("/Annots"), signatures)
        if not shown:
            return []
        return _read(page, shown)
    except Exception as exc:  # pikepdf, pdfminer: a zoo of errors on damaged objects
        log.warning("annotations of page %d not read: %r", index + 1, exc)
        return []


def _read(page: pikepdf.Page, shown: list[tuple[bool, pikepdf.Stream, Matrix]]
          ) -> list[AnnotationText]:
    """Draw each appearance on its own blank page of the same box, and read it."""
    doc = pikepdf.new()
    boxes = [float(v) for v in page.mediabox], [float(v) for v in page.cropbox]
    for _, form, m in shown:
        content = "q {} cm /A Do Q".format(" ".join(f"{v:.6f}" for v in m)).encode()
        blank = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(A=doc.copy_foreign(form))),
            Contents=doc.make_stream(content), MediaBox=boxes[0], CropBox=boxes[1],
            Rotate=page.rotation,
        )
        doc.pages.append(pikepdf.Page(blank))
    data = io.BytesIO()
    doc.save(data)
    out: list[AnnotationText] = []
    with pdfplumber.open(io.BytesIO(data.getvalue())) as read:
        for (signature, _, _), drawn in zip(shown, read.pages, strict=True):
            chars = tuple({**c, "doctop": c["top"]} for c in drawn.chars)
            if chars:
                out.append(AnnotationText(signature, chars))
            drawn.close()
    return out
