"""A scanned page, start to finish: preprocess, read with Tesseract, map words to the page."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from pipeline.fields import qr
from pipeline.models import Handwriting, PageText, TextSource, Word
from pipeline.ocr.handwriting.reader import read_handwriting
from pipeline.ocr.handwriting.slots import find_slots
from pipeline.ocr.layout import arrange, mean_confidence, words_to_text
from pipeline.ocr.tesseract import OcrTimeout, TesseractOptions, osd_rotation, read
from pipeline.preprocess.geometry import turn
from pipeline.preprocess.prepare import Prepared, PrepOptions, prepare

#: Quality of the JPEG that replaces a page whose geometry was corrected.
DISPLAY_JPEG_QUALITY = 88


@dataclass(frozen=True)
class ScanJob:
    """Everything a worker needs to read one page (picklable)."""

    number: int
    pixels: np.ndarray  # RGB or greyscale, as decoded, upright per EXIF
    dpi: int
    tesseract: TesseractOptions
    prep: PrepOptions
    #: Folder for corrected page images (the searchable PDF shows them instead of the page).
    workdir: Path
    osd_fallback: bool = True
    read_qr: bool = True
    #: Write the page image even if its geometry is unchanged (it is shown instead of a
    #: copy the PDF writer would have to re-encode).
    always_display: bool = False
    #: Found before OCR (a damaged image, a page too large to read at full resolution).
    warnings: tuple[str, ...] = ()


def read_scan(job: ScanJob) -> PageText:
    # QR codes are read from the page as scanned: preprocessing erases marks like them.
    codes = tuple(qr.decode(job.pixels)) if job.read_qr else ()
    page = prepare(job.pixels, job.dpi, job.prep, osd_rotation if job.osd_fallback else None,
                   always_display=job.always_display)
    shell = PageText(
        number=job.number, width=page.width, height=page.height, dpi=page.dpi,
        text_source=TextSource.OCR, words=(), text="", mean_confidence=None,
        rotate=page.rotate, corrections=page.notes,
        codes=codes, warnings=job.warnings,
        display=None if page.display is None else _save_display(page.display, job.workdir,
                                                                job.number),
    )
    try:
        kept = job.workdir / f"page-{job.number:05d}.pgm"
        job.workdir.mkdir(parents=True, exist_ok=True)
        reading = read(page.ocr, page.ocr_dpi, job.tesseract, keep=kept)
        shell = replace(shell, ocr_image=str(kept), ocr_scale=page.scale, ocr_dpi=page.ocr_dpi)
    except OcrTimeout:
        return replace(shell, warnings=(*job.warnings,
                                        f"Trang {job.number}: nhận dạng chữ quá thời gian "
                                        f"{job.tesseract.timeout:.0f} giây, trang chưa có chữ."))
    words = reading.words
    if page.scale != 1.0:
        words = [Word(w.text, _scaled(w.box, 1.0 / page.scale), w.confidence, w.line)
                 for w in words]
    words, handwritten = _handwriting(job, page, words)
    ordered, breaks = arrange(words, reading.paragraph_starts)
    return replace(shell, words=tuple(ordered), text=words_to_text(ordered, breaks),
                   mean_confidence=mean_confidence(ordered), handwritten=handwritten)


def _handwriting(job: ScanJob, page: Prepared, words: list[Word]
                 ) -> tuple[list[Word], tuple[Handwriting, ...]]:
    """The header's handwritten number and day read into the words (pages without the
    printed anchors of such blanks are left alone, at no cost)."""
    slots = find_slots(words, page.height)
    if not slots:
        return words, ()
    shown = page.display if page.display is not None else turn(job.pixels, page.rotate)
    return read_handwriting(shown, words, slots)


def _scaled(box: tuple[float, float, float, float], factor: float
            ) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    return (round(x0 * factor, 1), round(y0 * factor, 1), round(x1 * factor, 1),
            round(y1 * factor, 1))


def _save_display(pixels: np.ndarray, workdir: Path, number: int) -> str:
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"page-{number:05d}.jpg"
    bgr = cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR) if pixels.ndim == 3 else pixels
    ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, DISPLAY_JPEG_QUALITY])
    if not ok:  # pragma: no cover - OpenCV only fails on invalid arrays
        raise RuntimeError("JPEG encoding failed")
    path.write_bytes(data.tobytes())
    return str(path)
