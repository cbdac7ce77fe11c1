"""Dead workers found in seconds: heartbeats and task claims on the job board.

The broker notices a dead worker's task only after ``work.visibility_timeout`` (900 s): an
unacknowledged message is redelivered then and not before. So each worker says it is alive
on the board every ``work.heartbeat_interval`` seconds, from a thread of its own (a page that
takes minutes does not silence it), and claims each task while it runs it. Every live worker
and the watcher reap: a worker silent for ``work.dead_after`` seconds is marked dead by one
conditional update, which exactly one reaper wins (PostgreSQL: row lock; SQLite: one
writer), and in the same transaction that reaper queues the dead worker's claimed tasks
again. The broker's own redelivery, much later, finds the work done: the tasks are
idempotent. Times are the database's clock, so machines whose clocks differ are judged alike.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy import Float, delete, or_, select, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from pipeline.config import WorkSettings
from pipeline.errors import SohoaError
from pipeline.index import Index as IndexDb
from pipeline.work.jobs import OPEN_STATES, jobs, metadata, task_claims, workers

log = logging.getLogger(__name__)

#: Rows of workers dead or stopped this long ago are dropped when a worker starts.
FORGET_AFTER = 86400.0


class db_seconds(FunctionElement[float]):  # noqa: N801 - reads as the SQL function it is
    """Now, in seconds since the epoch, on the database server's clock."""

    type = Float()
    inherit_cache = True


@compiles(db_seconds, "sqlite")
def _sqlite_seconds(element: db_seconds, compiler: Any, **kw: Any) -> str:
    return "((julianday('now') - 2440587.5) * 86400.0)"


@compiles(db_seconds, "postgresql")
def _pg_seconds(element: db_seconds, compiler: Any, **kw: Any) -> str:
    return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS DOUBLE PRECISION)"


@dataclass(frozen=True)
class Identity:
    """One worker process on the board; ``name`` is new at each start."""

    name: str
    label: str
    host: str
    pid: int

    @classmethod
    def here(cls, label: str | None = None) -> Identity:
        host, pid = socket.gethostname(), os.getpid()
        return cls(f"{host}:{pid}:{secrets.token_hex(3)}", label or f"{host}:{pid}", host, pid)


@dataclass(frozen=True)
class Claim:
    """A task a worker runs: ``stage`` document, page (``page`` ≥ 1) or assemble."""

    sha256: str
    stage: str
    page: int
    worker: str
    filename: str = ""


#: Queues a claimed task again, given the job's submission (raises the broker's error).
Requeue = Callable[[Claim, dict[str, Any]], None]


@dataclass(frozen=True)
class WorkerInfo:
    name: str
    label: str
    host: str
    pid: int
    #: alive | dead | stopped, as recorded (a silent worker stays alive until reaped).
    state: str
    started_at: str
    #: Seconds since its last heartbeat.
    silent_for: float
    claims: tuple[Claim, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "silent_for": round(self.silent_for, 1),
                "claims": [{"sha256": c.sha256, "stage": c.stage, "page": c.page,
                            "filename": c.filename} for c in self.claims]}


class Roster:
    """The workers and their claims on the index database (the job board's tables)."""

    def __init__(self, index: IndexDb) -> None:
        self.index = index
        self._insert_worker = index.insert(workers)
        self._insert_claim = index.insert(task_claims)

    def _tx(self, write: bool = True) -> Any:
        return self.index.transaction(write=write, tables=metadata)

    def _alive(self, conn: Any, who: Identity) -> None:
        stmt = self._insert_worker.values(
            name=who.name, label=who.label, host=who.host, pid=who.pid, state="alive",
            started_at=datetime.now(UTC).isoformat(timespec="seconds"), beat=db_seconds())
        conn.execute(stmt.on_conflict_do_update(
            index_elements=[workers.c.name], set_={"state": "alive", "beat": db_seconds()}))

    # -- a worker about itself -----------------------------------------------------------
    def register(self, who: Identity) -> None:
        """Say ``who`` is alive; forget workers that ended over a day ago."""
        with self._tx() as conn:
            self._alive(conn, who)
            conn.execute(delete(workers).where(workers.c.state != "alive",
                                               workers.c.beat < db_seconds() - FORGET_AFTER))

    def beat(self, who: Identity) -> bool:
        """A heartbeat; False when ``who`` had been taken for dead (it is alive again now,
        and its tasks were handed over: whichever copy finishes first counts)."""
        with self._tx() as conn:
            found = conn.execute(update(workers).where(
                workers.c.name == who.name, workers.c.state == "alive").values(beat=db_seconds()))
            if found.rowcount:
                return True
            self._alive(conn, who)
            return False

    def claim(self, who: Identity, sha256: str, stage: str, page: int = 0) -> None:
        """``who`` runs this task now (and so is alive); a task run twice has one claim, its
        latest runner's."""
        stmt = self._insert_claim.values(sha256=sha256, stage=stage, page=page,
                                         worker=who.name, since=db_seconds())
        with self._tx() as conn:
            self._alive(conn, who)
            conn.execute(stmt.on_conflict_do_update(
                index_elements=[task_claims.c.sha256, task_claims.c.stage, task_claims.c.page],
                set_={"worker": stmt.excluded.worker, "since": stmt.excluded.since}))

    def release(self, who: Identity, sha256: str, stage: str, page: int = 0) -> None:
        with self._tx() as conn:
            conn.execute(delete(task_claims).where(
                task_claims.c.sha256 == sha256, task_claims.c.stage == stage,
                task_claims.c.page == page, task_claims.c.worker == who.name))

    def stop(self, who: Identity) -> None:
        """A warm shutdown: its task is finished, so it holds nothing any more."""
        with self._tx() as conn:
            conn.execute(update(workers).where(workers.c.name == who.name)
                         .values(state="stopped", beat=db_seconds()))
            conn.execute(delete(task_claims).where(task_claims.c.worker == who.name))

    # -- any process about the others ----------------------------------------------------
    def reap(self, dead_after: float, requeue: Requeue,
             exclude: str | None = None) -> list[Claim]:
        """Mark workers silent for ``dead_after`` seconds dead and queue their tasks again;
        returns the tasks this caller handed over (another reaper's are not)."""
        silent = (workers.c.state == "alive", workers.c.beat < db_seconds() - dead_after)
        query = select(workers.c.name).where(*silent)
        if exclude is not None:
            query = query.where(workers.c.name != exclude)
        with self._tx(write=False) as conn:
            names = list(conn.scalars(query))
        handed: list[Claim] = []
        for name in names:
            handed += self._take_over(name, silent, requeue, patience=dead_after / 6)
        return handed

    def _take_over(self, name: str, silent: tuple[Any, ...], requeue: Requeue,
                   patience: float) -> list[Claim]:
        asked = time.monotonic()
        with self._tx() as conn:
            if time.monotonic() - asked > patience:
                # The board was locked (SQLite: a long write elsewhere, say a reindex): the
                # silence may be the lock's, the heartbeats queued behind it. Next round.
                return []
            # Conditional: a reaper racing us, or the worker beating again, makes it a no-op.
            won = conn.execute(update(workers).where(workers.c.name == name, *silent)
                               .values(state="dead"))
            if not won.rowcount:
                return []
            rows = conn.execute(self._claims_query().where(task_claims.c.worker == name)).all()
            conn.execute(delete(task_claims).where(task_claims.c.worker == name))
            handed = []
            for row in rows:
                if row.state in OPEN_STATES and row.submission:
                    claim = _claim(row)
                    # Queued before the commit: a broker error rolls the take-over back and
                    # the next round tries again.
                    requeue(claim, json.loads(row.submission))
                    handed.append(claim)
        log.warning("worker %s silent for too long: dead; %d task(s) queued again%s", name,
                    len(handed), "".join(f"\n  {c.stage} {c.page} of {c.filename} "
                                         f"({c.sha256[:12]})" for c in handed))
        return handed

    # -- reading -------------------------------------------------------------------------
    def workers(self, within: float = FORGET_AFTER) -> list[WorkerInfo]:
        """Workers alive, and those that ended within ``within`` seconds, with their tasks."""
        query = (select(workers, (db_seconds() - workers.c.beat).label("silent_for"))
                 .where(or_(workers.c.state == "alive",
                            workers.c.beat > db_seconds() - within))
                 .order_by(workers.c.started_at))
        with self._tx(write=False) as conn:
            rows = [r._mapping for r in conn.execute(query)]
            held = [_claim(r) for r in conn.execute(self._claims_query())]
        return [WorkerInfo(r["name"], r["label"], r["host"], r["pid"], r["state"],
                           r["started_at"], max(0.0, float(r["silent_for"])),
                           tuple(c for c in held if c.worker == r["name"]))
                for r in rows]

    def claims(self) -> list[Claim]:
        with self._tx(write=False) as conn:
            return [_claim(r) for r in conn.execute(self._claims_query())]

    @staticmethod
    def _claims_query() -> Any:
        return (select(task_claims, jobs.c.filename, jobs.c.state, jobs.c.submission)
                .select_from(task_claims.outerjoin(jobs, jobs.c.sha256 == task_claims.c.sha256))
                .order_by(task_claims.c.since))


def _claim(row: Any) -> Claim:
    return Claim(row.sha256, row.stage, row.page, row.worker, row.filename or "")


class Heartbeat:
    """The thread that keeps one worker alive on the board and reaps the others.

    Independent of the task thread, so a long page never looks like a dead worker. Errors
    (board or broker away) are logged and tried again next beat: this thread must outlive
    them, or its worker would be taken for dead.
    """

    def __init__(self, roster: Callable[[], Roster], who: Identity, settings: WorkSettings,
                 requeue: Requeue) -> None:
        self._roster = roster
        self.who = who
        self.settings = settings
        self.requeue = requeue
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sohoa-heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def _run(self) -> None:
        registered = False
        while True:
            try:
                roster = self._roster()
                if not registered:
                    roster.register(self.who)
                    registered = True
                elif not roster.beat(self.who):
                    log.warning("this worker (%s) had been taken for dead; alive again",
                                self.who.label)
                roster.reap(self.settings.dead_after, self.requeue, exclude=self.who.name)
            except (SohoaError, BrokerError, OSError) as exc:
                log.warning("heartbeat of %s failed: %s", self.who.label, exc)
            except Exception:  # a bug: keep beating, or this worker would be taken for dead
                log.exception("heartbeat of %s failed", self.who.label)
            if self._stop.wait(self.settings.heartbeat_interval):
                return

    def stop(self) -> None:
        """Stop beating and say so (a warm shutdown; its last task is finished)."""
        self._stop.set()
        self._thread.join(timeout=30)
        try:
            self._roster().stop(self.who)
        except (SohoaError, OSError) as exc:
            log.warning("could not record that %s stopped: %s", self.who.label, exc)
