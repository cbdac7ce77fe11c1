"""Page-level progress of a batch, drawn while documents are read."""

from __future__ import annotations

from rich.progress import Progress, TaskID

from pipeline.models import PageText, SourceFile


class ProgressEvents:
    """Pipeline events shown as one bar per document."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self._task: TaskID | None = None

    def started(self, source: SourceFile) -> None:
        if self._task is not None:
            self.progress.remove_task(self._task)
        self._task = self.progress.add_task(source.filename, total=source.page_count)

    def page_done(self, page: PageText) -> None:
        if self._task is not None:
            self.progress.advance(self._task)
