"""The job board: where every submitted file is, shared by the watcher, workers and `status`.

A job is one submitted file, keyed by its content hash, so submitting the same bytes twice
(a watcher restarted after a crash, a file dropped at two stations) is one job. It lives in
the index database (SQLite on one machine, PostgreSQL across machines) but in tables of its
own: the index proper is rebuilt from the bucket, the board is operational state.

Pages finish in any order on any worker; each page is a row, inserted once however often
its task runs, so progress counts stay exact through redeliveries, and the worker whose
page completes the set claims the assembly (one state transition, one winner).

The board also holds the workers' heartbeats and the tasks each one runs, so that a dead
worker's tasks go to the others within seconds (``pipeline/work/liveness.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    update,
)

from pipeline.index import Index as IndexDb

metadata = MetaData()

jobs = Table(
    "jobs", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("station", String(128), nullable=False),
    Column("filename", Text, nullable=False),
    #: queued → running → assembling → done | failed
    Column("state", String(16), nullable=False),
    Column("pages_total", Integer, nullable=False, default=0),
    Column("documents", Text, nullable=False, default="[]"),  # JSON list of document IDs
    Column("error_code", String(64)),
    Column("error_message", Text),
    #: Set once the watcher has put a failed job's original back in its station's quarantine.
    Column("quarantined", Text),
    Column("attempts", Integer, nullable=False, default=0),
    #: What a worker needs to (re)start it: the stages' Submission as JSON.
    Column("submission", Text, nullable=False, default="{}"),
    Column("submitted_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)
Index("ix_jobs_state", jobs.c.state, jobs.c.station)

job_pages = Table(
    "job_pages", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("page", Integer, primary_key=True),
    Column("worker", String(128), nullable=False),
    Column("millis", Integer, nullable=False),
)

#: Worker processes that said they are alive (``pipeline/work/liveness.py``).
workers = Table(
    "workers", metadata,
    #: ``host:pid:token``, new at each start (a restarted container keeps its host and pid).
    Column("name", String(200), primary_key=True),
    Column("label", String(200), nullable=False),  # the Celery hostname, for people
    Column("host", String(128), nullable=False),
    Column("pid", Integer, nullable=False),
    #: alive → dead (silent too long, its tasks handed over) | stopped (warm shutdown)
    Column("state", String(16), nullable=False),
    Column("started_at", String(40), nullable=False),
    #: Last heartbeat, seconds on the database's clock (one clock for every machine).
    Column("beat", Float, nullable=False),
)

#: Which worker runs which task right now: what is queued again if it dies.
task_claims = Table(
    "task_claims", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("stage", String(16), primary_key=True),  # document | page | assemble
    Column("page", Integer, primary_key=True),  # 0 for document and assemble
    Column("worker", String(200), nullable=False),
    Column("since", Float, nullable=False),
)
Index("ix_task_claims_worker", task_claims.c.worker)

STATES = ("queued", "running", "assembling", "done", "failed")
OPEN_STATES = ("queued", "running", "assembling")


@dataclass(frozen=True)
class Job:
    sha256: str
    station: str
    filename: str
    state: str
    pages_total: int
    pages_done: int
    documents: tuple[str, ...]
    error_code: str | None
    error_message: str | None
    quarantined: str | None
    attempts: int
    submitted_at: str
    updated_at: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "documents": list(self.documents)}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class JobBoard:
    """Job states on the index database (its engines, its SQLite write lock)."""

    def __init__(self, index: IndexDb) -> None:
        self.index = index
        self._insert_page = index.insert(job_pages).on_conflict_do_nothing()

    def _tx(self, write: bool = True) -> Any:
        return self.index.transaction(write=write, tables=metadata)

    # -- transitions -------------------------------------------------------------------
    def submit(self, sha256: str, station: str, filename: str,
               submission: dict[str, Any]) -> bool:
        """Record a submitted file; False if this content is already on the board (a
        failed job is queued again: staff put the file back after fixing the cause)."""
        now = _now()
        body = json.dumps(submission, ensure_ascii=False)
        with self._tx() as conn:
            state = conn.scalar(select(jobs.c.state).where(jobs.c.sha256 == sha256))
            if state is None:
                conn.execute(insert(jobs).values(
                    sha256=sha256, station=station, filename=filename, state="queued",
                    pages_total=0, documents="[]", attempts=0, submitted_at=now,
                    updated_at=now, submission=body))
                return True
            if state == "failed":
                conn.execute(update(jobs).where(jobs.c.sha256 == sha256).values(
                    state="queued", error_code=None, error_message=None, quarantined=None,
                    station=station, filename=filename, updated_at=now, submission=body))
                return True
            return False

    def start(self, sha256: str, pages_total: int) -> bool:
        """The document's pages are being read; False if it is already finished."""
        with self._tx() as conn:
            found = conn.execute(update(jobs).where(
                jobs.c.sha256 == sha256, jobs.c.state.in_(("queued", "running"))).values(
                state="running", pages_total=pages_total, attempts=jobs.c.attempts + 1,
                updated_at=_now()))
            return bool(found.rowcount)

    def page_done(self, sha256: str, page: int, worker: str, seconds: float) -> bool:
        """Record one page; True when this made the set complete and the caller should
        assemble (exactly one caller gets True per job, unless its assembly fails)."""
        with self._tx() as conn:
            # Pages finishing at once take turns (PostgreSQL: row lock; SQLite: one writer),
            # so the last one sees all the others and exactly one claims the assembly.
            conn.execute(select(jobs.c.state).where(jobs.c.sha256 == sha256).with_for_update())
            # A redelivered task's page is already there: counted once.
            conn.execute(self._insert_page.values(
                sha256=sha256, page=page, worker=worker, millis=int(seconds * 1000)))
            done = conn.scalar(select(func.count()).select_from(job_pages)
                               .where(job_pages.c.sha256 == sha256)) or 0
            total = conn.scalar(select(jobs.c.pages_total).where(jobs.c.sha256 == sha256))
            if total is None or done < total:
                return False
            claimed = conn.execute(update(jobs).where(
                jobs.c.sha256 == sha256, jobs.c.state == "running").values(
                state="assembling", updated_at=_now()))
            return bool(claimed.rowcount)

    def finish(self, sha256: str, documents: Sequence[str]) -> None:
        with self._tx() as conn:
            conn.execute(update(jobs).where(jobs.c.sha256 == sha256).values(
                state="done", documents=json.dumps(list(documents)), error_code=None,
                error_message=None, updated_at=_now()))

    def fail(self, sha256: str, code: str, message: str) -> None:
        """Fail an unfinished job (a late duplicate of a task never undoes a stored one)."""
        with self._tx() as conn:
            conn.execute(update(jobs).where(jobs.c.sha256 == sha256, jobs.c.state != "done")
                         .values(state="failed", error_code=code, error_message=message,
                                 updated_at=_now()))

    def mark_quarantined(self, sha256: str, where: str) -> None:
        with self._tx() as conn:
            conn.execute(update(jobs).where(jobs.c.sha256 == sha256)
                         .values(quarantined=where, updated_at=_now()))

    # -- reading -----------------------------------------------------------------------
    def get(self, sha256: str) -> Job | None:
        found = self._jobs(select(jobs).where(jobs.c.sha256 == sha256))
        return found[0] if found else None

    def stalled(self, older_than: timedelta) -> list[tuple[Job, dict[str, Any]]]:
        """Open jobs nothing happened to for a while, with their submissions: their message
        was lost (a broker restarted without persistence) and they need queueing again."""
        limit = (datetime.now(UTC) - older_than).isoformat()
        query = select(jobs).where(jobs.c.state.in_(OPEN_STATES), jobs.c.updated_at < limit)
        found = self._jobs(query)
        with self._tx(write=False) as conn:
            bodies = {r[0]: r[1] for r in conn.execute(select(jobs.c.sha256, jobs.c.submission)
                                                           .where(jobs.c.sha256.in_(
                                                               [j.sha256 for j in found])))}
        return [(j, json.loads(bodies.get(j.sha256) or "{}")) for j in found]

    def touch(self, sha256: str) -> None:
        with self._tx() as conn:
            conn.execute(update(jobs).where(jobs.c.sha256 == sha256).values(updated_at=_now()))

    def page_workers(self, sha256: str) -> dict[int, str]:
        """Which worker read each page."""
        with self._tx(write=False) as conn:
            return {r[0]: r[1] for r in conn.execute(
                select(job_pages.c.page, job_pages.c.worker).where(job_pages.c.sha256 == sha256))}

    def failed_to_quarantine(self, station: str) -> list[Job]:
        """Failed jobs of a station whose original is not back in its quarantine folder."""
        return self._jobs(select(jobs).where(jobs.c.state == "failed",
                                             jobs.c.station == station,
                                             jobs.c.quarantined.is_(None)))

    def counts(self) -> dict[tuple[str, str], int]:
        """Jobs per (station, state)."""
        query = select(jobs.c.station, jobs.c.state, func.count()).group_by(
            jobs.c.station, jobs.c.state)
        with self._tx(write=False) as conn:
            return {(r[0], r[1]): int(r[2]) for r in conn.execute(query)}

    def recent(self, state: str | None = None, limit: int = 10,
               within: timedelta | None = None) -> list[Job]:
        query = select(jobs).order_by(jobs.c.updated_at.desc()).limit(limit)
        if state is not None:
            query = query.where(jobs.c.state == state)
        if within is not None:
            query = query.where(jobs.c.updated_at >= (datetime.now(UTC) - within).isoformat())
        return self._jobs(query)

    def open_jobs(self, limit: int = 20) -> list[Job]:
        return self._jobs(select(jobs).where(jobs.c.state.in_(OPEN_STATES))
                          .order_by(jobs.c.submitted_at).limit(limit))

    def _jobs(self, query: Any) -> list[Job]:
        with self._tx(write=False) as conn:
            rows = [r._mapping for r in conn.execute(query)]
            if not rows:
                return []
            shas = [r["sha256"] for r in rows]
            done = {r[0]: int(r[1]) for r in conn.execute(
                select(job_pages.c.sha256, func.count()).where(job_pages.c.sha256.in_(shas))
                .group_by(job_pages.c.sha256))}
        return [Job(sha256=r["sha256"], station=r["station"], filename=r["filename"],
                    state=r["state"], pages_total=r["pages_total"],
                    pages_done=int(done.get(r["sha256"], 0)),
                    documents=tuple(json.loads(r["documents"] or "[]")),
                    error_code=r["error_code"], error_message=r["error_message"],
                    quarantined=r["quarantined"], attempts=r["attempts"],
                    submitted_at=r["submitted_at"], updated_at=r["updated_at"])
                for r in rows]
