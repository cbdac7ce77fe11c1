"""Page images for OCR, decoded or rendered exactly once, in the page's displayed orientation."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from pipeline.errors import DamagedFile, machine_fault
from pipeline.preprocess.geometry import turn

#: A4's long side in inches: phone photos claim 72 dpi, so their scale is estimated from it.
A4_LONG_INCHES = 11.69
#: Below this a claimed resolution is a camera's default, not a scan setting.
MIN_TRUSTED_DPI = 100

#: PDFium must never be entered by two threads at once.
PDFIUM_LOCK = threading.Lock()

#: EXIF orientation -> clockwise display rotation (mirrored orientations are not applied,
#: the same choice the PDF wrapper makes, so the text layer matches the page).
_EXIF_ROTATION = {3: 180, 6: 90, 8: 270}
_EXIF_ORIENTATION_TAG = 0x0112


def image_dpi(width: int, height: int, claimed: float | None) -> int:
    """The resolution a page image is taken at; one rule for OCR and for the PDF page size."""
    if claimed is not None and claimed >= MIN_TRUSTED_DPI:
        return round(claimed)
    return max(MIN_TRUSTED_DPI, round(max(width, height) / A4_LONG_INCHES))


def exif_rotation(img: Image.Image) -> int:
    orientation = img.getexif().get(_EXIF_ORIENTATION_TAG, 1)
    return _EXIF_ROTATION.get(int(orientation), 0)


def _claimed_dpi(img: Image.Image) -> float | None:
    dpi: Any = img.info.get("dpi")
    if not dpi:
        return None
    try:
        value = float(dpi[0])
    except (TypeError, ValueError, IndexError):
        return None
    return value if value > 1 else None


@dataclass(frozen=True)
class Frame:
    """One decoded page of an image file."""

    number: int
    pixels: np.ndarray  # RGB for colour, else greyscale; upright as the EXIF tag says
    dpi: int
    #: Black-and-white (1 bit): a fax-style scan, kept lossless in the searchable copy.
    bilevel: bool
    #: What a person should check on this page (Vietnamese), e.g. a damaged image.
    warnings: tuple[str, ...] = ()


def _fast_decode(path: Path, img: Image.Image) -> np.ndarray | None:
    """OpenCV decodes plain 8-bit PNG and JPEG files twice as fast as Pillow, straight into an
    array; other modes (palette, 16-bit, alpha, CMYK, 1-bit) take Pillow's path."""
    if img.format not in ("PNG", "JPEG") or img.mode not in ("L", "RGB"):
        return None
    if getattr(img, "n_frames", 1) != 1:
        return None
    if img.format == "JPEG" and not _ends_with(path, b"\xff\xd9"):
        return None  # libjpeg under OpenCV decodes a truncated file without a word: Pillow won't
    pixels = cv2.imread(str(path), cv2.IMREAD_UNCHANGED | cv2.IMREAD_IGNORE_ORIENTATION)
    if pixels is None or pixels.dtype != np.uint8:
        return None
    if pixels.ndim == 3:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB)
    return pixels


def _ends_with(path: Path, marker: bytes) -> bool:
    with path.open("rb") as fh:
        fh.seek(-len(marker), 2)
        return fh.read() == marker


def image_pages(path: Path) -> Iterator[Frame]:
    """Each frame of an image file, decoded once."""
    try:
        with Image.open(path) as img:
            fast = _fast_decode(path, img)
            if fast is not None:
                dpi = image_dpi(img.width, img.height, _claimed_dpi(img))
                rotation = exif_rotation(img) if img.format == "JPEG" else 0
                yield Frame(1, turn(fast, rotation), dpi, bilevel=False)
                return
            for index in range(getattr(img, "n_frames", 1)):
                img.seek(index)
                rotation = exif_rotation(img)
                dpi = image_dpi(img.width, img.height, _claimed_dpi(img))
                bilevel = img.mode == "1"
                mode = "RGB" if _is_colour(img) else "L"
                frame = img if img.mode == mode else img.convert(mode)
                if rotation:
                    frame = frame.rotate(-rotation, expand=True)  # PIL turns counter-clockwise
                yield Frame(index + 1, np.asarray(frame), dpi, bilevel)
    except Exception as exc:  # whatever Pillow's decoders raise on a damaged file
        if machine_fault(exc):
            raise
        raise DamagedFile(
            f"Ảnh {path.name} bị hỏng hoặc bị cắt cụt, không giải mã được. Hãy quét hoặc sao chép "
            "lại tệp.",
            detail=str(exc),
        ) from exc


def _is_colour(img: Image.Image) -> bool:
    return img.mode not in ("1", "L", "LA", "I", "I;16", "F")


def render_dpi(width_pt: float, height_pt: float, dpi: int, max_pixels: int) -> int:
    """``dpi``, lowered so that a page of this size renders to at most ``max_pixels``."""
    area = max(width_pt, 1.0) * max(height_pt, 1.0) / (72.0 * 72.0)
    return max(1, min(dpi, math.floor(math.sqrt(max_pixels / area))))


def render_pdf_page(doc: pdfium.PdfDocument, index: int, dpi: int, max_pixels: int,
                    colour: bool = False) -> tuple[np.ndarray, int]:
    """Rasterise one PDF page (its crop box, as displayed): RGB when ``colour``, else grey;
    at ``dpi`` or lower, never above ``max_pixels``. Returns the pixels and their dpi."""
    page = doc[index]
    try:
        width, height = page.get_size()
        dpi = render_dpi(width, height, dpi, max_pixels)
        bitmap = page.render(scale=dpi / 72.0, grayscale=not colour, rev_byteorder=colour)
        pixels = bitmap.to_numpy()
        if colour:
            return np.array(pixels[:, :, :3], copy=True), dpi
        return np.array(pixels[:, :, 0] if pixels.ndim == 3 else pixels, copy=True), dpi
    finally:
        page.close()
