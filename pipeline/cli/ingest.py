"""``sohoa ingest``: process files or folders now and report each document."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.batch import BatchItem, expand, process_many
from pipeline.cli.console import err, print_json, progress_bar
from pipeline.cli.context import settings_from
from pipeline.cli.progress import ProgressEvents
from pipeline.cli.summary import items_table, totals_line
from pipeline.config import Settings
from pipeline.errors import ExitCode, InternalError
from pipeline.process import Pipeline


def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Tệp hoặc thư mục cần số hóa.")],
    station: Annotated[str | None, typer.Option(
        "--station", "-s", help="Tên trạm quét ghi vào hồ sơ.")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="In mỗi tài liệu thành một dòng JSON.")] = False,
) -> None:
    """Số hóa tài liệu: đọc chữ, tạo PDF tìm kiếm được và lưu vào kho."""
    files = expand(paths)
    if not files:
        err.print("Không có tệp nào để xử lý.")
        raise typer.Exit(ExitCode.USAGE)
    items = run_files(settings_from(ctx), files, station, as_json=as_json)
    if not as_json:
        report(items)
    failures = [item.failure for item in items if item.failure is not None]
    if any(f.code == InternalError.code for f in failures):
        raise typer.Exit(ExitCode.INTERNAL)
    if failures:
        raise typer.Exit(ExitCode.BAD_INPUT)


def run_files(settings: Settings, files: list[Path], station: str | None, *,
              as_json: bool = False) -> list[BatchItem]:
    """Process ``files`` with a progress bar; JSON lines are printed as documents finish."""
    items: list[BatchItem] = []
    with Pipeline(settings) as pipeline, progress_bar() as progress:
        for item in process_many(pipeline, files, station, ProgressEvents(progress)):
            items.append(item)
            if as_json:
                for line in item.to_dicts():  # a stack cut at cover sheets: one per part
                    print_json(line)
    return items


def report(items: list[BatchItem]) -> None:
    err.print(items_table(items))
    err.print(totals_line(items, sum(i.seconds for i in items)))
    for item in items:
        if item.failure is not None:
            err.print(f"[red]✗ {item.path}[/]: {item.failure.message}")
