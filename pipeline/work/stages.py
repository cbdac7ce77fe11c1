"""The pipeline cut into tasks that any worker on any machine can run, in any order, twice.

``submit`` (watcher) → ``read_page`` × pages (any worker) → ``assemble`` (the worker that
finished the last page). Each step takes and returns plain data (:class:`Submission`,
:class:`PageText`, records); the original travels through the kho, page results and page
images through ``work/<sha256>/`` in the kho, so no step needs another's disk. Every step is
idempotent: a page already read is not read again, an original already stored is not
stored again, and the records are content-addressed.

The stages are the in-process pipeline's own (probe, the page reader, ``keep_parts``); only
the sequencing differs, so both modes produce the same records.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.config import Settings
from pipeline.errors import IntegrityError, NotFound
from pipeline.intake import probe
from pipeline.intake.hints import IntakeHints
from pipeline.models import Artifact, DocumentRecord, FileKind, PageText, SourceFile
from pipeline.ocr.reader import PageReader
from pipeline.process import Pipeline, workdir
from pipeline.store import DocumentStore
from pipeline.store.documents import original_key
from pipeline.work.pages import page_from_json, page_to_json


@dataclass(frozen=True)
class Submission:
    """A file stored in the kho and waiting to be read: all a worker needs to know."""

    sha256: str
    filename: str
    kind: str
    size: int
    page_count: int
    station: str
    received_at: str
    hints: IntakeHints = dataclasses.field(default_factory=IntakeHints)

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "hints": self.hints.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Submission:
        return cls(**{**data, "hints": IntakeHints.from_dict(data.get("hints"))})

    @classmethod
    def of(cls, source: SourceFile, hints: IntakeHints) -> Submission:
        return cls(source.sha256, source.filename, source.kind.value, source.size,
                   source.page_count, source.station, source.received_at, hints)


def store_original(settings: Settings, store: DocumentStore, path: Path, station: str,
                   hints: IntakeHints) -> Submission:
    """Check the file, keep it in the kho and read back its checksum: after this the file
    may leave the inbox. Raises :class:`InputError` for a file that can never be read."""
    source = probe(path, settings, station)
    stored = store.put_original(source)
    found = store.objects.stat(stored.key)
    if found is None or found.sha256 != source.sha256 or found.size != source.size:
        raise IntegrityError(
            f"Bản gốc {source.filename} lưu vào kho không khớp mã kiểm tra; tệp được giữ lại "
            "trong thư mục quét để thử lại.",
            detail=f"expected {source.sha256}/{source.size}, stored {found}")
    return Submission.of(source, hints)


def local_source(settings: Settings, store: DocumentStore, sub: Submission) -> SourceFile:
    """The original on this machine's disk (fetched once per worker, verified on the way)."""
    cache = settings.home / "cache" / "originals" / sub.sha256
    if not cache.is_file():
        artifact = Artifact(original_key(sub.sha256), sub.sha256, sub.size,
                            FileKind(sub.kind).media_type)
        store.export(artifact, cache)
    return SourceFile(path=cache, filename=sub.filename, kind=FileKind(sub.kind),
                      sha256=sub.sha256, size=sub.size, page_count=sub.page_count,
                      station=sub.station, received_at=sub.received_at)


def _page_name(number: int) -> str:
    return f"page-{number:05d}.json"


def read_page(settings: Settings, store: DocumentStore, reader: PageReader, sub: Submission,
              number: int) -> PageText:
    """Read one page (or return the result a previous attempt already stored)."""
    with contextlib.suppress(NotFound):
        return page_from_json(store.objects.read_verified(
            f"work/{sub.sha256}/{_page_name(number)}"))
    source = local_source(settings, store, sub)
    with workdir(settings, "page-") as tmp:
        (page,) = reader.read(source, Path(tmp), numbers={number})
        images: dict[str, Any] = {}
        for name in ("display", "ocr_image"):
            path = getattr(page, name)
            if path:
                images[name] = store.put_work(
                    sub.sha256, f"page-{number:05d}-{name}{Path(path).suffix}", Path(path),
                    "application/octet-stream")
        page = dataclasses.replace(page, **images)
        store.put_work(sub.sha256, _page_name(number), page_to_json(page), "application/json")
    return page


def assemble(settings: Settings, store: DocumentStore, pipeline: Pipeline,
             sub: Submission) -> list[DocumentRecord]:
    """Every page read: write the documents (searchable PDF, fields, records), then drop
    the scratch data."""
    source = local_source(settings, store, sub)
    with workdir(settings, "assemble-") as tmp:
        work = Path(tmp)
        pages = []
        for number in range(1, sub.page_count + 1):
            page = page_from_json(store.objects.read_verified(
                f"work/{sub.sha256}/{_page_name(number)}"))
            local: dict[str, Any] = {}
            for name in ("display", "ocr_image"):
                key = getattr(page, name)
                if key:
                    dest = work / Path(key).name
                    dest.write_bytes(store.objects.read_verified(key))
                    local[name] = str(dest)
            pages.append(dataclasses.replace(page, **local))
        records = pipeline.keep_parts(source, pages, sub.hints)
    store.clear_work(sub.sha256)
    with contextlib.suppress(OSError):
        source.path.unlink()
    return records
