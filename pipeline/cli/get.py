"""``sohoa get``: fetch a stored document's record or one of its files by ID."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli.console import err, print_json
from pipeline.cli.context import settings_from
from pipeline.errors import ExitCode
from pipeline.index import resolve
from pipeline.models import Variant
from pipeline.store import open_store

_FETCHABLE = [v.value for v in Variant]


def get(
    ctx: typer.Context,
    doc_id: Annotated[str, typer.Argument(metavar="ID", help="Mã tài liệu.")],
    variant: Annotated[str, typer.Option(
        "--variant", "-v", help=f"Bản cần lấy: {', '.join(_FETCHABLE)}.")] = "searchable",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Ghi ra tệp này (không ghi đè tệp đã có).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In hồ sơ tài liệu dạng JSON.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Cho phép ghi đè tệp đích.")] = False,
) -> None:
    """Lấy tài liệu đã số hóa theo mã: hồ sơ JSON hoặc một bản (gốc, PDF tìm kiếm, văn bản)."""
    store = open_store(settings_from(ctx))
    record = store.get_record(resolve(store, doc_id, warn=err.print))  # or MÃ-KQ01
    if as_json:
        print_json(record.to_dict())
        return
    if variant not in _FETCHABLE:
        err.print(f"Bản '{variant}' không tồn tại; chọn một trong: {', '.join(_FETCHABLE)}.")
        raise typer.Exit(ExitCode.USAGE)
    artifact = store.artifact(record, Variant(variant))
    if output is not None:
        if output.exists() and not force:
            err.print(f"Tệp {output} đã tồn tại; dùng --force để ghi đè.")
            raise typer.Exit(ExitCode.USAGE)
        store.export(artifact, output)
        err.print(f"Đã ghi {artifact.size} byte vào {output}.")
        return
    if sys.stdout.isatty() and not artifact.media_type.startswith("text/"):
        err.print("Đây là tệp nhị phân; hãy dùng -o TỆP để ghi ra tệp.")
        raise typer.Exit(ExitCode.USAGE)
    with tempfile.TemporaryDirectory(prefix="sohoa-get-") as tmp:
        copy = Path(tmp) / "variant"
        store.export(artifact, copy)  # verified before a single byte is written out
        with copy.open("rb") as src:
            shutil.copyfileobj(src, sys.stdout.buffer)
        sys.stdout.buffer.flush()
