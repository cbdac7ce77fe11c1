"""Page-level progress of a batch, drawn while documents are read."""

from __future__ import annotations

import threading

from rich.progress import Progress, TaskID

from pipeline.models import PageText, SourceFile


class ProgressEvents:
    """Pipeline events shown as one bar per document being read."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self._tasks: dict[str, TaskID] = {}
        self._lock = threading.Lock()

    def started(self, source: SourceFile) -> None:
        with self._lock:
            self._tasks[source.sha256] = self.progress.add_task(source.filename,
                                                                total=source.page_count)

    def page_done(self, source: SourceFile, page: PageText) -> None:
        with self._lock:
            task = self._tasks.get(source.sha256)
            if task is None:
                return
            self.progress.advance(task)
            if self.progress.tasks[self.progress.task_ids.index(task)].finished:
                self.progress.remove_task(task)
                del self._tasks[source.sha256]
