"""A distributed sohoa for the integration tests: real Redis, the real S3 server, SQLite
index and job board shared by ``sohoa worker`` processes started (and killed) by the test.

Each test gets its own queue and bucket, so tasks of one test are never run by another's
workers. Helpers make distinct scans (distinct content hashes) from the shipped samples and
check the end state: every file stored exactly once, every job done, no scratch left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, PngImagePlugin

from pipeline.config import Settings, load_settings
from pipeline.store import DocumentStore, open_store
from pipeline.work.jobs import Job, JobBoard
from pipeline.work.liveness import Roster
from tests.redis_server import RedisServer
from tests.s3_server import S3Endpoint

ROOT = Path(__file__).resolve().parents[1]
SCAN = ROOT / "samples" / "examples" / "to-khai-scanned-200dpi.png"


def distinct_scan(folder: Path, name: str, pages: int = 1, seed: str = "") -> Path:
    """A scan of the sample form with a unique tag (so a unique content hash); ``pages``
    > 1 makes a multi-page TIFF of it."""
    folder.mkdir(parents=True, exist_ok=True)
    with Image.open(SCAN) as img:
        img.load()
        if pages == 1:
            info = PngImagePlugin.PngInfo()
            info.add_text("sohoa-test", seed or name)
            target = folder / name
            img.save(target, pnginfo=info, dpi=(200, 200))
            return target
        frames = [img.convert("L") for _ in range(pages)]
        target = folder / name
        frames[0].save(target, save_all=True, append_images=frames[1:], dpi=(200, 200),
                       compression="tiff_deflate", description=seed or name)
        return target


def stop_process(proc: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    """SIGTERM to the process group (a warm shutdown), SIGKILL if it takes over ``grace``."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@dataclass
class Cluster:
    """Settings, store and board as the workers see them, plus the worker processes."""

    root: Path
    redis: RedisServer
    #: The S3 server; None = a local-folder kho shared by the processes (one machine).
    s3: S3Endpoint | None
    queue: str = field(default_factory=lambda: f"sohoa-test-{uuid.uuid4().hex[:8]}")
    bucket: str = field(default_factory=lambda: f"sohoa-w-{uuid.uuid4().hex[:10]}")
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    #: Shortened work timings (a redelivery after 4 s); False = the shipped defaults.
    tuned: bool = True

    def env(self, home: str = "watcher") -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
        env.update({
            "SOHOA_HOME": str(self.root / home),
            "SOHOA_INDEX_URL": f"sqlite:///{self.root / 'index.sqlite3'}",
            "SOHOA_BROKER_URL": self.redis.url,
            "SOHOA_WORK_QUEUE": self.queue,
            "SOHOA_JOBS": "1",
        })
        if self.tuned:
            env.update({"SOHOA_WORK_VISIBILITY_TIMEOUT": "4", "SOHOA_WORK_RETRIES": "30",
                        "SOHOA_WORK_RETRY_BACKOFF_MAX": "2"})
        if self.s3 is None:
            env["SOHOA_STORE_PATH"] = str(self.root / "kho")
            return env
        env.update({
            "SOHOA_S3_ENDPOINT": self.s3.endpoint,
            "SOHOA_S3_ACCESS_KEY": self.s3.access_key,
            "SOHOA_S3_SECRET_KEY": self.s3.secret_key,
            "SOHOA_S3_SECURE": "true" if self.s3.secure else "false",
            "SOHOA_S3_REGION": self.s3.region,
            "SOHOA_S3_BUCKET": self.bucket,
            "SOHOA_S3_TIMEOUT": "5",
            "SOHOA_S3_RETRIES": "1",
        })
        return env

    @property
    def settings(self) -> Settings:
        return load_settings(self.env(), config_file=None)

    def store(self) -> DocumentStore:
        return open_store(self.settings)

    def board(self) -> JobBoard:
        store = self.store()
        assert store.index is not None
        return JobBoard(store.index)

    def roster(self) -> Roster:
        return Roster(self.board().index)

    # -- workers -------------------------------------------------------------------------
    def start_worker(self, name: str, *, ready: bool = False, args: tuple[str, ...] = (),
                     env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        """Start ``sohoa worker`` (named ``NAME@test``, ``env`` added to its environment);
        with ``ready``, return once it consumes from the queue."""
        log = (self.root / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "worker", "--name", f"{name}@test",
             "--loglevel", "INFO", *args],
            env={**self.env(name), **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
            cwd=self.root, start_new_session=True)
        log.close()
        self.workers[name] = proc
        if ready:
            logfile = self.root / f"{name}.log"
            self.wait(f"worker {name} ready",
                      lambda: " ready." in logfile.read_text(errors="replace"), 60)
        return proc

    def kill(self, name: str) -> None:
        """SIGKILL: no warm shutdown, no acknowledgement, its task is lost to it."""
        proc = self.workers.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for name in list(self.workers):
            stop_process(self.workers.pop(name), grace=15.0)

    def logs(self) -> str:
        parts = []
        for path in sorted(self.root.glob("*.log")):
            parts.append(f"--- {path.name}\n" + "\n".join(
                path.read_text(errors="replace").splitlines()[-40:]))
        return "\n".join(parts)

    # -- waiting and checking --------------------------------------------------------------
    def wait(self, what: str, check: Callable[[], bool], timeout: float = 120.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if check():
                return
            time.sleep(0.3)
        jobs = "\n".join(str(j) for j in self.board().recent(limit=50))
        raise AssertionError(f"timed out waiting for {what}\njobs:\n{jobs}\n{self.logs()}")

    def jobs(self, shas: Iterator[str] | list[str]) -> list[Job | None]:
        board = self.board()
        return [board.get(s) for s in shas]

    def wait_done(self, shas: list[str], timeout: float = 180.0) -> list[Job]:
        def all_done() -> bool:
            found = self.jobs(shas)
            failed = [j for j in found if j is not None and j.state == "failed"]
            if failed:
                raise AssertionError(f"jobs failed: {failed}\n{self.logs()}")
            return all(j is not None and j.state == "done" for j in found)

        self.wait(f"{len(shas)} jobs done", all_done, timeout)
        return [j for j in self.jobs(shas) if j is not None]

    def tally(self, expected: dict[str, int]) -> Tally:
        """Documents stored per source against ``expected`` (source hash → documents)."""
        store = self.store()
        keys = [k for k in store.objects.list("documents/") if k.endswith("/record.json")]
        per_source = Counter(store.get_record(k.split("/")[1]).source.sha256 for k in keys)
        lost = sum(max(0, n - per_source.get(sha, 0)) for sha, n in expected.items())
        extra = sum(max(0, n - expected.get(sha, 0)) for sha, n in per_source.items())
        originals = {k.rsplit("/", 1)[1] for k in store.objects.list("originals/")}
        return Tally(sum(expected.values()), sum(per_source.values()), lost, extra,
                     sorted(originals - set(expected)), list(store.objects.list("work/")))

    def stored_exactly_once(self, expected: dict[str, int]) -> None:
        """Every source hash has exactly the expected number of documents, nothing else is
        stored, and no scratch data is left behind."""
        found = self.tally(expected)
        assert (found.lost, found.duplicated, found.unexpected, found.scratch) == (
            0, 0, [], []), found


@dataclass(frozen=True)
class Tally:
    expected: int
    stored: int
    lost: int
    #: Documents beyond the expected ones (a file processed twice under another ID).
    duplicated: int
    #: Originals nobody submitted.
    unexpected: list[str]
    #: Scratch objects left in ``work/``.
    scratch: list[str]
