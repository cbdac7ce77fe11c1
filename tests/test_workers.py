"""Distributed work against real Redis, the real S3 server and real ``sohoa worker`` and
``sohoa watch`` processes (issue 7): a fault in the middle of a batch never loses nor
doubles a document (scenarios in ``tests/fault_scenarios.py``; ``bench/workers.py`` runs
each five times).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fault_scenarios import SCENARIOS, submit
from tests.redis_server import RedisServer, start_redis
from tests.s3_server import RUNNING, S3Endpoint
from tests.workers_env import Cluster, distinct_scan


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisServer]:
    server = start_redis()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def cluster(tmp_path: Path, redis: RedisServer, s3_server: S3Endpoint) -> Iterator[Cluster]:
    found = Cluster(tmp_path, redis, s3_server)
    try:
        yield found
    finally:
        found.stop_all()


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_fault_loses_and_doubles_nothing(cluster: Cluster, name: str) -> None:
    if name == "s3-away" and not RUNNING:
        pytest.skip("an external S3 server (SOHOA_TEST_S3_ENDPOINT) cannot be stopped here")
    outcome = SCENARIOS[name](cluster)
    assert outcome.clean, (outcome, cluster.logs())
    assert outcome.tally.stored == outcome.tally.expected >= outcome.files


def test_pages_of_one_document_spread_over_workers(cluster: Cluster) -> None:
    """Page-level fan-out: two workers both read pages of one six-page document."""
    (scan,) = [distinct_scan(cluster.root / "src", "sau-trang.tiff", pages=6,
                             seed=f"spread-{cluster.bucket}")]
    (sha,) = submit(cluster, [scan])
    cluster.start_worker("a")
    cluster.start_worker("b")
    (job,) = cluster.wait_done([sha])
    assert job.pages_done == 6
    workers = cluster.board().page_workers(sha)
    assert len(set(workers.values())) == 2, workers
    cluster.stored_exactly_once({sha: 1})


def test_status_and_metrics_follow_the_work(cluster: Cluster) -> None:
    """``sohoa status`` shows the queue and the jobs per station and state; a worker's
    Prometheus endpoint counts pages and stage durations."""
    import json
    import socket
    import subprocess
    import sys
    import urllib.request

    files = [distinct_scan(cluster.root / "src", f"st-{n}.png", seed=f"status-{n}-{cluster.bucket}")
             for n in range(2)]
    shas = submit(cluster, files, station="tram-status")

    def status() -> dict[str, object]:
        done = subprocess.run([sys.executable, "-m", "pipeline", "status", "--json"],
                              env=cluster.env(), capture_output=True, check=True, text=True)
        found: dict[str, object] = json.loads(done.stdout)
        return found

    before = status()
    assert before["queue_depth"] == 2
    assert before["stations"] == {"tram-status": {"queued": 2}}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cluster.start_worker("m", args=("--metrics-port", str(port)))
    cluster.wait_done(shas)
    after = status()
    assert after["queue_depth"] == 0
    assert after["stations"] == {"tram-status": {"done": 2}}
    assert sum(after["documents"]["tram-status"].values()) == 2  # type: ignore[index]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    assert 'sohoa_pages_processed_total{station="tram-status"} 2.0' in text
    assert 'sohoa_stage_duration_seconds_count{stage="assemble"} 2.0' in text
