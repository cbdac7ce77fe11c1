"""``sohoa templates``: list and check the document-type templates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pipeline.cli.console import err
from pipeline.cli.context import settings_from
from pipeline.fields.template import load

app = typer.Typer(help="Mẫu loại tài liệu (tệp TOML) dùng để nhận loại và đọc trường.",
                  no_args_is_help=True)


@app.command("check")
def check(
    ctx: typer.Context,
    folders: Annotated[list[Path] | None, typer.Argument(
        help="Thư mục mẫu bổ sung cần kiểm tra (mặc định: theo cấu hình).")] = None,
) -> None:
    """Kiểm tra các mẫu: cú pháp, kiểu trường, biểu thức, trường bắt buộc."""
    settings = settings_from(ctx)
    templates = load(folders or settings.fields.template_paths)
    table = Table(title="Mẫu loại tài liệu hợp lệ")
    for heading in ("Loại", "Tên", "Trường", "Bắt buộc", "Tệp"):
        table.add_column(heading, overflow="fold")
    for name, template in sorted(templates.items()):
        table.add_row(name, template.title, str(len(template.fields)),
                      ", ".join(template.required), template.source.name)
    err.print(table)
    err.print(f"{len(templates)} mẫu hợp lệ.")
