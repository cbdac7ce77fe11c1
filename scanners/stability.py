"""Decide when a file in an inbox is completely written.

Scanners and network copies write files over seconds and sometimes rewrite them; a file is
taken only after its size and modification time stayed the same for a quiet period.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float


class StabilityTracker:
    def __init__(self, quiet_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.quiet_seconds = quiet_seconds
        self.clock = clock
        self._seen: dict[Path, _Seen] = {}

    def observe(self, paths: Iterable[Path]) -> None:
        """Record the current state of ``paths``; files that vanished are forgotten."""
        now = self.clock()
        present: set[Path] = set()
        for path in paths:
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            present.add(path)
            seen = self._seen.get(path)
            if seen is None or (seen.size, seen.mtime_ns) != (st.st_size, st.st_mtime_ns):
                self._seen[path] = _Seen(st.st_size, st.st_mtime_ns, now)
        for gone in set(self._seen) - present:
            del self._seen[gone]

    def ready(self) -> list[Path]:
        """Files unchanged for the quiet period, oldest first."""
        now = self.clock()
        quiet = self.quiet_seconds
        stable = [(s.since, p) for p, s in self._seen.items() if now - s.since >= quiet]
        return [p for _, p in sorted(stable)]

    def unchanged(self, path: Path) -> bool:
        """Whether ``path`` is still as last observed; if not, its quiet period starts again.

        Checked right before a file is taken, since handling the files before it may have
        taken longer than the quiet period.
        """
        seen = self._seen.get(path)
        try:
            st = path.stat()
        except FileNotFoundError:
            self._seen.pop(path, None)
            return False
        if seen is not None and (seen.size, seen.mtime_ns) == (st.st_size, st.st_mtime_ns):
            return True
        self._seen[path] = _Seen(st.st_size, st.st_mtime_ns, self.clock())
        return False

    def is_stable(self, path: Path) -> bool:
        """Whether ``path`` was observed and stayed unchanged for the quiet period."""
        seen = self._seen.get(path)
        return seen is not None and self.clock() - seen.since >= self.quiet_seconds

    def pending(self) -> int:
        return len(self._seen)

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)
