"""``sohoa demo``: the whole pipeline on the bundled samples, with a summary to read."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from pipeline.batch import expand
from pipeline.cli.console import err
from pipeline.cli.context import settings_from
from pipeline.cli.demo_sign import sign_demo
from pipeline.cli.ingest import report, run_files
from pipeline.errors import ExitCode

DOCUMENT_SUFFIXES = (".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png")
#: The bundled samples, found from the source tree so the demo runs from any folder.
BUNDLED_SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "examples"


def demo(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(
        help="Thư mục tài liệu mẫu (mặc định: samples/examples của mã nguồn).")] = BUNDLED_SAMPLES,
    sign: Annotated[bool, typer.Option(
        "--sign/--no-sign", help="Ký số kết quả bằng PKI thử nghiệm.")] = True,
) -> None:
    """Chạy thử toàn bộ quy trình trên các tài liệu mẫu và in bảng tổng hợp."""
    settings = settings_from(ctx)
    files = [f for f in expand([folder]) if f.suffix.lower() in DOCUMENT_SUFFIXES]
    if not files:
        err.print(f"Không tìm thấy tài liệu mẫu trong {folder}.")
        raise typer.Exit(ExitCode.USAGE)
    err.print(f"Số hóa {len(files)} tài liệu mẫu từ {folder} vào kho {settings.store_path} ...")
    started = time.perf_counter()
    items = run_files(settings, files, "demo")
    report(items)
    err.print(f"Tổng thời gian: {time.perf_counter() - started:.1f} giây.")
    ids = [i.record.id for i in items if i.record is not None]
    signed_ok = sign_demo(settings, ids) if ids and sign else True
    if ids:
        err.print("\nLấy lại tài liệu theo mã, ví dụ:")
        err.print(f"  .venv/bin/sohoa get {ids[0]} --json")
        err.print(f"  .venv/bin/sohoa get {ids[0]} --variant searchable -o tai-lieu.pdf")
        if sign:
            err.print(f"  .venv/bin/sohoa get {ids[0]} --variant signed -o da-ky.pdf")
            err.print(f"  .venv/bin/sohoa verify {ids[0]}")
        err.print("Các mã tài liệu:")
        for doc_id in ids:
            typer.echo(doc_id)
    if any(not i.ok for i in items):
        raise typer.Exit(ExitCode.BAD_INPUT)
    if not signed_ok:
        raise typer.Exit(ExitCode.SIGNING)
