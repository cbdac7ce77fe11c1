"""The pipeline, stage by stage: probe -> read pages -> searchable PDF -> store -> record.

Each stage is a function of plain dataclasses; this module only sequences them, so a worker
can run the same stages one task at a time.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pipeline.clock import now_iso
from pipeline.config import Settings
from pipeline.errors import StoreError
from pipeline.fields.kinds import KINDS
from pipeline.fields.model import FieldValue
from pipeline.fields.reader import QR_CONFIDENCE, FieldReader, FieldsResult
from pipeline.intake import probe
from pipeline.intake.coversheet import Part, split
from pipeline.intake.hints import IntakeHints
from pipeline.models import (
    Artifact,
    DocumentRecord,
    FileKind,
    PageInfo,
    PageText,
    PartInfo,
    SignatureEvidence,
    SourceFile,
    SourceInfo,
    Status,
    Variant,
)
from pipeline.ocr.layout import mean_confidence
from pipeline.ocr.reader import PageReader
from pipeline.pdf.evidence import pdf_evidence
from pipeline.pdf.searchable import needs_text_layer, write_searchable
from pipeline.store import DocumentStore, document_id, open_store

log = logging.getLogger(__name__)

#: Pages of a document are joined with a form feed in ``text``, as pdftotext does.
PAGE_SEPARATOR = "\f"
#: Confidence of a dossier code typed by staff into a sidecar (not read, not checked by QR).
HINT_CONFIDENCE = 0.9


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
    """Word boxes of every page (pixels at the page's dpi, origin top-left), and the
    handwritten numbers and days among them (``handwritten``, only on pages that have any)."""
    body = [
        {
            "number": p.number, "width": p.width, "height": p.height, "dpi": p.dpi,
            "text_source": p.text_source.value,
            "words": [{"text": w.text, "box": list(w.box), "confidence": w.confidence,
                       "line": w.line} for w in p.words],
            **({"handwritten": [dataclasses.asdict(h) for h in p.handwritten]}
               if p.handwritten else {}),
        }
        for p in pages
    ]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass
class _Flight:
    """A file being processed: copies of the same bytes wait for it and report its records."""

    done: threading.Event = field(default_factory=threading.Event)
    records: list[DocumentRecord] = field(default_factory=list)


def workdir(settings: Settings, prefix: str) -> tempfile.TemporaryDirectory[str]:
    """A private scratch folder under ``$SOHOA_HOME/tmp`` (same disk as the store)."""
    work = settings.home / "tmp"
    work.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(dir=work, prefix=prefix)


class Pipeline:
    """Runs documents through the stages and keeps them in the store."""

    def __init__(self, settings: Settings, store: DocumentStore | None = None,
                 reader: PageReader | None = None) -> None:
        self.settings = settings
        self.store = store or open_store(settings)
        self._own_reader = reader is None
        self.reader = reader or PageReader(settings)
        self.fields = FieldReader(settings.fields.template_paths,
                                  settings.review.min_field_confidence,
                                  zone=settings.timezone, calibrate=settings.fields.calibrate)
        # Documents being processed right now, by content hash: a second copy of the same
        # bytes in one batch waits for the first and is then reported as its duplicate.
        self._in_flight: dict[str, _Flight] = {}
        self._in_flight_lock = threading.Lock()

    def close(self) -> None:
        if self._own_reader:
            self.reader.close()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _already_stored(self, sha256: str) -> list[DocumentRecord]:
        """The documents made from these bytes before: the whole file's record, or (a stack
        cut at cover sheets) its parts' records found through the index."""
        whole = self.store.find(sha256)
        if whole is not None:
            return [whole]
        if self.store.index is None:
            return []
        try:
            ids = self.store.index.documents_of_source(sha256)
        except StoreError:
            return []  # no index: the parts are found again after reading the pages
        records = [self.store.get_record(i) for i in ids]
        return sorted(records, key=lambda r: r.part.pages[0] if r.part else 0)

    def ingest(self, path: Path, station: str | None = None, events: Events | None = None,
               hints: IntakeHints | None = None) -> list[DocumentRecord]:
        """Process one file into its documents: one, or one per part of a stack cut at cover
        sheets. Raise :class:`InputError` (nothing stored) if the file is unreadable."""
        source = probe(path, self.settings, station)
        while True:
            existing = self._already_stored(source.sha256)
            if existing:
                return [r.with_status(Status.DUPLICATE) for r in existing]
            with self._in_flight_lock:
                twin = self._in_flight.get(source.sha256)
                if twin is None:
                    flight = self._in_flight[source.sha256] = _Flight()
                    break
            twin.done.wait()  # the same bytes are being processed: their records answer us
            if twin.records:  # (a stack's parts are not found by the whole file's ID)
                return [r.with_status(Status.DUPLICATE) for r in twin.records]
        try:
            if events:
                events.started(source)
            progress = (lambda page: events.page_done(source, page)) if events else None
            with self._workdir("pages-") as work:
                pages = self.reader.read(source, Path(work), progress)
                flight.records = self.keep_parts(source, pages, hints)
                return flight.records
        finally:
            with self._in_flight_lock:
                self._in_flight.pop(source.sha256).done.set()

    def keep_parts(self, source: SourceFile, pages: Sequence[PageText],
                   hints: IntakeHints | None = None) -> list[DocumentRecord]:
        """Cut the file at its cover sheets and keep each part as a document (the whole file
        when it has none); parts already stored come back as duplicates.

        Takes only plain data, so a worker can call it with pages read on other machines
        (``source.path`` must be readable here: the original and the searchable copies are
        made from it). Repeating it after a crash completes the parts still missing.
        """
        records: list[DocumentRecord] = []
        original: Artifact | None = None
        by_number = {p.number: p for p in pages}
        for part in split(pages):
            existing = self.store.find(source.sha256, part.key)
            if existing is not None:
                records.append(existing.with_status(Status.DUPLICATE))
                continue
            if original is None:
                original = self.store.put_original(source)  # once, shared by every part
            records.append(self._keep_one(source, [by_number[n] for n in part.pages],
                                          original, part, hints))
        return records

    def keep(self, source: SourceFile, pages: Sequence[PageText],
             hints: IntakeHints | None = None) -> DocumentRecord:
        """Store the whole file as one document (cover sheets are not looked for)."""
        return self._keep_one(source, pages, self.store.put_original(source), None, hints)

    def _keep_one(self, source: SourceFile, pages: Sequence[PageText], original: Artifact,
                  part: Part | None, hints: IntakeHints | None) -> DocumentRecord:
        """Store one document's derived files, the record last.

        The record appears only once all its files are stored, so a crash in between leaves
        no half-document behind, and repeating the ingest completes it. A part's pages are
        renumbered from 1 (its searchable copy holds only them); the record says which
        pages of the original they are.
        """
        hints = hints or IntakeHints()
        cut = part is not None and part.cut
        doc_id = document_id(source.sha256, part.key if part is not None else "")
        own = ([dataclasses.replace(p, number=i) for i, p in enumerate(pages, 1)] if cut
               else list(pages))
        artifacts: dict[str, Artifact] = {Variant.ORIGINAL.value: original}
        searchable, not_pdfa = self._searchable(doc_id, source, pages, original, cut)
        artifacts[Variant.SEARCHABLE.value] = searchable
        text = PAGE_SEPARATOR.join(p.text for p in own)
        artifacts[Variant.TEXT.value] = self.store.put_artifact(
            doc_id, Variant.TEXT, text.encode("utf-8"), "text/plain; charset=utf-8")
        artifacts[Variant.WORDS.value] = self.store.put_artifact(
            doc_id, Variant.WORDS, words_json(own), "application/json")
        status, warnings = assess(own, self.settings.review.min_confidence)
        found = self.fields.read(own, self._evidence(source, pages, cut))
        fields, notes = with_dossier(found.fields, part, hints)
        problems = found.problems + notes
        if problems:
            status, warnings = Status.REVIEW, warnings + problems
        if not_pdfa:
            log.warning("searchable copy of %s is not PDF/A: %s", doc_id, "; ".join(not_pdfa))
            warnings += ("Bản PDF tìm kiếm được không đạt chuẩn lưu trữ PDF/A do tệp gốc có "
                         "thành phần không cho phép; bản gốc vẫn được lưu nguyên vẹn.",)
        record = DocumentRecord(
            id=doc_id,
            status=status,
            doc_type=doc_type_of(found, hints),
            doc_type_confidence=found.confidence,
            source=SourceInfo.of(source),
            pages=tuple(PageInfo.of(p) for p in own),
            text=text,
            fields={name: value.to_dict() for name, value in fields.items()},
            artifacts=artifacts,
            warnings=warnings,
            created_at=now_iso(self.settings.timezone),
            part=(PartInfo(part.key, part.pages, part.cover, part.ma_ho_so)
                  if part is not None and cut else None),
            procedure=hints.procedure,
            evidence=found.evidence,
        )
        from pipeline.reuse import reconcile  # once-only reuse (issue 6): known citizens

        record = reconcile(self.store.index, record)
        self.store.put_record(record)
        return record

    def _evidence(self, source: SourceFile, pages: Sequence[PageText], cut: bool
                  ) -> list[SignatureEvidence]:
        """The signatures a PDF arrived with and the stamps they draw on the document's
        pages (a part cut from a stack is not what the file's signatures signed)."""
        if source.kind is not FileKind.PDF:
            return []
        numbers = [(p.number, i if cut else p.number) for i, p in enumerate(pages, 1)]
        return pdf_evidence(source.path, numbers, self.settings.timezone, whole_file=not cut)

    def _workdir(self, prefix: str) -> tempfile.TemporaryDirectory[str]:
        return workdir(self.settings, prefix)

    def _searchable(self, doc_id: str, source: SourceFile, pages: Sequence[PageText],
                    original: Artifact, cut: bool) -> tuple[Artifact, list[str]]:
        """The searchable copy and, if it could not be PDF/A, why; a part of a file always
        gets its own copy of just its pages."""
        if source.kind is FileKind.PDF and not cut and not needs_text_layer(pages):
            return original, []  # born-digital (or already searchable): kept as it came
        with self._workdir("searchable-") as tmp:
            out = Path(tmp) / "searchable.pdf"
            not_pdfa = write_searchable(source, pages, out)
            stored = self.store.put_artifact(doc_id, Variant.SEARCHABLE, out, "application/pdf")
            return stored, not_pdfa


def with_dossier(fields: dict[str, FieldValue], part: Part | None, hints: IntakeHints
                 ) -> tuple[dict[str, FieldValue], tuple[str, ...]]:
    """Fields completed from outside the document's pages, and what a person must check.

    What the pages say wins. The cover sheet's QR code (source ``cover``) names the dossier
    and procedure when the pages do not; a sidecar or station (source ``sidecar``) names the
    dossier when neither does. A valid dossier code on the pages that differs from the cover
    sheet's means a mis-sorted stack: the document goes to review.
    """
    out = dict(fields)
    notes: list[str] = []
    if part is not None and part.ma_ho_so is not None:
        printed = out.get("ma_ho_so")
        if printed is None or printed.value is None:
            out["ma_ho_so"] = FieldValue(part.ma_ho_so, QR_CONFIDENCE, None, None,
                                         part.ma_ho_so, source="cover")
        elif printed.valid and printed.value != part.ma_ho_so:
            notes.append(f"Mã hồ sơ trên tài liệu “{printed.value}” khác mã trên tờ bìa "
                         f"“{part.ma_ho_so}” (trang {part.cover} của tệp quét); cần kiểm tra "
                         "xếp hồ sơ.")
        if part.ma_thu_tuc is not None and "ma_thu_tuc" not in out:
            out["ma_thu_tuc"] = FieldValue(part.ma_thu_tuc, QR_CONFIDENCE, None, None,
                                           part.ma_thu_tuc, source="cover")
    given = out.get("ma_ho_so")
    if not hints.ma_ho_so or (part is not None and part.ma_ho_so is not None):
        return out, tuple(notes)  # one sidecar per file; a cover sheet names its own part
    kind = KINDS["dossier_code"]
    value = kind.normalise(hints.ma_ho_so)
    check = kind.check(value if value is not None else hints.ma_ho_so)
    if given is None or given.value is None:
        out["ma_ho_so"] = FieldValue(value if value is not None else hints.ma_ho_so,
                                     HINT_CONFIDENCE, None, None, hints.ma_ho_so,
                                     valid=check.valid, reason=check.reason, source="sidecar")
        if not check.valid:
            notes.append(f"Mã hồ sơ kèm theo tệp quét không hợp lệ: {check.reason}.")
    elif given.valid and check.valid and given.value != value:
        notes.append(f"Mã hồ sơ trên tài liệu “{given.value}” khác mã kèm theo tệp quét "
                     f"“{value}”; cần kiểm tra.")
    return out, tuple(notes)


def doc_type_of(found: FieldsResult, hints: IntakeHints) -> str:
    """The classified type; the station's or sidecar's only when classification found none."""
    if found.doc_type == "unknown" and hints.doc_type:
        return hints.doc_type
    return found.doc_type
