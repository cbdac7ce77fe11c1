"""The pipeline, stage by stage: probe -> read pages -> searchable PDF -> store -> record.

Each stage is a function of plain dataclasses; this module only sequences them, so a worker
can run the same stages one task at a time.
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from pipeline.clock import now_iso
from pipeline.config import Settings
from pipeline.fields.reader import FieldReader
from pipeline.intake import probe
from pipeline.models import (
    Artifact,
    DocumentRecord,
    FileKind,
    PageInfo,
    PageText,
    SourceFile,
    SourceInfo,
    Status,
    Variant,
)
from pipeline.ocr.layout import mean_confidence
from pipeline.ocr.reader import PageReader
from pipeline.pdf.searchable import needs_text_layer, write_searchable
from pipeline.store import DocumentStore, document_id, open_store

log = logging.getLogger(__name__)

#: Pages of a document are joined with a form feed in ``text``, as pdftotext does.
PAGE_SEPARATOR = "\f"


class Events(Protocol):
    """What a caller may watch while documents are processed (progress bars, logs); called
    from worker threads when documents run side by side."""

    def started(self, source: SourceFile) -> None: ...

    def page_done(self, source: SourceFile, page: PageText) -> None: ...


def assess(pages: Sequence[PageText], min_confidence: float) -> tuple[Status, tuple[str, ...]]:
    """``review`` when OCR is doubtful or a page could not be read; ``done`` otherwise."""
    warnings = tuple(w for p in pages for w in p.warnings)
    ocr_words = [w for p in pages if p.text_source == "ocr" for w in p.words]
    confidence = mean_confidence(ocr_words)
    if confidence is not None and confidence < min_confidence:
        warnings += (f"Độ tin cậy nhận dạng chữ thấp ({confidence:.0%} < {min_confidence:.0%}); "
                     "cần người kiểm tra.",)
    return (Status.REVIEW if warnings else Status.DONE), warnings


def words_json(pages: Sequence[PageText]) -> bytes:
    """Word boxes of every page (pixels at the page's dpi, origin top-left)."""
    body = [
        {
            "number": p.number, "width": p.width, "height": p.height, "dpi": p.dpi,
            "text_source": p.text_source.value,
            "words": [{"text": w.text, "box": list(w.box), "confidence": w.confidence,
                       "line": w.line} for w in p.words],
        }
        for p in pages
    ]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Pipeline:
    """Runs documents through the stages and keeps them in the store."""

    def __init__(self, settings: Settings, store: DocumentStore | None = None,
                 reader: PageReader | None = None) -> None:
        self.settings = settings
        self.store = store or open_store(settings)
        self._own_reader = reader is None
        self.reader = reader or PageReader(settings)
        self.fields = FieldReader(settings.fields.template_paths,
                                  settings.review.min_field_confidence)
        # Documents being processed right now, by content hash: a second copy of the same
        # bytes in one batch waits for the first and is then reported as its duplicate.
        self._in_flight: dict[str, threading.Event] = {}
        self._in_flight_lock = threading.Lock()

    def close(self) -> None:
        if self._own_reader:
            self.reader.close()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ingest(self, path: Path, station: str | None = None,
               events: Events | None = None) -> DocumentRecord:
        """Process one file; raise :class:`InputError` (nothing stored) if it is unreadable."""
        source = probe(path, self.settings, station)
        while True:
            existing = self.store.find(source.sha256)
            if existing is not None:
                return existing.with_status(Status.DUPLICATE)
            with self._in_flight_lock:
                twin = self._in_flight.get(source.sha256)
                if twin is None:
                    self._in_flight[source.sha256] = threading.Event()
                    break
            twin.wait()  # the same bytes are being processed: their record answers us
        try:
            if events:
                events.started(source)
            progress = (lambda page: events.page_done(source, page)) if events else None
            with self._workdir("pages-") as work:
                pages = self.reader.read(source, Path(work), progress)
                return self.keep(source, pages)
        finally:
            with self._in_flight_lock:
                self._in_flight.pop(source.sha256).set()

    def keep(self, source: SourceFile, pages: Sequence[PageText]) -> DocumentRecord:
        """Store the original and everything derived from it, the record last.

        The record appears only once all its files are stored, so a crash in between leaves
        no half-document behind, and repeating the ingest completes it.
        """
        doc_id = document_id(source.sha256)
        original = self.store.put_original(source)
        artifacts: dict[str, Artifact] = {Variant.ORIGINAL.value: original}
        searchable, not_pdfa = self._searchable(doc_id, source, pages, original)
        artifacts[Variant.SEARCHABLE.value] = searchable
        text = PAGE_SEPARATOR.join(p.text for p in pages)
        artifacts[Variant.TEXT.value] = self.store.put_artifact(
            doc_id, Variant.TEXT, text.encode("utf-8"), "text/plain; charset=utf-8")
        artifacts[Variant.WORDS.value] = self.store.put_artifact(
            doc_id, Variant.WORDS, words_json(pages), "application/json")
        status, warnings = assess(pages, self.settings.review.min_confidence)
        found = self.fields.read(pages)
        if found.problems:
            status, warnings = Status.REVIEW, warnings + found.problems
        if not_pdfa:
            log.warning("searchable copy of %s is not PDF/A: %s", doc_id, "; ".join(not_pdfa))
            warnings += ("Bản PDF tìm kiếm được không đạt chuẩn lưu trữ PDF/A do tệp gốc có "
                         "thành phần không cho phép; bản gốc vẫn được lưu nguyên vẹn.",)
        record = DocumentRecord(
            id=doc_id,
            status=status,
            doc_type=found.doc_type,
            doc_type_confidence=found.confidence,
            source=SourceInfo.of(source),
            pages=tuple(PageInfo.of(p) for p in pages),
            text=text,
            fields={name: value.to_dict() for name, value in found.fields.items()},
            artifacts=artifacts,
            warnings=warnings,
            created_at=now_iso(self.settings.timezone),
        )
        from pipeline.reuse import reconcile  # once-only reuse (issue 6): known citizens

        record = reconcile(self.store.index, record)
        self.store.put_record(record)
        return record

    def _workdir(self, prefix: str) -> tempfile.TemporaryDirectory[str]:
        """A private scratch folder under ``$SOHOA_HOME/tmp`` (same disk as the store)."""
        work = self.settings.home / "tmp"
        work.mkdir(parents=True, exist_ok=True)
        return tempfile.TemporaryDirectory(dir=work, prefix=prefix)

    def _searchable(self, doc_id: str, source: SourceFile, pages: Sequence[PageText],
                    original: Artifact) -> tuple[Artifact, list[str]]:
        """The searchable copy and, if it could not be PDF/A, why."""
        if source.kind is FileKind.PDF and not needs_text_layer(pages):
            return original, []  # born-digital (or already searchable): kept as it came
        with self._workdir("searchable-") as tmp:
            out = Path(tmp) / "searchable.pdf"
            not_pdfa = write_searchable(source, pages, out)
            stored = self.store.put_artifact(doc_id, Variant.SEARCHABLE, out, "application/pdf")
            return stored, not_pdfa
