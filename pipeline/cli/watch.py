"""``sohoa watch``: watch a scanning station's folder and ingest what is dropped there."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

from pipeline.batch import BatchItem, process_one
from pipeline.cli.console import err, print_json
from pipeline.cli.context import settings_from
from pipeline.cli.summary import STATUS_LABELS
from pipeline.models import Status
from pipeline.process import Pipeline
from scanners.watcher import FolderWatcher, WatchedFolder


def watch(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="Thư mục quét cần theo dõi.")],
    station: Annotated[str | None, typer.Option("--station", "-s", help="Tên trạm quét.")] = None,
    once: Annotated[bool, typer.Option(
        "--once", help="Xử lý các tệp đang có rồi dừng (không theo dõi tiếp).")] = False,
    polling: Annotated[bool, typer.Option(
        "--polling", help="Quét định kỳ thay cho inotify (thư mục mạng SMB/NFS).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="In mỗi tệp một dòng JSON.")] = False,
) -> None:
    """Theo dõi thư mục quét: tệp hoàn chỉnh được số hóa, tệp lỗi được chuyển sang cách ly."""
    settings = settings_from(ctx)
    if polling:
        from dataclasses import replace

        settings = replace(settings, watch=replace(settings.watch, polling=True))
    target = WatchedFolder.configure(folder, settings, station)

    def report(path: Path, item: BatchItem, moved: Path | None) -> None:
        if as_json:
            print_json({**item.to_dict(), "moved_to": str(moved) if moved else None})
            return
        if item.record is not None:
            err.print(f"{STATUS_LABELS[item.record.status]} {path.name} → {item.record.id}")
        elif item.failure is not None:
            where = f"đã chuyển vào {moved}" if moved else "sẽ thử lại"
            label = STATUS_LABELS[Status.FAILED]
            err.print(f"{label} {path.name}: {item.failure.message} ({where})")

    with Pipeline(settings) as pipeline:
        watcher = FolderWatcher(
            target, lambda p: process_one(pipeline, p, target.station), settings, report)
        if once:
            watcher.run_until_idle()
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        err.print(f"Đang theo dõi {folder} (trạm {target.station}); nhấn Ctrl+C để dừng.")
        try:
            watcher.run(stop)
        except KeyboardInterrupt:
            stop.set()
        err.print("Đã dừng theo dõi.")
