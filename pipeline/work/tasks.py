"""Celery tasks over the stages: one chain per document, pages fanned out to every worker.

``sohoa.document`` fans a document out into one ``sohoa.page`` task per page; the worker
whose page completes the set (the job board decides, once) queues ``sohoa.assemble``.
There is no chord and no result backend: progress and fan-in live on the job board, which
survives a Redis restart, and a task run twice finds its work done.

Delivery: each task is claimed on the board while it runs and each worker beats there
(``liveness``), so the tasks of a worker that dies (SIGKILL, power cut) are queued again by
another within ``work.dead_after`` seconds; late acknowledgement stays as the last resort
(the broker redelivers after ``work.visibility_timeout``). One task at a time per process
(``worker_prefetch_multiplier=1``), so a long document never hides pages from idle workers.
Failures: passing ones (kho, index or broker away) retry with exponential backoff; a file
that can never be read fails its job with a Vietnamese reason, and the watcher puts the
original back in its station's quarantine folder.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from celery import Celery, Task
from celery.exceptions import Retry
from kombu.exceptions import OperationalError as BrokerError

from pipeline.config import Settings, load_settings
from pipeline.errors import InputError, NotFound, SohoaError, StoreError
from pipeline.ocr.reader import PageReader
from pipeline.process import Pipeline
from pipeline.store import DocumentStore, open_store
from pipeline.work import metrics
from pipeline.work.jobs import JobBoard
from pipeline.work.liveness import Claim, Heartbeat, Identity, Requeue, Roster
from pipeline.work.stages import Submission, assemble, read_page

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

app = Celery("sohoa")


def configure(settings: Settings) -> Celery:
    """Point the app at the configured broker; called by the worker and by submitters."""
    visibility = settings.work.visibility_timeout
    if app.conf.broker_url and app.conf.broker_url != settings.broker_url:
        app.close()  # pooled connections to the previous broker
    app.conf.update(
        broker_url=settings.broker_url,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": visibility,
            # Sweep for tasks of dead workers often enough to honour a short timeout.
            "unacked_restore_interval": max(1, min(10, int(visibility / 5))),
            "unacked_restore_throttle": 1,
        },
        task_default_queue=settings.work.queue,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        task_publish_retry=True,
        task_publish_retry_policy={"max_retries": 3, "interval_start": 0.5,
                                   "interval_step": 1.0, "interval_max": 3.0},
    )
    return app


@dataclass
class Runtime:
    """What a worker process opens once: settings, kho, board, OCR reader, pipeline."""

    settings: Settings
    store: DocumentStore
    board: JobBoard
    roster: Roster
    reader: PageReader
    pipeline: Pipeline
    identity: Identity

    @property
    def name(self) -> str:
        return self.identity.name


_runtime: Runtime | None = None
_runtime_lock = threading.Lock()
_settings: Settings | None = None
_identity: Identity | None = None


def use_settings(settings: Settings, label: str | None = None) -> None:
    """The settings this worker process runs with (``sohoa worker`` passes its own) and the
    name people see for it (its Celery hostname)."""
    global _settings, _identity
    _settings = settings
    _identity = Identity.here(label)


def identity() -> Identity:
    """This process on the job board: the same for its heartbeat and its claims."""
    with _runtime_lock:
        return _own_identity()


def _own_identity() -> Identity:
    global _identity
    if _identity is None:
        _identity = Identity.here()
    return _identity


def runtime() -> Runtime:
    global _runtime
    with _runtime_lock:
        if _runtime is None:
            settings = _settings or load_settings()
            store = open_store(settings)
            if store.index is None:  # pragma: no cover - open_store always gives one
                raise StoreError("Không có chỉ mục cho bảng công việc.")
            # One page per task: this process reads with one OCR thread, other pages run
            # in other processes (or on other machines).
            reader = PageReader(settings)
            _runtime = Runtime(settings, store, JobBoard(store.index), Roster(store.index),
                               reader, Pipeline(settings, store, reader), _own_identity())
        return _runtime


@contextlib.contextmanager
def heartbeat() -> Iterator[Heartbeat]:
    """Beat on the board (and reap dead workers) while this worker runs; say it stopped."""
    settings = _settings or load_settings()
    beat = Heartbeat(lambda: runtime().roster, identity(), settings.work,
                     requeue(settings.work.queue)).start()
    try:
        yield beat
    finally:
        beat.stop()


def reset_runtime() -> None:
    """Forget the opened runtime (tests change the environment between runs)."""
    global _runtime
    with _runtime_lock:
        if _runtime is not None:
            _runtime.pipeline.close()
            _runtime.reader.close()
        _runtime = None


def _guarded(stage: str, task: Task, sub: Submission, work: Callable[[], R],
             page: int = 0) -> R | None:
    """Run ``work`` under this worker's claim; retry passing failures with backoff, fail the
    job on permanent ones. A task waiting for its retry stays claimed: if this worker dies
    meanwhile, another takes it over."""
    rt = runtime()
    started = time.perf_counter()
    retrying = False
    try:
        rt.roster.claim(rt.identity, sub.sha256, stage, page)
        return work()
    except Retry:
        retrying = True
        raise
    except InputError as exc:
        metrics.FAILURES.labels(stage, "input").inc()
        log.warning("%s of %s failed: %s", stage, sub.sha256[:12], exc.code)
        rt.board.fail(sub.sha256, exc.code, exc.message)
    except (StoreError, BrokerError, OSError) as exc:
        retries = task.request.retries
        if retries >= rt.settings.work.retries:
            metrics.FAILURES.labels(stage, "transient").inc()
            message = exc.message if isinstance(exc, SohoaError) else str(exc)
            rt.board.fail(sub.sha256, getattr(exc, "code", "loi-tam-thoi"),
                          f"Lỗi tạm thời kéo dài sau {retries} lần thử: {message}")
            return None
        metrics.RETRIES.labels(stage).inc()
        delay = min(rt.settings.work.retry_backoff_max, 2.0 ** retries)
        log.warning("%s of %s: passing failure (%s), retry %d in %.0f s", stage,
                    sub.sha256[:12], type(exc).__name__, retries + 1, delay)
        # Our own limit (checked above); Celery's default of 3 would end the task early.
        retrying = True
        raise task.retry(exc=exc, countdown=delay,
                         max_retries=rt.settings.work.retries + 1) from exc
    except Exception as exc:  # a bug: fail this job clearly, keep the worker alive
        metrics.FAILURES.labels(stage, "internal").inc()
        log.exception("%s of %s: unexpected failure", stage, sub.sha256[:12])
        rt.board.fail(sub.sha256, "loi-noi-bo",
                      f"Lỗi nội bộ khi xử lý ({type(exc).__name__}); hãy báo quản trị viên.")
    finally:
        metrics.STAGE_SECONDS.labels(stage).observe(time.perf_counter() - started)
        if not retrying:
            _release(rt, sub.sha256, stage, page)
    return None


def _release(rt: Runtime, sha256: str, stage: str, page: int) -> None:
    """Drop the claim; one left behind is harmless (a finished job is never queued again)."""
    try:
        rt.roster.release(rt.identity, sha256, stage, page)
    except SohoaError as exc:
        log.warning("claim on %s %s %d not released: %s", sha256[:12], stage, page, exc)


@app.task(name="sohoa.document", bind=True)
def document_task(self: Task, data: dict[str, Any]) -> None:
    sub = Submission.from_dict(data)

    def fan_out() -> None:
        rt = runtime()
        if not rt.board.start(sub.sha256, sub.page_count):
            job = rt.board.get(sub.sha256)
            if job is not None and job.state == "assembling":
                # Queued again by the stalled-job sweep: the worker that claimed the
                # assembly may have died before queueing it. Assembling twice is harmless.
                assemble_task.apply_async((data,), queue=rt.settings.work.queue)
            return  # finished already: a redelivered message
        for number in range(1, sub.page_count + 1):
            page_task.apply_async((data, number), queue=rt.settings.work.queue)

    _guarded("document", self, sub, fan_out)


@app.task(name="sohoa.page", bind=True)
def page_task(self: Task, data: dict[str, Any], number: int) -> None:
    sub = Submission.from_dict(data)

    def one_page() -> None:
        rt = runtime()
        job = rt.board.get(sub.sha256)
        if job is None or job.state in ("done", "failed"):
            return
        started = time.perf_counter()
        read_page(rt.settings, rt.store, rt.reader, sub, number)
        metrics.PAGES.labels(sub.station).inc()
        if rt.board.page_done(sub.sha256, number, rt.name, time.perf_counter() - started):
            assemble_task.apply_async((data,), queue=rt.settings.work.queue)

    _guarded("page", self, sub, one_page, page=number)


@app.task(name="sohoa.assemble", bind=True)
def assemble_task(self: Task, data: dict[str, Any]) -> None:
    sub = Submission.from_dict(data)

    def build() -> None:
        rt = runtime()
        job = rt.board.get(sub.sha256)
        if job is None or job.state in ("done", "failed"):
            return
        try:
            records = assemble(rt.settings, rt.store, rt.pipeline, sub)
        except NotFound as exc:
            # Another assembly of this job (its worker taken for dead) finished and cleared
            # the pages, or is about to record it: passing, the retry finds the job done.
            if (found := rt.board.get(sub.sha256)) is not None and found.state == "done":
                return
            raise StoreError(f"Chưa đọc được dữ liệu của tài liệu ({exc.message}).",
                             detail=exc.detail) from exc
        rt.board.finish(sub.sha256, [r.id for r in records])
        metrics.DOCUMENTS.labels(sub.station).inc(len(records))

    _guarded("assemble", self, sub, build)


_STAGE_TASKS: dict[str, Task] = {"document": document_task, "assemble": assemble_task}


def requeue(queue: str) -> Requeue:
    """Queue a dead worker's claimed task again on ``queue`` (the app configured), failing
    fast when the broker is away: the reaper tries again next round."""
    def send(claim: Claim, data: dict[str, Any]) -> None:
        if claim.stage == "page":
            page_task.apply_async((data, claim.page), queue=queue, retry=False)
        elif claim.stage in _STAGE_TASKS:
            _STAGE_TASKS[claim.stage].apply_async((data,), queue=queue, retry=False)
        else:
            log.warning("claim of unknown stage %r on %s dropped", claim.stage, claim.sha256)

    return send


def enqueue(settings: Settings, sub: Submission) -> None:
    """Queue a stored original's processing (raises the broker's error if it is away)."""
    configure(settings)
    document_task.apply_async((sub.to_dict(),), queue=settings.work.queue)
