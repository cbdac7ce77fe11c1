"""``sohoa watch``: watch scanning stations' folders and ingest what is dropped there.

With a FOLDER, that one folder is watched with the ``[watch]`` settings; without, every
station of the stations file (``watch.stations``, see ``scanners/stations.toml``) is watched,
each in its own thread, all sharing one pipeline.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from pipeline.batch import BatchItem, process_one
from pipeline.cli.console import err, fail, print_json
from pipeline.cli.context import settings_from
from pipeline.cli.summary import STATUS_LABELS
from pipeline.config import ConfigError, Settings
from pipeline.errors import ExitCode
from pipeline.models import Status
from pipeline.process import Pipeline
from pipeline.store import open_store
from scanners.stations import load_stations, stations_file
from scanners.watcher import FolderWatcher, Handler, Report, WatchedFolder

log = logging.getLogger(__name__)


def watch(
    ctx: typer.Context,
    folder: Annotated[Path | None, typer.Argument(
        help="Thư mục quét cần theo dõi; bỏ trống để theo dõi mọi trạm trong tệp trạm quét "
             "(watch.stations).")] = None,
    station: Annotated[str | None, typer.Option(
        "--station", "-s", help="Tên trạm quét; không có FOLDER thì chỉ theo dõi trạm này.")
    ] = None,
    once: Annotated[bool, typer.Option(
        "--once", help="Xử lý các tệp đang có rồi dừng (không theo dõi tiếp).")] = False,
    polling: Annotated[bool, typer.Option(
        "--polling", help="Quét định kỳ thay cho inotify (thư mục mạng SMB/NFS).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="In mỗi tệp một dòng JSON.")] = False,
) -> None:
    """Theo dõi thư mục quét: tệp hoàn chỉnh được số hóa, tệp lỗi được chuyển sang cách ly."""
    settings = settings_from(ctx)
    folders = ([WatchedFolder.configure(folder, settings, station)] if folder is not None
               else station_folders(settings, station))
    if polling:
        folders = [replace(f, polling=True) for f in folders]
    lock = threading.Lock()  # watchers report from their own threads
    stop = threading.Event()
    with contextlib.ExitStack() as resources:
        handler_for = handlers(settings, resources, {f.station: f.quarantine for f in folders},
                               stop)
        watchers = [
            FolderWatcher(f, handler_for(f.station), settings,
                          reporter(as_json, f.station if len(folders) > 1 else None, lock))
            for f in folders]
        try:
            run_all(watchers, once=once)
        finally:
            stop.set()


def handlers(settings: Settings, resources: contextlib.ExitStack,
             quarantines: dict[str, Path], stop: threading.Event) -> Callable[[str], Handler]:
    """Each station's handler: hand files to the workers when a broker is configured (and
    bring their failures back to the stations' quarantine folders until ``stop``), else
    ingest them in this process."""
    if settings.broker_url:
        from pipeline.work.dispatch import Dispatcher

        dispatcher = Dispatcher(settings, open_store(settings))
        threading.Thread(target=dispatcher.maintain, args=(quarantines, stop),
                         name="sohoa-maintain", daemon=True).start()
        return lambda station: (lambda path, hints: dispatcher.handle(path, hints, station))
    pipeline = resources.enter_context(Pipeline(settings))
    return lambda station: local_handler(pipeline, station)


def local_handler(pipeline: Pipeline, station: str) -> Handler:
    """Ingest in this process (the choice of handler lives here, so workers can replace it)."""
    return lambda path, hints: process_one(pipeline, path, station, hints=hints)


def station_folders(settings: Settings, only: str | None) -> list[WatchedFolder]:
    """The stations of the stations file (or just ``only``); exit 2 when there is none."""
    path = stations_file(settings)
    if path is None:
        err.print("[bold red]Lỗi:[/] Chưa chỉ định thư mục quét và chưa cấu hình tệp trạm quét "
                  "(watch.stations trong sohoa.toml hoặc biến SOHOA_WATCH_STATIONS). Hãy chạy "
                  "'sohoa watch THƯ_MỤC' hoặc khai báo các trạm, xem scanners/stations.toml.")
        raise typer.Exit(ExitCode.USAGE)
    try:
        stations = load_stations(path, settings)
    except ConfigError as exc:
        fail(exc)
        raise typer.Exit(ExitCode.USAGE) from None
    if only is not None:
        stations = [s for s in stations if s.name == only]
        if not stations:
            err.print(f"[bold red]Lỗi:[/] Không có trạm \"{only}\" trong tệp trạm quét {path}.")
            raise typer.Exit(ExitCode.USAGE)
    return [WatchedFolder.of_station(s) for s in stations]


def reporter(as_json: bool, station: str | None, lock: threading.Lock) -> Report:
    """One line per handled file, prefixed with ``station`` when several are watched."""
    prefix = f"{escape(station)} · " if station else ""

    def report(path: Path, item: BatchItem, moved: Path | None) -> None:
        with lock:
            if as_json:
                for line in item.to_dicts():
                    print_json({**line, "moved_to": str(moved) if moved else None})
            elif item.queued is not None:
                err.print(f"{prefix}Đã chuyển cho tiến trình xử lý: {escape(path.name)} "
                          f"(việc {item.queued[:12]})")
            elif item.failure is None:
                ids = ", ".join(r.id for r in item.records)
                label = STATUS_LABELS[item.records[0].status] if item.records else ""
                err.print(f"{prefix}{label} {escape(path.name)} → {ids}")
            else:
                where = f"đã chuyển vào {escape(str(moved))}" if moved else "sẽ thử lại"
                label = STATUS_LABELS[Status.FAILED]
                err.print(f"{prefix}{label} {escape(path.name)}: {escape(item.failure.message)} "
                          f"({where})")

    return report


def run_all(watchers: list[FolderWatcher], *, once: bool) -> None:
    """Run every watcher in its own thread until SIGTERM or Ctrl+C (``once``: until its inbox
    is empty). A file being handled is always finished, so stopping never loses one."""
    stop = threading.Event()
    failed: list[str] = []

    def halt(*_: object) -> None:
        stop.set()
        for w in watchers:
            w.wake.set()  # end their waits now, not after a poll interval

    def guarded(w: FolderWatcher) -> None:
        try:
            if once:
                w.run_until_idle(stop=stop)
            else:
                w.run(stop)
        except Exception:
            log.exception("watcher of station %s stopped", w.folder.station)
            failed.append(w.folder.station)
            halt()

    previous = signal.signal(signal.SIGTERM, halt)
    threads = [threading.Thread(target=guarded, args=(w,), name=f"sohoa-{w.folder.station}")
               for w in watchers]
    if not once:
        for w in watchers:
            mode = "quét định kỳ" if w.folder.polling else "inotify"
            err.print(f"Đang theo dõi {escape(str(w.folder.inbox))} "
                      f"(trạm {escape(w.folder.station)}, {mode}).")
        err.print("Nhấn Ctrl+C để dừng.")
    for t in threads:
        t.start()
    interrupted = False
    try:
        while any(t.is_alive() for t in threads):
            for t in threads:
                t.join(timeout=0.5)
    except KeyboardInterrupt:  # Ctrl+C: the usual way to stop watching
        interrupted = True
    finally:
        halt()
        for t in threads:
            t.join()
        signal.signal(signal.SIGTERM, previous)
    if failed:
        others = "; các trạm khác cũng đã dừng" if len(watchers) > 1 else ""
        err.print(f"[bold red]Lỗi:[/] Việc theo dõi trạm {escape(', '.join(failed))} bị dừng "
                  f"do lỗi nội bộ{others}. Hãy xem nhật ký và báo quản trị viên.")
        raise typer.Exit(ExitCode.INTERNAL)
    if once and interrupted:
        raise KeyboardInterrupt  # cut short: not every file was handled
    if not once:
        err.print("Đã dừng theo dõi.")
