"""Run many files through the pipeline; one bad file never stops the others."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError, SohoaError
from pipeline.models import DocumentRecord, Failure
from pipeline.process import Events, Pipeline

log = logging.getLogger(__name__)

#: Files a scanner, an editor or an OS leaves behind while writing: never documents.
_SKIPPED_SUFFIXES = (".tmp", ".part", ".crdownload", ".partial", ".swp")
_SKIPPED_NAMES = ("thumbs.db", "desktop.ini")


@dataclass(frozen=True)
class BatchItem:
    path: Path
    record: DocumentRecord | None
    failure: Failure | None
    seconds: float

    @property
    def ok(self) -> bool:
        return self.failure is None

    def to_dict(self) -> dict[str, object]:
        if self.record is not None:
            return self.record.to_dict()
        assert self.failure is not None
        return self.failure.to_dict()


def is_candidate(path: Path) -> bool:
    """Whether a file in an intake folder may be a document (not hidden, not half-written)."""
    name = path.name.lower()
    return not (
        name.startswith((".", "~$"))
        or name.endswith(_SKIPPED_SUFFIXES)
        or name in _SKIPPED_NAMES
    )


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files named directly are kept as given; folders contribute their candidate files."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and is_candidate(p))
        else:
            files.append(path)
    return files


def process_one(pipeline: Pipeline, path: Path, station: str | None = None,
                events: Events | None = None) -> BatchItem:
    started = time.perf_counter()
    try:
        record = pipeline.ingest(path, station, events)
        return BatchItem(path, record, None, time.perf_counter() - started)
    except SohoaError as exc:
        log.warning("rejected %s: %s (%s)", path.name, exc.code, exc.detail or "")
        failure = Failure(filename=path.name, code=exc.code, message=exc.message,
                          retryable=not isinstance(exc, InputError))
        return BatchItem(path, None, failure, time.perf_counter() - started)


def process_many(pipeline: Pipeline, paths: Iterable[Path], station: str | None = None,
                 events: Events | None = None) -> Iterator[BatchItem]:
    """Process documents side by side (one per core), yielding results in input order.

    Their pages share the pipeline's OCR pool, so a batch of one-page scans keeps every core
    busy as a long PDF does.
    """
    width = pipeline.settings.workers
    with ThreadPoolExecutor(max_workers=width, thread_name_prefix="sohoa-doc") as documents:
        pending: deque[Future[BatchItem]] = deque()
        for path in paths:
            pending.append(documents.submit(process_one, pipeline, path, station, events))
            if len(pending) > width:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
