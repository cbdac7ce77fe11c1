"""Shared output helpers: human messages on stderr, machine output on stdout."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from pipeline.errors import SohoaError

#: Tables stay readable when output goes to a log file or CI (Rich assumes 80 columns there).
_PIPED_WIDTH = 150
err = Console(stderr=True, highlight=False,
              width=None if sys.stderr.isatty() else _PIPED_WIDTH)
#: Reports that are the command's answer (verification) go to stdout.
out = Console(highlight=False, width=None if sys.stdout.isatty() else _PIPED_WIDTH)


def print_json(obj: Any) -> None:
    """One compact JSON object per line (JSON Lines), UTF-8, diacritics kept as they are."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def fail(exc: SohoaError) -> None:
    err.print(f"[bold red]Lỗi:[/] {exc.message}")


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("trang"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
