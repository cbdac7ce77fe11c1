"""Run many files through the pipeline; one bad file never stops the others."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError, InternalError, SohoaError
from pipeline.intake.hints import IntakeHints
from pipeline.models import DocumentRecord, Failure
from pipeline.process import Events, Pipeline

log = logging.getLogger(__name__)

#: Files a scanner, an editor, a copy tool (browsers, WinSCP) or an OS leaves behind while
#: writing: never documents. Names starting with "." (rsync's temporary files, macOS "._x")
#: or "~$" (Office locks) are skipped too.
_SKIPPED_SUFFIXES = (".tmp", ".temp", ".part", ".crdownload", ".partial", ".download",
                     ".opdownload", ".filepart", ".swp", ".swx", "~")
_SKIPPED_NAMES = ("thumbs.db", "ehthumbs.db", "desktop.ini")


@dataclass(frozen=True)
class BatchItem:
    """One file's outcome: its documents (several for a stack cut at cover sheets), or why
    it was refused. ``record`` is the first document, for callers of one-document files."""

    path: Path
    record: DocumentRecord | None
    failure: Failure | None
    seconds: float
    #: Every document made from the file, in page order; ``(record,)`` when not given.
    records: tuple[DocumentRecord, ...] = ()
    #: Handed to the workers instead (a broker is configured): the job's content hash.
    queued: str | None = None

    def __post_init__(self) -> None:
        if not self.records and self.record is not None:
            object.__setattr__(self, "records", (self.record,))

    @property
    def ok(self) -> bool:
        return self.failure is None

    def to_dict(self) -> dict[str, object]:
        """The first document's record, or the failure."""
        if self.record is not None:
            return self.record.to_dict()
        if self.queued is not None:
            return {"id": None, "status": "queued",
                    "source": {"filename": self.path.name, "sha256": self.queued}}
        assert self.failure is not None
        return self.failure.to_dict()

    def to_dicts(self) -> list[dict[str, object]]:
        """One object per document (the JSON Lines of ``ingest --json``), or the failure."""
        if self.records:
            return [r.to_dict() for r in self.records]
        return [self.to_dict()]


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
                events: Events | None = None, hints: IntakeHints | None = None) -> BatchItem:
    """Ingest one file, turning a refusal into a :class:`Failure`; ``hints`` are what the
    station or a sidecar says about the file."""
    started = time.perf_counter()
    try:
        records = pipeline.ingest(path, station, events, hints)
        return BatchItem(path, records[0] if records else None, None,
                         time.perf_counter() - started, tuple(records))
    except Exception as exc:
        error = exc if isinstance(exc, SohoaError) else internal_error(exc, path.name)
        log.warning("rejected %s: %s (%s)", path.name, error.code, error.detail or "")
        # A bug is not worth retrying: the file is set aside (quarantined) with the reason.
        failure = Failure(filename=path.name, code=error.code, message=error.message,
                          retryable=not isinstance(error, InputError | InternalError))
        return BatchItem(path, None, failure, time.perf_counter() - started)


def internal_error(exc: BaseException, what: str) -> InternalError:
    """An unexpected exception as a one-line reason; the traceback goes to the log only when
    asked for (``--verbose``), never to the person at the station."""
    log.error("unexpected failure on %s: %r", what, exc,
              exc_info=exc if log.isEnabledFor(logging.INFO) else None)
    return InternalError.of(exc)


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
