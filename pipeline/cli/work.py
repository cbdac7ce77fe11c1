"""``sohoa worker`` (a Celery worker on the configured broker) and ``sohoa status``."""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from typing import Annotated, Any

import typer
from rich.table import Table

from pipeline.cli.console import err, out, print_json
from pipeline.cli.context import settings_from
from pipeline.config import ConfigError, Settings
from pipeline.work.jobs import STATES, JobBoard
from pipeline.work.liveness import Roster, WorkerInfo

STATE_LABELS = {"queued": "chờ xử lý", "running": "đang đọc trang", "assembling": "đang ghép",
                "done": "xong", "failed": "lỗi"}


WORKER_LABELS = {"alive": "đang chạy", "silent": "không phản hồi", "dead": "đã chết",
                 "stopped": "đã dừng"}
STAGE_LABELS = {"document": "chia trang", "page": "trang", "assemble": "ghép"}


DOCUMENT_LABELS = {"done": "hoàn tất", "review": "cần kiểm tra", "duplicate": "trùng",
                   "failed": "lỗi"}


def _broker(settings: Settings) -> str:
    if not settings.broker_url:
        raise ConfigError("Chưa cấu hình hàng đợi: đặt SOHOA_BROKER_URL (ví dụ "
                          "redis://127.0.0.1:6379/0) để chạy tiến trình xử lý phân tán.")
    return settings.broker_url


def worker(
    ctx: typer.Context,
    concurrency: Annotated[int, typer.Option(
        "--concurrency", "-n", min=1, help="Số trang xử lý đồng thời trong tiến trình này.")] = 1,
    metrics_port: Annotated[int | None, typer.Option(
        "--metrics-port", help="Cổng Prometheus /metrics (mặc định: work.metrics_port).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Tên tiến trình xử lý.")] = None,
    loglevel: Annotated[str, typer.Option("--loglevel", help="Mức nhật ký Celery.")] = "WARNING",
) -> None:
    """Chạy một tiến trình xử lý: đọc trang, ghép tài liệu và lưu vào kho từ hàng đợi."""
    settings = settings_from(ctx)
    _broker(settings)
    from pipeline.work import metrics, tasks

    hostname = name or f"sohoa-{os.getpid()}@{socket.gethostname()}"
    tasks.use_settings(settings, label=hostname)
    app = tasks.configure(settings)
    metrics.serve(settings.work.metrics_port if metrics_port is None else metrics_port)
    err.print(f"Tiến trình xử lý {hostname}: hàng đợi {settings.work.queue}, "
              f"{concurrency} trang đồng thời.")
    with tasks.heartbeat():  # on the job board: a dead worker's tasks go to the others
        app.worker_main([
            "worker", "--queues", settings.work.queue, "--concurrency", str(concurrency),
            # OCR runs in Tesseract child processes: threads give real parallelism, and a
            # single task per process (solo) keeps a killed process's loss to one page.
            "--pool", "solo" if concurrency == 1 else "threads",
            "--hostname", hostname, "--loglevel", loglevel,
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ])


def queue_depth(settings: Settings) -> int | None:
    """Messages waiting in the broker's queue (None without a reachable broker)."""
    if not settings.broker_url:
        return None
    import redis

    try:
        client: Any = redis.Redis.from_url(settings.broker_url, socket_timeout=3)
        return int(client.llen(settings.work.queue))
    except redis.RedisError:
        return None


def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON.")] = False,
) -> None:
    """Hàng đợi, số tài liệu theo trạng thái và trạm quét, các lỗi gần đây."""
    settings = settings_from(ctx)
    from pipeline.index import open_index

    index = open_index(settings)
    board = JobBoard(index)
    counts = board.counts()
    stored = index.counts_by_station()
    depth = queue_depth(settings)
    failures = board.recent("failed", limit=10, within=timedelta(days=7))
    running = board.open_jobs()
    workers = Roster(index).workers()
    dead_after = settings.work.dead_after
    if as_json:
        print_json({
            "broker": bool(settings.broker_url), "queue_depth": depth,
            "workers": [{**w.to_dict(), "status": worker_status(w, dead_after)}
                        for w in workers],
            "states": {s: sum(n for (_, st), n in counts.items() if st == s) for s in STATES},
            "stations": {station: {st: n for (s2, st), n in counts.items() if s2 == station}
                         for station in sorted({s for s, _ in counts})},
            "documents": {station: {st: n for (s2, st), n in stored.items() if s2 == station}
                          for station in sorted({s for s, _ in stored})},
            "open": [j.to_dict() for j in running],
            "recent_failures": [j.to_dict() for j in failures],
        })
        return
    if settings.broker_url:
        where = "không kết nối được" if depth is None else f"{depth} việc đang chờ"
        out.print(f"Hàng đợi {settings.work.queue}: {where}.")
    else:
        out.print("Chế độ xử lý tại chỗ (chưa cấu hình SOHOA_BROKER_URL).")
    if counts:
        table = Table(title="Việc theo trạm quét và trạng thái")
        table.add_column("Trạm quét")
        for state in STATES:
            table.add_column(STATE_LABELS[state], justify="right")
        for station in sorted({s for s, _ in counts}):
            table.add_row(station, *(str(counts.get((station, st), 0)) for st in STATES))
        out.print(table)
    statuses = sorted({st for _, st in stored})
    table = Table(title="Tài liệu trong kho theo trạm quét và trạng thái")
    table.add_column("Trạm quét")
    for st in statuses:
        table.add_column(DOCUMENT_LABELS.get(st, st), justify="right")
    for station in sorted({s for s, _ in stored}):
        table.add_row(station, *(str(stored.get((station, st), 0)) for st in statuses))
    out.print(table)
    for job in running:
        out.print(f"  {STATE_LABELS[job.state]}: {job.filename} ({job.station}) — "
                  f"{job.pages_done}/{job.pages_total} trang")
    if workers:
        out.print(workers_table(workers, dead_after))
    if failures:
        out.print("Lỗi gần đây:")
        for job in failures:
            out.print(f"  {job.updated_at[:19]} {job.station} {job.filename}: "
                      f"{job.error_message}")


def worker_status(worker: WorkerInfo, dead_after: float) -> str:
    """alive, silent (past ``dead_after`` but not reaped yet), dead or stopped."""
    if worker.state == "alive" and worker.silent_for > dead_after:
        return "silent"
    return worker.state


def workers_table(workers: list[WorkerInfo], dead_after: float) -> Table:
    table = Table(title="Tiến trình xử lý")
    for title in ("Tiến trình", "Máy", "Trạng thái", "Nhịp tim cuối", "Đang làm"):
        table.add_column(title)
    for w in workers:
        doing = "; ".join(
            f"{STAGE_LABELS.get(c.stage, c.stage)}{f' {c.page}' if c.page else ''} · "
            f"{c.filename or c.sha256[:12]}" for c in w.claims)
        table.add_row(w.label, w.host, WORKER_LABELS.get(worker_status(w, dead_after), w.state),
                      _ago(w.silent_for), doing or "—")
    return table


def _ago(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} giây trước"
    if seconds < 7200:
        return f"{seconds / 60:.0f} phút trước"
    return f"{seconds / 3600:.0f} giờ trước"
