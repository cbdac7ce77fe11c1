"""The job board and the watcher's dispatcher, without workers: state transitions, exactly
one assembly claim under redeliveries and races, failed originals back in quarantine."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from kombu.exceptions import OperationalError as BrokerError

from pipeline.config import ConfigError, WorkSettings, load_settings
from pipeline.index import Index
from pipeline.intake.hints import IntakeHints
from pipeline.store import open_store
from pipeline.work.dispatch import Dispatcher
from pipeline.work.jobs import JobBoard
from pipeline.work.jobs import metadata as jobs_metadata
from pipeline.work.liveness import Claim, Heartbeat, Identity, Roster
from pipeline.work.stages import Submission, store_original
from scanners.quarantine import REASON_SUFFIX

SHA = "ab" * 32


@pytest.fixture(params=["sqlite", "postgresql"])
def board(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobBoard]:
    """The board on SQLite and on a real PostgreSQL (row locks instead of one writer)."""
    if request.param == "sqlite":
        yield JobBoard(Index(f"sqlite:///{tmp_path / 'index.sqlite3'}"))
        return
    index = Index(request.getfixturevalue("pg_server"))
    yield JobBoard(index)
    jobs_metadata.drop_all(index.engine(write=True))


def test_submit_is_once_per_content(board: JobBoard) -> None:
    assert board.submit(SHA, "tram-1", "a.pdf", {"x": 1})
    assert not board.submit(SHA, "tram-2", "b.pdf", {"x": 1})  # same bytes elsewhere
    job = board.get(SHA)
    assert job is not None and (job.state, job.station, job.filename) == ("queued", "tram-1",
                                                                           "a.pdf")


def test_pages_are_counted_once_and_the_assembly_claimed_once(board: JobBoard) -> None:
    board.submit(SHA, "tram-1", "a.pdf", {})
    assert board.start(SHA, 3)
    assert not board.page_done(SHA, 1, "w1", 1.0)
    assert not board.page_done(SHA, 1, "w2", 1.0)  # redelivered: still one page
    assert not board.page_done(SHA, 2, "w1", 1.0)
    assert board.page_done(SHA, 3, "w2", 1.0)  # completes the set: assemble
    assert not board.page_done(SHA, 3, "w1", 1.0)  # a duplicate of the last page: no
    job = board.get(SHA)
    assert job is not None and (job.state, job.pages_done) == ("assembling", 3)
    assert not board.start(SHA, 3)  # a redelivered document task does not restart it
    board.finish(SHA, ["doc1"])
    job = board.get(SHA)
    assert job is not None and (job.state, job.documents) == ("done", ("doc1",))


def test_racing_pages_claim_the_assembly_exactly_once(board: JobBoard) -> None:
    board.submit(SHA, "tram-1", "a.pdf", {})
    board.start(SHA, 40)
    claims: list[int] = []

    def page(n: int) -> None:
        if board.page_done(SHA, n, f"w{n % 4}", 0.1):
            claims.append(n)

    threads = [threading.Thread(target=page, args=(n,)) for n in range(1, 41)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(claims) == 1


def test_a_failed_job_is_queued_again_when_resubmitted(board: JobBoard) -> None:
    board.submit(SHA, "tram-1", "a.pdf", {})
    board.fail(SHA, "tep-bi-hong", "Tệp bị hỏng.")
    assert [j.sha256 for j in board.failed_to_quarantine("tram-1")] == [SHA]
    assert board.submit(SHA, "tram-1", "a.pdf", {})
    job = board.get(SHA)
    assert job is not None and (job.state, job.error_code) == ("queued", None)


def test_stalled_jobs_are_found_with_their_submission(board: JobBoard) -> None:
    board.submit(SHA, "tram-1", "a.pdf", {"sha256": SHA})
    assert board.stalled(timedelta(hours=1)) == []
    (found,) = board.stalled(timedelta(seconds=-1))
    assert found[0].sha256 == SHA and found[1] == {"sha256": SHA}


def test_failed_original_comes_back_to_its_station_quarantine(tmp_path: Path) -> None:
    settings = load_settings({"SOHOA_HOME": str(tmp_path / "var")}, config_file=None)
    store = open_store(settings)
    scan = tmp_path / "inbox" / "to-khai.pdf"
    scan.parent.mkdir()
    source = Path(__file__).resolve().parents[1] / "samples" / "examples"
    scan.write_bytes((source / "quyet-dinh-born-digital.pdf").read_bytes())
    sub = store_original(settings, store, scan, "tram-1", IntakeHints())
    assert isinstance(sub, Submission) and sub.page_count >= 1
    dispatcher = Dispatcher(settings, store)
    dispatcher.board.submit(sub.sha256, "tram-1", sub.filename, sub.to_dict())
    dispatcher.board.fail(sub.sha256, "tep-bi-hong", "Trang 2 bị hỏng, không đọc được.")
    quarantine = tmp_path / "inbox" / "quarantine"
    (placed,) = dispatcher.export_failures("tram-1", quarantine)
    assert placed.read_bytes() == scan.read_bytes()
    reason = Path(str(placed) + REASON_SUFFIX).read_text(encoding="utf-8")
    assert "Trang 2 bị hỏng" in reason and "tep-bi-hong" in reason
    assert dispatcher.export_failures("tram-1", quarantine) == []  # once
    assert not list((quarantine / ".sohoa-tam").glob("*"))


def test_a_late_failure_never_undoes_a_stored_job(board: JobBoard) -> None:
    board.submit(SHA, "tram-1", "a.pdf", {})
    board.finish(SHA, ["doc1"])
    board.fail(SHA, "loi-noi-bo", "Lỗi nội bộ.")  # a duplicate task that lost a race
    job = board.get(SHA)
    assert job is not None and (job.state, job.documents) == ("done", ("doc1",))


# -- liveness: heartbeats, claims, dead workers' tasks handed over --------------------------
class Requeued:
    """Records what a reaper queues again (thread-safe: reapers race in these tests)."""

    def __init__(self) -> None:
        self.sent: list[tuple[Claim, dict[str, Any]]] = []
        self._lock = threading.Lock()

    def __call__(self, claim: Claim, data: dict[str, Any]) -> None:
        with self._lock:
            self.sent.append((claim, data))


def test_a_silent_worker_is_reaped_once_and_its_open_tasks_queued_again(
        board: JobBoard) -> None:
    roster = Roster(board.index)
    a, b = Identity.here("a@test"), Identity.here("b@test")
    done_sha = "cd" * 32
    board.submit(SHA, "tram-1", "a.pdf", {"sha256": SHA})
    board.submit(done_sha, "tram-1", "b.pdf", {"sha256": done_sha})
    board.finish(done_sha, ["doc1"])
    roster.register(a)
    roster.register(b)
    roster.claim(a, SHA, "page", 2)
    roster.claim(a, done_sha, "assemble")  # its job is done: nothing to hand over
    roster.claim(b, SHA, "page", 3)
    requeued = Requeued()
    assert roster.reap(60.0, requeued) == [] and requeued.sent == []  # all beating
    time.sleep(0.6)
    roster.beat(b)
    reapers = [threading.Thread(target=roster.reap, args=(0.4, requeued)) for _ in range(4)]
    for t in reapers:
        t.start()
    for t in reapers:
        t.join()
    assert [(c.sha256, c.stage, c.page, c.worker, d) for c, d in requeued.sent] == [
        (SHA, "page", 2, a.name, {"sha256": SHA})]  # once, by one of the four reapers
    states = {w.label: (w.state, [(c.stage, c.page) for c in w.claims])
              for w in roster.workers()}
    assert states == {"a@test": ("dead", []), "b@test": ("alive", [("page", 3)])}
    assert not roster.beat(a)  # it was only slow after all: alive again, told so
    assert {w.label: w.state for w in roster.workers()}["a@test"] == "alive"


def test_a_broker_error_leaves_the_dead_worker_for_the_next_round(board: JobBoard) -> None:
    roster = Roster(board.index)
    a = Identity.here("a@test")
    board.submit(SHA, "tram-1", "a.pdf", {"sha256": SHA})
    roster.claim(a, SHA, "document")
    time.sleep(0.3)

    def broker_away(claim: Claim, data: dict[str, Any]) -> None:
        raise BrokerError("connection refused")

    with pytest.raises(BrokerError):
        roster.reap(0.2, broker_away)
    assert [(c.worker, c.stage) for c in roster.claims()] == [(a.name, "document")]
    requeued = Requeued()
    assert [c.stage for c in roster.reap(0.2, requeued)] == ["document"]
    assert len(requeued.sent) == 1 and roster.claims() == []


def test_a_long_page_does_not_make_its_worker_dead(board: JobBoard) -> None:
    """The heartbeat thread beats while the task thread is busy far longer than dead_after
    (here a pure-Python loop, which holds the GIL between switches); another process's
    reaper finds nothing to hand over. A warm stop then leaves no claim behind."""
    settings = WorkSettings(heartbeat_interval=0.1, dead_after=0.5)
    roster = Roster(board.index)
    a = Identity.here("a@test")
    board.submit(SHA, "tram-1", "a.pdf", {"sha256": SHA})
    requeued = Requeued()
    beat = Heartbeat(lambda: roster, a, settings, requeued).start()
    try:
        roster.claim(a, SHA, "page", 1)
        other = Roster(Index(board.index.url.render_as_string(hide_password=False)))
        end = time.monotonic() + 4 * settings.dead_after
        digest = b""
        reaped: list[Claim] = []
        while time.monotonic() < end:  # "OCR" of a long page, reaped all along
            for _ in range(20_000):
                digest = hashlib.sha256(digest).digest()
            reaped += other.reap(settings.dead_after, requeued)
        assert reaped == [] and requeued.sent == []
        (worker,) = roster.workers()
        assert worker.state == "alive" and worker.silent_for < settings.dead_after
    finally:
        beat.stop()
    assert roster.claims() == []
    assert [w.state for w in roster.workers()] == ["stopped"]
    assert roster.reap(0.0, requeued) == [] and requeued.sent == []


def test_dead_after_must_leave_room_for_missed_heartbeats() -> None:
    with pytest.raises(ConfigError, match="dead_after"):
        load_settings({"SOHOA_WORK_DEAD_AFTER": "8"}, config_file=None)  # < 3 × 5 s
    assert load_settings({}, config_file=None).work.dead_after == 30.0


def test_a_board_locked_for_long_is_not_taken_for_dead_workers(tmp_path: Path) -> None:
    """SQLite has one writer: heartbeats wait behind a long write (a reindex), so a reaper
    that itself waited that long for the board leaves the silence unjudged this round."""
    index = Index(f"sqlite:///{tmp_path / 'index.sqlite3'}")
    roster = Roster(index)
    a = Identity.here("a@test")
    roster.register(a)
    requeued = Requeued()
    reaped: list[Claim] = []
    with index.transaction():  # the long write, holding the lock
        reaper = threading.Thread(target=lambda: reaped.extend(roster.reap(0.3, requeued)))
        time.sleep(0.4)  # a is silent for longer than dead_after before the reaper asks
        reaper.start()
        time.sleep(0.3)
    reaper.join()
    assert reaped == [] and [w.state for w in roster.workers()] == ["alive"]
    assert roster.reap(0.3, requeued) == []  # it holds nothing, but is dead now
    assert [w.state for w in roster.workers()] == ["dead"]
