"""The watcher's side of distributed work: keep the original, queue the job, report back.

A file leaves its inbox once its original is in the kho (checksum read back) and its job is
on the board and in the queue; a crash anywhere before that leaves it in the inbox, and
handling it again is harmless (same content, same job). Jobs that fail for good come back
to their station as a copy of the original in its quarantine folder, with the reason.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from pathlib import Path

from kombu.exceptions import OperationalError as BrokerError

from pipeline.batch import BatchItem
from pipeline.config import Settings
from pipeline.errors import InputError, SohoaError
from pipeline.intake.hints import IntakeHints
from pipeline.models import Artifact, Failure
from pipeline.store import DocumentStore
from pipeline.store.documents import original_key
from pipeline.work.jobs import JobBoard
from pipeline.work.liveness import Claim, Roster
from pipeline.work.stages import Submission, store_original
from pipeline.work.tasks import configure, enqueue, requeue

log = logging.getLogger(__name__)

QUEUE_DOWN = "hang-doi-khong-san-sang"


class Dispatcher:
    def __init__(self, settings: Settings, store: DocumentStore) -> None:
        if store.index is None:  # pragma: no cover - open_store always gives one
            raise ValueError("the job board needs the index database")
        self.settings = settings
        self.store = store
        self.board = JobBoard(store.index)
        self.roster = Roster(store.index)

    def handle(self, path: Path, hints: IntakeHints, station: str) -> BatchItem:
        """Store and queue one file; a :class:`Failure` says why not (retryable or not)."""
        started = time.perf_counter()
        try:
            sub = store_original(self.settings, self.store, path, station, hints)
            job = self.board.get(sub.sha256)
            self.board.submit(sub.sha256, station, sub.filename, sub.to_dict())
            if job is None or job.state != "done":
                enqueue(self.settings, sub)
        except SohoaError as exc:
            log.warning("not queued %s: %s (%s)", path.name, exc.code, exc.detail or "")
            failure = Failure(path.name, exc.code, exc.message,
                              retryable=not isinstance(exc, InputError))
            return BatchItem(path, None, failure, time.perf_counter() - started)
        except BrokerError as exc:
            log.warning("broker unavailable for %s: %s", path.name, exc)
            failure = Failure(path.name, QUEUE_DOWN,
                              "Không gửi được việc vào hàng đợi xử lý (máy chủ hàng đợi không "
                              "trả lời); tệp được giữ lại và sẽ được thử lại.", retryable=True,
                              sha256=None)
            return BatchItem(path, None, failure, time.perf_counter() - started)
        return BatchItem(path, None, None, time.perf_counter() - started, queued=sub.sha256)

    def maintain(self, stations: dict[str, Path], stop: threading.Event,
                 every: float = 5.0) -> None:
        """Until ``stop``: bring failed originals back to their stations' quarantine folders
        (``stations``: name → folder), hand dead workers' tasks over and queue stalled jobs
        again. Errors are logged and tried again next round: this must never take the
        watcher down."""
        last_sweep = 0.0
        while not stop.is_set():
            try:
                self.reap()
                for station, folder in stations.items():
                    for placed in self.export_failures(station, folder):
                        log.warning("failed job of %s back in quarantine: %s", station, placed)
                if time.monotonic() - last_sweep > max(30.0, self.settings.work.visibility_timeout):
                    last_sweep = time.monotonic()
                    self.requeue_stalled()
            except (SohoaError, BrokerError, OSError) as exc:
                log.warning("maintenance round failed: %s", exc)
            stop.wait(every)

    def reap(self) -> list[Claim]:
        """Queue again the tasks of workers silent for ``work.dead_after`` (the workers reap
        each other too; exactly one reaper hands each dead worker's tasks over)."""
        configure(self.settings)
        return self.roster.reap(self.settings.work.dead_after,
                                requeue(self.settings.work.queue))

    def requeue_stalled(self) -> int:
        """Queue again jobs nothing happened to for a few visibility timeouts (their message
        was lost with a broker that had no persistence); the tasks are idempotent."""
        after = timedelta(seconds=3 * self.settings.work.visibility_timeout)
        count = 0
        for job, data in self.board.stalled(after):
            if not data:
                continue
            try:
                enqueue(self.settings, Submission.from_dict(data))
            except BrokerError:
                return count
            self.board.touch(job.sha256)
            log.warning("queued %s (%s) again: no progress for %s", job.filename,
                        job.sha256[:12], after)
            count += 1
        return count

    def export_failures(self, station: str, folder: Path) -> list[Path]:
        """Put a copy of each failed original of ``station`` in its quarantine folder, with
        the reason; the original stays in the kho."""
        from scanners.quarantine import quarantine

        placed = []
        for job in self.board.failed_to_quarantine(station):
            info = self.store.objects.stat(original_key(job.sha256))
            if info is None:
                continue
            scratch = folder / ".sohoa-tam"  # hidden: never taken for a scan
            copy = scratch / job.filename
            self.store.export(Artifact(info.key, job.sha256, info.size, info.media_type), copy)
            target = quarantine(copy, folder, code=job.error_code or "loi-xu-ly",
                                message=job.error_message or "Không xử lý được tệp.",
                                station=station, timezone=self.settings.timezone)
            self.board.mark_quarantined(job.sha256, str(target))
            placed.append(target)
        return placed
