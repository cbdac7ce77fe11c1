"""Read every page of a document: text layers in this thread, scans fanned out to a pool.

Pages are streamed: at most a few rasters per worker are alive at once, so a 200-page scan
does not sit in memory. Tesseract runs as a child process per page, and OpenCV releases the
interpreter lock, so a thread pool gives real parallelism across cores. PDFium is not
thread-safe: every call into it holds one process-wide lock.

A page that cannot be read, whatever the library says, becomes a page with a reason and no
words (the document then goes to review); only a file that cannot be opened at all is refused.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import deque
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import cv2
import pikepdf

from pipeline.config import OcrSettings, Settings
from pipeline.errors import machine_fault
from pipeline.models import FileKind, PageText, SourceFile, TextSource
from pipeline.ocr.embedded import scan_image
from pipeline.ocr.pdfopen import OpenedPdf, open_pdf
from pipeline.ocr.raster import PDFIUM_LOCK as PDFIUM_LOCK  # where callers have found it
from pipeline.ocr.raster import Frame, image_pages, render_pdf_page
from pipeline.ocr.scan import ScanJob, read_scan
from pipeline.ocr.tesseract import VOCABULARY_ARGS, TesseractOptions, check_tesseract
from pipeline.ocr.textlayer import page_words, read_text_layer
from pipeline.ocr.triage import PagePlan, plan_page
from pipeline.pdf.annotations import annotation_texts
from pipeline.preprocess.prepare import PrepOptions

log = logging.getLogger(__name__)

Progress = Callable[[PageText], None]

cv2.setNumThreads(1)  # one core per page: our pool already fills the machine


def scan_options(settings: Settings) -> tuple[TesseractOptions, PrepOptions]:
    ocr, prep = settings.ocr, settings.preprocess
    return (
        TesseractOptions(languages=ocr.languages, psm=ocr.psm, timeout=ocr.page_timeout,
                         inverted_text=ocr.inverted_text,
                         extra=VOCABULARY_ARGS if ocr.vocabulary else ()),
        PrepOptions(page_detection=prep.page_detection, orientation=prep.orientation,
                    deskew=prep.deskew, min_skew=prep.min_skew,
                    flatten_light=prep.flatten_light, remove_rules=prep.remove_rules,
                    remove_marks=prep.remove_marks,
                    denoise=prep.denoise,
                    binarise=prep.binarise, ocr_dpi=prep.ocr_dpi,
                    upscale_below=prep.upscale_below,
                    max_pixels=settings.limits.max_image_megapixels * 1_000_000),
    )


class PageReader:
    """Turns a :class:`SourceFile` into one :class:`PageText` per page, in page order."""

    def __init__(self, settings: Settings, executor: Executor | None = None) -> None:
        self.settings = settings
        self.tesseract, self.prep = scan_options(settings)
        self._own_executor = executor is None
        self.executor = executor or ThreadPoolExecutor(
            max_workers=settings.workers, thread_name_prefix="sohoa-ocr"
        )

    def close(self) -> None:
        if self._own_executor:
            self.executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> PageReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self, source: SourceFile, workdir: Path, progress: Progress | None = None,
             numbers: Collection[int] | None = None) -> list[PageText]:
        """The pages in order (only ``numbers`` when given: a distributed worker reads its
        share); corrected page images are written under ``workdir``."""
        jobs = (self._pdf_jobs(source, numbers, workdir) if source.kind is FileKind.PDF
                else self._image_jobs(source, numbers))
        window = max(2, self.settings.workers * 2)
        pending: deque[Future[PageText]] = deque()
        pages: list[PageText] = []

        def collect(future: Future[PageText]) -> None:
            page = future.result()
            pages.append(page)
            if progress:
                progress(page)

        # A TIFF frame would be re-encoded to be wrapped into a PDF page: the worker, which
        # holds its pixels anyway, writes the page image instead (JPEG; 1-bit scans excepted).
        redraw = source.kind is FileKind.TIFF
        for job in jobs:
            if isinstance(job, PageText):
                pending.append(_done(job))
            else:
                check_tesseract(self.tesseract.languages)
                scan = ScanJob(job.number, job.pixels, job.dpi, self.tesseract, self.prep,
                               workdir, self.settings.preprocess.osd_fallback,
                               read_qr=self.settings.fields.read_qr,
                               always_display=redraw and not job.bilevel,
                               warnings=job.warnings)
                pending.append(self.executor.submit(read_scan_or_reason, scan, source.filename))
            while len(pending) >= window:
                collect(pending.popleft())
        while pending:
            collect(pending.popleft())
        return pages

    def _image_jobs(self, source: SourceFile,
                    numbers: Collection[int] | None) -> Iterator[Frame]:
        for frame in image_pages(source.path):
            if numbers is None or frame.number in numbers:
                yield frame

    def _pdf_jobs(self, source: SourceFile, numbers: Collection[int] | None,
                  workdir: Path) -> Iterator[PageText | Frame]:
        with open_pdf(source.path, source.filename, workdir) as pdf:
            for number in range(1, pdf.page_count + 1):
                if numbers is not None and number not in numbers:
                    continue
                job = self._pdf_page(pdf, number)
                damage = pdf.content_problem(number)
                if damage is not None:
                    job = _warned(job, damage)
                if number == 1 and pdf.repaired:
                    job = _warned(job, pdf.repaired)
                yield job

    def _pdf_page(self, pdf: OpenedPdf, number: int) -> PageText | Frame:
        """Page ``number`` read from its text layer, or its image for OCR; a page that cannot
        be read gets a reason instead."""
        width, height = pdf.size(number)
        problem = pdf.box_problem(number)
        if problem is not None:
            return unreadable(number, problem, width, height, 72)
        ocr = self.settings.ocr
        try:
            page = pdf.text_page(number)
            try:
                box = _page_box(page)
                plan, words = plan_pdf_page(page, pdf.structure, number - 1, ocr)
            finally:
                page.close()
            if plan.text_source is TextSource.TEXT_LAYER:
                return read_text_layer(plan.number, box, words)
            return self._scan_frame(plan, pdf)
        except Exception as exc:
            if machine_fault(exc):
                raise
            log.warning("page %d of %s unreadable: %r", number, pdf.filename, exc)
            return unreadable(number, f"Trang {number} bị hỏng, không đọc được; cần kiểm tra "
                              "bản gốc.", width, height, 72)

    def _scan_frame(self, plan: PagePlan, pdf: OpenedPdf) -> Frame:
        """The scan's own pixels when the page is just one image, else a rendering."""
        number = plan.number
        warnings: tuple[str, ...] = ()
        try:
            embedded = scan_image(pdf.structure, number - 1)
        except Exception as exc:  # a damaged image: PDFium shows what it can of the page
            log.warning("page %d of %s: its image does not decode: %r", number, pdf.filename,
                        exc)
            embedded = None
            warnings = (f"Ảnh quét của trang {number} bị hỏng, không giải mã được; trang được "
                        "đọc từ phần hiển thị được, cần kiểm tra.",)
        if embedded is not None:
            pixels, dpi = embedded
            limit = self.settings.ocr.max_dpi
            if dpi > limit:  # 600 dpi scans read no better and cost four times as much
                pixels = cv2.resize(pixels, None, fx=limit / dpi, fy=limit / dpi,
                                    interpolation=cv2.INTER_AREA)
                dpi = limit
            return Frame(number, pixels, dpi, bilevel=False)
        max_pixels = self.settings.limits.max_image_megapixels * 1_000_000
        with PDFIUM_LOCK:
            pixels, dpi = render_pdf_page(pdf.raster, number - 1, plan.dpi, max_pixels,
                                          plan.colour)
        if dpi < min(plan.dpi, self.settings.ocr.min_dpi):
            warnings += (f"Trang {number} quá khổ nên chỉ đọc được ở {dpi} dpi; cần kiểm tra.",)
        return Frame(number, pixels, dpi, bilevel=False, warnings=warnings)


def unreadable(number: int, reason: str, width: float, height: float, dpi: int) -> PageText:
    """A page that could not be read: no words, and why (the document goes to review)."""
    return PageText(number=number, width=round(width), height=round(height), dpi=dpi,
                    text_source=TextSource.OCR, words=(), text="", mean_confidence=None,
                    warnings=(reason,))


def read_scan_or_reason(job: ScanJob, filename: str) -> PageText:
    """:func:`read_scan`, or the page with a reason if its pixels defeat the preprocessing
    or Tesseract (runs in the pool: an exception there would end the whole document)."""
    try:
        return read_scan(job)
    except Exception as exc:
        if machine_fault(exc):
            raise
        log.warning("page %d of %s: OCR failed: %r", job.number, filename, exc)
        height, width = job.pixels.shape[:2]
        return unreadable(job.number, f"Trang {job.number}: không nhận dạng được chữ do lỗi "
                          "khi xử lý ảnh trang; cần kiểm tra bản gốc.", width, height, job.dpi)


def _warned(job: PageText | Frame, warning: str) -> PageText | Frame:
    return dataclasses.replace(job, warnings=(*job.warnings, warning))


def plan_pdf_page(page: Any, pdf: pikepdf.Pdf, index: int, ocr: OcrSettings
                  ) -> tuple[PagePlan, list[dict[str, Any]]]:
    """How to read page ``index`` (pdfplumber's ``page``, pikepdf's ``pdf``) and the words of
    its text layer. Text an e-office tool stamped in after export (the number, the day) is
    often an annotation and joins the page's words; the e-signature stamps that signature
    widgets draw are evidence (:mod:`pipeline.pdf.evidence`), not the page: a scan whose
    only text is its stamps stays a scan."""
    shown = [c for a in annotation_texts(pdf, index) for c in a.chars]
    words = page_words(page, shown)
    plan = plan_page(
        index + 1, _page_box(page), words, page.images, bool(page.curves or page.rects),
        [str(c.get("fontname", "")) for c in [*page.chars, *shown]],
        min_text_coverage=ocr.text_layer_min_coverage,
        default_dpi=ocr.dpi, min_dpi=ocr.min_dpi, max_dpi=ocr.max_dpi,
    )
    return plan, words



def _page_box(page: Any) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = (float(v) for v in page.bbox)
    return x0, top, x1, bottom


def _done(page: PageText) -> Future[PageText]:
    future: Future[PageText] = Future()
    future.set_result(page)
    return future
