"""The job board and the watcher's dispatcher, without workers: state transitions, exactly
one assembly claim under redeliveries and races, failed originals back in quarantine."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.index import Index
from pipeline.intake.hints import IntakeHints
from pipeline.store import open_store
from pipeline.work.dispatch import Dispatcher
from pipeline.work.jobs import JobBoard
from pipeline.work.jobs import metadata as jobs_metadata
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
