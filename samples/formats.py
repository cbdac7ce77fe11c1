"""Encode page images as the files one-stop centres actually receive.

PNG and JPEG hold one page; TIFF and image-only PDF hold many. All encoders are
deterministic (no timestamps), and every raster carries its resolution so that the
pipeline can recover physical page sizes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import cv2
import img2pdf
import numpy as np
from PIL import Image as PILImage

from samples.degrade import Image

FORMATS = ("pdf", "png", "jpeg", "tiff", "image-pdf")  # "pdf" = born-digital
RASTER_FORMATS = ("png", "jpeg", "tiff", "image-pdf")
SINGLE_PAGE_FORMATS = ("png", "jpeg")
EXTENSIONS = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg", "tiff": ".tiff", "image-pdf": ".pdf"}


def _pil(img: Image) -> PILImage.Image:
    return PILImage.fromarray(img)


def binarise(img: Image) -> Image:
    """Otsu threshold to 0/255, as a scanner's black-and-white mode does."""
    grey = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    _, bw = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return np.asarray(bw, dtype=np.uint8)


def encode_png(img: Image, dpi: int, compress_level: int = 6) -> bytes:
    buffer = io.BytesIO()
    _pil(img).save(buffer, format="PNG", dpi=(dpi, dpi), compress_level=compress_level)
    return buffer.getvalue()


def encode_jpeg(img: Image, quality: int, dpi: int | None = None) -> bytes:
    """JPEG; ``dpi`` None leaves the density unset, as phone cameras effectively do."""
    buffer = io.BytesIO()
    options: dict[str, object] = {"quality": quality, "optimize": True}
    if dpi is not None:
        options["dpi"] = (dpi, dpi)
    _pil(img).save(buffer, format="JPEG", **options)
    return buffer.getvalue()


def encode_tiff(pages: Sequence[Image], dpi: int, *, bilevel: bool = False) -> bytes:
    """Multi-page TIFF: CCITT G4 when ``bilevel``, else Deflate."""
    if bilevel:
        images = [_pil(binarise(p)).convert("1") for p in pages]
        compression = "group4"
    else:
        images = [_pil(p) for p in pages]
        compression = "tiff_adobe_deflate"
    buffer = io.BytesIO()
    images[0].save(buffer, format="TIFF", save_all=True, append_images=images[1:],
                   compression=compression, dpi=(dpi, dpi))
    return buffer.getvalue()


def encode_image_pdf(pages: Sequence[Image], dpi: int, quality: int, title: str) -> bytes:
    """Image-only PDF: one JPEG per page, passed through unchanged by img2pdf; the page
    size follows from the pixel size and ``dpi``."""
    jpegs = [encode_jpeg(p, quality, dpi) for p in pages]
    pdf = img2pdf.convert(jpegs, engine=img2pdf.Engine.internal, nodate=True, title=title,
                          producer="sohoa samples")
    if not isinstance(pdf, bytes):
        raise TypeError("img2pdf returned no bytes")
    return pdf
