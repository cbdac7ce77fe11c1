"""Prometheus metrics of a worker process, served on ``work.metrics_port`` at ``/metrics``."""

from __future__ import annotations

from prometheus_client import Counter, Histogram, start_http_server

PAGES = Counter("sohoa_pages_processed_total", "Pages read (OCR or text layer)", ["station"])
DOCUMENTS = Counter("sohoa_documents_total", "Documents assembled and stored", ["station"])
FAILURES = Counter("sohoa_failures_total", "Tasks that failed", ["stage", "kind"])
RETRIES = Counter("sohoa_retries_total", "Tasks retried after a passing failure", ["stage"])
STAGE_SECONDS = Histogram(
    "sohoa_stage_duration_seconds", "Time spent in each stage", ["stage"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300))


def serve(port: int) -> None:
    """Serve the metrics from a daemon thread (0 = do not serve)."""
    if port:
        start_http_server(port, addr="0.0.0.0")
