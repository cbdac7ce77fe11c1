"""``sohoa store``: rebuild the index from the bucket, list and fetch a document's versions."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.cli.console import err, out, print_json
from pipeline.cli.context import settings_from
from pipeline.errors import ExitCode, NotFound, StoreError
from pipeline.index import resolve, stored_revocations
from pipeline.models import Artifact, DocumentRecord, Variant
from pipeline.store import open_store

app = typer.Typer(help="Kho dữ liệu: chỉ mục và các phiên bản tài liệu.", no_args_is_help=True)

ROLE_LABELS = {"official": "người có thẩm quyền ký", "seal": "đóng dấu (ký số cơ quan)",
               "copy": "sao y bản điện tử"}


@app.command("reindex")
def reindex(ctx: typer.Context) -> None:
    """Lập lại toàn bộ chỉ mục từ kho (hồ sơ tài liệu và các quyết định thu hồi)."""
    store = open_store(settings_from(ctx))
    index = store.index
    if index is None:  # pragma: no cover - open_store always wires one
        raise StoreError("Chưa cấu hình chỉ mục (index.url).")
    started = time.monotonic()
    total = sum(1 for k in store.objects.list("documents/") if k.endswith("/record.json"))
    revoked = list(stored_revocations(store))
    progress = Progress(TextColumn("Lập chỉ mục"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("tài liệu"), TimeElapsedColumn(), console=err,
                        transient=True, disable=not err.is_terminal)
    with progress:
        task = progress.add_task("reindex", total=total)
        count = index.rebuild(store.records(), revoked,
                              lambda n: progress.advance(task, n))
    err.print(f"Đã lập lại chỉ mục {index.describe()}: {count} tài liệu, {len(revoked)} kết "
              f"quả bị thu hồi, trong {time.monotonic() - started:.1f} giây.")


def versions_of(record: DocumentRecord) -> list[dict[str, Any]]:
    """The original, the searchable copy and each signed version, oldest first."""
    found: list[dict[str, Any]] = []
    for variant in (Variant.ORIGINAL, Variant.SEARCHABLE):
        art = record.artifacts.get(variant.value)
        if art is not None:
            found.append({"version": variant.value, "key": art.key, "sha256": art.sha256,
                          "size": art.size, "media_type": art.media_type})
    for n, sig in enumerate(record.signatures, 1):
        found.append({"version": f"signed-{n:02d}", "key": sig.key, "sha256": sig.sha256,
                      "size": sig.size, "media_type": "application/pdf", "role": sig.role,
                      "profile": sig.profile, "level": sig.level, "signer": sig.signer,
                      "signed_at": sig.signed_at})
    return found


@app.command("versions")
def versions(
    ctx: typer.Context,
    doc_id: Annotated[str, typer.Argument(metavar="ID", help="Mã tài liệu hoặc tên kết quả.")],
    as_json: Annotated[bool, typer.Option("--json", help="In dạng JSON.")] = False,
) -> None:
    """Các phiên bản của tài liệu: bản gốc, bản tìm kiếm được, mỗi lần ký một bản mới."""
    store = open_store(settings_from(ctx))
    record = store.get_record(resolve(store, doc_id, warn=err.print))
    found = versions_of(record)
    if as_json:
        print_json({"id": record.id, "versions": found})
        return
    table = Table(title=f"Phiên bản của {record.id}")
    for heading in ("Phiên bản", "Khóa lưu trữ", "Byte", "Ký bởi", "Thời điểm ký"):
        table.add_column(heading, overflow="fold")
    for v in found:
        who = f"{v['signer']} ({ROLE_LABELS.get(v['role'], v['role'])})" if "role" in v else "—"
        table.add_row(v["version"], v["key"], str(v["size"]), who, v.get("signed_at", "—"))
    out.print(table)
    err.print(f"Lấy một phiên bản: sohoa store get {record.id} PHIÊN_BẢN -o TỆP")


@app.command("get")
def get_version(
    ctx: typer.Context,
    doc_id: Annotated[str, typer.Argument(metavar="ID", help="Mã tài liệu hoặc tên kết quả.")],
    version: Annotated[str, typer.Argument(
        metavar="PHIEN_BAN", help="original, searchable, signed-01, signed-02…")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Ghi ra tệp này.")],
    force: Annotated[bool, typer.Option("--force", help="Cho phép ghi đè tệp đích.")] = False,
) -> None:
    """Lấy đúng một phiên bản (đã kiểm tra mã băm) của tài liệu."""
    store = open_store(settings_from(ctx))
    record = store.get_record(resolve(store, doc_id, warn=err.print))
    chosen = next((v for v in versions_of(record) if v["version"] == version), None)
    if chosen is None:
        names = ", ".join(v["version"] for v in versions_of(record))
        raise NotFound(f"Tài liệu {record.id} không có phiên bản '{version}'. Có: {names}.")
    if output.exists() and not force:
        err.print(f"Tệp {output} đã tồn tại; dùng --force để ghi đè.")
        raise typer.Exit(ExitCode.USAGE)
    store.export(Artifact(chosen["key"], chosen["sha256"], chosen["size"],
                          chosen["media_type"]), output)
    err.print(f"Đã ghi phiên bản {version} ({chosen['size']} byte) vào {output}.")
