"""A watched inbox folder: each completely written file is ingested once, then moved.

Good files leave the inbox only after they are stored (moved to ``done/``, or deleted when the
station says so); unreadable files move to ``quarantine/`` with a reason; files that failed for
a passing reason (store down) stay and are retried with backoff. A crash at any point leaves the
file in the inbox, and handling it again is harmless: the store answers ``duplicate``. inotify
events (watchdog) only wake the loop early: the folder is rescanned on every tick anyway,
because events are lost on network shares and across restarts.

A sidecar JSON beside a file (``scan.pdf.json`` or ``scan.json``) carries staff's hints for it
(``ma_ho_so``, ``procedure``/``thu_tuc``, ``doc_type``); it is never a document itself and
travels with its file.
"""

from __future__ import annotations

import glob
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from pipeline.batch import BatchItem, is_candidate
from pipeline.config import Settings
from pipeline.intake.hints import IntakeHints
from pipeline.models import Failure
from scanners.quarantine import SIDECAR_SUFFIX, move_aside, quarantine
from scanners.stability import StabilityTracker
from scanners.stations import DOC_TYPE_NAME, After, Station

log = logging.getLogger(__name__)

#: Longest wait before a file that failed for a passing reason is tried again.
MAX_RETRY_SECONDS = 300.0

#: Ingest one file with the hints known for it; never raises for a bad file (see BatchItem).
Handler = Callable[[Path, IntakeHints], BatchItem]
#: Told of every handled file: its inbox path, the outcome, and where it went (None: stayed
#: for a retry, or was deleted after being stored).
Report = Callable[[Path, BatchItem, Path | None], None]

#: Sidecar keys, by hint, in order of preference.
_SIDECAR_KEYS = {"ma_ho_so": ("ma_ho_so",), "procedure": ("procedure", "thu_tuc"),
                 "doc_type": ("doc_type",)}


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


class SidecarError(Exception):
    """A sidecar that cannot be read as hints; ``message`` is Vietnamese, for the reason file."""

    code = "sidecar-hong"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sidecars_of(path: Path) -> list[Path]:
    """The sidecars present beside ``path``, most specific (``scan.pdf.json``) first."""
    names = [path.name + SIDECAR_SUFFIX]
    if path.suffix:
        names.append(path.stem + SIDECAR_SUFFIX)
    return [path.with_name(n) for n in names if path.with_name(n).is_file()]


def read_sidecar(sidecar: Path) -> IntakeHints:
    """Hints of one sidecar; raise :class:`SidecarError` when it is not a JSON object.

    ``OSError`` (a share gone away) is left to the caller: it is a passing reason, not a bad
    file. Keys other than the hints are ignored, so tools may add their own.
    """
    try:
        data: Any = json.loads(sidecar.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        return IntakeHints()
    except UnicodeDecodeError as exc:
        raise SidecarError(f"Tệp kèm {sidecar.name} không phải văn bản UTF-8.") from exc
    except json.JSONDecodeError as exc:
        raise SidecarError(f"Tệp kèm {sidecar.name} không phải JSON hợp lệ (lỗi ở dòng "
                           f"{exc.lineno}, cột {exc.colno}).") from exc
    if not isinstance(data, dict):
        raise SidecarError(f"Tệp kèm {sidecar.name} phải là một đối tượng JSON dạng "
                           "{\"ma_ho_so\": \"...\", \"thu_tuc\": \"...\"}.")
    values: dict[str, str] = {}
    for hint, keys in _SIDECAR_KEYS.items():
        for key in keys:
            value = data.get(key)
            if value is None or value == "":
                continue
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise SidecarError(f"Trường {key} trong tệp kèm {sidecar.name} phải là chuỗi.")
            values.setdefault(hint, str(value).strip())
    doc_type = values.get("doc_type")
    if doc_type is not None and not DOC_TYPE_NAME.fullmatch(doc_type):
        raise SidecarError(f"doc_type {doc_type!r} trong tệp kèm {sidecar.name} không phải tên "
                           "loại tài liệu (ví dụ: to_khai).")
    return IntakeHints.from_dict(values)


@dataclass(frozen=True)
class WatchedFolder:
    inbox: Path
    done: Path
    quarantine: Path
    station: str
    polling: bool = False
    poll_interval: float = 1.0
    quiet_seconds: float = 2.0
    after: After = "move"
    #: The station's defaults; a file's sidecar wins over them.
    hints: IntakeHints = field(default_factory=IntakeHints)

    @classmethod
    def configure(cls, inbox: Path, settings: Settings,
                  station: str | None = None) -> WatchedFolder:
        """One folder named on the command line, with the ``[watch]`` settings."""
        def under(name: str) -> Path:
            path = Path(name)
            return path if path.is_absolute() else inbox / path

        watch = settings.watch
        return cls(inbox, under(watch.done_dir), under(watch.quarantine_dir),
                   station or settings.station, polling=watch.polling,
                   poll_interval=watch.poll_interval, quiet_seconds=watch.quiet_seconds)

    @classmethod
    def of_station(cls, station: Station) -> WatchedFolder:
        return cls(station.inbox, station.done, station.quarantine, station.name,
                   polling=station.polling, poll_interval=station.poll_interval,
                   quiet_seconds=station.quiet_seconds, after=station.after,
                   hints=station.hints)

    def scan(self) -> tuple[list[Path], list[Path]]:
        """Files waiting in the inbox (sub-folders too) and the sidecars among them, skipping
        our own output folders, hidden folders and half-written or temporary files."""
        if not self.inbox.is_dir():
            return [], []
        outputs = (self.done.resolve(), self.quarantine.resolve())
        files: list[Path] = []
        sidecars: list[Path] = []
        for path in sorted(self.inbox.rglob("*")):
            if not is_candidate(path) or not path.is_file():
                continue
            if any(part.startswith(".") for part in path.relative_to(self.inbox).parts[:-1]):
                continue
            resolved = path.resolve()
            if any(resolved.is_relative_to(o) for o in outputs):
                continue
            (sidecars if path.name.lower().endswith(SIDECAR_SUFFIX) else files).append(path)
        return files, sidecars

    def candidates(self) -> Iterator[Path]:
        """Files that may be documents (never sidecars)."""
        yield from self.scan()[0]


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
        self.tracker = StabilityTracker(folder.quiet_seconds)
        #: Sidecars must be quiet too, or a half-written one would look broken.
        self.sidecars = StabilityTracker(folder.quiet_seconds)
        self._retry_at: dict[Path, tuple[float, int]] = {}
        self._missing_inbox = False
        #: Set to end a wait early (a file event, or a stop request).
        self.wake = threading.Event()

    def tick(self) -> int:
        """Scan once and process every file that is ready; return how many were handled."""
        try:
            files, sidecars = self.folder.scan()
        except OSError as exc:  # a network share gone away: try again next tick
            log.warning("cannot scan %s: %s", self.folder.inbox, exc)
            return 0
        self._note_missing_inbox()
        self.tracker.observe(files)
        self.sidecars.observe(sidecars)
        for gone in set(self._retry_at) - set(files):
            del self._retry_at[gone]
        handled = 0
        now = time.monotonic()
        for path in self.tracker.ready():
            retry = self._retry_at.get(path)
            if retry is not None and retry[0] > now:
                continue
            if not all(self.sidecars.is_stable(s) for s in sidecars_of(path)):
                continue
            if not self.tracker.unchanged(path):
                continue
            self._process(path)
            handled += 1
        return handled

    def _note_missing_inbox(self) -> None:
        missing = not self.folder.inbox.is_dir()
        if missing and not self._missing_inbox:
            log.warning("inbox %s of station %s is missing (share not mounted?)",
                        self.folder.inbox, self.folder.station)
        self._missing_inbox = missing

    def _shared(self, path: Path, sidecar: Path) -> bool:
        """Whether another file waiting in the inbox uses the same ``<stem>.json`` sidecar."""
        if sidecar.name != path.stem + SIDECAR_SUFFIX:
            return False
        siblings = path.parent.glob(glob.escape(path.stem) + ".*")
        return any(s != path and s.stem == path.stem and is_candidate(s) and s.is_file()
                   and not s.name.lower().endswith(SIDECAR_SUFFIX) for s in siblings)

    def _process(self, path: Path) -> None:
        relative = path.relative_to(self.folder.inbox)
        sidecars = sidecars_of(path)
        copies = [s for s in sidecars if self._shared(path, s)]
        moving = [s for s in sidecars if s not in copies]
        started = time.perf_counter()
        try:
            hints = IntakeHints()
            for sidecar in sidecars:
                hints = hints.merged(read_sidecar(sidecar))
            hints = hints.merged(self.folder.hints)
        except SidecarError as exc:
            item = self._failed(path, exc.code, exc.message, retryable=False, started=started)
        except OSError as exc:
            log.warning("cannot read the sidecar of %s: %s", relative, exc)
            item = self._failed(path, "khong-doc-duoc-tep-kem",
                                "Không đọc được tệp kèm (JSON) của tệp; sẽ thử lại.",
                                retryable=True, started=started)
        else:
            before = _signature(path)
            try:
                item = self.handle(path, hints)
            except Exception as exc:  # a bug must not lose the file nor stop the watcher
                log.exception("unexpected failure on %s", relative)
                item = self._failed(
                    path, "loi-noi-bo",
                    f"Lỗi nội bộ khi xử lý tệp ({type(exc).__name__}); hãy báo quản trị viên.",
                    retryable=False, started=started)
            if item.failure is None and _signature(path) != before:
                # Rewritten while it was read: what was stored is not what is there now, so
                # the file stays to be taken again once quiet.
                log.warning("%s changed while it was handled; taking it again", relative)
                self.tracker.unchanged(path)  # false, and its quiet period starts again
                if self.report:
                    self.report(path, item, None)
                return
        target = self._settle(path, relative, item, moving, copies)
        if self.report:
            self.report(path, item, target)

    @staticmethod
    def _failed(path: Path, code: str, message: str, *, retryable: bool,
                started: float) -> BatchItem:
        failure = Failure(filename=path.name, code=code, message=message, retryable=retryable)
        return BatchItem(path, None, failure, time.perf_counter() - started)

    def _settle(self, path: Path, relative: Path, item: BatchItem, moving: list[Path],
                copies: list[Path]) -> Path | None:
        """Move (or delete) a handled file and its sidecars; keep it for a retry otherwise.

        Only a stored record lets a file leave for ``done`` or be deleted. If moving fails
        (a share gone away), the file stays and comes back as a duplicate of itself later.
        """
        target: Path | None = None
        settled = False
        try:
            if item.failure is None:
                if self.folder.after == "delete":
                    path.unlink()
                    for sidecar in moving:
                        sidecar.unlink(missing_ok=True)
                else:
                    target = move_aside(path, self.folder.done, relative,
                                        sidecars=moving, copies=copies)
                settled = True
            elif not item.failure.retryable:
                target = quarantine(path, self.folder.quarantine, code=item.failure.code,
                                    message=item.failure.message, station=self.folder.station,
                                    timezone=self.settings.timezone, relative=relative,
                                    sidecars=moving, copies=copies)
                settled = True
        except OSError:
            log.exception("could not take %s out of the inbox; will retry", relative)
        if settled:
            self.tracker.forget(path)
            self._retry_at.pop(path, None)
        else:
            attempts = self._retry_at.get(path, (0.0, 0))[1] + 1
            delay = min(MAX_RETRY_SECONDS, 2.0 ** attempts)
            self._retry_at[path] = (time.monotonic() + delay, attempts)
            reason = item.failure.code if item.failure else "move"
            log.warning("will retry %s in %.0f s: %s", relative, delay, reason)
        return target

    def run_until_idle(self, timeout: float = 600.0,
                       stop: threading.Event | None = None) -> None:
        """Process what is in the inbox now, waiting for files still being written (until
        ``timeout`` or ``stop``; a file being handled is always finished first)."""
        deadline = time.monotonic() + timeout
        stop = stop or threading.Event()
        while time.monotonic() < deadline and not stop.is_set():
            self.tick()
            if self.tracker.pending() == 0:
                return
            stop.wait(min(self.folder.poll_interval, self.folder.quiet_seconds))

    def run(self, stop: threading.Event) -> None:
        """Watch until ``stop`` is set (set :attr:`wake` too, to stop without waiting)."""
        observer = None if self.folder.polling else self._observe()
        try:
            while not stop.is_set():
                try:
                    self.tick()
                except Exception:  # one bad tick must not leave the station unwatched
                    log.exception("scan of %s failed", self.folder.inbox)
                self.wake.wait(self.folder.poll_interval)
                self.wake.clear()
        finally:
            if observer is not None:
                observer.stop()
                observer.join(timeout=5)

    def _observe(self) -> BaseObserver | None:
        """Start inotify on the (local) inbox; without it, polling alone still finds files.

        A polled inbox is never created: on an unmounted share that would hide the problem.
        """
        self.folder.inbox.mkdir(parents=True, exist_ok=True)
        observer = Observer()
        try:
            observer.schedule(_Wake(self.wake), str(self.folder.inbox), recursive=True)
            observer.start()
        except OSError as exc:  # inotify watch limit reached, and the like
            log.warning("inotify unavailable on %s (%s); polling instead", self.folder.inbox, exc)
            return None
        return observer
