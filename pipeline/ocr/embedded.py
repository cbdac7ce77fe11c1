"""Take a scanned page's image straight out of the PDF instead of rendering the page.

A scanner's PDF page is one image drawn over the whole page. Decoding that image directly
(a JPEG in about 15 ms) is several times cheaper than rendering the page, and gives the
scan's own pixels. Anything less simple - several images, vector drawing, JBIG2, CMYK,
masks, a partial or skewed placement - returns None and the page is rendered as usual.
"""

from __future__ import annotations

from decimal import Decimal

import cv2
import numpy as np
import pikepdf
from pikepdf import PdfImage

from pipeline.preprocess.geometry import turn

#: Operators a plain scan page uses; anything else means the page is more than one image.
_SIMPLE_OPS = {"q", "Q", "cm", "Do", "gs"}
#: How far the image may fall short of the page box (points).
_COVER_TOLERANCE = 2.0


def _matmul(m: list[float], n: list[float]) -> list[float]:
    """Compose PDF matrices: ``m`` then ``n``."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2]


def _placement(page: pikepdf.Page) -> tuple[pikepdf.Object, list[float]] | None:
    """The one image the page draws and the matrix it is drawn with."""
    ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    stack: list[list[float]] = []
    found: tuple[pikepdf.Object, list[float]] | None = None
    xobjects: pikepdf.Object = page.resources.get("/XObject", pikepdf.Dictionary())
    for instruction in pikepdf.parse_content_stream(page):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            return None
        operands, op = instruction.operands, str(instruction.operator)
        if op not in _SIMPLE_OPS:
            return None
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else ctm
        elif op == "cm":
            ctm = _matmul([float(Decimal(str(v))) for v in operands], ctm)
        elif op == "Do":
            xobject = xobjects.get(str(operands[0]))
            if found is not None or xobject is None or xobject.get("/Subtype") != "/Image":
                return None
            found = (xobject, ctm)
    return found


class UndecodableImage(Exception):
    """The page's one image is damaged: its data does not decode to the size it claims."""


def _decode(xobject: pikepdf.Object) -> np.ndarray | None:
    """Pixels of a plain greyscale or RGB image: RGB or grey array, or None for a kind left
    to the renderer; :class:`UndecodableImage` if the data is damaged."""
    if any(key in xobject for key in ("/SMask", "/Mask", "/Decode", "/ImageMask")):
        return None
    space = str(xobject.get("/ColorSpace", ""))
    if space not in ("/DeviceGray", "/DeviceRGB") or int(xobject.get("/BitsPerComponent", 8)) != 8:
        return None
    filters = xobject.get("/Filter")
    if filters == pikepdf.Name.DCTDecode:
        data = np.frombuffer(xobject.read_raw_bytes(), np.uint8)
        pixels = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
        if pixels is None:
            raise UndecodableImage("OpenCV could not decode the JPEG")
        return pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB)
    if filters in (pikepdf.Name.FlateDecode, None):
        if not isinstance(xobject, pikepdf.Stream):
            return None
        try:
            return np.asarray(PdfImage(xobject).as_pil_image())
        except NotImplementedError:
            return None
    return None


def scan_image(pdf: pikepdf.Pdf, index: int) -> tuple[np.ndarray, int] | None:
    """The page's scan as displayed (turned per /Rotate) and its dpi, or None if the page is
    not a single full-page image."""
    page = pdf.pages[index]
    placed = _placement(page)
    if placed is None:
        return None
    xobject, (a, b, c, d, e, f) = placed
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    corners_x = [e, e + a, e + c, e + a + c]
    corners_y = [f, f + b, f + d, f + b + d]
    if (abs(min(corners_x) - x0) > _COVER_TOLERANCE or abs(max(corners_x) - x1) > _COVER_TOLERANCE
            or abs(min(corners_y) - y0) > _COVER_TOLERANCE
            or abs(max(corners_y) - y1) > _COVER_TOLERANCE):
        return None
    pixels = _decode(xobject)
    if pixels is None:
        return None
    # Directions of the image's columns and rows on the page, in display terms (y down).
    col_x, col_y, row_x, row_y = a, -b, -c, d
    if abs(col_x) > 1e-6 and abs(row_y) > 1e-6 and abs(col_y) < 1e-6 and abs(row_x) < 1e-6:
        if row_y < 0:
            pixels = pixels[::-1]
        if col_x < 0:
            pixels = pixels[:, ::-1]
    elif abs(col_y) > 1e-6 and abs(row_x) > 1e-6 and abs(col_x) < 1e-6 and abs(row_y) < 1e-6:
        pixels = np.swapaxes(pixels, 0, 1)
        if col_y < 0:
            pixels = pixels[::-1]
        if row_x < 0:
            pixels = pixels[:, ::-1]
    else:
        return None  # placed at a slant: let the renderer draw it
    pixels = turn(np.ascontiguousarray(pixels), page.rotation % 360)
    shown_width_inches = ((y1 - y0) if page.rotation % 180 else (x1 - x0)) / 72.0
    return pixels, round(pixels.shape[1] / shown_width_inches)
