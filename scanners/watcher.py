"""A watched inbox folder: each completely written file is ingested once, then moved.

Good files move to ``done/`` only after they are stored; unreadable files move to
``quarantine/`` with a reason; files that failed for a passing reason (store down) stay and are
retried with backoff. inotify events (watchdog) only wake the loop early: the folder is rescanned
on every tick anyway, because events are lost on network shares and across restarts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from pipeline.batch import BatchItem, is_candidate
from pipeline.config import Settings
from scanners.quarantine import move_aside, quarantine
from scanners.stability import StabilityTracker

log = logging.getLogger(__name__)

#: Longest wait before a file that failed for a passing reason is tried again.
MAX_RETRY_SECONDS = 300.0

Handler = Callable[[Path], BatchItem]
Report = Callable[[Path, BatchItem, Path | None], None]


@dataclass(frozen=True)
class WatchedFolder:
    inbox: Path
    done: Path
    quarantine: Path
    station: str

    @classmethod
    def configure(cls, inbox: Path, settings: Settings,
                  station: str | None = None) -> WatchedFolder:
        def under(name: str) -> Path:
            path = Path(name)
            return path if path.is_absolute() else inbox / path

        return cls(inbox, under(settings.watch.done_dir), under(settings.watch.quarantine_dir),
                   station or settings.station)

    def candidates(self) -> Iterator[Path]:
        """Files waiting in the inbox (sub-folders too), skipping our own output folders."""
        outputs = (self.done.resolve(), self.quarantine.resolve())
        for path in sorted(self.inbox.rglob("*")):
            if not path.is_file() or not is_candidate(path):
                continue
            resolved = path.resolve()
            if any(resolved.is_relative_to(o) for o in outputs):
                continue
            if any(part.startswith(".") for part in path.relative_to(self.inbox).parts[:-1]):
                continue
            yield path


class _Wake(FileSystemEventHandler):
    def __init__(self, event: threading.Event) -> None:
        self.event = event

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.event.set()


class FolderWatcher:
    def __init__(self, folder: WatchedFolder, handle: Handler, settings: Settings,
                 report: Report | None = None) -> None:
        self.folder = folder
        self.handle = handle
        self.settings = settings
        self.report = report
        self.tracker = StabilityTracker(settings.watch.quiet_seconds)
        self._retry_at: dict[Path, tuple[float, int]] = {}
        self.wake = threading.Event()

    def tick(self) -> int:
        """Scan once and process every file that is ready; return how many were handled."""
        self.tracker.observe(self.folder.candidates())
        handled = 0
        now = time.monotonic()
        for path in self.tracker.ready():
            retry = self._retry_at.get(path)
            if retry is not None and retry[0] > now:
                continue
            self._process(path)
            handled += 1
        return handled

    def _process(self, path: Path) -> None:
        relative = path.relative_to(self.folder.inbox)
        try:
            item = self.handle(path)
        except Exception as exc:  # a bug must not lose the file nor stop the watcher
            log.exception("unexpected failure on %s", relative)
            quarantine(
                path, self.folder.quarantine, code="loi-noi-bo",
                message=f"Lỗi nội bộ khi xử lý tệp ({type(exc).__name__}); hãy báo quản trị viên.",
                station=self.folder.station, timezone=self.settings.timezone, relative=relative)
            self.tracker.forget(path)
            return
        target: Path | None = None
        if item.failure is None:
            target = move_aside(path, self.folder.done, relative)
        elif not item.failure.retryable:
            target = quarantine(path, self.folder.quarantine, code=item.failure.code,
                                message=item.failure.message, station=self.folder.station,
                                timezone=self.settings.timezone, relative=relative)
        else:
            attempts = self._retry_at.get(path, (0.0, 0))[1] + 1
            delay = min(MAX_RETRY_SECONDS, 2.0 ** attempts)
            self._retry_at[path] = (time.monotonic() + delay, attempts)
            log.warning("will retry %s in %.0f s: %s", relative, delay, item.failure.code)
        if target is not None:
            self.tracker.forget(path)
            self._retry_at.pop(path, None)
        if self.report:
            self.report(path, item, target)

    def run_until_idle(self, timeout: float = 600.0) -> None:
        """Process what is in the inbox now, waiting for files still being written."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.tick()
            if self.tracker.pending() == 0:
                return
            time.sleep(min(self.settings.watch.poll_interval, self.settings.watch.quiet_seconds))

    def run(self, stop: threading.Event) -> None:
        """Watch until ``stop`` is set."""
        self.folder.inbox.mkdir(parents=True, exist_ok=True)
        observer = PollingObserver() if self.settings.watch.polling else Observer()
        observer.schedule(_Wake(self.wake), str(self.folder.inbox), recursive=True)
        observer.start()
        try:
            while not stop.is_set():
                self.tick()
                self.wake.wait(self.settings.watch.poll_interval)
                self.wake.clear()
        finally:
            observer.stop()
            observer.join(timeout=5)
