"""The fault scenarios of issue 7, shared by ``tests/test_workers.py`` (each once) and
``bench/workers.py`` (each five times): something fails in the middle of a batch, then
everything must end stored exactly once with nothing left in an inbox unaccounted for.
Issue 12's worker killed under the shipped settings (:func:`worker_killed_defaults`) is
run and measured the same way, on its own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import redis

from pipeline.hashing import sha256_file
from pipeline.intake.hints import IntakeHints
from pipeline.work.dispatch import Dispatcher
from pipeline.work.liveness import Claim
from samples.stack import write_stack
from tests.s3_server import RUNNING
from tests.workers_env import Cluster, Tally, distinct_scan, stop_process


@dataclass(frozen=True)
class Outcome:
    scenario: str
    files: int
    tally: Tally
    #: Files still in an inbox (not moved to done) once everything settled.
    left_in_inbox: list[str]
    seconds: float
    #: Seconds from a worker's SIGKILL to the document it was reading being stored.
    handover: float | None = None

    @property
    def clean(self) -> bool:
        t = self.tally
        return (t.lost, t.duplicated, t.unexpected, t.scratch, self.left_in_inbox) == (
            0, 0, [], [], [])


def submit(cluster: Cluster, files: list[Path], station: str = "tram-1") -> list[str]:
    """What the watcher does with each file: original into the kho, job onto the queue."""
    dispatcher = Dispatcher(cluster.settings, cluster.store())
    shas = []
    for path in files:
        item = dispatcher.handle(path, IntakeHints(), station)
        if item.failure is not None or item.queued is None:
            raise AssertionError(f"{path.name} not queued: {item.failure}")
        shas.append(item.queued)
    return shas


def _scans(cluster: Cluster, tag: str, count: int, pages: int = 1) -> list[Path]:
    suffix = ".tiff" if pages > 1 else ".png"
    return [distinct_scan(cluster.root / "source", f"{tag}-{n}{suffix}", pages=pages,
                          seed=f"{tag}-{n}-{cluster.bucket}") for n in range(count)]


def _finish(cluster: Cluster, name: str, shas: list[str], started: float,
            inboxes: tuple[Path, ...] = (), documents: dict[str, int] | None = None) -> Outcome:
    """Wait for the jobs, then count (``documents``: source hash → documents expected when
    a file is a stack cut at cover sheets; 1 otherwise)."""
    cluster.wait_done(shas)
    left = sorted(str(p.relative_to(cluster.root)) for inbox in inboxes
                  for p in inbox.rglob("*") if p.is_file() and not _outside(p, inbox))
    expected = {s: (documents or {}).get(s, 1) for s in shas}
    return Outcome(name, len(shas), cluster.tally(expected), left, time.monotonic() - started)


def _outside(path: Path, inbox: Path) -> bool:
    """In the station's own done/quarantine folders, or hidden (scratch)."""
    rel = path.relative_to(inbox).parts
    return rel[0] in ("done", "quarantine") or any(p.startswith(".") for p in rel)


# -- the scenarios -------------------------------------------------------------------------
def worker_killed(cluster: Cluster) -> Outcome:
    """A worker SIGKILLed while reading a page of a four-page document."""
    started = time.monotonic()
    long = _scans(cluster, "dai", 1, pages=4)
    shas = submit(cluster, long + _scans(cluster, "ngan", 2))
    cluster.start_worker("a")
    board = cluster.board()

    def reading_second_page() -> bool:
        job = board.get(shas[0])
        return job is not None and job.state == "running" and job.pages_done >= 1

    cluster.wait("the first page of the long document", reading_second_page)
    cluster.kill("a")  # mid-page: its task is neither done nor acknowledged
    cluster.start_worker("b")
    cluster.start_worker("a2")
    return _finish(cluster, "worker-sigkill", shas, started)


def worker_killed_defaults(cluster: Cluster) -> Outcome:
    """Issue 12 with the shipped work settings (the broker redelivers after 900 s; heartbeats
    every 5 s, dead after 30 s): two workers and ``sohoa watch``, twelve files dropped in a
    station's folder (one of four pages), one worker SIGKILLed while it reads a page. Its
    document must be stored well within two minutes of the kill, and the broker's own
    redelivery of the dead worker's task (forced early here) must change nothing."""
    cluster.tuned = False
    started = time.monotonic()
    stations, inbox, _ = _stations_file(cluster, polled=False)
    files = _scans(cluster, "dai", 1, pages=4) + _scans(cluster, "muoi-mot", 11)
    shas = [sha256_file(f)[0] for f in files]
    watcher = start_watcher(cluster, stations)
    try:
        cluster.start_worker("a")
        cluster.start_worker("b")
        for path in files:
            drop(path, inbox)
        held = kill_mid_page(cluster, "a")
        killed = time.monotonic()
        board = cluster.board()
        cluster.wait("the killed worker's document stored", lambda: all(
            (j := board.get(c.sha256)) is not None and j.state == "done" for c in held), 300)
        handover = time.monotonic() - killed
        _settle(cluster, shas, inbox)
        cluster.wait_done(shas)
        batch = time.monotonic() - started
        if not redeliver_now(cluster):
            raise AssertionError("the killed worker's task was not left unacknowledged")
        outcome = _finish(cluster, "worker-sigkill-defaults", shas, started, (inbox,))
        if left := cluster.roster().claims():
            raise AssertionError(f"tasks still claimed after everything was done: {left}")
        return replace(outcome, seconds=batch, handover=handover)
    finally:
        stop_process(watcher)


def kill_mid_page(cluster: Cluster, name: str) -> list[Claim]:
    """SIGKILL worker ``name`` right after it takes a page (its claim seen on the board within
    ~50 ms, with the page's OCR still to do); returns the tasks it died holding."""
    roster = cluster.roster()
    seen: set[tuple[str, int]] | None = None
    end = time.monotonic() + 120
    while time.monotonic() < end:
        mine = [w for w in roster.workers() if w.label == f"{name}@test" and w.state == "alive"]
        pages = {(c.sha256, c.page) for w in mine for c in w.claims if c.stage == "page"}
        if seen is not None and pages - seen:
            cluster.kill(name)
            names = {w.name for w in mine}
            return [c for c in roster.claims() if c.worker in names]
        seen = pages
        time.sleep(0.05)
    raise AssertionError(f"worker {name} took no page\n{cluster.logs()}")


def redeliver_now(cluster: Cluster) -> int:
    """What the broker does to a dead worker's unacknowledged task after the visibility
    timeout (900 s), done now: its entry is aged, and a live worker's periodic restore
    (every 10 s) puts it back in the queue. Returns how many tasks were redelivered, once
    they have run and been acknowledged."""
    client = redis.Redis.from_url(cluster.redis.url)

    def ours() -> list[str]:
        return [str(tag, "ascii") if isinstance(tag, bytes) else tag
                for tag, raw in client.hgetall("unacked").items()
                if json.loads(raw)[2] == cluster.queue]

    tags = ours()
    for tag in tags:
        client.zadd("unacked_index", {tag: 0})
    cluster.wait("the dead worker's task redelivered and acknowledged",
                 lambda: not ours() and not client.llen(cluster.queue), 120)
    return len(tags)


def redis_restarted(cluster: Cluster) -> Outcome:
    """Redis stopped for two seconds and started again while a worker is busy."""
    started = time.monotonic()
    shas = submit(cluster, _scans(cluster, "redis", 4))
    cluster.start_worker("a")
    board = cluster.board()
    cluster.wait("the first document", lambda: any(
        (j := board.get(s)) is not None and j.state == "done" for s in shas))
    cluster.redis.restart(down_for=2.0)
    return _finish(cluster, "redis-restart", shas, started)


def s3_away(cluster: Cluster) -> Outcome:
    """The S3 gateway down for ten seconds (connections refused) while pages are read."""
    started = time.monotonic()
    shas = submit(cluster, _scans(cluster, "s3", 3))
    cluster.start_worker("a")
    board = cluster.board()
    cluster.wait("a page read", lambda: any(
        (j := board.get(s)) is not None and j.pages_done >= 1 for s in shas))
    gateway = RUNNING[-1]
    gateway.stop_gateway()
    try:
        time.sleep(10.0)  # longer than three retries: Celery's default limit must not apply
    finally:
        gateway.start_gateway()
    return _finish(cluster, "s3-away", shas, started)


def _stations_file(cluster: Cluster, *, polled: bool) -> tuple[Path, Path, Path]:
    """Two stations (the second polled, as on a network share); returns file and inboxes."""
    first, second = cluster.root / "tram-a", cluster.root / "tram-b"
    path = cluster.root / "stations.toml"
    path.write_text(f"""
[[station]]
name = "tram-a"
inbox = "{first}"
poll_interval = 0.3
quiet_seconds = 0.6

[[station]]
name = "tram-b"
inbox = "{second}"
polling = {"true" if polled else "false"}
poll_interval = 0.5
quiet_seconds = 0.6
""", encoding="utf-8")
    return path, first, second


def start_watcher(cluster: Cluster, stations: Path) -> subprocess.Popen[bytes]:
    env = {**cluster.env("watcher"), "SOHOA_WATCH_STATIONS": str(stations)}
    log = (cluster.root / "watcher.log").open("ab")
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "watch"], env=env,
                            stdout=log, stderr=subprocess.STDOUT, cwd=cluster.root,
                            start_new_session=True)
    log.close()
    return proc


def drop(source: Path, inbox: Path) -> None:
    """Copy a scan into an inbox as a scanner would: written under a temporary name, then
    renamed (the rename is what the watcher may see first)."""
    inbox.mkdir(parents=True, exist_ok=True)
    tmp = inbox / (source.name + ".part")
    tmp.write_bytes(source.read_bytes())
    tmp.rename(inbox / source.name)


def watcher_killed(cluster: Cluster) -> Outcome:
    """The watcher SIGKILLed while files keep arriving in two stations' folders (the second
    polled), then started again; a worker is killed and restarted meanwhile too. One file is
    a stack of two dossiers behind cover sheets: it must become two documents, each with its
    dossier code."""
    started = time.monotonic()
    stations, first, second = _stations_file(cluster, polled=True)
    stack = write_stack(cluster.root / "source", name=f"chong-{cluster.bucket}")
    files = _scans(cluster, "wk", 5)
    files.insert(1, stack.path)
    shas = [sha256_file(f)[0] for f in files]
    watcher = start_watcher(cluster, stations)
    cluster.start_worker("a")
    try:
        for n, path in enumerate(files):
            drop(path, first if n % 2 == 0 else second)
            time.sleep(0.4)
            if n == 2:
                os.killpg(watcher.pid, signal.SIGKILL)
                watcher.wait(10)
                cluster.kill("a")
        watcher = start_watcher(cluster, stations)
        cluster.start_worker("a2")
        _settle(cluster, shas, first, second)
        outcome = _finish(cluster, "watcher-sigkill", shas, started, (first, second),
                          {shas[1]: len(stack.parts)})
        _check_dossiers(cluster, shas[1], [p.ma_ho_so for p in stack.parts])
        return outcome
    finally:
        stop_process(watcher)


def file_still_written(cluster: Cluster) -> Outcome:
    """A large file written slowly into a station's folder: taken only once complete."""
    started = time.monotonic()
    stations, first, _ = _stations_file(cluster, polled=False)
    (source,) = _scans(cluster, "cham", 1, pages=2)
    data = source.read_bytes()
    watcher = start_watcher(cluster, stations)
    cluster.start_worker("a")
    try:
        first.mkdir(parents=True, exist_ok=True)
        target = first / source.name
        with target.open("wb") as out:  # the scanner writes straight into the inbox
            step = max(1, len(data) // 8)
            for at in range(0, len(data), step):
                out.write(data[at:at + step])
                out.flush()
                time.sleep(0.25)  # pauses shorter than quiet_seconds: still being written
        sha = sha256_file(source)[0]
        _settle(cluster, [sha], first)
        return _finish(cluster, "file-being-written", [sha], started, (first,))
    finally:
        stop_process(watcher)


def _check_dossiers(cluster: Cluster, sha: str, codes: list[str]) -> None:
    """The stack's documents carry the dossier codes of their cover sheets, in order."""
    job = cluster.board().get(sha)
    assert job is not None
    store = cluster.store()
    found = [store.get_record(doc_id).fields.get("ma_ho_so", {}).get("value")
             for doc_id in job.documents]
    if found != codes:
        raise AssertionError(f"stack split into dossiers {found}, expected {codes}")


def _settle(cluster: Cluster, shas: list[str], *inboxes: Path) -> None:
    """Wait for every job to appear on the board and every inbox to empty (bounded: what
    is left is reported by the outcome, not hidden by a timeout)."""
    board = cluster.board()
    end = time.monotonic() + 120
    while time.monotonic() < end:
        if all(board.get(s) is not None for s in shas) and _inbox_empty(*inboxes):
            return
        time.sleep(0.3)


def _inbox_empty(*inboxes: Path) -> bool:
    return all(not any(p.is_file() and not _outside(p, i) for p in i.rglob("*"))
               for i in inboxes if i.exists())


SCENARIOS: dict[str, Callable[[Cluster], Outcome]] = {
    "worker-sigkill": worker_killed,
    "redis-restart": redis_restarted,
    "s3-away": s3_away,
    "watcher-sigkill": watcher_killed,
    "file-being-written": file_still_written,
}
